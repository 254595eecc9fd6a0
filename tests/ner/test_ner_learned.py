"""The learned ensemble: candidates, the uncontested-model guarantee, reproducible training on tiny data."""

from __future__ import annotations

from collections.abc import Sequence

from builders import find_span, segmented_block

from serge_corpus.model import Block, Span
from serge_corpus.ner.learned import (
    LearnedModel,
    TrainingRow,
    block_candidates,
    decode,
    document_stats,
    fit,
    leave_one_document_out,
    model_from_dict,
    model_json,
    training_rows,
)

TEXT = "General Mola met Franco in Burgos while the Nationalists waited."


def spans(*found: tuple[str, str]) -> list[Span]:
    return [find_span(TEXT, n, lab) for n, lab in found]


PREDS = {
    "spacy": spans(("General Mola", "ORG"), ("Franco", "PERSON"), ("Nationalists", "NORP")),
    "gazetteer": spans(("Mola", "PERSON"), ("Burgos", "GPE")),
}
BLOCK = segmented_block(TEXT)


def test_model_spans_without_a_rule_opinion_are_kept_even_by_a_model_that_rejects_everything():
    stats = document_stats([BLOCK], [PREDS])
    candidates = block_candidates(BLOCK, PREDS, [], stats)
    contested = {TEXT[s:e] for (s, e, _), disputed, _ in candidates if disputed}
    assert contested == {"General Mola", "Mola", "Burgos"}
    reject_all = LearnedModel(features=("label=PERSON",), coef=(0.0,), intercept=-10.0)
    kept = [TEXT[s:e] for (s, e, _), _ in decode(candidates, reject_all)]
    assert kept == ["Franco", "Nationalists"]
    accept_all = LearnedModel(features=(), coef=(), intercept=10.0)
    kept = [TEXT[s:e] for (s, e, _), _ in decode(candidates, accept_all)]
    assert "Burgos" in kept and "Franco" in kept and len(kept) == 4  # one of the overlapping Mola spans


def tiny_gold() -> list[Block]:
    docs = []
    for n, doc in enumerate(("a", "b", "c")):
        gold = segmented_block(
            TEXT,
            [
                find_span(TEXT, "Mola", "PERSON"),
                find_span(TEXT, "Franco", "PERSON"),
                find_span(TEXT, "Burgos", "GPE"),
                find_span(TEXT, "Nationalists", "NORP"),
            ],
            n=n,
        )
        docs.append(gold.__class__(**{**gold.__dict__, "doc_id": doc, "id": f"{doc}:0000"}))
    return docs


def predict_members(blocks: Sequence[Block], doc_id: str) -> list[dict[str, list[Span]]]:
    return [dict(PREDS) for _ in blocks]


def test_training_is_reproducible_and_learns_from_the_gold():
    rows = training_rows(tiny_gold(), predict_members, lambda block, preds: [])
    assert {r.doc_id for r in rows} == {"a", "b", "c"}
    assert sorted((TEXT[r.key[0] : r.key[1]], r.gold) for r in rows if r.doc_id == "a") == [
        ("Burgos", True),
        ("General Mola", False),
        ("Mola", True),
    ]
    first, second = fit(rows), fit(list(rows))
    assert model_json(first) == model_json(second)
    assert model_from_dict(first.to_dict()) == first
    stats = document_stats([BLOCK], [PREDS])
    kept = [TEXT[s:e] for (s, e, _), _ in decode(block_candidates(BLOCK, PREDS, [], stats), first)]
    assert kept == ["Mola", "Franco", "Burgos", "Nationalists"]


def test_leave_one_document_out_never_sees_the_held_out_document():
    rows = training_rows(tiny_gold(), predict_members, lambda block, preds: [])
    poisoned = [
        TrainingRow(r.doc_id, r.block_id, r.key, r.features, not r.gold if r.doc_id == "c" else r.gold) for r in rows
    ]
    models = leave_one_document_out(poisoned + rows[:0])
    assert set(models) == {"a", "b", "c"}
    assert models["c"].meta["held_out"] == "c"
    # the fold that holds out `c` is fitted on a and b only, so it equals a fit on those rows
    assert models["c"].coef == fit([r for r in poisoned if r.doc_id != "c"]).coef


class Fixed:
    def __init__(self, name: str, found: list[Span]) -> None:
        self.name = name
        self.found = found

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        return [list(self.found) for _ in blocks]


def test_shipped_learned_policy_loads_and_keeps_uncontested_model_spans():
    from serge_corpus.ner import get_backend
    from serge_corpus.ner.gazetteer import packaged_path

    backend = get_backend(
        "ensemble",
        policy=packaged_path("ner_ensemble_learned.json"),
        members=[Fixed("spacy", PREDS["spacy"]), Fixed("gazetteer", PREDS["gazetteer"])],
    )
    assert backend.learned is not None and "learned_model_sha256" in backend.info
    out = backend.predict([BLOCK])[0]
    kept = [(s.text, s.label) for s in out]
    assert ("Franco", "PERSON") in kept and ("Nationalists", "NORP") in kept
    assert all("p" in s.extra for s in out)
