"""The trained model in the correction loop (`serve --model DIR --order uncertain`).

Before the correction page opens, `prepare_review` writes a *review file*
beside the annotation file (`NAME.review.jsonl`, or `--review-file`):

- blocks the log has not touched yet (no op of any kind names them) get the
  trained model's annotation (`annotate` with `--ner model:DIR`: NER, then the
  date pass);
- blocks the log has touched keep the spans its ops were written against:
  those of the previous review file when there is one, else those of the
  annotation file. So re-running `serve --model` with a newer model never
  moves the ground under an op already logged.
- with `--order uncertain` the records are written most-uncertain first.
  Uncertainty is **committee disagreement**: 1 − the mean strict span F1
  between the model's spans and each committee member's (by default the
  other backends that can run here, e.g. the pretrained spaCy model and the
  rules). A block where every member finds the same spans scores 0; where
  they share nothing, 1. It is recorded in each record's
  `meta.review = {"model", "uncertainty", "rank"}`.

The page then corrects the review file with the same log. To build a gold
from such a session, the gold recipe's `pre` is the review file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records, write_records
from serge_corpus.model import Span

Order = Literal["document", "uncertain"]
ORDERS: tuple[str, ...] = ("document", "uncertain")


@dataclass(frozen=True)
class ReviewPlan:
    """What `prepare_review` wrote."""

    path: Path
    pre_annotated: int  # blocks given the model's annotation
    kept: int  # blocks kept because the log touched them
    order: str
    committee: tuple[str, ...]


def default_review_file(annotations: Path) -> Path:
    return annotations.with_name(annotations.name.removesuffix(".jsonl") + ".review.jsonl")


def disagreement(model: Sequence[Span], others: Sequence[Sequence[Span]]) -> float:
    """1 − mean strict F1 between `model` and each member's spans (0 when all are empty)."""
    if not others:
        return 0.0
    mine = {s.key for s in model}
    values = []
    for spans in others:
        theirs = {s.key for s in spans}
        total = len(mine) + len(theirs)
        values.append(1.0 if total and not mine & theirs else (1 - 2 * len(mine & theirs) / total if total else 0.0))
    return sum(values) / len(values)


def default_committee() -> list[str]:
    from serge_corpus.ner import available_backends

    return [n for n in available_backends() if n not in ("ensemble", "model")]


def prepare_review(
    annotations: Path,
    log: Path,
    model: Path,
    *,
    order: str = "uncertain",
    out: Path | None = None,
    committee: Sequence[str] | None = None,
) -> ReviewPlan:
    from serge_corpus.annotate import annotate_blocks, loaded_backend
    from serge_corpus.corrections import read_log
    from serge_corpus.ner import get_backend
    from serge_corpus.ner.base import annotatable

    if order not in ORDERS:
        raise SergeCorpusError(Problem("E461", f"--order {order!r}; use one of {', '.join(ORDERS)}", field="order"))
    out = out or default_review_file(annotations)
    if out.resolve() == annotations.resolve():
        raise SergeCorpusError(Problem("E194", "the review file would replace the annotation file", file=str(out)))
    blocks = read_records(annotations)
    touched = {op.record for op in read_log(log)} if log.exists() else set()
    previous = {b.id: b for b in read_records(out)} if out.exists() else {}
    kept = [previous.get(b.id, b) if b.id in touched else b for b in blocks]
    todo = [b for b in kept if b.id not in touched and annotatable(b)]
    name = f"model:{model}"
    annotated = {b.id: b for b in annotate_blocks(todo, ner=name).blocks} if todo else {}
    raw = dict(zip((b.id for b in todo), loaded_backend(name).predict(todo))) if todo else {}
    members = list(committee) if committee is not None else default_committee()
    scores: dict[str, float] = {}
    if order == "uncertain" and todo:
        predictions = [get_backend(member).predict(todo) for member in members]
        for i, block in enumerate(todo):
            scores[block.id] = disagreement(raw[block.id], [p[i] for p in predictions])
    merged = [annotated.get(b.id, b) for b in kept]
    position = {b.id: i for i, b in enumerate(merged)}
    if order == "uncertain":
        # Untouched blocks, most uncertain first; then everything already worked on, in document order.
        merged.sort(key=lambda b: (b.id not in scores, -scores.get(b.id, 0.0), position[b.id]))
    ranked = []
    for rank, block in enumerate(merged):
        if block.id in annotated:
            review = {
                "model": str(model),
                "uncertainty": round(scores.get(block.id, 0.0), 4),
                "rank": rank,
                "committee": members if order == "uncertain" else [],
            }
            block = block.with_meta(review=review)
        ranked.append(block)
    write_records(out, ranked)
    return ReviewPlan(out, len(annotated), len(touched & {b.id for b in blocks}), order, tuple(members))
