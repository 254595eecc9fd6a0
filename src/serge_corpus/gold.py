"""Build the gold dataset from committed pre-annotations and correction logs.

    gold = apply(merge_records(apply(pre, pass_1), …, apply(pre, pass_n)), adjudication)

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
from serge_corpus.corrections import Op, apply_log, merge_records, read_log
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records, write_records, write_text
from serge_corpus.model import LABELS, Block, Span, word_count

GOLD_META_DROP = ("conflicts", "merged_from", "reviewed_by_all", "ner", "pipeline", "corrections")
# What a model wrote on its spans (which backend, its votes) says nothing about gold.
GOLD_SPAN_DROP = ("source", "votes", "score")


RECIPE_VERSION = "0.2.0"
WHOLE_DOCUMENT = "*"  # a split that claims "*" holds the whole document


@dataclass(frozen=True)
class GoldConfig:
    """Which committed files make the gold of one document (an entry of annotations/gold.json)."""

    doc_id: str
    pre: Path
    passes: dict[str, Path]
    adjudication: Path | None
    splits: dict[str, list[int | str]]
    logs_after: tuple[Path, ...] = ()  # applied after adjudication, e.g. the date review

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], root: Path) -> GoldConfig:
        return cls(
            doc_id=data["doc_id"],
            pre=root / data["pre"],
            passes={name: root / path for name, path in data["passes"].items()},
            adjudication=root / data["adjudication"] if data.get("adjudication") else None,
            splits={k: list(v) for k, v in data["splits"].items()},
            logs_after=tuple(root / p for p in data.get("logs_after", [])),
        )

    @property
    def logs(self) -> list[Path]:
        """Every log the gold of this document is built from, in the order they apply."""
        return [*self.passes.values(), *([self.adjudication] if self.adjudication else []), *self.logs_after]


@dataclass(frozen=True)
class GoldRecipe:
    """annotations/gold.json: one GoldConfig per document, in corpus (manifest) order."""

    version: str
    documents: tuple[GoldConfig, ...]

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self.documents]

    def document(self, doc_id: str) -> GoldConfig:
        for d in self.documents:
            if d.doc_id == doc_id:
                return d
        raise SergeCorpusError(Problem("E310", f"no document {doc_id!r}; the recipe has {', '.join(self.doc_ids)}"))


@dataclass(frozen=True)
class GoldBuild:
    blocks: list[Block]
    passes: dict[str, list[Block]]
    merged: list[Block]
    splits: dict[str, list[Block]]
    doc_id: str = ""
    adjudicated: bool = True


def apply_strictly(blocks: Sequence[Block], ops: Sequence[Op], name: str) -> list[Block]:
    """Apply a log; any skipped op stops the build with its reason."""
    result = apply_log(blocks, ops)
    if result.skipped:
        raise SergeCorpusError(
            [
                Problem("E200", f"{name}: op {op.id} ({op.op} on {op.record}) skipped: {why}", record_id=op.record)
                for op, why in result.skipped
            ]
        )
    return result.blocks


def build(
    pre: Sequence[Block],
    passes: Mapping[str, Sequence[Op]],
    adjudication: Sequence[Op] | None,
    splits: Mapping[str, Sequence[int | str]],
    provenance: Mapping[str, Any],
    logs_after: Sequence[tuple[str, Sequence[Op]]] = (),
) -> GoldBuild:
    """The gold records and their splits, from data only.

    Without an adjudication log (None) the gold holds what the passes agree on.
    """
    versions = {name: apply_strictly(pre, ops, name) for name, ops in passes.items()}
    merged = merge_records(list(versions.values()), list(versions)).blocks
    adjudicated = apply_strictly(merged, adjudication or [], "adjudication")
    for name, ops in logs_after:
        adjudicated = apply_strictly(adjudicated, ops, name)
    gold = [_gold_record(b, provenance) for b in adjudicated]
    doc_id = gold[0].doc_id if gold else ""
    return GoldBuild(gold, versions, merged, split_by_section(gold, splits), doc_id, adjudication is not None)


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
    whole = [name for name, keys in splits.items() if WHOLE_DOCUMENT in keys]
    if whole:
        if len(whole) > 1 or any(keys for name, keys in splits.items() if name != whole[0]):
            raise SergeCorpusError(Problem("E201", f"{WHOLE_DOCUMENT!r} (the whole document) must be the only claim"))
        return {name: list(blocks) if name == whole[0] else [] for name in splits}
    owner: dict[int | str, str] = {}
    problems: list[Problem] = []
    for name, keys in splits.items():
        for claimed in keys:
            if claimed in owner:
                problems.append(Problem("E201", f"{claimed!r} is in both {owner[claimed]!r} and {name!r}"))
            owner[claimed] = name
    out: dict[str, list[Block]] = {name: [] for name in splits}
    for block in blocks:
        key: int | str = (
            block.section if block.block in ("body", "heading") and block.section is not None else block.block
        )
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
            raise SergeCorpusError(
                Problem("E189", f"{layer}: no record {block.id} with the same text", record_id=block.id)
            )
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


def load_config(path: str | Path) -> GoldRecipe:
    """Read annotations/gold.json (0.2.0: `documents`; a 0.1 single-document recipe is read as one)."""
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "gold configuration", file=str(path)))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E310", err.msg, file=str(path), line=err.lineno)) from err
    root = path.parent.parent
    entries = data.get("documents") if isinstance(data, dict) else None
    if isinstance(data, dict) and entries is None and "doc_id" in data:
        entries = [data]  # the 0.1 recipe: one document at top level
    if not isinstance(entries, list) or not entries:
        raise SergeCorpusError(Problem("E310", 'expected {"version": …, "documents": [...]}', file=str(path)))
    problems: list[Problem] = []
    documents: list[GoldConfig] = []
    for i, entry in enumerate(entries):
        found = _recipe_problems(entry, i, str(path))
        problems += found
        if not found:
            documents.append(GoldConfig.from_dict(entry, root))
    ids = [d.doc_id for d in documents]
    problems += [
        Problem("E310", f"{doc_id!r} twice", file=str(path), field="doc_id")
        for doc_id in sorted({i for i in ids if ids.count(i) > 1})
    ]
    if problems:
        raise SergeCorpusError(problems)
    return GoldRecipe(str(data.get("version", "0.1.0")), tuple(documents))


def _recipe_problems(entry: Any, i: int, file: str) -> list[Problem]:
    where = f"documents[{i}]"
    if not isinstance(entry, dict):
        return [Problem("E310", f"{where} is not an object", file=file)]
    problems = []
    for name, kind in (("doc_id", str), ("pre", str), ("passes", dict), ("splits", dict)):
        if not isinstance(entry.get(name), kind):
            problems.append(Problem("E310", f"{where}.{name} missing or not a {kind.__name__}", file=file, field=name))
    if entry.get("adjudication") is not None and not isinstance(entry["adjudication"], str):
        problems.append(
            Problem("E310", f"{where}.adjudication must be a path or null", file=file, field="adjudication")
        )
    if not isinstance(entry.get("logs_after", []), list):
        problems.append(Problem("E310", f"{where}.logs_after must be a list of paths", file=file, field="logs_after"))
    if isinstance(entry.get("passes"), dict) and len(entry["passes"]) < 2:
        problems.append(Problem("E310", f"{where}.passes needs two passes or more", file=file, field="passes"))
    return problems


def build_from_config(config: GoldConfig, corpus_root: Path) -> GoldBuild:
    sources = corpus_sources(corpus_root)
    return build_document(config, sources)


def build_document(config: GoldConfig, sources: Mapping[str, str]) -> GoldBuild:
    """The gold of one document from its recipe entry."""
    missing = [p for p in [config.pre, *config.logs] if not p.is_file()]
    if missing:
        raise SergeCorpusError(
            [Problem("E001", f"named by the gold recipe of {config.doc_id}", file=str(p)) for p in missing]
        )
    pre = read_records(config.pre, sources)
    provenance = {
        "pre": config.pre.name,
        "pre_sha256": sha256_bytes(config.pre.read_bytes()),
        "logs": {p.name: sha256_bytes(p.read_bytes()) for p in config.logs},
        "built_with": "serge-corpus build-gold",
    }
    passes = {name: read_log(path) for name, path in config.passes.items()}
    adjudication = read_log(config.adjudication) if config.adjudication else None
    after = [(p.name, read_log(p)) for p in config.logs_after]
    result = build(pre, passes, adjudication, config.splits, provenance, after)
    return replace(result, doc_id=config.doc_id)


def build_recipe(recipe: GoldRecipe, corpus_root: Path, doc_ids: Sequence[str] | None = None) -> list[GoldBuild]:
    """Every document's gold, in the recipe's order (optionally only some documents)."""
    sources = corpus_sources(corpus_root)
    chosen = [recipe.document(d) for d in doc_ids] if doc_ids else list(recipe.documents)
    return [build_document(config, sources) for config in chosen]


def write_gold(results: GoldBuild | Sequence[GoldBuild], out_dir: Path, doc_id: str | None = None) -> list[Path]:
    """gold/DOC.jsonl per document, gold/SPLIT.jsonl (documents concatenated in order), gold/stats.json."""
    builds = [results] if isinstance(results, GoldBuild) else list(results)
    written: list[Path] = []
    for result in builds:
        written.append(out_dir / f"{result.doc_id or doc_id}.jsonl")
        write_records(written[-1], result.blocks)
    names = list(dict.fromkeys(name for result in builds for name in result.splits))
    for name in names:
        written.append(out_dir / f"{name}.jsonl")
        write_records(written[-1], [b for result in builds for b in result.splits.get(name, [])])
    written.append(out_dir / "stats.json")
    write_text(written[-1], json.dumps(corpus_stats(builds), indent=2, ensure_ascii=False) + "\n")
    return written


def corpus_stats(builds: Sequence[GoldBuild]) -> dict[str, Any]:
    """Per-document stats and totals over the corpus (all records, and per split)."""
    names = list(dict.fromkeys(name for result in builds for name in result.splits))
    everything = [b for result in builds for b in result.blocks]
    return {
        "version": RECIPE_VERSION,
        "all": block_counts(everything),
        "splits": {name: block_counts([b for r in builds for b in r.splits.get(name, [])]) for name in names},
        "documents": {
            r.doc_id: {**gold_stats(r), "adjudicated": r.adjudicated, "split_of_document": _whole_split(r)}
            for r in builds
        },
    }


def _whole_split(result: GoldBuild) -> str | None:
    holding = [name for name, blocks in result.splits.items() if blocks]
    return holding[0] if len(holding) == 1 else None


def block_counts(blocks: Sequence[Block]) -> dict[str, Any]:
    """Counts a dataset card quotes: records, words, labels, date types."""
    labels = Counter(s.label for b in blocks for s in b.spans)
    dates = Counter(s.date.type for b in blocks for s in b.spans if s.date is not None)
    return {
        "records": len(blocks),
        "words": sum(word_count(b.text) for b in blocks),
        "sentences": sum(len(b.sentences) for b in blocks),
        "tokens": sum(len(b.tokens) for b in blocks),
        "spans": sum(labels.values()),
        "labels": {label: labels[label] for label in LABELS},
        "date_types": dict(sorted(dates.items())),
        "noisy_dates": sum(1 for b in blocks for s in b.spans if s.date is not None and s.date.noisy),
        "relative_dates": sum(1 for b in blocks for s in b.spans if s.date is not None and s.date.anchor),
        "blocks_by_kind": dict(sorted(Counter(b.block for b in blocks).items())),
    }


def gold_stats(result: GoldBuild) -> dict[str, Any]:
    """Counts of one document's gold: all records, per split, the sections of each split."""
    return {
        "all": block_counts(result.blocks),
        "splits": {name: block_counts(blocks) for name, blocks in result.splits.items()},
        "sections": {
            name: sorted({b.section for b in blocks if b.section is not None}) for name, blocks in result.splits.items()
        },
    }


def pass_versions(
    config: GoldConfig, sources: Mapping[str, str], entities_only: bool = False
) -> dict[str, list[Block]]:
    """Each pass applied to the document's frozen pre-annotation (what `agree` compares).

    `entities_only` drops DATE spans: for documents whose dates come from a
    shared layer (the WikiWars TIMEX3), the passes did not annotate dates, so
    counting them would inflate agreement.
    """
    pre = read_records(config.pre, sources)
    out: dict[str, list[Block]] = {}
    for name, path in config.passes.items():
        blocks = apply_strictly(pre, read_log(path), name)
        if entities_only:
            blocks = [b.with_spans([s for s in b.spans if s.label != "DATE"]) for b in blocks]
        out[name] = blocks
    return out


def dates_from_layer(pre: Sequence[Block]) -> bool:
    """True when the pre-annotation's dates were replaced by another layer (`replace_dates`)."""
    return any(b.meta.get("dates") for b in pre)
