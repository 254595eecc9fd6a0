"""Date metrics in the style of TempEval-3: extraction, normalisation, families.

- extraction: DATE spans of gold and prediction, `strict` (same boundaries)
  and `relaxed` (overlap; spans paired one-to-one, exact pairs first, then by
  largest overlap — spans.match_spans);
- attributes: on relaxed pairs, accuracy of the date object's type, value,
  mod and anchor (plain equality; null equals null; a predicted DATE span
  without a date object gets every attribute wrong);
- value: end-to-end F1 where a prediction counts only with strict boundaries
  and the gold value;
- families: the same per expression family of the gold date (`date_family`),
  recall-based since a missed gold span has no predicted family.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypedDict

import numpy as np

from serge_corpus.evaluate.ner import prf
from serge_corpus.evaluate.pairing import Records, pair_blocks
from serge_corpus.evaluate.spans import match_spans, scored_spans
from serge_corpus.model import Block, DateValue, Span

Attribute = Literal["type", "value", "mod", "anchor"]
ATTRIBUTES: tuple[Attribute, ...] = ("type", "value", "mod", "anchor")
FAMILIES: tuple[str, ...] = (
    "absolute",
    "interval",
    "season/decade",
    "relative",
    "duration/age",
    "set",
    "unresolved",
)
# EDTF level-1 seasons (21-24) and unspecified digits (193X, 18XX, 1925-XX).
_SEASON = re.compile(r"^-?\d{4}-2[1-4]$")
_UNSPECIFIED = re.compile(r"[Xu]")


# ---------------------------------------------------------------- result shapes (docs/evaluate.md)


class DatePRF(TypedDict):
    precision: float
    recall: float
    f1: float
    correct: int


class AttributeScore(TypedDict):
    """Accuracy of one date attribute on the relaxed pairs (null without pairs)."""

    correct: int
    total: int
    accuracy: float | None


class AttributeScores(TypedDict):
    type: AttributeScore
    value: AttributeScore
    mod: AttributeScore
    anchor: AttributeScore


class FamilyScores(TypedDict):
    """Recall-based scores of the gold dates of one family (`date_family`)."""

    gold: int
    strict_recall: float
    relaxed_recall: float
    value_recall: float
    matched: int
    type_accuracy: float | None
    value_accuracy: float | None
    mod_accuracy: float | None
    anchor_accuracy: float | None


class DateScores(TypedDict):
    """The `dates` section of an evaluation result (`score_dates`)."""

    gold: int
    pred: int
    strict: DatePRF
    relaxed: DatePRF
    attributes: AttributeScores
    value: DatePRF
    families: dict[str, FamilyScores]  # family -> scores, FAMILIES order, families with gold dates only
    pred_without_date: int


def date_family(date: DateValue | None) -> str:
    """The expression family of a gold date object, first rule that applies:

    1. an `anchor` -> "relative" (resolved from another date);
    2. type DURATION -> "duration/age";
    3. type SET -> "set";
    4. no value -> "unresolved";
    5. type INTERVAL, or a value with "/" -> "interval";
    6. a season (YYYY-21..24) or unspecified digits (193X, 18XX) -> "season/decade";
    7. else -> "absolute" (a day, month or year).
    A span with no date object is "unresolved".
    """
    if date is None:
        return "unresolved"
    if date.anchor is not None:
        return "relative"
    if date.type == "DURATION":
        return "duration/age"
    if date.type == "SET":
        return "set"
    if date.value is None:
        return "unresolved"
    if date.type == "INTERVAL" or "/" in date.value:
        return "interval"
    if _SEASON.match(date.value) or _UNSPECIFIED.search(date.value):
        return "season/decade"
    return "absolute"


def attribute_matches(gold: DateValue | None, pred: DateValue | None) -> dict[Attribute, bool]:
    """Which of type/value/mod/anchor of a predicted date equal the gold ones."""
    if gold is None or pred is None:
        return {name: False for name in ATTRIBUTES}
    return {name: getattr(gold, name) == getattr(pred, name) for name in ATTRIBUTES}


@dataclass
class DateCounts:
    """Counts of one block, or summed over blocks / over a family."""

    gold: int = 0
    pred: int = 0
    strict: int = 0  # pairs with the same boundaries
    relaxed: int = 0  # overlapping pairs
    value: int = 0  # strict pairs with the gold value
    attributes: dict[Attribute, int] = field(default_factory=lambda: {name: 0 for name in ATTRIBUTES})
    pred_without_date: int = 0

    def add(self, other: DateCounts) -> None:
        for name in ("gold", "pred", "strict", "relaxed", "value", "pred_without_date"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ATTRIBUTES:
            self.attributes[name] += other.attributes[name]


def _date_spans(block: Block, kind: str) -> tuple[Span, ...]:
    return tuple(s for s in scored_spans(block, kind=kind).spans if s.label == "DATE")


def block_date_counts(gold_block: Block, pred_block: Block) -> tuple[DateCounts, dict[str, DateCounts]]:
    """Counts of a block pair, overall and per family of the gold date."""
    gold = _date_spans(gold_block, gold_block.block)
    pred = _date_spans(pred_block, gold_block.block)
    total = DateCounts(gold=len(gold), pred=len(pred))
    total.pred_without_date = sum(1 for s in pred if s.date is None)
    families: dict[str, DateCounts] = {}
    for g in gold:
        families.setdefault(date_family(g.date), DateCounts()).gold += 1
    for gi, pi in match_spans(gold, pred, same_label=True):
        g, p = gold[gi], pred[pi]
        family = families[date_family(g.date)]
        strict = (g.start, g.end) == (p.start, p.end)
        matches = attribute_matches(g.date, p.date)
        right_value = strict and matches["value"]
        for counts in (total, family):
            counts.relaxed += 1
            counts.strict += int(strict)
            counts.value += int(right_value)
            for name in ATTRIBUTES:
                counts.attributes[name] += int(matches[name])
    return total, families


@dataclass
class DateTables:
    blocks: list[DateCounts] = field(default_factory=list)
    families: dict[str, DateCounts] = field(default_factory=dict)


def date_tables(pairs: Sequence[tuple[Block, Block]]) -> DateTables:
    tables = DateTables()
    for gold_block, pred_block in pairs:
        total, families = block_date_counts(gold_block, pred_block)
        tables.blocks.append(total)
        for name, counts in families.items():
            tables.families.setdefault(name, DateCounts()).add(counts)
    return tables


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _prf_dict(correct: int, pred: int, gold: int) -> DatePRF:
    precision, recall, f1 = prf(correct, pred, gold)
    return {"precision": precision, "recall": recall, "f1": f1, "correct": correct}


def summarize_dates(tables: DateTables) -> DateScores:
    """The `dates` section of the evaluation result (keys in docs/evaluate.md)."""
    total = DateCounts()
    for counts in tables.blocks:
        total.add(counts)
    families: dict[str, FamilyScores] = {}
    for name in FAMILIES:
        c = tables.families.get(name)
        if c is None:
            continue
        accuracy = {attr: _ratio(c.attributes[attr], c.relaxed) for attr in ATTRIBUTES}
        families[name] = {
            "gold": c.gold,
            "strict_recall": c.strict / c.gold,
            "relaxed_recall": c.relaxed / c.gold,
            "value_recall": c.value / c.gold,
            "matched": c.relaxed,
            "type_accuracy": accuracy["type"],
            "value_accuracy": accuracy["value"],
            "mod_accuracy": accuracy["mod"],
            "anchor_accuracy": accuracy["anchor"],
        }

    def attribute(name: Attribute) -> AttributeScore:
        right = total.attributes[name]
        return {"correct": right, "total": total.relaxed, "accuracy": _ratio(right, total.relaxed)}

    return {
        "gold": total.gold,
        "pred": total.pred,
        "strict": _prf_dict(total.strict, total.pred, total.gold),
        "relaxed": _prf_dict(total.relaxed, total.pred, total.gold),
        "attributes": {
            "type": attribute("type"),
            "value": attribute("value"),
            "mod": attribute("mod"),
            "anchor": attribute("anchor"),
        },
        "value": _prf_dict(total.value, total.pred, total.gold),
        "families": families,
        "pred_without_date": total.pred_without_date,
    }


def score_dates(gold: Records, pred: Records) -> DateScores:
    """Date extraction and normalisation metrics of `pred` against `gold`."""
    return summarize_dates(date_tables(pair_blocks(gold, pred)))


def date_f1_counts(tables: DateTables) -> dict[str, np.ndarray]:
    """Per-block (correct, predicted, gold) of the date F1s, for the bootstrap."""

    def column(name: str) -> np.ndarray:
        rows = [(getattr(c, name), c.pred, c.gold) for c in tables.blocks]
        return np.array(rows, dtype=float).reshape(len(rows), 3)

    return {f"dates.{name}.f1": column(name) for name in ("strict", "relaxed", "value")}
