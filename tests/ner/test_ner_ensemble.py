"""Ensemble policies with fake member backends."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from builders import find_span, segmented_block, texts

from serge_corpus.errors import SergeCorpusError
from serge_corpus.model import Block, Span
from serge_corpus.ner import get_backend
from serge_corpus.ner.ensemble import EnsembleBackend, combine, load_policy, policy_from_dict

TEXT = "the Red Army took Petrograd while Trotsky spoke"
VOTE_POLICY = Path(__file__).parents[2] / "src" / "serge_corpus" / "data" / "ner_ensemble_vote.json"
BLOCK = segmented_block(TEXT)


class Fake:
    """A backend that returns fixed spans for the first block."""

    def __init__(self, name: str, *spans: tuple[str, str]) -> None:
        self.name = name
        self.spans = [find_span(TEXT, needle, label) for needle, label in spans]

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        return [[replace(s, text=b.text[s.start : s.end]) for s in self.spans] for b in blocks]


def run(policy: dict, *members: Fake) -> list[tuple[str, str]]:
    preds = {m.name: m.predict([BLOCK])[0] for m in members}
    return texts(combine(BLOCK, preds, policy_from_dict(policy)))


def test_priority_mode_earlier_backend_wins_overlaps():
    a = Fake("a", ("Red Army", "ORG"), ("Trotsky", "PERSON"))
    b = Fake("b", ("Army", "ORG"), ("Petrograd", "GPE"), ("Trotsky", "ORG"))
    policy = {"mode": "priority", "priority": ["a", "b"]}
    assert run(policy, a, b) == [("Red Army", "ORG"), ("Petrograd", "GPE"), ("Trotsky", "PERSON")]
    policy = {"mode": "priority", "priority": ["b", "a"]}
    assert run(policy, a, b) == [("Army", "ORG"), ("Petrograd", "GPE"), ("Trotsky", "ORG")]


def test_vote_mode_keeps_majority_spans_only():
    a = Fake("a", ("Red Army", "ORG"), ("Petrograd", "GPE"))
    b = Fake("b", ("Red Army", "ORG"), ("Trotsky", "PERSON"))
    c = Fake("c", ("Red Army", "ORG"), ("Petrograd", "GPE"), ("Trotsky", "ORG"))
    policy = {"mode": "vote", "priority": ["a", "b", "c"], "min_votes": "majority"}
    assert run(policy, a, b, c) == [("Red Army", "ORG"), ("Petrograd", "GPE")]


def test_vote_counts_exact_span_and_label():
    a = Fake("a", ("Trotsky", "PERSON"))
    b = Fake("b", ("Trotsky", "ORG"))
    assert run({"mode": "vote", "min_votes": 2}, a, b) == []


def test_vote_tie_break_uses_resolve_order():
    a = Fake("a", ("Trotsky", "PERSON"))
    b = Fake("b", ("Trotsky", "ORG"))
    assert run({"mode": "vote", "min_votes": 1, "priority": ["b", "a"]}, a, b) == [("Trotsky", "ORG")]
    assert run({"mode": "vote", "min_votes": 1, "priority": ["a", "b"]}, a, b) == [("Trotsky", "PERSON")]


def test_more_votes_beat_priority():
    a = Fake("a", ("Red Army", "ORG"))
    b = Fake("b", ("Army", "ORG"))
    c = Fake("c", ("Army", "ORG"))
    policy = {"mode": "vote", "min_votes": 1, "priority": ["a", "b", "c"], "resolve": ["votes", "priority"]}
    assert run(policy, a, b, c) == [("Army", "ORG")]
    policy["resolve"] = ["length", "votes"]
    assert run(policy, a, b, c) == [("Red Army", "ORG")]


def test_trusted_backend_passes_the_vote_and_wins_conflicts():
    rules = Fake("rules", ("Petrograd", "GPE"), ("Red Army", "ORG"))
    spacy = Fake("spacy", ("Petrograd", "PERSON"), ("Trotsky", "PERSON"))
    stanza = Fake("stanza", ("Petrograd", "PERSON"))
    policy = {
        "mode": "vote",
        "min_votes": "majority",
        "priority": ["spacy", "stanza", "rules"],
        "trust": {"GPE": ["rules"], "PERSON": ["spacy"]},
    }
    # Petrograd: PERSON has 2 votes and spacy is trusted for PERSON; GPE from rules is trusted too;
    # trust ties, votes decide. Red Army: one vote, nobody trusted for ORG -> dropped.
    assert run(policy, rules, spacy, stanza) == [("Petrograd", "PERSON"), ("Trotsky", "PERSON")]
    policy["resolve"] = ["trust", "priority"]
    policy["priority"] = ["rules", "spacy", "stanza"]
    assert run(policy, rules, spacy, stanza) == [("Petrograd", "GPE"), ("Trotsky", "PERSON")]


def test_output_is_flat_and_records_votes():
    a = Fake("a", ("Red Army", "ORG"), ("Army took", "ORG"))
    b = Fake("b", ("Red Army", "ORG"))
    spans = combine(
        BLOCK, {m.name: m.predict([BLOCK])[0] for m in (a, b)}, policy_from_dict({"mode": "vote", "min_votes": 1})
    )
    assert texts(spans) == [("Red Army", "ORG")]
    assert spans[0].extra == {"source": "ensemble", "votes": ["a", "b"]}


def test_backend_runs_members_per_block():
    a = Fake("a", ("Red Army", "ORG"))
    b = Fake("b", ("Red Army", "ORG"), ("Trotsky", "PERSON"))
    backend = get_backend("ensemble", members=[a, b], mode="vote", policy=VOTE_POLICY)
    out = backend.predict([BLOCK, BLOCK])
    assert len(out) == 2
    # the old vote policy: majority vote; "a" and "b" are trusted for nothing, so only the agreed span survives
    assert texts(out[1]) == [("Red Army", "ORG")]


def test_policy_file_override(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"mode": "vote", "min_votes": 2}), encoding="utf-8")
    a = Fake("a", ("Red Army", "ORG"))
    b = Fake("b", ("Red Army", "ORG"), ("Trotsky", "PERSON"))
    backend = EnsembleBackend(policy=path, members=[a, b])
    assert texts(backend.predict([BLOCK])[0]) == [("Red Army", "ORG")]


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"mode": "majority"}, "mode"),
        ({"mode": "priority", "min_votes": 2}, "min_votes"),
        ({"min_votes": 0}, "min_votes"),
        ({"resolve": ["trust", "luck"]}, "resolve"),
        ({"trust": {"HERO": ["rules"]}}, "trust.HERO"),
        ({"backends": []}, "backends"),
        ({"priority": "spacy"}, "priority"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_policy_names_the_field(policy, field):
    with pytest.raises(SergeCorpusError) as err:
        policy_from_dict(policy, file="policy.json")
    assert [(p.code, p.field) for p in err.value.problems] == [("E128", field)]


def test_unknown_backend_in_policy_is_an_error(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"priority": ["spacey"]}), encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        EnsembleBackend(policy=path, members=[Fake("a")])
    assert err.value.problems[0].code == "E128" and "spacey" in err.value.problems[0].detail


def test_duplicate_member_names_are_an_error():
    with pytest.raises(SergeCorpusError):
        EnsembleBackend(members=[Fake("a"), Fake("a")])


def test_packaged_policies_are_valid():
    policy = load_policy()
    assert policy.mode == "augment" and policy.consistency
    assert policy.authority == {"rules": "replace", "gazetteer": "extend"}
    assert load_policy(VOTE_POLICY).trust["WORK_OF_ART"] == ("rules",)


AUGMENT = {
    "mode": "augment",
    "base": ["spacy"],
    "priority": ["rules", "gazetteer", "spacy"],
    "authority": {"rules": "replace", "gazetteer": "extend"},
    "protect": {"gazetteer": ["PERSON"]},
}


def test_augment_never_drops_a_model_span_without_a_rule_counterpart():
    spacy = Fake("spacy", ("Red Army", "ORG"), ("Trotsky", "PERSON"))
    gazetteer = Fake("gazetteer", ("Petrograd", "GPE"))
    rules = Fake("rules")
    assert run(AUGMENT, spacy, gazetteer, rules) == [("Red Army", "ORG"), ("Petrograd", "GPE"), ("Trotsky", "PERSON")]
    # however many members disagree by saying nothing, the model's spans stay
    assert run({**AUGMENT, "base": ["spacy"]}, spacy, Fake("gazetteer"), Fake("rules")) == [
        ("Red Army", "ORG"),
        ("Trotsky", "PERSON"),
    ]


def test_augment_relabels_and_recuts_within_each_members_authority():
    spacy = Fake("spacy", ("Army", "ORG"), ("Petrograd", "PERSON"), ("Trotsky", "ORG"))
    # the gazetteer covers `Army` (re-cut) and relabels `Trotsky`, but never touches a PERSON
    gazetteer = Fake("gazetteer", ("Red Army", "ORG"), ("Petrograd", "GPE"), ("Trotsky", "NORP"))
    assert run(AUGMENT, spacy, gazetteer) == [("Red Army", "ORG"), ("Petrograd", "PERSON"), ("Trotsky", "NORP")]
    # the corpus's own patterns replace what they overlap, PERSON included, and act before the gazetteer
    rules = Fake("rules", ("Petrograd", "GPE"), ("Red", "NORP"))
    assert run(AUGMENT, spacy, gazetteer, rules) == [
        ("Red", "NORP"),
        ("Army", "ORG"),
        ("Petrograd", "GPE"),
        ("Trotsky", "NORP"),
    ]


def test_augment_gazetteer_inside_a_longer_model_span_leaves_it():
    spacy = Fake("spacy", ("the Red Army", "ORG"))
    gazetteer = Fake("gazetteer", ("Red", "NORP"))
    assert run(AUGMENT, spacy, gazetteer) == [("the Red Army", "ORG")]


def test_augment_only_fields_are_refused_in_other_modes():
    with pytest.raises(SergeCorpusError) as err:
        policy_from_dict({"mode": "vote", "authority": {"rules": "replace"}})
    assert err.value.problems[0].field == "authority"
    with pytest.raises(SergeCorpusError) as err:
        policy_from_dict({"mode": "augment", "authority": {"rules": "conquer"}})
    assert err.value.problems[0].field == "authority.rules"
