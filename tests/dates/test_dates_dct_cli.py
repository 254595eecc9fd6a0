"""`--dct` on the `dates` and `annotate` commands, and `annotate(dct=)` (news mode, D158)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from serge_corpus.annotate import annotate
from serge_corpus.cli import app
from serge_corpus.jsonl import read_records, validate_file

runner = CliRunner()
NEWS = "Talks broke down yesterday. The minister will return on Tuesday, and the vote is due next month.\n"


def test_dates_command_with_dct() -> None:
    result = runner.invoke(app, ["dates", NEWS, "--dct", "2013-03-15"])
    assert result.exit_code == 0, result.output
    values = {d["text"]: d["date"]["value"] for d in json.loads(result.output)}
    assert values == {"yesterday": "2013-03-14", "Tuesday": "2013-03-19", "next month": "2013-04"}


def test_bad_dct_exits_1_with_the_fix() -> None:
    result = runner.invoke(app, ["dates", NEWS, "--dct", "March 2013"])
    assert result.exit_code == 1
    assert "E400" in result.output and "--dct" in result.output


def test_annotate_command_with_dct_writes_valid_records(tmp_path: Path) -> None:
    source = tmp_path / "wire.txt"
    source.write_text("Wire report\n\n" + NEWS, encoding="utf-8")
    out = tmp_path / "wire.jsonl"
    result = runner.invoke(app, ["annotate", str(source), "-o", str(out), "--ner", "rules", "--dct", "2013-03-15"])
    assert result.exit_code == 0, result.output
    dates = {s.text: s.date.value for b in read_records(out) for s in b.spans if s.label == "DATE"}
    assert dates["yesterday"] == "2013-03-14" and dates["next month"] == "2013-04"
    assert validate_file(out) == []


def test_annotate_function_passes_dct_to_the_date_pass(tmp_path: Path) -> None:
    source = tmp_path / "wire.txt"
    source.write_text("Wire report\n\n" + NEWS, encoding="utf-8")
    without = {s.text: s.date.value for b in annotate(source, ner="rules").blocks for s in b.spans if s.date}
    news = annotate(source, ner="rules", dct="2013-03-15").blocks
    with_dct = {s.text: s.date.value for b in news for s in b.spans if s.date}
    assert without["yesterday"] is None and with_dct["yesterday"] == "2013-03-14"
