"""No command may write its output over one of its inputs (E194), and the input stays byte-identical."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app

ROOT = Path(__file__).parents[2]
runner = CliRunner()
ESSAY = "Victor Serge was born in Brussels in 1890.\n\nHe died in Mexico City in 1947.\n"


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v.txt").write_text(ESSAY, encoding="utf-8")
    assert runner.invoke(app, ["segment", "v.txt", "-o", "seg.jsonl"]).exit_code == 0
    return tmp_path


def _refused(args: list[str], victim: Path) -> None:
    before = victim.read_bytes()
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "E194" in result.output
    assert victim.read_bytes() == before


def test_segment_refuses_its_source(files):
    _refused(["segment", "v.txt", "-o", "v.txt"], files / "v.txt")


def test_segment_refuses_the_same_file_by_another_path(files):
    _refused(["segment", "v.txt", "-o", str(files / "." / "v.txt")], files / "v.txt")


def test_annotate_refuses_its_source(files):
    _refused(["annotate", "v.txt", "-o", "v.txt", "--ner", "rules"], files / "v.txt")


def test_export_refuses_its_records(files):
    _refused(["export", "seg.jsonl", "--to", "prodigy", "-o", "seg.jsonl"], files / "seg.jsonl")


def test_import_refuses_its_file(files):
    assert runner.invoke(app, ["export", "seg.jsonl", "--to", "conll", "-o", "f.conll"]).exit_code == 0
    _refused(["import", "f.conll", "--from", "conll", "-o", "f.conll", "--source", "v.txt"], files / "f.conll")


def test_from_mentions_refuses_its_segments(files):
    (files / "m.json").write_text('{"v:0000": []}', encoding="utf-8")
    _refused(["from-mentions", "seg.jsonl", "m.json", "-o", "seg.jsonl"], files / "seg.jsonl")


def test_agree_report_refuses_an_input(files):
    _refused(["agree", "seg.jsonl", "seg.jsonl", "--report", "seg.jsonl"], files / "seg.jsonl")


def test_a_folder_where_a_file_is_expected_says_it_is_a_folder(files):
    from serge_corpus.corpus import read_source_text
    from serge_corpus.errors import SergeCorpusError

    with pytest.raises(SergeCorpusError) as err:
        read_source_text(files)
    assert [p.code for p in err.value.problems] == ["E625"]


def test_annotate_of_a_folder_without_text_files_is_an_error(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(folder), "-o", str(tmp_path / "out"), "--ner", "rules"])
    assert result.exit_code == 1
    assert "E626 folder holds no text files" in result.output


def test_annotate_of_a_folder_reads_upper_case_suffixes(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "CURIE.TXT").write_text("Marie Curie was born in Warsaw in 1867.\n", encoding="utf-8")
    result = runner.invoke(app, ["annotate", str(folder), "-o", str(tmp_path / "out"), "--ner", "rules"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "CURIE.jsonl").is_file()
