"""`annotate`: any text in, valid pre-annotation records out, dates normalised."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from serge_corpus.annotate import annotate, report_markdown
from serge_corpus.cli import app
from serge_corpus.corpus import corpus_sources, load_corpus
from serge_corpus.jsonl import read_records, validate_file

ROOT = Path(__file__).parents[2]
ESSAY = ROOT / "tests" / "fixtures" / "foundation" / "essay_other.txt"
runner = CliRunner()


@pytest.fixture(autouse=True)
def in_project(monkeypatch):
    monkeypatch.chdir(ROOT)  # the rules backend reads annotations/patterns.jsonl


@pytest.fixture(scope="module")
def afterword_spacy():
    return annotate(load_corpus(ROOT / "corpus").load("serge-afterword"), ner="spacy")


def test_afterword_with_spacy_gives_valid_records_with_dates(afterword_spacy, tmp_path):
    from serge_corpus.jsonl import write_records

    out = tmp_path / "pre.jsonl"
    write_records(out, afterword_spacy.blocks)
    assert validate_file(out, corpus_sources(ROOT / "corpus")) == []
    dates = [s for b in afterword_spacy.blocks for s in b.spans if s.label == "DATE"]
    assert len(dates) > 50 and all(s.date is not None for s in dates)
    anchored = [s for s in dates if s.date.anchor]
    assert anchored, "relative dates carry the anchor they were resolved from"
    assert {b.meta["status"] for b in afterword_spacy.blocks} == {"pre"}
    assert all(not b.spans for b in afterword_spacy.blocks if b.block == "boilerplate")


def test_report_lists_counts_per_backend_and_every_date(afterword_spacy):
    report = report_markdown("serge-afterword", [afterword_spacy])
    dates = sum(1 for b in afterword_spacy.blocks for s in b.spans if s.label == "DATE")
    assert "| label | spacy |" in report
    assert f"| DATE | {dates} |" in report
    assert report.count("\n| serge-afterword:") == dates


def test_cli_annotates_a_users_own_file_deterministically(tmp_path):
    source = tmp_path / "my_essay.txt"
    shutil.copy(ESSAY, source)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (first, second):
        result = runner.invoke(app, ["annotate", str(source), "-o", str(out), "--ner", "rules"])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    blocks = read_records(first)
    assert blocks[0].doc_id == "my_essay"
    birth = next(s for b in blocks for s in b.spans if s.text == "4 May 1899")
    assert birth.date.value == "1899-05-04"


def test_cli_annotates_a_folder_and_a_segments_file(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(ESSAY, folder / "one.txt")
    shutil.copy(ESSAY, folder / "two.txt")
    result = runner.invoke(app, ["annotate", str(folder), "-o", str(tmp_path / "out"), "--ner", "rules"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.jsonl")) == ["one.jsonl", "two.jsonl"]
    segments = tmp_path / "seg.jsonl"
    runner.invoke(app, ["segment", str(folder / "one.txt"), "-o", str(segments)])
    result = runner.invoke(app, ["annotate", str(segments), "-o", str(tmp_path / "from_seg.jsonl"), "--ner", "rules"])
    assert result.exit_code == 0, result.output
    assert [b.spans for b in read_records(tmp_path / "from_seg.jsonl")] == [
        b.spans for b in read_records(tmp_path / "out" / "one.jsonl")
    ]


def test_unknown_backend_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["annotate", str(ESSAY), "-o", str(tmp_path / "x.jsonl"), "--ner", "magic"])
    assert result.exit_code == 1
    assert "magic" in result.output
