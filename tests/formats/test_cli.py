"""`serge-corpus export` / `import`: the real document, byte-identical round trips, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.formats import FORMATS
from serge_corpus.formats.output import MARKER

ROOT = Path(__file__).parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seg") / "seg.jsonl"
    result = runner.invoke(app, ["segment", str(ROOT / "corpus/serge-afterword.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("fmt", ["prodigy", "conll", "brat", "labelstudio"])
def test_export_import_gives_back_the_same_bytes(
    fmt: str, segmented: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    spec = FORMATS[fmt]
    out = tmp_path / ("x" + spec.suffix if spec.target == "file" else "x")
    result = runner.invoke(app, ["export", str(segmented), "--to", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "52 records" in result.output
    back = tmp_path / "back.jsonl"
    result = runner.invoke(
        app, ["import", str(out), "--from", fmt, "-o", str(back), "--source", "corpus/serge-afterword.txt"]
    )
    assert result.exit_code == 0, result.output
    assert back.read_bytes() == segmented.read_bytes()


def test_foreign_import_with_a_label_scheme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = (ROOT / "corpus/serge-afterword.txt").read_text(encoding="utf-8")
    begin = text.index("The assault on the power")
    sentence = text[begin : text.index(".", begin) + 1]
    start = sentence.index("Bolsheviks")
    path = tmp_path / "doccano.jsonl"
    path.write_text(json.dumps({"id": 1, "text": sentence, "label": [[start, start + 10, "MISC"]]}) + "\n")
    result = runner.invoke(
        app,
        [
            "import",
            str(path),
            "--from",
            "doccano",
            "-o",
            str(tmp_path / "o.jsonl"),
            "--source",
            "corpus/serge-afterword.txt",
            "--label-scheme",
            "conll03",
        ],
    )
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert record["spans"] == [] and record["meta"]["doccano"] == {"doccano_id": 1}


def test_errors_exit_1_with_locations(segmented: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", str(segmented), "--to", "excel", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "E160" in result.output
    result = runner.invoke(
        app, ["export", str(segmented), "--to", "conll", "-o", str(tmp_path / "x"), "--form", "label"]
    )
    assert result.exit_code == 1 and "E161" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Serge\\r\\nmet"}\n')
    result = runner.invoke(app, ["import", str(bad), "--from", "prodigy", "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert f"{bad}:1: field text: E162" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_directory_targets_are_protected(segmented: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = runner.invoke(app, ["export", str(segmented), "--to", "brat", "-o", str(mine)])
    assert result.exit_code == 1 and "E173" in result.output
    assert (mine / "notes.txt").read_text() == "keep me"
    result = runner.invoke(app, ["export", str(segmented), "--to", "conll", "-o", str(mine)])
    assert result.exit_code == 1 and "E173" in result.output
    ours = tmp_path / "ours"
    for _ in range(2):  # a folder the exporter wrote is replaced
        result = runner.invoke(app, ["export", str(segmented), "--to", "brat", "-o", str(ours)])
        assert result.exit_code == 0, result.output
    assert (ours / MARKER).is_file()
    assert len(list(ours.glob("*.ann"))) == 52


REAL = ROOT / "tests/fixtures/formats/real"


def test_import_without_source_writes_the_document_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "memoirs.jsonl"
    args = ["import", str(REAL / "prodigy_ner_manual.jsonl"), "--from", "prodigy", "-o", str(out), "--normalise-dates"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    source = tmp_path / "memoirs.source.txt"
    assert f"source: {source}" in result.output
    assert "1 DATE span(s) normalised by serge_corpus.dates" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["memoirs:0000", "memoirs:0001", "memoirs:0002"]
    text = source.read_text(encoding="utf-8")
    assert all(text[r["offset"] : r["offset"] + len(r["text"])] == r["text"] for r in records)
    # Registered in a corpus, validate checks the records against the written document and its sha256.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    entry = {
        "doc_id": "memoirs",
        "path": "../memoirs.source.txt",
        "title": "t",
        "author": "a",
        "language": "en",
        "sha256": records[0]["meta"]["source_sha256"],
        "provenance": "p",
        "licence": "l",
    }
    (corpus / "manifest.json").write_text(json.dumps({"documents": [entry]}))
    result = runner.invoke(app, ["validate", str(out), "--corpus", str(corpus)])
    assert result.exit_code == 0 and "valid" in result.output, result.output
    # The same import again writes the same document; another file's text is never written over it.
    assert runner.invoke(app, args).exit_code == 0
    other = ["import", str(REAL / "bioes.conll"), "--from", "conll", "-o", str(out), "--label-scheme", "conll03"]
    result = runner.invoke(app, other)
    assert result.exit_code == 1 and "E628" in result.output
    assert source.read_text(encoding="utf-8") == text


def test_import_trim_reports_each_change_and_misc_is_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "d.jsonl"
    path = REAL / "doccano_1x.jsonl"
    result = runner.invoke(app, ["import", str(path), "--from", "doccano", "-o", str(out), "--label-scheme", "conll03"])
    assert result.exit_code == 1
    assert f"{path}:2: record d:0001: field spans[1]: E627" in result.output
    assert "span ' OGPU' starts with a space" in result.output
    assert not out.exists()
    result = runner.invoke(
        app, ["import", str(path), "--from", "doccano", "-o", str(out), "--label-scheme", "conll03", "--trim"]
    )
    assert result.exit_code == 0, result.output
    assert f"{path}:2: record d:0001 spans[1] ORG ' OGPU' -> 'OGPU'" in result.output
    assert "dropped 1 MISC span(s) the label map sends to null, e.g. 'Clarté'" in result.output
    assert "warning: 1 MISC span(s) dropped" in result.output
