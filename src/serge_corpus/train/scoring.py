"""Score a backend on gold blocks with the project's evaluator (strict F1 + bootstrap CI).

Every method (trained models, the pretrained pipeline, the rules) is scored
on its raw NER output (`backend.predict`), without the date pass of
`annotate`, so the figures compare the NER models and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from serge_corpus.evaluate import evaluate
from serge_corpus.evaluate.evaluation import metric_interval
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
    strict = ner["strict"]
    ci = metric_interval(result, "ner.strict.f1")  # None without bootstrap: the interval is the point
    return Score(
        f1=strict["f1"],
        precision=strict["precision"],
        recall=strict["recall"],
        low=strict["f1"] if ci is None else ci["low"],
        high=strict["f1"] if ci is None else ci["high"],
        per_label={label: v["strict"]["f1"] for label, v in ner["per_label"].items()},
        gold_spans=ner["spans"]["gold"],
        blocks=ner["blocks"],
    )


def score_backend(backend: NerBackend, gold: Sequence[Block], *, bootstrap: int = 1000, seed: int = 0) -> Score:
    return score_blocks(gold, predict_blocks(backend, gold), bootstrap=bootstrap, seed=seed)
