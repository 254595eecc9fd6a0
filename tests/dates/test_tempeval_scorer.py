"""The project's TE3 Task A scorer agrees with the shared reference scorer (score_timex.py) on WikiWars files."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from serge_corpus.dates import find_dates
from serge_corpus.dates.timex3 import Timex3, span_timex3
from serge_corpus.evaluate.tempeval import match_timexes, tempeval_scores

SHARED = Path("/work/shared/benchmarks")
REFERENCE = SHARED / "score_timex.py"
WIKIWARS = SHARED / "wikiwars" / "wikiwars_timex3.jsonl"


def test_matching_is_one_to_one_first_overlap() -> None:
    gold = [Timex3(0, 10, "DATE", "1917"), Timex3(12, 20, "DATE", "1918")]
    system = [Timex3(5, 15, "DATE", "1917"), Timex3(14, 18, "DATE", "1918")]
    assert match_timexes(gold, system) == [(0, 0), (1, 1)]
    scores = tempeval_scores([(gold, system)])
    assert scores["relaxed"]["f1"] == 1.0 and scores["strict_matches"] == 0 and scores["value_f1"] == 1.0


@pytest.mark.skipif(not (REFERENCE.is_file() and WIKIWARS.is_file()), reason="shared benchmarks not present")
def test_agrees_with_the_reference_scorer(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("score_timex", REFERENCE)
    assert spec is not None and spec.loader is not None
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    records = [json.loads(line) for line in WIKIWARS.read_text(encoding="utf-8").splitlines()[:3]]
    gold_recs, sys_recs, pairs = {}, {}, []
    for r in records:
        gold = [Timex3(s["start"], s["end"], s["timex"]["type"], s["timex"]["value"]) for s in r["spans"] + r["times"]]
        system = [t for s in find_dates(r["text"]) for t in span_timex3(s)]
        pairs.append((gold, system))
        gold_recs[r["id"]] = r
        sys_recs[r["id"]] = {
            "id": r["id"],
            "text": r["text"],
            "spans": [{"start": t.start, "end": t.end, "timex": {"type": t.type, "value": t.value}} for t in system],
        }
    expected = reference.score(gold_recs, sys_recs)
    ours = tempeval_scores(pairs)
    for key in ("gold", "system", "strict_matches", "relaxed_matches"):
        assert ours[key] == expected[key]
    for key in ("value_f1", "type_f1", "value_accuracy"):
        assert ours[key] == pytest.approx(expected[key])
    for kind in ("strict", "relaxed"):
        for part in ("p", "r", "f1"):
            assert ours[kind][part] == pytest.approx(expected[kind][part])  # type: ignore[literal-required]
