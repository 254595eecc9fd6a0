"""The corrections commands: correct apply, diff, merge."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.corrections.log import read_log
from serge_corpus.jsonl import read_records

runner = CliRunner()


def run(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_correct_apply_writes_and_keeps_a_backup(tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, stdout, _ = run("correct", "apply", fixtures / "pre.jsonl", fixtures / "log.jsonl", "-o", out)
    assert code == 0
    assert stdout.splitlines()[0] == "applied 8, redundant 0, skipped 0"
    first = out.read_bytes()
    assert read_records(out)[0].meta["reviewed"] is True
    code, stdout, _ = run("correct", "apply", fixtures / "pre_v2.jsonl", fixtures / "log.jsonl", "-o", out)
    assert code == 0
    assert (tmp_path / "out.jsonl.bak").read_bytes() == first
    lines = stdout.splitlines()
    assert lines[0] == "applied 3, redundant 3, skipped 2"
    assert lines[1].startswith(f"  skipped: {fixtures / 'log.jsonl'}:2: op op-02 ")
    assert "target span not found" in lines[1]
    assert sum(line.startswith("  redundant: ") for line in lines) == 3


def test_correct_apply_strict_fails_and_writes_nothing(tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, stderr = run("correct", "apply", fixtures / "pre_v2.jsonl", fixtures / "log.jsonl", "-o", out, "--strict")
    assert code == 1 and not out.exists()
    errors = stderr.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"{fixtures / 'log.jsonl'}:2: record toy:0000: E188")
    code, _, _ = run("correct", "apply", fixtures / "pre.jsonl", fixtures / "log.jsonl", "-o", out, "--strict")
    assert code == 0 and out.exists()


def test_correct_apply_reports_a_broken_log(tmp_path: Path, fixtures: Path) -> None:
    code, _, stderr = run(
        "correct", "apply", fixtures / "pre.jsonl", fixtures / "broken_log.jsonl", "-o", tmp_path / "o.jsonl"
    )
    assert code == 1
    assert len(stderr.splitlines()) == 8
    assert f"{fixtures / 'broken_log.jsonl'}:5: record toy:0000: field timestamp: E185" in stderr


def test_correct_apply_refuses_to_overwrite_its_input(tmp_path: Path, fixtures: Path) -> None:
    pre = tmp_path / "pre.jsonl"
    shutil.copy(fixtures / "pre.jsonl", pre)
    code, _, stderr = run("correct", "apply", pre, fixtures / "log.jsonl", "-o", pre)
    assert code == 1 and "E194" in stderr
    assert pre.read_bytes() == (fixtures / "pre.jsonl").read_bytes()


def test_diff_text_json_and_as_log(tmp_path: Path, fixtures: Path) -> None:
    corrected = tmp_path / "corrected.jsonl"
    run("correct", "apply", fixtures / "pre.jsonl", fixtures / "log.jsonl", "-o", corrected)
    code, text, _ = run("diff", fixtures / "pre.jsonl", corrected)
    assert code == 0
    assert text.splitlines()[0] == "toy:0000 (body, section 1)"
    assert "[Victor Serge] was born" in text
    code, raw, _ = run("diff", fixtures / "pre.jsonl", corrected, "--json")
    data = json.loads(raw)
    assert data["summary"] == {
        "added": 3,
        "removed": 1,
        "relabelled": 1,
        "rebounded": 1,
        "date_changed": 1,
        "reviewed": 1,
    }
    assert len(data["changes"]) == 8
    log = tmp_path / "diff-log.jsonl"
    code, _, _ = run("diff", fixtures / "pre.jsonl", corrected, "--as-log", log, "--annotator", "diff-bot")
    assert code == 0 and {op.annotator for op in read_log(log)} == {"diff-bot"}
    again = tmp_path / "again.jsonl"
    code, stdout, _ = run("correct", "apply", fixtures / "pre.jsonl", log, "-o", again, "--strict")
    assert code == 0
    code, text, _ = run("diff", again, corrected)
    assert text.strip() == "no differences"


def test_diff_as_log_needs_an_annotator(tmp_path: Path, fixtures: Path) -> None:
    code, _, stderr = run("diff", fixtures / "pre.jsonl", fixtures / "pre_v2.jsonl", "--as-log", tmp_path / "l.jsonl")
    assert code == 1 and "E182" in stderr and "annotator" in stderr


def test_merge_writes_conflicts(tmp_path: Path, fixtures: Path) -> None:
    out = tmp_path / "merged.jsonl"
    code, stdout, _ = run("merge", fixtures / "pre.jsonl", fixtures / "pre_v2.jsonl", "-o", out, "--names", "v1,v2")
    assert code == 0
    merged = read_records(out)
    assert merged[0].meta["merged_from"] == ["v1", "v2"]
    total = sum(len(b.meta["conflicts"]) for b in merged)
    assert f"conflicts {total}" in stdout.splitlines()[1]
    code, _, stderr = run("merge", fixtures / "pre.jsonl", fixtures / "log.jsonl", "-o", out)
    assert code == 1


def test_serve_refuses_files_outside_its_root(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    code, _, stderr = run("serve", fixtures / "pre.jsonl", "--log", root / "log.jsonl", "--root", root, "--port", "0")
    assert code == 1 and "E190" in stderr and "annotation file" in stderr
    assert not (root / "log.jsonl").exists()


def test_diff_of_files_with_other_records_names_the_file(tmp_path: Path, fixtures: Path) -> None:
    fewer = tmp_path / "fewer.jsonl"
    fewer.write_text("".join((fixtures / "pre.jsonl").read_text().splitlines(keepends=True)[:2]))
    code, _, stderr = run("diff", fixtures / "pre.jsonl", fewer)
    assert code == 1
    assert (
        stderr.strip()
        == f"{fixtures / 'pre.jsonl'}: record toy:0002: E189 the inputs do not hold the same records (only in the first input); compare/merge annotations of the same blocks (same ids and text)"
    )
    code, _, stderr = run("merge", fixtures / "pre.jsonl", fewer, "-o", tmp_path / "m.jsonl")
    assert code == 1 and stderr.startswith(f"{fewer}: record toy:0002: E189")
