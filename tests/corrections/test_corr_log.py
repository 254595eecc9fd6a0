"""The log file: strict reading, append-only crash-safe writing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from serge_corpus.corrections.log import append_ops, read_log, read_logs
from serge_corpus.corrections.ops import make_op
from serge_corpus.errors import SergeCorpusError


def test_reads_every_op_in_order_with_its_origin(fixtures: Path) -> None:
    ops = read_log(fixtures / "log.jsonl")
    assert [op.id for op in ops] == [f"op-0{i}" for i in range(1, 9)]
    assert [op.origin.line for op in ops if op.origin] == list(range(1, 9))
    assert ops[1].comment == "part of a date, not a person"


def test_every_malformed_line_is_reported_with_file_and_line(fixtures: Path) -> None:
    path = fixtures / "broken_log.jsonl"
    with pytest.raises(SergeCorpusError) as err:
        read_log(path)
    found = [(p.line, p.code, p.field) for p in err.value.problems]
    assert found == [
        (2, "E181", "op"),
        (3, "E010", None),
        (4, "E182", "target"),
        (5, "E185", "timestamp"),
        (6, "E184", "label"),
        (7, "E043", "date.value"),
        (8, "E180", None),
        (9, "E186", "id"),
    ]
    assert all(p.file == str(path) for p in err.value.problems)
    assert str(err.value).startswith(f"{path}:2: record toy:0000: field op: E181")


def test_missing_log_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SergeCorpusError) as err:
        read_log(tmp_path / "none.jsonl")
    assert err.value.problems[0].code == "E001"


def test_read_logs_reports_problems_of_all_files(fixtures: Path) -> None:
    with pytest.raises(SergeCorpusError) as err:
        read_logs([fixtures / "broken_log.jsonl", fixtures / "torn_log.jsonl"])
    files = {p.file for p in err.value.problems}
    assert files == {str(fixtures / "broken_log.jsonl"), str(fixtures / "torn_log.jsonl")}


def test_append_keeps_earlier_bytes_and_reads_back(tmp_path: Path, fixtures: Path) -> None:
    log = tmp_path / "log.jsonl"
    shutil.copy(fixtures / "log.jsonl", log)
    before = log.read_bytes()
    new = [
        make_op("mark_reviewed", "toy:0001", "bob", reviewed=True),
        make_op("mark_reviewed", "toy:0000", "bob", reviewed=False),
    ]
    append_ops(log, new)
    after = log.read_bytes()
    assert after.startswith(before)
    assert after.count(b"\n") == before.count(b"\n") + 2
    assert read_log(log)[-2:] == new


def test_append_creates_the_log(tmp_path: Path) -> None:
    log = tmp_path / "new" / "log.jsonl"
    op = make_op("mark_reviewed", "toy:0001", "bob", reviewed=True)
    append_ops(log, [op])
    assert read_log(log) == [op]


def test_append_refuses_a_log_with_a_torn_last_line(tmp_path: Path, fixtures: Path) -> None:
    log = tmp_path / "torn.jsonl"
    shutil.copy(fixtures / "torn_log.jsonl", log)
    before = log.read_bytes()
    with pytest.raises(SergeCorpusError) as err:
        append_ops(log, [make_op("mark_reviewed", "toy:0001", "bob", reviewed=True)])
    assert (err.value.problems[0].code, err.value.problems[0].line) == ("E187", 2)
    assert log.read_bytes() == before


def test_reading_a_torn_log_names_the_line_as_torn(fixtures: Path) -> None:
    with pytest.raises(SergeCorpusError) as err:
        read_log(fixtures / "torn_log.jsonl")
    assert [(p.code, p.line) for p in err.value.problems] == [("E187", 2)]
