"""The shared boundary rules (guidelines §1, §3) and token snapping."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serge_corpus.errors import SergeCorpusError
from serge_corpus.model import Token
from serge_corpus.ner.boundaries import adjust_span, load_boundary_policy, policy_from_dict, snap_to_tokens
from serge_corpus.segment import tokenize

POLICY = load_boundary_policy()


def fix(text: str, label: str = "ORG") -> list[str]:
    """Adjust a prediction covering the whole of `text`; return the kept texts."""
    return [text[s:e] for s, e in adjust_span(text, 0, len(text), label, POLICY)]


@pytest.mark.parametrize(
    ("predicted", "label", "expected"),
    [
        ("the Civil War", "EVENT", ["Civil War"]),
        ("The Russian Empire", "GPE", ["Russian Empire"]),
        ("Lenin's", "PERSON", ["Lenin"]),
        ("Trotsky’s", "PERSON", ["Trotsky"]),
        ("Bolsheviks'", "NORP", ["Bolsheviks"]),
        ("“War Communism”", "LAW", ["War Communism"]),
        ('"Iron Curtain"', "EVENT", ["Iron Curtain"]),
        ("(Comintern)", "ORG", ["Comintern"]),
        ("Petrograd,", "GPE", ["Petrograd"]),
        ("Petrograd.", "GPE", ["Petrograd"]),
        ("  Moscow ", "GPE", ["Moscow"]),
        ("the “New Course”", "WORK_OF_ART", ["New Course"]),
        ("Comrade Tulayev", "PERSON", ["Tulayev"]),
        ("General Secretary Stalin", "PERSON", ["Stalin"]),
        ("L. Trotsky", "PERSON", ["L. Trotsky"]),
        ("U.S.A.", "GPE", ["U.S.A."]),
        ("Communist International (Comintern)", "ORG", ["Communist International", "Comintern"]),
        ("Brussels (Ixelles", "GPE", ["Brussels", "Ixelles"]),
        ("Memoirs of a Revolutionary (1901-1941)", "WORK_OF_ART", ["Memoirs of a Revolutionary (1901-1941)"]),
        ("the", "ORG", ["the"]),
        ("“”", "ORG", []),
        ("–", "ORG", []),
    ],
)
def test_adjust_span(predicted, label, expected):
    assert fix(predicted, label) == expected


def test_titles_are_stripped_only_from_persons():
    assert fix("General Motors", "ORG") == ["General Motors"]
    assert fix("General Motors", "PERSON") == ["Motors"]


def test_title_kept_when_no_capitalised_name_follows():
    assert fix("Comrade", "PERSON") == ["Comrade"]
    assert fix("General strike", "PERSON") == ["General strike"]


def test_offsets_are_relative_to_the_whole_text():
    text = "He met the Red Army's leaders."
    start = text.index("the")
    end = text.index(" leaders")
    assert adjust_span(text, start, end, "ORG", POLICY) == [(text.index("Red"), text.index("'s"))]


def test_snap_widens_to_project_tokens():
    text = "an anti-Tsarist officer"
    tokens = tokenize(text)
    # a model that marked only "Tsar" inside "Tsarist"
    start = text.index("Tsar")
    assert snap_to_tokens(start, start + 4, tokens) == (start, start + len("Tsarist"))


def test_snap_moves_offsets_out_of_gaps():
    tokens = [Token(0, 5, "Lenin"), Token(8, 14, "Moscow")]
    assert snap_to_tokens(5, 14, tokens) == (8, 14)
    assert snap_to_tokens(0, 7, tokens) == (0, 5)
    assert snap_to_tokens(5, 8, tokens) == (5, 5)  # nothing inside


def test_policy_errors_name_the_field(tmp_path):
    bad = {"leading_words": "the", "keep_parenthetical_labels": ["TITLE"], "abbreviation_pattern": "("}
    with pytest.raises(SergeCorpusError) as err:
        policy_from_dict(bad, file="p.json")
    fields = {p.field for p in err.value.problems}
    assert fields == {"leading_words", "keep_parenthetical_labels", "abbreviation_pattern"}
    assert all(p.code == "E130" for p in err.value.problems)


def test_policy_file_is_read_from_a_path(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"leading_words": ["a"], "trailing_punctuation": "."}), encoding="utf-8")
    policy = load_boundary_policy(str(path))
    assert [("a Party"[s:e]) for s, e in adjust_span("a Party", 0, 7, "ORG", policy)] == ["Party"]
    # the packaged rule set is not used: "the" stays
    assert [("the Party"[s:e]) for s, e in adjust_span("the Party", 0, 9, "ORG", policy)] == ["the Party"]


@given(st.text(alphabet="ab “”\"'’(). ,Thes", max_size=20), st.data())
def test_output_is_inside_input_and_never_on_whitespace(text, data):
    if not text:
        return
    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    for s, e in adjust_span(text, start, end, "PERSON", POLICY):
        assert start <= s < e <= end
        assert text[s:e] == text[s:e].strip()
        assert any(ch.isalnum() for ch in text[s:e])


@given(st.text(alphabet="ab “”\"'’()[]. ,;Thes", min_size=1, max_size=20), st.data())
def test_output_passes_the_record_validator(text, data):
    from serge_corpus.jsonl import validate_rows

    start = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(text)))
    spans = [
        {"start": s, "end": e, "label": "ORG", "text": text[s:e]}
        for s, e in adjust_span(text, start, end, "ORG", POLICY)
    ]
    record = {"id": "t:1", "doc_id": "t", "block": "body", "offset": 0, "text": text, "spans": spans[:1]}
    assert validate_rows([(1, record)]) == []
