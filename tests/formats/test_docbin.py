"""spaCy DocBin: Docs a spaCy user can train on, and Docs from spaCy pipelines."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from builders import full_record, tricky_records
from spacy.tokens import Doc, DocBin

from serge_corpus.corpus import document_from_path
from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.docbin import SPANS_KEY, words_and_spaces
from serge_corpus.model import DateValue, Token
from serge_corpus.ner.labels import load_label_map

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def nlp() -> spacy.Language:
    return spacy.blank("en")


def _docs(path: Path, nlp: spacy.Language) -> list[Doc]:
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_docs_hold_text_ents_spans_and_sentences(tmp_path: Path, nlp: spacy.Language) -> None:
    blocks = tricky_records()
    export_blocks(blocks, "docbin", tmp_path / "x.spacy")
    docs = _docs(tmp_path / "x.spacy", nlp)
    assert [d.text for d in docs] == [b.text for b in blocks]
    first, block = docs[0], blocks[0]
    assert [(e.start_char, e.end_char, e.label_) for e in first.ents] == [
        (s.start, s.end, s.label) for s in block.spans
    ]
    assert [(s.text, s.label_) for s in first.spans[SPANS_KEY]] == [(s.text, s.label) for s in block.spans]
    assert [s.start_char for s in first.sents] == [s.start for s in block.sentences]
    assert first.user_data["serge"]["spans"][1]["date"]["value"] == "1921-03"


def test_whitespace_gaps_become_spacy_whitespace() -> None:
    text = "a  b\n\nc d "
    tokens = [Token(0, 1, "a"), Token(3, 4, "b"), Token(6, 7, "c"), Token(8, 9, "d")]
    words, spaces = words_and_spaces(text, tokens)
    assert words == ["a", " ", "b", "\n\n", "c", "d"]
    assert "".join(w + (" " if s else "") for w, s in zip(words, spaces)) == text


def test_pipeline_output_is_placed_with_its_source(tmp_path: Path, nlp: spacy.Language) -> None:
    source = document_from_path(FIXTURES / "source.txt")
    doc = nlp("He joined the Bolsheviks in Petrograd in 1919.")
    doc.ents = [doc.char_span(14, 24, "NORP"), doc.char_span(28, 37, "GPE"), doc.char_span(41, 45, "CARDINAL")]
    DocBin(docs=[doc]).to_disk(tmp_path / "pred.spacy")
    [block] = import_blocks(tmp_path / "pred.spacy", "docbin", source=source, drop_unannotated=True)
    assert block.offset == source.text.index("He joined")
    assert [(s.text, s.label) for s in block.spans] == [("Bolsheviks", "NORP"), ("Petrograd", "GPE")]


def test_disagreeing_ents_and_spans_are_refused(tmp_path: Path, nlp: spacy.Language) -> None:
    doc = nlp("Serge met Trotsky.")
    doc.ents = [doc.char_span(0, 5, "PERSON")]
    doc.spans[SPANS_KEY] = [doc.char_span(10, 17, "PERSON")]
    DocBin(docs=[doc]).to_disk(tmp_path / "x.spacy")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "x.spacy", "docbin")
    assert [(p.code, p.record_id) for p in err.value.problems] == [("E176", "doc 0")]


def test_misaligned_span_and_non_docbin_file(tmp_path: Path) -> None:
    block = full_record("doc:0001", "In 1919x Serge left.", [])
    from serge_corpus.model import Span

    bad = block.with_spans([Span(3, 7, "DATE", "1919", DateValue("DATE", "1919"))])
    with pytest.raises(SergeCorpusError) as err:
        export_blocks([bad], "docbin", tmp_path / "x.spacy")
    assert [p.code for p in err.value.problems] == ["E165"]
    (tmp_path / "junk.spacy").write_bytes(b"not a docbin")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "junk.spacy", "docbin")
    assert [p.code for p in err.value.problems] == ["E171"]


def test_pipeline_output_without_source_is_its_own_document(tmp_path: Path, nlp: spacy.Language) -> None:
    # Before: E164. A model's output Docs carry their text: it becomes the document, one record per Doc.
    docs = [nlp("He joined the Bolsheviks in Petrograd in 1919."), nlp("Serge met Trotsky.")]
    docs[0].ents = [docs[0].char_span(14, 24, "NORP"), docs[0].char_span(41, 45, "DATE")]
    DocBin(docs=docs).to_disk(tmp_path / "pred.spacy")
    first, second = import_blocks(
        tmp_path / "pred.spacy", "docbin", label_map=load_label_map("spacy"), normalise_dates=True
    )
    assert second.offset == len(first.text) + 2 and second.text == "Serge met Trotsky."
    assert [(s.text, s.label, s.date.value if s.date else None) for s in first.spans] == [
        ("Bolsheviks", "NORP", None),
        ("1919", "DATE", "1919"),
    ]
