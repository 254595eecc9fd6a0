"""Which NER knowledge applies where: corpus patterns for corpus documents, --patterns on request,
the generic pipeline for anything else, whatever the working directory; the records say what ran."""

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from builders import FIXTURES, write_corpus
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.jsonl import read_records

ROOT = Path(__file__).parents[2]
ESSAY = FIXTURES / "foundation" / "essay_other.txt"
TITLE = "A Life in Letters"
PATTERN = {"label": "WORK_OF_ART", "pattern": TITLE}
runner = CliRunner()


def project(tmp_path: Path) -> Path:
    """A project folder: corpus/ with one document, annotations/patterns.jsonl beside it."""
    root = tmp_path / "project"
    write_corpus(root / "corpus", {"essay": ESSAY.read_text(encoding="utf-8")}, {"essay": {"title": TITLE}})
    (root / "annotations").mkdir()
    (root / "annotations" / "patterns.jsonl").write_text(json.dumps(PATTERN) + "\n", encoding="utf-8")
    return root


def annotate(args: list[str]) -> list:
    result = runner.invoke(app, ["annotate", *args, "--ner", "ensemble"])
    assert result.exit_code == 0, result.output
    return read_records(Path(args[args.index("-o") + 1]))


def work(blocks) -> set[tuple[str, str]]:
    return {(s.text, s.label) for b in blocks for s in b.spans}


@pytest.mark.slow
def test_a_users_file_gets_the_generic_pipeline_wherever_the_command_runs(tmp_path, monkeypatch):
    root = project(tmp_path)
    mine = tmp_path / "mine.txt"
    shutil.copy(ESSAY, mine)
    outputs = []
    for cwd in (root, tmp_path, ROOT):
        monkeypatch.chdir(cwd)
        out = tmp_path / f"out_{len(outputs)}.jsonl"
        blocks = annotate([str(mine), "-o", str(out), "--corpus", str(root / "corpus")])
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert ("A Life in Letters", "WORK_OF_ART") not in work(blocks)
    assert blocks[0].meta["ner"] == "ensemble" and blocks[0].meta["ner_backends"] == "spacy,gazetteer"
    assert "ner_patterns" not in blocks[0].meta


@pytest.mark.slow
def test_a_corpus_document_gets_its_corpus_patterns_from_any_directory(tmp_path, monkeypatch):
    root = project(tmp_path)
    monkeypatch.chdir(tmp_path)
    blocks = annotate(
        [str(root / "corpus" / "essay.txt"), "-o", str(tmp_path / "a.jsonl"), "--corpus", str(root / "corpus")]
    )
    assert ("A Life in Letters", "WORK_OF_ART") in work(blocks)
    meta = blocks[0].meta
    assert meta["ner_backends"] == "spacy,gazetteer,rules" and meta["ner_patterns"] == "patterns.jsonl"
    digest = hashlib.sha256((root / "annotations" / "patterns.jsonl").read_bytes()).hexdigest()
    assert meta["ner_patterns_sha256"] == digest


@pytest.mark.slow
def test_patterns_option_applies_a_file_to_any_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.txt"
    shutil.copy(ESSAY, mine)
    patterns = tmp_path / "my_patterns.jsonl"
    patterns.write_text(json.dumps(PATTERN) + "\n", encoding="utf-8")
    blocks = annotate([str(mine), "-o", str(tmp_path / "b.jsonl"), "--patterns", str(patterns)])
    assert ("A Life in Letters", "WORK_OF_ART") in work(blocks)
    assert blocks[0].meta["ner_patterns"] == "my_patterns.jsonl"


def test_annotate_help_says_where_corpus_patterns_apply():
    result = runner.invoke(app, ["annotate", "--help"])
    assert result.exit_code == 0
    assert "--patterns" in result.output and "generic" in result.output
