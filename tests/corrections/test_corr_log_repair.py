"""A log whose last line a crash cut short: E187 (not E010), and `log repair` cuts only that line."""

import json

import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.corrections.log import read_log
from serge_corpus.errors import SergeCorpusError

runner = CliRunner()
OP = {
    "id": "a1",
    "op": "mark_reviewed",
    "record": "d:0000",
    "annotator": "x",
    "timestamp": "2026-01-01T00:00:00Z",
    "reviewed": True,
}


def _torn_log(tmp_path):
    log = tmp_path / "log.jsonl"
    whole = json.dumps(OP) + "\n"
    log.write_text(whole + json.dumps({**OP, "id": "a2"})[:30], encoding="utf-8")
    return log, whole


def test_a_torn_last_line_is_reported_as_e187(tmp_path):
    log, _ = _torn_log(tmp_path)
    with pytest.raises(SergeCorpusError) as err:
        read_log(log)
    assert [(p.code, p.line) for p in err.value.problems] == [("E187", 2)]


def test_bad_json_in_the_middle_is_still_e010(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text("{bad\n" + json.dumps(OP) + "\n", encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        read_log(log)
    assert [p.code for p in err.value.problems] == ["E010"]


def test_log_repair_cuts_only_the_torn_line_and_keeps_a_backup(tmp_path):
    log, whole = _torn_log(tmp_path)
    before = log.read_bytes()
    result = runner.invoke(app, ["log", "repair", str(log)])
    assert result.exit_code == 0, result.output
    assert "removed the torn line" in result.output
    assert log.read_text(encoding="utf-8") == whole
    assert (tmp_path / "log.jsonl.bak").read_bytes() == before
    assert [op.id for op in read_log(log)] == ["a1"]


def test_log_repair_leaves_a_complete_log_alone(tmp_path):
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps(OP) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["log", "repair", str(log)])
    assert result.exit_code == 0
    assert "nothing to repair" in result.output
    assert not (tmp_path / "log.jsonl.bak").exists()
