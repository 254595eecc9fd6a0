"""Counts that add up across documents, so that a pooled score needs no full load.

`evaluate()` is `summarize_counts(count_pairs(pairs))`; a streamed evaluation
(`serge_corpus.batch`, `evaluate --gold DIR --pred DIR -o OUT`) counts each
document where it is processed, adds the counts with `add_counts`, and
summarises once at the end. Every summary figure is a sum of integers, so the
pooled result equals the one of all records loaded at once. Only what the
bootstrap resamples stays per block: a (blocks, 3) array per headline F1
(about 0.5 KB a block), in document order, so the intervals are the same too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from serge_corpus.evaluate.bootstrap import DEFAULT_LEVEL, DEFAULT_RESAMPLES, bootstrap_f1, check_settings
from serge_corpus.evaluate.dates import DateCounts, DateTables, date_f1_counts, date_tables, summarize_dates
from serge_corpus.evaluate.ner import (
    NONE,
    SCHEMAS,
    BlockNer,
    Counts,
    NerTables,
    align_spans,
    confusion_from_counts,
    ner_f1_counts,
    ner_tables,
    summarize_ner,
)
from serge_corpus.evaluate.sentences import (
    BlockSentenceCounts,
    scored_blocks,
    sentence_f1_counts,
    sentence_tables,
    summarize_sentences,
)
from serge_corpus.evaluate.spans import Tokenizer
from serge_corpus.model import LABELS, Block


@dataclass
class EvaluationCounts:
    """The counts of one document, or of several added together."""

    ner: NerTables  # blocks collapsed into one summed BlockNer; `block_count` says how many
    dates: DateTables  # likewise, one summed DateCounts
    sentences: BlockSentenceCounts
    sentence_blocks: int
    confusion: Counter[tuple[str, str]]
    records: int
    f1_parts: list[dict[str, np.ndarray]] = field(default_factory=list)  # per document: metric -> (blocks, 3)


def count_pairs(pairs: list[tuple[Block, Block]], tokenize: Tokenizer | None = None) -> EvaluationCounts:
    """Everything `evaluate` needs from these block pairs, summed over them."""
    ner = ner_tables(pairs, tokenize)
    dates = date_tables(pairs)
    sentences = sentence_tables(pairs)
    confusion: Counter[tuple[str, str]] = Counter(
        (a.gold.label if a.gold else NONE, a.pred.label if a.pred else NONE) for a in align_spans(pairs)
    )
    parts = ner_f1_counts(ner) | date_f1_counts(dates) | sentence_f1_counts(sentences)
    return EvaluationCounts(
        ner=_collapsed_ner(ner),
        dates=_collapsed_dates(dates),
        sentences=tuple(sum(row[i] for row in sentences) for i in range(6)),  # type: ignore[arg-type]
        sentence_blocks=scored_blocks(pairs),
        confusion=confusion,
        records=len(pairs),
        f1_parts=[parts],
    )


def _collapsed_ner(tables: NerTables) -> NerTables:
    return NerTables(
        blocks=[_sum_block_ner(tables.blocks)],
        labels=tables.labels,
        dropped=tables.dropped,
        ignored=tables.ignored,
        spans=tables.spans,
        unaligned=tables.unaligned,
        lost=tables.lost,
        tokenized_blocks=tables.tokenized_blocks,
        block_count=tables.block_count if tables.block_count is not None else len(tables.blocks),
    )


def _sum_block_ner(blocks: list[BlockNer]) -> BlockNer:
    overall: dict[str, Counts] = {schema: Counts() for schema in SCHEMAS}
    per_label: dict[str, dict[str, Counts]] = {}
    seqeval = (0, 0, 0)
    for block in blocks:
        for schema, counts in block.overall.items():
            overall[schema] = overall.get(schema, Counts()) + counts
        for label, schemas in block.per_label.items():
            into = per_label.setdefault(label, {})
            for schema, counts in schemas.items():
                into[schema] = into.get(schema, Counts()) + counts
        seqeval = (seqeval[0] + block.seqeval[0], seqeval[1] + block.seqeval[1], seqeval[2] + block.seqeval[2])
    return BlockNer(overall, per_label, seqeval)


def _collapsed_dates(tables: DateTables) -> DateTables:
    total = DateCounts()
    for counts in tables.blocks:
        total.add(counts)
    return DateTables(blocks=[total], families={name: _copy_dates(c) for name, c in tables.families.items()})


def empty_counts() -> EvaluationCounts:
    """The counts of no document: what `add_counts` starts from."""
    return count_pairs([])


def add_counts(total: EvaluationCounts, other: EvaluationCounts) -> None:
    """Add `other`'s documents, after those already in `total` (which changes; `other` does not)."""
    for name, counts in other.dates.families.items():
        total.dates.families.setdefault(name, DateCounts()).add(counts)
    total.dates.blocks[0].add(other.dates.blocks[0])
    a, b = total.ner, other.ner
    used = set(a.labels) | set(b.labels)
    total.ner = NerTables(
        blocks=[_sum_block_ner(a.blocks + b.blocks)],
        labels=tuple(label for label in LABELS if label in used),
        dropped={side: a.dropped[side] + b.dropped[side] for side in ("gold", "pred")},
        ignored=a.ignored + b.ignored,
        spans=a.spans + b.spans,
        unaligned=a.unaligned + b.unaligned,
        lost=a.lost + b.lost,
        tokenized_blocks=a.tokenized_blocks + b.tokenized_blocks,
        block_count=(a.block_count or 0) + (b.block_count or 0),
    )
    total.sentences = tuple(x + y for x, y in zip(total.sentences, other.sentences, strict=True))  # type: ignore[assignment]
    total.sentence_blocks += other.sentence_blocks
    total.confusion.update(other.confusion)
    total.records += other.records
    total.f1_parts += other.f1_parts


def _copy_dates(counts: DateCounts) -> DateCounts:
    copy = DateCounts()
    copy.add(counts)
    return copy


def summarize_counts(
    counts: EvaluationCounts,
    *,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    meta: dict[str, Any] | None = None,
) -> dict:
    """The evaluation result (keys: docs/evaluate.md) of these counts."""
    check_settings(bootstrap, level)
    result: dict = {
        "ner": summarize_ner(counts.ner) | {"confusion": confusion_from_counts(counts.confusion)},
        "dates": summarize_dates(counts.dates),
        "sentences": summarize_sentences([counts.sentences], counts.sentence_blocks),
    }
    labels = counts.ner.labels
    macros = {"ner.macro.strict.f1": [f"ner.per_label.{label}.strict.f1" for label in labels]}
    result["ci"] = bootstrap_f1(bootstrap_arrays(counts), n=bootstrap, seed=seed, level=level, macros=macros)
    result["meta"] = (meta or {"gold": None, "pred": None}) | {"records": counts.records}
    return result


def bootstrap_arrays(counts: EvaluationCounts) -> dict[str, np.ndarray]:
    """metric -> (blocks, 3) over every document in order; a label a document lacks counts zero there.

    Metric order is the one `evaluate` gives all records at once: NER schemas and
    seqeval, per-label F1s in label order, then dates and sentences.
    """
    names: list[str] = []
    for part in counts.f1_parts:
        names += [name for name in part if name not in names]
    per_label = {f"ner.per_label.{label}.strict.f1" for label in LABELS}
    head = [n for n in names if n.startswith("ner.") and n not in per_label]
    labels = [f"ner.per_label.{label}.strict.f1" for label in counts.ner.labels]
    tail = [n for n in names if not n.startswith("ner.")]
    out: dict[str, np.ndarray] = {}
    for name in head + labels + tail:
        columns = []
        for part in counts.f1_parts:
            rows = len(next(iter(part.values()))) if part else 0
            columns.append(part.get(name, np.zeros((rows, 3))))
        out[name] = np.concatenate(columns) if columns else np.zeros((0, 3))
    return out
