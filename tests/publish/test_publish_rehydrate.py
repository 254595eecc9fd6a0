"""`rehydrate`: the owner's copy of the text gives back the gold exactly; any other text is refused."""

from __future__ import annotations

import pytest
from builders import ESSAY
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.corpus import sha256_text
from serge_corpus.errors import SergeCorpusError
from serge_corpus.publish import rehydrate

runner = CliRunner()


def test_rehydrated_records_are_the_gold_byte_for_byte(released, tmp_path):
    project, release = released
    owned = tmp_path / "my-copy.txt"
    owned.write_text(ESSAY, encoding="utf-8")
    result = runner.invoke(app, ["rehydrate", str(release), "--source", str(owned), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name in ("essay", "wiki", "train", "test"):
        assert (tmp_path / "out" / f"{name}.jsonl").read_bytes() == (project.gold / f"{name}.jsonl").read_bytes()


def test_a_folder_of_sources_is_searched_by_hash(released, tmp_path):
    project, release = released
    rehydrate(release, [project.corpus], tmp_path / "out")
    assert (tmp_path / "out" / "train.jsonl").read_bytes() == (project.gold / "train.jsonl").read_bytes()


def test_a_different_text_is_refused_naming_the_expected_hash(released, tmp_path):
    _, release = released
    edited = tmp_path / "edited.txt"
    edited.write_text(ESSAY.replace("1948", "1949"), encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        rehydrate(release, [edited], tmp_path / "out")
    problem = err.value.problems[0]
    assert problem.code == "E507"
    assert sha256_text(ESSAY) in str(problem) and sha256_text(ESSAY.replace("1948", "1949")) in str(problem)
    assert not (tmp_path / "out").exists()


def test_no_source_at_all_is_refused(released, tmp_path):
    _, release = released
    (tmp_path / "empty").mkdir()
    result = runner.invoke(
        app, ["rehydrate", str(release), "--source", str(tmp_path / "empty"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "E508" in result.output and sha256_text(ESSAY) in result.output
