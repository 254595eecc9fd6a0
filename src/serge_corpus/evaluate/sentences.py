"""Sentence boundary metrics.

A boundary is a sentence end offset in document coordinates
(`block.offset + sentence.end`); a predicted boundary is correct when gold has
the same one. Blocks are paired by id and scored when the guidelines split
them into sentences (model.SENTENCE_BLOCKS, by the gold block's kind) or when
gold gives them sentences. `internal` leaves out boundaries at the very end of
a block, which any splitter gets right, so it measures the real decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

import numpy as np

from serge_corpus.evaluate.ner import prf
from serge_corpus.evaluate.pairing import Records, pair_blocks
from serge_corpus.model import SENTENCE_BLOCKS, Block

# Per block: (correct, predicted, gold) for all boundaries, then for internal ones.
BlockSentenceCounts = tuple[int, int, int, int, int, int]


class BoundaryScores(TypedDict):
    precision: float
    recall: float
    f1: float
    correct: int
    pred: int
    gold: int


class SentenceScores(BoundaryScores):
    """The `sentences` section of an evaluation result (`score_sentences`): all boundaries, then internal ones."""

    internal: BoundaryScores
    blocks: int  # blocks scored


def boundaries(block: Block) -> set[int]:
    """Sentence end offsets of a block, in document coordinates."""
    return {block.offset + s.end for s in block.sentences}


def is_scored(gold: Block) -> bool:
    return gold.block in SENTENCE_BLOCKS or bool(gold.sentences)


def block_sentence_counts(gold: Block, pred: Block) -> BlockSentenceCounts:
    if not is_scored(gold):
        return (0, 0, 0, 0, 0, 0)
    g, p = boundaries(gold), boundaries(pred)
    block_end = gold.end
    gi, pi = g - {block_end}, p - {block_end}
    return (len(g & p), len(p), len(g), len(gi & pi), len(pi), len(gi))


def sentence_tables(pairs: Sequence[tuple[Block, Block]]) -> list[BlockSentenceCounts]:
    return [block_sentence_counts(g, p) for g, p in pairs]


def _boundary_scores(correct: int, pred: int, gold: int) -> BoundaryScores:
    precision, recall, f1 = prf(correct, pred, gold)
    return {"precision": precision, "recall": recall, "f1": f1, "correct": correct, "pred": pred, "gold": gold}


def summarize_sentences(tables: Sequence[BlockSentenceCounts], blocks: int) -> SentenceScores:
    """The `sentences` section of the evaluation result (keys in docs/evaluate.md)."""
    correct, pred, gold, internal_correct, internal_pred, internal_gold = (
        sum(row[i] for row in tables) for i in range(6)
    )
    return {
        **_boundary_scores(correct, pred, gold),
        "internal": _boundary_scores(internal_correct, internal_pred, internal_gold),
        "blocks": blocks,
    }


def score_sentences(gold: Records, pred: Records) -> SentenceScores:
    """Sentence boundary precision, recall and F1 of `pred` against `gold`."""
    pairs = pair_blocks(gold, pred)
    return summarize_sentences(sentence_tables(pairs), scored_blocks(pairs))


def scored_blocks(pairs: Sequence[tuple[Block, Block]]) -> int:
    return sum(1 for g, _ in pairs if is_scored(g))


def sentence_f1_counts(tables: Sequence[BlockSentenceCounts]) -> dict[str, np.ndarray]:
    """Per-block (correct, predicted, gold) of the sentence F1, for the bootstrap."""
    rows = np.array([row[:3] for row in tables], dtype=float).reshape(len(tables), 3)
    return {"sentences.f1": rows}
