"""Cross-validation folds that never cut a section or a document.

Units (see `gold_set.unit_of`) are dealt to K folds greedily, largest first
(by gold spans, then words), each to the fold with the fewest spans so far:
folds come out balanced in what is scored, and the assignment depends only
on the data (no random state), so every method sees the same folds.

`by="auto"` folds by document when there are at least K documents (the
out-of-document estimate) and by section otherwise (one document: its
sections are the folds' units).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block
from serge_corpus.train.gold_set import Unit, unit_of

FoldBy = Literal["auto", "section", "document"]


@dataclass(frozen=True)
class Fold:
    """One fold: the units held out and the blocks on each side."""

    index: int
    held_out: tuple[Unit, ...]
    train: tuple[Block, ...]
    test: tuple[Block, ...]


def resolve_fold_by(blocks: Sequence[Block], k: int, by: FoldBy) -> Literal["section", "document"]:
    if by == "auto":
        return "document" if len({b.doc_id for b in blocks}) >= k else "section"
    return by


def make_folds(blocks: Sequence[Block], k: int, by: FoldBy = "auto") -> list[Fold]:
    """K folds over `blocks`; E457 when there are fewer units than folds."""
    unit_by = resolve_fold_by(blocks, k, by)
    units: dict[Unit, list[Block]] = {}
    for block in blocks:
        units.setdefault(unit_of(block, unit_by), []).append(block)
    # Units with no annotatable text (boilerplate only) still travel, but are never a fold's only content.
    if k < 2 or k > len(units):
        raise SergeCorpusError(
            Problem(
                "E457",
                f"--cv {k} with {len(units)} {unit_by} units ({', '.join(':'.join(u) for u in units)})",
                field="cv",
            )
        )
    size = {u: (sum(len(b.spans) for b in bs), sum(len(b.tokens) for b in bs)) for u, bs in units.items()}
    order = sorted(units, key=lambda u: (-size[u][0], -size[u][1], u))
    load = [(0, 0)] * k
    members: list[list[Unit]] = [[] for _ in range(k)]
    for unit in order:
        target = min(range(k), key=lambda i: (load[i], i))
        members[target].append(unit)
        load[target] = (load[target][0] + size[unit][0], load[target][1] + size[unit][1])
    folds = []
    for i, held in enumerate(members):
        held_set = set(held)
        folds.append(
            Fold(
                index=i,
                held_out=tuple(sorted(held)),
                train=tuple(b for b in blocks if unit_of(b, unit_by) not in held_set),
                test=tuple(b for b in blocks if unit_of(b, unit_by) in held_set),
            )
        )
    return folds


def subsample(blocks: Sequence[Block], fraction: float, seed: int) -> list[Block]:
    """A seeded share of the annotated training blocks (whole blocks), for learning curves.

    At least one block is kept; non-annotated blocks follow their share too.
    """
    import random

    if not 0 < fraction <= 1:
        raise SergeCorpusError(Problem("E461", f"fraction {fraction} is not in (0, 1]", field="curve"))
    if fraction == 1:
        return list(blocks)
    order = list(range(len(blocks)))
    random.Random(seed).shuffle(order)
    keep = set(order[: max(1, round(fraction * len(blocks)))])
    return [b for i, b in enumerate(blocks) if i in keep]
