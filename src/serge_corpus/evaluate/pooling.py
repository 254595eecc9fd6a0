"""Counts that add up across documents, so that a pooled score needs no full load.

`evaluate()` is `summarize_counts(count_pairs(pairs))`; a streamed evaluation
(`serge_corpus.batch`, `evaluate --gold DIR --pred DIR -o OUT`) counts each
document where it is processed, adds the counts with `add_counts`, and
summarises once at the end. Every summary figure is a sum of integers, so the
pooled result equals the one of all records loaded at once. Only what the
bootstrap resamples stays per block: 3 numbers per headline F1 (0.2 to
about 0.6 KB a block), in document order, so the intervals are the same too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:  # evaluation.py calls this module: its result types only, at type-checking time
    from serge_corpus.evaluate.evaluation import Evaluation, EvaluationMeta


@dataclass
class EvaluationCounts:
    """The counts of one document, or of several added together."""

    ner: NerTables  # blocks collapsed into one summed BlockNer; `block_count` says how many
    dates: DateTables  # likewise, one summed DateCounts
    sentences: BlockSentenceCounts
    sentence_blocks: int
    confusion: Counter[tuple[str, str]]
    records: int
    # (metric names, (blocks, metrics, 3) array) per document, or per run of documents once compacted
    f1_parts: list[tuple[tuple[str, ...], np.ndarray]] = field(default_factory=list)


def count_pairs(pairs: list[tuple[Block, Block]], tokenize: Tokenizer | None = None) -> EvaluationCounts:
    """Everything `evaluate` needs from these block pairs, summed over them."""
    ner = ner_tables(pairs, tokenize)
    dates = date_tables(pairs)
    sentences = sentence_tables(pairs)
    confusion: Counter[tuple[str, str]] = Counter(
        (a.gold.label if a.gold else NONE, a.pred.label if a.pred else NONE) for a in align_spans(pairs)
    )
    parts = ner_f1_counts(ner) | date_f1_counts(dates) | sentence_f1_counts(sentences)
    names = tuple(parts)
    stacked = np.stack([parts[name] for name in names], axis=1) if pairs else np.zeros((0, len(names), 3))
    return EvaluationCounts(
        ner=_collapsed_ner(ner),
        dates=_collapsed_dates(dates),
        sentences=tuple(sum(row[i] for row in sentences) for i in range(6)),  # type: ignore[arg-type]
        sentence_blocks=scored_blocks(pairs),
        confusion=confusion,
        records=len(pairs),
        f1_parts=[(names, stacked)],
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
    if len(total.f1_parts) >= COMPACT_EVERY:
        total.f1_parts = [_joined(total.f1_parts, counts_order(total.f1_parts, total.ner.labels))]


COMPACT_EVERY = 256  # documents' arrays joined into one: a few objects per run, not per document


def counts_order(parts: list[tuple[tuple[str, ...], np.ndarray]], labels: tuple[str, ...]) -> tuple[str, ...]:
    """Metric order as `evaluate` gives all records at once: NER schemas and seqeval, per-label F1s in
    label order, then dates and sentences."""
    names: list[str] = []
    for part_names, _ in parts:
        names += [name for name in part_names if name not in names]
    per_label = {f"ner.per_label.{label}.strict.f1" for label in LABELS}
    head = [n for n in names if n.startswith("ner.") and n not in per_label]
    tail = [n for n in names if not n.startswith("ner.")]
    return tuple(head + [f"ner.per_label.{label}.strict.f1" for label in labels] + tail)


def _joined(
    parts: list[tuple[tuple[str, ...], np.ndarray]], names: tuple[str, ...]
) -> tuple[tuple[str, ...], np.ndarray]:
    """One array of every part's blocks over `names`; a metric a part lacks counts zero in its blocks."""
    where = {name: i for i, name in enumerate(names)}
    blocks = sum(len(array) for _, array in parts)
    out = np.zeros((blocks, len(names), 3))
    row = 0
    for part_names, array in parts:
        columns = [where[name] for name in part_names]
        out[row : row + len(array), columns] = array
        row += len(array)
    return names, out


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
    meta: EvaluationMeta | None = None,
) -> Evaluation:
    """The evaluation result (keys: docs/evaluate.md) of these counts."""
    check_settings(bootstrap, level)
    labels = counts.ner.labels
    macros = {"ner.macro.strict.f1": [f"ner.per_label.{label}.strict.f1" for label in labels]}
    given = meta or {"gold": None, "pred": None, "records": 0}
    return {
        "ner": {**summarize_ner(counts.ner), "confusion": confusion_from_counts(counts.confusion)},
        "dates": summarize_dates(counts.dates),
        "sentences": summarize_sentences([counts.sentences], counts.sentence_blocks),
        "ci": bootstrap_f1(bootstrap_arrays(counts), n=bootstrap, seed=seed, level=level, macros=macros),
        "meta": {"gold": given["gold"], "pred": given["pred"], "records": counts.records},
    }


def bootstrap_arrays(counts: EvaluationCounts) -> dict[str, np.ndarray]:
    """metric -> (blocks, 3) over every document, in order (see `counts_order`)."""
    names, joined = _joined(counts.f1_parts, counts_order(counts.f1_parts, counts.ner.labels))
    return {name: joined[:, i, :] for i, name in enumerate(names)}


# ---------------------------------------------------------------- on disk (a resumed streamed evaluation)


def counts_to_dict(counts: EvaluationCounts) -> dict[str, Any]:
    """JSON-ready counts; `counts_from_dict` gives them back equal (floats by repr, orders kept)."""
    ner = counts.ner
    return {
        "ner": {
            "blocks": [_block_ner_dict(block) for block in ner.blocks],
            "labels": list(ner.labels),
            "dropped": {side: dict(counter) for side, counter in ner.dropped.items()},
            "ignored": dict(ner.ignored),
            "spans": dict(ner.spans),
            "unaligned": dict(ner.unaligned),
            "lost": dict(ner.lost),
            "tokenized_blocks": ner.tokenized_blocks,
            "block_count": ner.block_count,
        },
        "dates": {
            "blocks": [asdict(block) for block in counts.dates.blocks],
            "families": {name: asdict(family) for name, family in counts.dates.families.items()},
        },
        "sentences": list(counts.sentences),
        "sentence_blocks": counts.sentence_blocks,
        "confusion": [[gold, pred, n] for (gold, pred), n in counts.confusion.items()],
        "records": counts.records,
        "f1_parts": [
            {"names": list(names), "shape": list(array.shape), "values": array.ravel().tolist()}
            for names, array in counts.f1_parts
        ],
    }


def counts_from_dict(data: dict[str, Any]) -> EvaluationCounts:
    """The counts `counts_to_dict` wrote (KeyError, TypeError or ValueError when they are not)."""
    ner = data["ner"]
    return EvaluationCounts(
        ner=NerTables(
            blocks=[_block_ner(block) for block in ner["blocks"]],
            labels=tuple(ner["labels"]),
            dropped={side: Counter(counter) for side, counter in ner["dropped"].items()},
            ignored=Counter(ner["ignored"]),
            spans=Counter(ner["spans"]),
            unaligned=Counter(ner["unaligned"]),
            lost=Counter(ner["lost"]),
            tokenized_blocks=int(ner["tokenized_blocks"]),
            block_count=ner["block_count"],
        ),
        dates=DateTables(
            blocks=[DateCounts(**block) for block in data["dates"]["blocks"]],
            families={name: DateCounts(**family) for name, family in data["dates"]["families"].items()},
        ),
        sentences=tuple(int(n) for n in data["sentences"]),  # type: ignore[arg-type]
        sentence_blocks=int(data["sentence_blocks"]),
        confusion=Counter({(gold, pred): int(n) for gold, pred, n in data["confusion"]}),
        records=int(data["records"]),
        f1_parts=[
            (tuple(part["names"]), np.array(part["values"], dtype=float).reshape(part["shape"]))
            for part in data["f1_parts"]
        ],
    )


def _block_ner_dict(block: BlockNer) -> dict[str, Any]:
    return {
        "overall": {schema: asdict(counts) for schema, counts in block.overall.items()},
        "per_label": {
            label: {schema: asdict(counts) for schema, counts in schemas.items()}
            for label, schemas in block.per_label.items()
        },
        "seqeval": list(block.seqeval),
    }


def _block_ner(data: dict[str, Any]) -> BlockNer:
    return BlockNer(
        overall={schema: Counts(**counts) for schema, counts in data["overall"].items()},
        per_label={
            label: {schema: Counts(**counts) for schema, counts in schemas.items()}
            for label, schemas in data["per_label"].items()
        },
        seqeval=tuple(int(n) for n in data["seqeval"]),  # type: ignore[arg-type]
    )
