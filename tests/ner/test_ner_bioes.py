"""BIOES/BIO tags <-> token spans, including malformed model output."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from serge_corpus.ner.bioes import bioes_to_spans, spans_to_bioes, split_tag


def test_well_formed_bioes():
    tags = ["S-PERSON", "O", "B-ORG", "I-ORG", "E-ORG", "O", "B-GPE", "E-GPE"]
    assert bioes_to_spans(tags) == [(0, 1, "PERSON"), (2, 5, "ORG"), (6, 8, "GPE")]


def test_bio_scheme_without_end_tags():
    tags = ["B-PERSON", "I-PERSON", "O", "B-GPE", "B-GPE", "I-GPE"]
    assert bioes_to_spans(tags) == [(0, 2, "PERSON"), (3, 4, "GPE"), (4, 6, "GPE")]


def test_entity_open_at_the_end_is_closed():
    assert bioes_to_spans(["O", "B-ORG", "I-ORG"]) == [(1, 3, "ORG")]


def test_inside_after_outside_starts_an_entity():
    assert bioes_to_spans(["O", "I-ORG", "E-ORG", "O"]) == [(1, 3, "ORG")]


def test_end_without_begin_is_a_single_token_entity():
    assert bioes_to_spans(["O", "E-LOC", "O"]) == [(1, 2, "LOC")]


def test_type_change_inside_an_entity_splits_it():
    assert bioes_to_spans(["B-ORG", "I-PERSON", "E-PERSON"]) == [(0, 1, "ORG"), (1, 3, "PERSON")]


def test_single_inside_begin_and_outside_closes_open_entity():
    assert bioes_to_spans(["B-ORG", "S-GPE", "I-ORG", "O"]) == [(0, 1, "ORG"), (1, 2, "GPE"), (2, 3, "ORG")]


def test_bare_labels_are_io_scheme():
    assert bioes_to_spans(["PER", "PER", "O", "LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]


def test_labels_with_hyphens_and_underscores_survive():
    assert bioes_to_spans(["B-WORK_OF_ART", "E-WORK_OF_ART"]) == [(0, 2, "WORK_OF_ART")]
    assert split_tag("S-WORK_OF_ART") == ("S", "WORK_OF_ART")


def test_empty_and_all_outside():
    assert bioes_to_spans([]) == []
    assert bioes_to_spans(["O", "O"]) == []


def test_spans_to_bioes_on_character_tokens():
    tokens = [(0, 5), (6, 11), (12, 15), (16, 22)]  # "Victor Serge met Trotsky"
    assert spans_to_bioes(tokens, [(0, 11, "PERSON"), (16, 22, "PERSON")]) == ["B-PERSON", "E-PERSON", "O", "S-PERSON"]


@st.composite
def flat_token_spans(draw):
    n = draw(st.integers(min_value=0, max_value=30))
    spans, i = [], 0
    while i < n:
        if draw(st.booleans()):
            length = draw(st.integers(min_value=1, max_value=min(4, n - i)))
            spans.append((i, i + length, draw(st.sampled_from(["PERSON", "ORG", "WORK_OF_ART"]))))
            i += length
        else:
            i += 1
    return n, spans


@given(flat_token_spans())
def test_round_trip(case):
    n, spans = case
    tokens = [(2 * i, 2 * i + 1) for i in range(n)]
    char_spans = [(2 * s, 2 * e - 1, label) for s, e, label in spans]
    assert bioes_to_spans(spans_to_bioes(tokens, char_spans)) == spans


@given(st.lists(st.sampled_from(["O", "B-A", "I-A", "E-A", "S-A", "B-B", "I-B", "E-B", "S-B", "X"]), max_size=25))
def test_any_tag_sequence_decodes_to_flat_in_range_spans(tags):
    spans = bioes_to_spans(tags)
    for (_, e1, _), (s2, _, _) in zip(spans, spans[1:]):
        assert e1 <= s2
    assert all(0 <= s < e <= len(tags) for s, e, _ in spans)
    # every non-O tag is covered by exactly one span, every O by none
    covered = {i for s, e, _ in spans for i in range(s, e)}
    assert covered == {i for i, t in enumerate(tags) if t != "O"}
