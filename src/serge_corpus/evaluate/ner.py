"""Entity metrics: the four SemEval-2013 schemas (as nervaluate counts them),
seqeval's strict IOB2 entity F1, and the label confusions behind them.

Schemas (character offsets, spans of model.LABELS only, boilerplate ignored):
- strict: same boundaries and label;
- exact: same boundaries, any label;
- partial: overlap counts half (`partial`), same boundaries count fully;
- type: the label is right and the spans overlap.

Matching follows nervaluate 1.2 prediction by prediction, with one deliberate
difference: pairs with identical boundaries (and, for strict and type, the
same label) are taken first, so an exact match is never lost to an earlier
prediction that only overlaps the same gold span. For flat (non-overlapping)
predictions this changes nothing; see docs/evaluate.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, TypedDict, get_args

import numpy as np

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.evaluate.pairing import Records, pair_blocks
from serge_corpus.evaluate.spans import (
    Tokenizer,
    match_spans,
    scored_spans,
    to_token_spans,
)
from serge_corpus.model import LABELS, Block, Span, Token

Schema = Literal["strict", "exact", "partial", "type"]
SCHEMAS: tuple[Schema, ...] = get_args(Schema)
# Schemas whose precision and recall give half credit to `partial` (nervaluate).
HALF_CREDIT: frozenset[str] = frozenset({"partial", "type"})
NONE = "none"  # the row/column of missed and spurious spans in a confusion matrix
PRF_KEYS: tuple[Literal["precision", "recall", "f1"], ...] = ("precision", "recall", "f1")
Outcome = Literal["correct", "incorrect", "partial", "missed", "spurious"]
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)


# ---------------------------------------------------------------- result shapes (docs/evaluate.md)


class SchemaScores(TypedDict):
    """Scores of one SemEval-2013 schema, with the outcome counts behind them."""

    precision: float
    recall: float
    f1: float
    correct: int
    incorrect: int
    partial: int
    missed: int
    spurious: int
    possible: int
    actual: int


class BySchema(TypedDict):
    strict: SchemaScores
    exact: SchemaScores
    partial: SchemaScores
    type: SchemaScores


class MacroScores(TypedDict):
    """Unweighted mean over the labels present of one schema's per-label scores."""

    precision: float
    recall: float
    f1: float
    labels: int


class MacroBySchema(TypedDict):
    strict: MacroScores
    exact: MacroScores
    partial: MacroScores
    type: MacroScores


class BySide(TypedDict):
    """A count for each side of a comparison."""

    gold: int
    pred: int


class DroppedLabels(TypedDict):
    """Per side: label -> spans left out for a label outside model.LABELS."""

    gold: dict[str, int]
    pred: dict[str, int]


class SeqevalScores(TypedDict):
    """seqeval's strict IOB2 entity scores on tokens, and what token alignment changed."""

    precision: float
    recall: float
    f1: float
    correct: int
    predicted: int
    gold: int
    unaligned: BySide
    lost: BySide
    tokenized_blocks: int


class NerScores(TypedDict):
    """The `ner` section of an evaluation result (`score_ner`)."""

    strict: SchemaScores
    exact: SchemaScores
    partial: SchemaScores
    type: SchemaScores
    per_label: dict[str, BySchema]
    macro: MacroBySchema
    seqeval: SeqevalScores
    dropped_labels: DroppedLabels
    ignored_boilerplate: BySide
    spans: BySide
    blocks: int


class NerResult(NerScores):
    """`NerScores` with the label confusion matrix (what `evaluate` reports)."""

    confusion: dict[str, dict[str, int]]  # gold label -> predicted label -> count, `none` for missed/spurious


@dataclass(frozen=True)
class Counts:
    """SemEval-2013 outcome counts of one schema."""

    correct: int = 0
    incorrect: int = 0
    partial: int = 0
    missed: int = 0
    spurious: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.correct + other.correct,
            self.incorrect + other.incorrect,
            self.partial + other.partial,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )

    @property
    def actual(self) -> int:
        """Predicted spans (COR + INC + PAR + SPU)."""
        return self.correct + self.incorrect + self.partial + self.spurious

    @property
    def possible(self) -> int:
        """Gold spans (COR + INC + PAR + MIS)."""
        return self.correct + self.incorrect + self.partial + self.missed

    def credit(self, schema: str) -> float:
        return self.correct + 0.5 * self.partial if schema in HALF_CREDIT else float(self.correct)


def prf(credit: float, actual: int | float, possible: int | float) -> tuple[float, float, float]:
    """Precision, recall, F1; 0 where a denominator is 0 (nervaluate, seqeval)."""
    precision = credit / actual if actual > 0 else 0.0
    recall = credit / possible if possible > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1


def scores(counts: Counts, schema: str) -> SchemaScores:
    precision, recall, f1 = prf(counts.credit(schema), counts.actual, counts.possible)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "correct": counts.correct,
        "incorrect": counts.incorrect,
        "partial": counts.partial,
        "missed": counts.missed,
        "spurious": counts.spurious,
        "possible": counts.possible,
        "actual": counts.actual,
    }


# ---------------------------------------------------------------- matching


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _same_bounds(a: Span, b: Span) -> bool:
    return a.start == b.start and a.end == b.end


def _same_key(a: Span, b: Span) -> bool:
    return _same_bounds(a, b) and a.label == b.label


def _exact_first(
    gold: Sequence[Span], pred: Sequence[Span], same: Callable[[Span, Span], bool]
) -> tuple[set[int], set[int]]:
    """Pair predictions with gold spans `same` as them; (matched gold, matched pred)."""
    matched_gold: set[int] = set()
    matched_pred: set[int] = set()
    for pi, p in enumerate(pred):
        for gi, g in enumerate(gold):
            if gi not in matched_gold and same(g, p):
                matched_gold.add(gi)
                matched_pred.add(pi)
                break
    return matched_gold, matched_pred


def _boundary_schema(
    gold: Sequence[Span], pred: Sequence[Span], same: Callable[[Span, Span], bool], overlap_outcome: str
) -> Counts:
    """strict / exact / partial: `same` pairs are correct, first overlap is `overlap_outcome`."""
    matched_gold, matched_pred = _exact_first(gold, pred, same)
    outcomes = Counter({"correct": len(matched_pred)})
    for pi, p in enumerate(pred):
        if pi in matched_pred:
            continue
        hit = next((gi for gi, g in enumerate(gold) if gi not in matched_gold and _overlaps(g, p)), None)
        if hit is None:
            outcomes["spurious"] += 1
        else:
            matched_gold.add(hit)
            outcomes[overlap_outcome] += 1
    outcomes["missed"] = len(gold) - len(matched_gold)
    return Counts(**outcomes)


def _type_schema(gold: Sequence[Span], pred: Sequence[Span]) -> Counts:
    """type: an overlapping gold span of the same label (closest boundaries) is correct."""
    matched_gold, matched_pred = _exact_first(gold, pred, _same_key)
    outcomes = Counter({"correct": len(matched_pred)})
    for pi, p in enumerate(pred):
        if pi in matched_pred:
            continue
        best: tuple[int, int] | None = None  # (distance, gold index)
        wrong_label: int | None = None
        for gi, g in enumerate(gold):
            if gi in matched_gold or not _overlaps(g, p):
                continue
            if g.label == p.label:
                distance = abs(p.start - g.start) + abs(p.end - g.end)
                if best is None or distance < best[0]:
                    best = (distance, gi)
            elif wrong_label is None:
                wrong_label = gi
        if best is not None:
            matched_gold.add(best[1])
            outcomes["correct"] += 1
        elif wrong_label is not None:
            matched_gold.add(wrong_label)
            outcomes["incorrect"] += 1
        else:
            outcomes["spurious"] += 1
    outcomes["missed"] = len(gold) - len(matched_gold)
    return Counts(**outcomes)


def schema_counts(gold: Sequence[Span], pred: Sequence[Span]) -> dict[str, Counts]:
    """Counts of the four schemas for two span lists (give them sorted by start, end)."""
    return {
        "strict": _boundary_schema(gold, pred, _same_key, "incorrect"),
        "exact": _boundary_schema(gold, pred, _same_bounds, "incorrect"),
        "partial": _boundary_schema(gold, pred, _same_bounds, "partial"),
        "type": _type_schema(gold, pred),
    }


# ---------------------------------------------------------------- per block


@dataclass(frozen=True)
class BlockNer:
    """Everything NER scoring needs from one (gold, pred) block pair."""

    overall: dict[str, Counts]
    per_label: dict[str, dict[str, Counts]]
    seqeval: tuple[int, int, int]  # (correct, predicted, gold) entities on tokens


@dataclass
class NerTables:
    """Per-block counts plus what was left out, for scoring and bootstrap."""

    blocks: list[BlockNer] = field(default_factory=list)
    labels: tuple[str, ...] = ()  # labels present in gold or pred, in model.LABELS order
    dropped: dict[str, Counter[str]] = field(default_factory=lambda: {"gold": Counter(), "pred": Counter()})
    ignored: Counter[str] = field(default_factory=Counter)  # side -> spans in boilerplate
    spans: Counter[str] = field(default_factory=Counter)  # side -> scored spans
    unaligned: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    tokenized_blocks: int = 0
    block_count: int | None = None  # blocks counted, when `blocks` holds their sums (evaluate.pooling)


def block_tokens(
    gold: Block, pred: Block, tokenize: Tokenizer | None, file_hint: str | None = None
) -> tuple[tuple[Token, ...], bool]:
    """Tokens to score a block pair on: gold's, else pred's, else `tokenize`'s.

    Returns (tokens, whether `tokenize` produced them). Raises E143 when there
    are none and no tokenizer.
    """
    if gold.tokens:
        return gold.tokens, False
    if pred.tokens:
        return pred.tokens, False
    if tokenize is None:
        raise SergeCorpusError(Problem("E143", "neither file has tokens for it", file_hint, None, gold.id, "tokens"))
    return tuple(tokenize(gold.text)), True


def ner_tables(pairs: Sequence[tuple[Block, Block]], tokenize: Tokenizer | None = None) -> NerTables:
    tables = NerTables()
    used: set[str] = set()
    missing_tokens: list[Problem] = []
    for gold_block, pred_block in pairs:
        g = scored_spans(gold_block)
        p = scored_spans(pred_block, kind=gold_block.block)
        tables.dropped["gold"].update(g.dropped)
        tables.dropped["pred"].update(p.dropped)
        tables.ignored["gold"] += g.ignored
        tables.ignored["pred"] += p.ignored
        tables.spans["gold"] += len(g.spans)
        tables.spans["pred"] += len(p.spans)
        labels = {s.label for s in g.spans} | {s.label for s in p.spans}
        used |= labels
        per_label = {
            label: schema_counts([s for s in g.spans if s.label == label], [s for s in p.spans if s.label == label])
            for label in labels
        }
        seqeval = (0, 0, 0)
        if g.spans or p.spans:
            try:
                tokens, retokenized = block_tokens(gold_block, pred_block, tokenize)
            except SergeCorpusError as err:
                missing_tokens += err.problems
                continue
            tables.tokenized_blocks += int(retokenized)
            gt = to_token_spans(g.spans, tokens)
            pt = to_token_spans(p.spans, tokens)
            for side, ts in (("gold", gt), ("pred", pt)):
                tables.unaligned[side] += ts.unaligned
                tables.lost[side] += ts.lost
            seqeval = (len(set(gt.spans) & set(pt.spans)), len(pt.spans), len(gt.spans))
        tables.blocks.append(BlockNer(schema_counts(g.spans, p.spans), per_label, seqeval))
    if missing_tokens:
        raise SergeCorpusError(missing_tokens)
    tables.labels = tuple(label for label in LABELS if label in used)
    return tables


# ---------------------------------------------------------------- summary


def _by_schema(total: Callable[[Schema], Counts]) -> BySchema:
    """The scores of every schema, given how to total the counts of one."""
    return {
        "strict": scores(total("strict"), "strict"),
        "exact": scores(total("exact"), "exact"),
        "partial": scores(total("partial"), "partial"),
        "type": scores(total("type"), "type"),
    }


def summarize_ner(tables: NerTables) -> NerScores:
    """The `ner` section of the evaluation result (keys in docs/evaluate.md)."""
    overall = _by_schema(lambda schema: sum((b.overall[schema] for b in tables.blocks), Counts()))

    def label_total(label: str) -> Callable[[Schema], Counts]:
        return lambda schema: sum((b.per_label[label][schema] for b in tables.blocks if label in b.per_label), Counts())

    per_label = {label: _by_schema(label_total(label)) for label in tables.labels}

    def macro(schema: Schema) -> MacroScores:
        means = [
            float(np.mean([per_label[label][schema][key] for label in tables.labels])) if tables.labels else 0.0
            for key in PRF_KEYS
        ]
        return {"precision": means[0], "recall": means[1], "f1": means[2], "labels": len(tables.labels)}

    correct, predicted, gold = (sum(b.seqeval[i] for b in tables.blocks) for i in range(3))
    precision, recall, f1 = prf(correct, predicted, gold)
    return {
        "strict": overall["strict"],
        "exact": overall["exact"],
        "partial": overall["partial"],
        "type": overall["type"],
        "per_label": per_label,
        "macro": {
            "strict": macro("strict"),
            "exact": macro("exact"),
            "partial": macro("partial"),
            "type": macro("type"),
        },
        "seqeval": {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "correct": correct,
            "predicted": predicted,
            "gold": gold,
            "unaligned": _by_side(tables.unaligned),
            "lost": _by_side(tables.lost),
            "tokenized_blocks": tables.tokenized_blocks,
        },
        "dropped_labels": {
            "gold": dict(sorted(tables.dropped["gold"].items())),
            "pred": dict(sorted(tables.dropped["pred"].items())),
        },
        "ignored_boilerplate": _by_side(tables.ignored),
        "spans": _by_side(tables.spans),
        "blocks": tables.block_count if tables.block_count is not None else len(tables.blocks),
    }


def _by_side(counts: Counter[str]) -> BySide:
    return {"gold": counts["gold"], "pred": counts["pred"]}


def score_ner(gold: Records, pred: Records, tokenize: Tokenizer | None = None) -> NerScores:
    """NER metrics of `pred` against `gold`, records matched by id.

    `tokenize` is used for the seqeval numbers on blocks whose records carry no
    tokens (their count is reported); without it such blocks raise E143.
    """
    return summarize_ner(ner_tables(pair_blocks(gold, pred), tokenize))


def _schema_counts(block: BlockNer, schema: str) -> tuple[float, float, float]:
    counts = block.overall[schema]
    return (counts.credit(schema), counts.actual, counts.possible)


def ner_f1_counts(tables: NerTables) -> dict[str, np.ndarray]:
    """Per-block (credit, actual, possible) of every headline NER F1, for the bootstrap."""
    counts: dict[str, np.ndarray] = {}

    def column(get: Callable[[BlockNer], tuple[float, float, float]]) -> np.ndarray:
        return np.array([get(b) for b in tables.blocks], dtype=float).reshape(len(tables.blocks), 3)

    for schema in SCHEMAS:
        counts[f"ner.{schema}.f1"] = column(partial(_schema_counts, schema=schema))
    counts["ner.seqeval.f1"] = column(lambda b: b.seqeval)
    for label in tables.labels:

        def get(b: BlockNer, label: str = label) -> tuple[float, float, float]:
            c = b.per_label.get(label, {}).get("strict", Counts())
            return (c.correct, c.actual, c.possible)

        counts[f"ner.per_label.{label}.strict.f1"] = column(get)
    return counts


# ---------------------------------------------------------------- errors


AlignmentKind = Literal["correct", "confusion", "boundary", "missed", "spurious"]


@dataclass(frozen=True)
class Alignment:
    """A gold span, a predicted span, or both paired, in one block."""

    block: Block
    gold: Span | None
    pred: Span | None

    @property
    def kind(self) -> AlignmentKind:
        """correct, confusion (label differs), boundary (same label, other edges), missed, spurious."""
        if self.pred is None:
            return "missed"
        if self.gold is None:
            return "spurious"
        if self.gold.label != self.pred.label:
            return "confusion"
        if (self.gold.start, self.gold.end) != (self.pred.start, self.pred.end):
            return "boundary"
        return "correct"


def align_spans(pairs: Sequence[tuple[Block, Block]]) -> list[Alignment]:
    """Pair gold and predicted spans one-to-one by overlap, any label (spans.match_spans)."""
    out: list[Alignment] = []
    for gold_block, pred_block in pairs:
        g = scored_spans(gold_block).spans
        p = scored_spans(pred_block, kind=gold_block.block).spans
        matched = match_spans(g, p, same_label=False)
        gold_done = {gi for gi, _ in matched}
        pred_done = {pi for _, pi in matched}
        out += [Alignment(gold_block, g[gi], p[pi]) for gi, pi in matched]
        out += [Alignment(gold_block, s, None) for i, s in enumerate(g) if i not in gold_done]
        out += [Alignment(gold_block, None, s) for i, s in enumerate(p) if i not in pred_done]
    return out


def confusion_matrix(alignments: Sequence[Alignment]) -> dict[str, dict[str, int]]:
    """gold label -> predicted label -> count, with `none` for missed / spurious."""
    return confusion_from_counts(
        Counter((a.gold.label if a.gold else NONE, a.pred.label if a.pred else NONE) for a in alignments)
    )


def confusion_from_counts(counts: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """The confusion matrix of (gold label, predicted label) counts."""
    rows = sorted({g for g, _ in counts}, key=_label_order)
    cols = sorted({p for _, p in counts}, key=_label_order)
    return {g: {p: counts[(g, p)] for p in cols if counts[(g, p)]} for g in rows}


def _label_order(label: str) -> tuple[int, str]:
    return (LABELS.index(label), label) if label in LABELS else (len(LABELS), label)
