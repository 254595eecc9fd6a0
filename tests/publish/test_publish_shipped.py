"""The shipped gold publishes without leaking the afterword, and rehydrates to itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from serge_corpus.publish import check_release, publish, rehydrate

ROOT = Path(__file__).parents[2]


@pytest.mark.slow
def test_shipped_gold_round_trips_through_a_release(tmp_path):
    recipe = json.loads((ROOT / "annotations" / "gold.json").read_text(encoding="utf-8"))
    # The recipe names its version once it is multi-document; before that the test gives one.
    version = None if "version" in recipe else "0.0.0-test"
    options = {
        "recipe": ROOT / "annotations" / "gold.json",
        "gold_dir": ROOT / "annotations" / "gold",
        "corpus": ROOT / "corpus",
    }
    result = publish(tmp_path / "release", version=version, **options)
    assert "serge-afterword" in result.standoff
    check_release(tmp_path / "release", ROOT / "corpus")
    rehydrate(tmp_path / "release", [ROOT / "corpus"], tmp_path / "gold")
    written = sorted(p.name for p in (tmp_path / "gold").iterdir())
    assert written
    for name in written:
        assert (tmp_path / "gold" / name).read_bytes() == (ROOT / "annotations" / "gold" / name).read_bytes(), name
