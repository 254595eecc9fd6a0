"""The `segment` and `validate` commands: output, messages and exit codes."""

import json
from pathlib import Path

from typer.testing import CliRunner

from serge_corpus.cli import app

ROOT = Path(__file__).parents[2]
runner = CliRunner()


def test_segment_then_validate(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "seg.jsonl"
    result = runner.invoke(app, ["segment", "corpus/serge-afterword.txt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "52 blocks" in result.output
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0 and "valid" in result.output


def test_validate_rejects_a_corrupted_file_with_location(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "seg.jsonl"
    runner.invoke(app, ["segment", "corpus/serge-afterword.txt", "-o", str(out)])
    lines = out.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[4])
    record["text"] = record["text"].replace("Bolsheviks", "Bolcheviks")
    lines[4] = json.dumps(record, ensure_ascii=False)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 1
    assert f"{out}:5: record serge-afterword:0004: field text: E021" in result.output


def test_segment_missing_file_exits_non_zero(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["segment", "nope.txt", "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1
    assert "nope.txt: E001 file not found" in result.output


def test_validate_recognises_correction_logs_and_patterns(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(
        app, ["validate", "annotations/corrections/adjudication.jsonl", "annotations/patterns.jsonl"]
    )
    assert result.exit_code == 0, result.output
    bad_log = tmp_path / "log.jsonl"
    bad_log.write_text('{"op": "relabel", "record": "d:1"}\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad_log)])
    assert result.exit_code == 1
    assert f"{bad_log}:1: record d:1: field annotator: E182" in result.output
    bad_patterns = tmp_path / "patterns.jsonl"
    bad_patterns.write_text('{"label": "PER", "pattern": "Lenin"}\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad_patterns)])
    assert result.exit_code == 1
    assert f"{bad_patterns}:1" in result.output
