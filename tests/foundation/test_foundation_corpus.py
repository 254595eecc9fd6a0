"""Corpus manifest, sha256 check and bad input files."""

import json
import shutil
from pathlib import Path

import pytest

from serge_corpus.corpus import document_from_path, load_corpus, read_source_text, sha256_text
from serge_corpus.errors import SergeCorpusError

ROOT = Path(__file__).parents[2]
FIXTURES = Path(__file__).parent.parent / "fixtures" / "foundation"
SEED = ROOT.parent / "shared" / "seeds" / "000_904d61167e042407.txt"


def codes(err: pytest.ExceptionInfo[SergeCorpusError]) -> list[str]:
    return [p.code for p in err.value.problems]


def test_shipped_afterword_loads_and_matches_its_sha256():
    corpus = load_corpus(ROOT / "corpus")
    doc = corpus.load("serge-afterword")
    assert doc.sha256 == sha256_text(doc.text) == corpus.entry("serge-afterword")["sha256"]
    assert doc.licence and doc.provenance and doc.author == "Mario Maestri"


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed is outside this checkout")
def test_shipped_afterword_is_the_seed_byte_for_byte():
    assert (ROOT / "corpus" / "serge-afterword.txt").read_bytes() == SEED.read_bytes()


def make_corpus(tmp_path: Path, text: bytes, sha: str | None = None) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "doc.txt").write_bytes(text)
    entry = {
        "doc_id": "doc",
        "path": "doc.txt",
        "title": "T",
        "author": "A",
        "language": "en",
        "sha256": sha or sha256_text(text.decode("utf-8")),
        "provenance": "p",
        "licence": "l",
    }
    (root / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    return root


def test_adding_a_document_is_a_file_and_an_entry(tmp_path):
    root = make_corpus(tmp_path, b"Some text.\n")
    assert load_corpus(root).load("doc").text == "Some text.\n"


def test_changed_file_fails_with_a_clear_error(tmp_path):
    root = make_corpus(tmp_path, b"Some text.\n")
    (root / "doc.txt").write_bytes(b"Some text, edited.\n")
    with pytest.raises(SergeCorpusError) as err:
        load_corpus(root).load("doc")
    assert codes(err) == ["E062"]
    assert "doc.txt" in str(err.value)


def test_unknown_document_and_bad_manifest(tmp_path):
    root = make_corpus(tmp_path, b"x y\n")
    with pytest.raises(SergeCorpusError) as err:
        load_corpus(root).load("other")
    assert codes(err) == ["E061"]
    (root / "manifest.json").write_text('{"documents": [{"doc_id": "x"}]}', encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        load_corpus(root)
    assert set(codes(err)) == {"E060"}
    (root / "manifest.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        load_corpus(root)
    assert codes(err) == ["E060"]


@pytest.mark.parametrize(
    "name, code",
    [
        ("missing.txt", "E001"),
        ("latin1.txt", "E002"),
        ("bom.txt", "E003"),
        ("crlf.txt", "E004"),
        ("empty.txt", "E005"),
        ("blank.txt", "E005"),
    ],
)
def test_bad_input_files(name, code):
    with pytest.raises(SergeCorpusError) as err:
        read_source_text(FIXTURES / name)
    assert codes(err) == [code]
    assert name in str(err.value)


def test_a_file_outside_the_manifest_is_still_a_document(tmp_path):
    path = tmp_path / "my essay.txt"
    shutil.copy(FIXTURES / "essay_other.txt", path)
    doc = document_from_path(path, load_corpus(ROOT / "corpus"))
    assert doc.doc_id == "my essay" and doc.text.startswith("A Life in Letters")


SHARED_GUIDELINES = ROOT.parent / "shared" / "ANNOTATION_GUIDELINES.md"


@pytest.mark.skipif(not SHARED_GUIDELINES.exists(), reason="the shared guidelines are outside this checkout")
def test_shipped_guidelines_are_the_shared_ones_unchanged():
    assert (ROOT / "annotations" / "ANNOTATION_GUIDELINES.md").read_bytes() == SHARED_GUIDELINES.read_bytes()
