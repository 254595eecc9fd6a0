"""The rules backend: patterns file in, spans out; broken files named line by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import segmented_block, texts

from serge_corpus.errors import SergeCorpusError
from serge_corpus.ner import get_backend
from serge_corpus.ner.rules import focus_tokens, load_patterns

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ner"
REPO = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def small():
    return get_backend("rules", patterns=FIXTURES / "patterns_small.jsonl", gazetteer=False)


def predict_one(backend, text: str) -> list[tuple[str, str]]:
    return texts(backend.predict([segmented_block(text)])[0])


def test_phrases_and_token_patterns(small):
    found = predict_one(small, "Victor Serge wrote Midnight in the century after the Civil War.")
    assert found == [("Victor Serge", "PERSON"), ("Midnight in the century", "WORK_OF_ART"), ("Civil War", "EVENT")]


def test_longest_match_wins(small):
    # "Serge" alone also matches, inside "Victor Serge"; the longer span is kept
    assert predict_one(small, "Victor Serge and Serge.") == [("Victor Serge", "PERSON"), ("Serge", "PERSON")]


def test_generic_initials_pattern(small):
    assert predict_one(small, "L. Trotsky met G. E. Zinoviev.") == [
        ("L. Trotsky", "PERSON"),
        ("G. E. Zinoviev", "PERSON"),
    ]


def test_focus_keeps_only_part_of_the_match(small):
    assert predict_one(small, "Comrade Tulayev translated from Russian.") == [
        ("Tulayev", "PERSON"),
        ("Russian", "LANGUAGE"),
    ]
    # without the context, the plain gazetteer entry applies
    assert predict_one(small, "A Russian officer.") == [("Russian", "NORP")]


def test_acronym_after_expansion_gives_two_spans(small):
    assert predict_one(small, "the Communist International (Comintern) met") == [
        ("Communist International", "ORG"),
        ("Comintern", "ORG"),
    ]


def test_matching_uses_project_tokens_and_possessives(small):
    assert predict_one(small, "Serge’s Petrograd.") == [("Serge", "PERSON"), ("Petrograd", "GPE")]


def test_block_without_tokens_is_tokenized(small):
    from dataclasses import replace

    block = replace(segmented_block("Victor Serge in Petrograd"), tokens=(), sentences=())
    assert texts(small.predict([block])[0]) == [("Victor Serge", "PERSON"), ("Petrograd", "GPE")]


def test_boilerplate_is_skipped(small):
    assert small.predict([segmented_block("Victor Serge", kind="boilerplate")]) == [[]]


def test_lower_phrase_attr_matches_any_case():
    backend = get_backend("rules", patterns=FIXTURES / "patterns_small.jsonl", phrase_attr="LOWER", gazetteer=False)
    assert predict_one(backend, "VICTOR SERGE") == [("VICTOR SERGE", "PERSON")]


def test_broken_file_reports_every_line():
    path = FIXTURES / "patterns_broken.jsonl"
    with pytest.raises(SergeCorpusError) as err:
        load_patterns(path)
    found = [(p.code, p.line, p.field) for p in err.value.problems]
    assert found == [
        ("E126", 2, None),
        ("E127", 3, "label"),
        ("E127", 4, "pattern"),
        ("E127", 5, "focus"),
        ("E127", 6, "patern"),
        ("E127", 6, "pattern"),
    ]
    assert all(str(p).startswith(f"{path}:{p.line}: ") for p in err.value.problems)


def test_broken_file_fails_backend_construction():
    with pytest.raises(SergeCorpusError):
        get_backend("rules", patterns=FIXTURES / "patterns_broken.jsonl")


def test_missing_file_names_path(tmp_path):
    with pytest.raises(SergeCorpusError) as err:
        get_backend("rules", patterns=tmp_path / "nope.jsonl")
    assert err.value.problems[0].code == "E001"
    assert err.value.problems[0].file == str(tmp_path / "nope.jsonl")


def test_focus_slices():
    assert focus_tokens(3, 6, None) == (3, 6)
    assert focus_tokens(3, 6, (1, None)) == (4, 6)
    assert focus_tokens(3, 6, (0, -1)) == (3, 5)
    assert focus_tokens(3, 6, (5, None)) is None


def test_shipped_patterns_file_loads_and_finds_entities():
    backend = get_backend("rules", patterns=REPO / "annotations" / "patterns.jsonl")
    assert int(backend.info["n_patterns"]) > 300
    found = predict_one(backend, "In 1924, L. Trotsky published The Lessons of October in Moscow.")
    assert ("L. Trotsky", "PERSON") in found
    assert ("Lessons of October", "WORK_OF_ART") in found
    assert ("Moscow", "GPE") in found
