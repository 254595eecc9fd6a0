"""One sense per discourse: surnames and confident labels spread within a document, not across."""

from __future__ import annotations

from builders import find_span, segmented_block, texts

from serge_corpus.model import Span
from serge_corpus.ner.consistency import document_consistency


def spans(text: str, *found: tuple[str, str, int]) -> list[Span]:
    out = []
    for needle, label, n in found:
        out.append(find_span(text, needle, label, nth=n))
    return out


def test_full_name_lends_person_to_the_surname():
    text = "Venustiano Carranza led the army. Later Carranza, whom some called Carranza the Chief, won."
    block = segmented_block(text)
    predicted = {block.id: spans(text, ("Venustiano Carranza", "PERSON", 0), ("Carranza", "ORG", 1))}
    out = document_consistency([block], predicted)[block.id]
    assert texts(out) == [("Venustiano Carranza", "PERSON"), ("Carranza", "PERSON"), ("Carranza", "PERSON")]
    assert out[1].extra["was"] == "ORG" and out[2].extra["source"] == "consistency"


def test_majority_label_spreads_but_a_split_vote_does_not():
    text = "Chiang met Chiang's allies; Chiang won, and Chiang left. Li and Li met Li."
    block = segmented_block(text)
    predicted = {
        block.id: spans(
            text,
            ("Chiang", "PERSON", 0),
            ("Chiang", "PERSON", 1),
            ("Chiang", "GPE", 2),
            ("Chiang", "PERSON", 3),
            ("Li", "PERSON", 0),
            ("Li", "ORG", 1),
        )
    }
    out = texts(document_consistency([block], predicted)[block.id])
    assert out.count(("Chiang", "PERSON")) == 4
    assert ("Li", "PERSON") in out and ("Li", "ORG") in out  # 1 against 1: no confident label, nothing changes
    assert ("Li", "PERSON") in out and len([t for t in out if t[0] == "Li"]) == 2


def test_nothing_spreads_across_documents_or_into_longer_names_or_dates():
    a = segmented_block("Mola spoke. Mola left. Mola returned.", n=0)
    b = segmented_block("Mola is a town near the Mola Valley.", n=1)
    b = b.__class__(**{**b.__dict__, "doc_id": "other", "id": "other:0001"})
    predicted = {a.id: spans(a.text, ("Mola", "PERSON", 0), ("Mola", "PERSON", 1)), b.id: []}
    out = document_consistency([a, b], predicted)
    assert texts(out[a.id]) == [("Mola", "PERSON")] * 3
    assert out[b.id] == []
    c = segmented_block("In 1921 the Pacific Fleet sailed. The Pacific was calm, the Pacific wide.", n=2)
    predicted = {c.id: spans(c.text, ("Pacific", "LOC", 1), ("Pacific", "LOC", 2), ("1921", "DATE", 0))}
    out_c = texts(document_consistency([c], predicted)[c.id])
    assert out_c.count(("Pacific", "LOC")) == 2  # `Pacific Fleet` is another name: no span inside it


def test_a_gazetteer_place_never_becomes_a_person():
    text = "Vladivostok fell. Vladivostok burned. Vladivostok was retaken by the Whites."
    block = segmented_block(text)
    predicted = {
        block.id: spans(text, ("Vladivostok", "PERSON", 0), ("Vladivostok", "PERSON", 1), ("Vladivostok", "GPE", 2))
    }
    out = texts(document_consistency([block], predicted)[block.id])
    assert ("Vladivostok", "GPE") in out
