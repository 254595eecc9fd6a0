"""Score a backend on gold blocks with the project's evaluator (strict F1 + bootstrap CI).

Every method (trained models, the pretrained pipeline, the rules) is scored
on its raw NER output (`backend.predict`), without the date pass of
`annotate`, so the figures compare the NER models and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from serge_corpus.evaluate import evaluate
from serge_corpus.model import Block
from serge_corpus.ner.base import NerBackend


class Score(TypedDict):
    """Strict (exact boundaries and label) NER scores of one comparison."""

    f1: float
    precision: float
    recall: float
    low: float  # bootstrap CI of f1 (blocks resampled)
    high: float
    per_label: dict[str, float]  # strict F1 per guidelines label present in gold or prediction
    gold_spans: int
    blocks: int


def predict_blocks(backend: NerBackend, blocks: Sequence[Block]) -> list[Block]:
    """The blocks with the backend's spans in place of their own."""
    return [block.with_spans(spans) for block, spans in zip(blocks, backend.predict(blocks))]


def score_blocks(gold: Sequence[Block], pred: Sequence[Block], *, bootstrap: int = 1000, seed: int = 0) -> Score:
    result = evaluate(list(gold), list(pred), bootstrap=bootstrap, seed=seed)
    ner = result["ner"]
    ci = result["ci"]["metrics"].get("ner.strict.f1", {})
    return Score(
        f1=float(ner["strict"]["f1"]),
        precision=float(ner["strict"]["precision"]),
        recall=float(ner["strict"]["recall"]),
        low=float(ci.get("low", ner["strict"]["f1"])),
        high=float(ci.get("high", ner["strict"]["f1"])),
        per_label={label: float(v["strict"]["f1"]) for label, v in ner["per_label"].items()},
        gold_spans=int(ner["spans"]["gold"]),
        blocks=int(ner["blocks"]),
    )


def score_backend(backend: NerBackend, gold: Sequence[Block], *, bootstrap: int = 1000, seed: int = 0) -> Score:
    return score_blocks(gold, predict_blocks(backend, gold), bootstrap=bootstrap, seed=seed)
