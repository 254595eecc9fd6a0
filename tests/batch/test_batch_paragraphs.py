"""`--paragraphs` reaches every document of a batch, as it reaches one file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from serge_corpus.annotate import annotate
from serge_corpus.cli import app
from serge_corpus.corpus import document_from_path
from serge_corpus.jsonl import read_records
from serge_corpus.segment import segment

LINES = "Victor Serge arrived in Paris on 1 May 1925.\nHe wrote for Clarté in the spring of 1926.\n"
runner = CliRunner()


def records(path: Path) -> list[dict]:
    return [b.to_dict() | {"meta": {k: v for k, v in b.meta.items() if k != "settings"}} for b in read_records(path)]


def test_segment_and_annotate_batches_cut_paragraphs_as_asked(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b"):
        (folder / f"{name}.txt").write_text(LINES, encoding="utf-8")
    one = folder / "a.txt"
    by_blank = segment(one, paragraphs="blank-line")  # auto takes these short lines for paragraphs
    assert len(by_blank) == 1 and len(segment(one)) == 2  # the option makes a difference: a real comparison

    result = runner.invoke(app, ["segment", str(folder), "-o", str(tmp_path / "s"), "--paragraphs", "blank-line"])
    assert result.exit_code == 0, result.output
    assert records(tmp_path / "s" / "a.jsonl") == [b.to_dict() for b in by_blank]

    args = ["annotate", str(folder), "-o", str(tmp_path / "a"), "--ner", "rules", "--paragraphs", "blank-line"]
    assert runner.invoke(app, args).exit_code == 0
    alone = annotate(document_from_path(one), ner="rules", paragraphs="blank-line").blocks
    assert len(alone) == 1 and records(tmp_path / "a" / "a.jsonl") == [b.to_dict() for b in alone]

    # Another mode redoes the documents (it is part of the settings); a wrong one is refused before any runs.
    result = runner.invoke(app, ["segment", str(folder), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0 and len(read_records(tmp_path / "s" / "a.jsonl")) == 2
    result = runner.invoke(app, ["segment", str(folder), "-o", str(tmp_path / "x"), "--paragraphs", "lines"])
    assert result.exit_code != 0 and "E300" in result.output and not (tmp_path / "x").exists()


def test_a_batch_warns_of_an_oversized_block_as_segment_file_does(tmp_path):
    from serge_corpus.segment import oversized_blocks

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "short.txt").write_text(LINES, encoding="utf-8")
    huge = folder / "huge.txt"
    huge.write_text(" ".join(["Serge wrote in Paris."] * 1600) + "\n", encoding="utf-8")  # one 6,400-word paragraph
    expected = oversized_blocks(segment(huge))
    assert len(expected) == 1 and "6,400 words" in expected[0]

    result = runner.invoke(app, ["segment", str(folder), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if line.startswith("warning:")] == [
        f"warning: {huge}: {expected[0]}"
    ]
    summary = json.loads((tmp_path / "s" / "run-summary.json").read_text())
    assert summary["warnings"] == [{"doc_id": "huge", "origin": str(huge), "warning": expected[0]}]
