"""Build the gold dataset from committed pre-annotations and correction logs.

    gold = apply(merge(apply(pre, pass_1), …, apply(pre, pass_n)), adjudication)

Every op of every log must apply (a skipped op is an error, not a warning),
so the gold is exactly what people decided. The build needs no model: it
reads only committed files, and it is deterministic, so CI rebuilds it and
compares bytes. Splits are fixed by section in a data file a person edits.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from serge_corpus.corpus import corpus_sources, sha256_bytes
from serge_corpus.corrections import Op, apply_log, merge, read_log
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records, write_records, write_text
from serge_corpus.model import LABELS, Block, Span

GOLD_META_DROP = ("conflicts", "merged_from", "reviewed_by_all", "ner", "pipeline", "corrections")
# What a model wrote on its spans (which backend, its votes) says nothing about gold.
GOLD_SPAN_DROP = ("source", "votes", "score")


@dataclass(frozen=True)
class GoldConfig:
    """Which committed files make the gold of one document (annotations/gold.json)."""

    doc_id: str
    pre: Path
    passes: dict[str, Path]
    adjudication: Path
    splits: dict[str, list[int | str]]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], root: Path) -> GoldConfig:
        return cls(
            doc_id=data["doc_id"],
            pre=root / data["pre"],
            passes={name: root / path for name, path in data["passes"].items()},
            adjudication=root / data["adjudication"],
            splits={k: list(v) for k, v in data["splits"].items()},
        )


@dataclass(frozen=True)
class GoldBuild:
    blocks: list[Block]
    passes: dict[str, list[Block]]
    merged: list[Block]
    splits: dict[str, list[Block]]


def apply_strictly(blocks: Sequence[Block], ops: Sequence[Op], name: str) -> list[Block]:
    """Apply a log; any skipped op stops the build with its reason."""
    result = apply_log(blocks, ops)
    if result.skipped:
        raise SergeCorpusError(
            [Problem("E200", f"{name}: op {op.id} ({op.op} on {op.record}) skipped: {why}", record_id=op.record)
             for op, why in result.skipped]
        )
    return result.blocks


def build(pre: Sequence[Block], passes: Mapping[str, Sequence[Op]], adjudication: Sequence[Op],
          splits: Mapping[str, Sequence[int | str]], provenance: Mapping[str, Any]) -> GoldBuild:
    """The gold records and their splits, from data only."""
    versions = {name: apply_strictly(pre, ops, name) for name, ops in passes.items()}
    merged = merge(list(versions.values()), list(versions)).blocks
    adjudicated = apply_strictly(merged, adjudication, "adjudication")
    gold = [_gold_record(b, provenance) for b in adjudicated]
    return GoldBuild(gold, versions, merged, split_by_section(gold, splits))


def _gold_record(block: Block, provenance: Mapping[str, Any]) -> Block:
    meta = {k: v for k, v in block.meta.items() if k not in GOLD_META_DROP}
    meta.update(status="gold", provenance=dict(provenance))
    spans = [replace(s, extra={k: v for k, v in s.extra.items() if k not in GOLD_SPAN_DROP}) for s in block.spans]
    return replace(block.with_spans(spans), meta=meta)


def split_by_section(blocks: Sequence[Block], splits: Mapping[str, Sequence[int | str]]) -> dict[str, list[Block]]:
    """Blocks per split. Body blocks go by section number; other blocks by kind.

    `splits` maps a split name to the section numbers (ints) and block kinds
    (strings, e.g. "title") it holds. A section or kind in two splits, or a
    block no split claims, is an error: no section may leak across splits.
    """
    owner: dict[int | str, str] = {}
    problems: list[Problem] = []
    for name, keys in splits.items():
        for claimed in keys:
            if claimed in owner:
                problems.append(Problem("E201", f"{claimed!r} is in both {owner[claimed]!r} and {name!r}"))
            owner[claimed] = name
    out: dict[str, list[Block]] = {name: [] for name in splits}
    for block in blocks:
        key: int | str = block.section if block.block == "body" and block.section is not None else block.block
        if key not in owner:
            problems.append(Problem("E201", f"no split holds {key!r}", record_id=block.id))
            continue
        out[owner[key]].append(block)
    if problems:
        raise SergeCorpusError(problems)
    return out


@dataclass(frozen=True)
class DateLayer:
    """A pre-annotation whose DATE spans were replaced by another layer's (e.g. converted TIMEX3)."""

    blocks: list[Block]
    model_dates_removed: int
    entities_dropped: list[tuple[str, Span]]  # (record id, model entity that overlapped a layer DATE)


def replace_dates(pre: Sequence[Block], dates: Sequence[Block], layer: str) -> DateLayer:
    """The model's entities with the DATE spans of `dates` (same records) instead of the model's.

    The DATE layer wins: a model entity overlapping one of its DATE spans is
    dropped (and listed), since annotation is flat and the dates come from
    people; the entity passes add entities back where they belong.
    """
    by_id = {b.id: b for b in dates}
    out: list[Block] = []
    removed = 0
    dropped: list[tuple[str, Span]] = []
    for block in pre:
        other = by_id.get(block.id)
        if other is None or other.text != block.text or other.offset != block.offset:
            raise SergeCorpusError(Problem("E189", f"{layer}: no record {block.id} with the same text", record_id=block.id))
        layer_dates = [s for s in other.spans if s.label == "DATE"]
        kept: list[Span] = []
        for span in block.spans:
            if span.label == "DATE":
                removed += 1
            elif any(span.overlaps(d) for d in layer_dates):
                dropped.append((block.id, span))
            else:
                kept.append(span)
        out.append(block.with_spans(kept + layer_dates).with_meta(dates=layer))
    return DateLayer(out, removed, dropped)


def load_config(path: str | Path) -> GoldConfig:
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "gold configuration", file=str(path)))
    return GoldConfig.from_dict(json.loads(path.read_text(encoding="utf-8")), path.parent.parent)


def build_from_config(config: GoldConfig, corpus_root: Path) -> GoldBuild:
    sources = corpus_sources(corpus_root)
    pre = read_records(config.pre, sources)
    files = [config.pre, *config.passes.values(), config.adjudication]
    provenance = {
        "pre": config.pre.name,
        "pre_sha256": sha256_bytes(config.pre.read_bytes()),
        "logs": {p.name: sha256_bytes(p.read_bytes()) for p in files[1:]},
        "built_with": "serge-corpus build-gold",
    }
    passes = {name: read_log(path) for name, path in config.passes.items()}
    return build(pre, passes, read_log(config.adjudication), config.splits, provenance)


def write_gold(result: GoldBuild, out_dir: Path, doc_id: str) -> list[Path]:
    """gold/DOC.jsonl, gold/SPLIT.jsonl and gold/stats.json; returns the paths."""
    written = [out_dir / f"{doc_id}.jsonl"]
    write_records(written[0], result.blocks)
    for name, blocks in result.splits.items():
        written.append(out_dir / f"{name}.jsonl")
        write_records(written[-1], blocks)
    written.append(out_dir / "stats.json")
    write_text(written[-1], json.dumps(gold_stats(result), indent=2, ensure_ascii=False) + "\n")
    return written


def gold_stats(result: GoldBuild) -> dict[str, Any]:
    """Counts a dataset card quotes: labels, date types, per split."""

    def counts(blocks: Sequence[Block]) -> dict[str, Any]:
        labels = Counter(s.label for b in blocks for s in b.spans)
        dates = Counter(s.date.type for b in blocks for s in b.spans if s.date is not None)
        return {
            "records": len(blocks),
            "sentences": sum(len(b.sentences) for b in blocks),
            "tokens": sum(len(b.tokens) for b in blocks),
            "spans": sum(labels.values()),
            "labels": {label: labels[label] for label in LABELS},
            "date_types": dict(sorted(dates.items())),
            "noisy_dates": sum(1 for b in blocks for s in b.spans if s.date is not None and s.date.noisy),
            "relative_dates": sum(1 for b in blocks for s in b.spans if s.date is not None and s.date.anchor),
        }

    return {
        "all": counts(result.blocks),
        "splits": {name: counts(blocks) for name, blocks in result.splits.items()},
        "sections": {name: sorted({b.section for b in blocks if b.section is not None})
                     for name, blocks in result.splits.items()},
    }
