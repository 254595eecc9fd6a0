"""Merge several annotators' versions of the same records.

A span every annotator has (same offsets, label and date) is kept. Spans they
disagree on are grouped into conflicts (spans that overlap, across
annotators, form one conflict), left out of `spans`, and written into the
record's `meta.conflicts` with each annotator's version, for adjudication.
An adjudicator resolves a conflict with ordinary correction ops (add_span…)
on the merged file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Span


@dataclass(frozen=True)
class MergeResult:
    blocks: list[Block]
    names: tuple[str, ...]

    @property
    def conflicts(self) -> int:
        return sum(len(b.meta.get("conflicts", [])) for b in self.blocks)

    @property
    def agreed(self) -> int:
        return sum(len(b.spans) for b in self.blocks)


def merge_records(
    files: Sequence[Sequence[Block]], names: Sequence[str] | None = None, paths: Sequence[str] | None = None
) -> MergeResult:
    """Merge the versions; `names` label each input in the conflicts (default input1…).

    `paths` names the input files in error messages.
    """
    if len(files) < 2:
        raise SergeCorpusError(Problem("E189", f"merge needs two inputs or more, got {len(files)}"))
    labels = tuple(names) if names is not None else tuple(f"input{i}" for i in range(1, len(files) + 1))
    if len(labels) != len(files) or len(set(labels)) != len(labels):
        raise SergeCorpusError(Problem("E189", f"one distinct name per input needed, got {list(labels)}"))
    _require_same_records(files, labels, list(paths) if paths else [None] * len(files))
    indexed = [{b.id: b for b in blocks} for blocks in files]
    merged = [merge_block([index[b.id] for index in indexed], labels) for b in files[0]]
    return MergeResult(merged, labels)


def merge_block(versions: Sequence[Block], names: Sequence[str]) -> Block:
    """One record merged: agreed spans kept, the rest as `meta.conflicts`."""
    keyed = [{_key(s): s for s in v.spans} for v in versions]
    agreed_keys = set(keyed[0]).intersection(*keyed[1:])
    agreed = [keyed[0][k] for k in agreed_keys]
    disputed = [(name, span) for name, v in zip(names, versions) for span in v.spans if _key(span) not in agreed_keys]
    conflicts = [_conflict(versions[0].text, cluster, names) for cluster in _clusters(disputed)]
    base = versions[0]
    meta = {k: v for k, v in base.meta.items() if k not in ("reviewed", "reviewed_by", "reviewed_at")}
    meta.update(
        merged_from=list(names),
        reviewed_by_all=all(bool(v.meta.get("reviewed", False)) for v in versions),
        conflicts=conflicts,
    )
    return replace(base.with_spans(agreed), meta=meta)


def _key(span: Span) -> tuple[int, int, str, str]:
    date = span.date.to_dict() if span.date else None
    return (span.start, span.end, span.label, repr(sorted(date.items())) if date else "")


def _clusters(disputed: list[tuple[str, Span]]) -> list[list[tuple[str, Span]]]:
    """Group spans that overlap (transitively), in text order."""
    clusters: list[list[tuple[str, Span]]] = []
    end = -1
    for item in sorted(disputed, key=lambda x: (x[1].start, x[1].end)):
        if clusters and item[1].start < end:
            clusters[-1].append(item)
            end = max(end, item[1].end)
        else:
            clusters.append([item])
            end = item[1].end
    return clusters


def _conflict(text: str, cluster: list[tuple[str, Span]], names: Sequence[str]) -> dict[str, Any]:
    start = min(s.start for _, s in cluster)
    end = max(s.end for _, s in cluster)
    versions = {name: [s for n, s in cluster if n == name] for name in names}
    return {
        "start": start,
        "end": end,
        "text": text[start:end],
        "kind": _kind(list(versions.values())),
        "versions": [{"annotator": n, "spans": [s.to_dict() for s in spans]} for n, spans in versions.items()],
    }


def _kind(versions: list[list[Span]]) -> str:
    """What the annotators disagree on: presence, boundaries, label or date."""
    if any(not spans for spans in versions):
        return "presence"
    if all(len(spans) == 1 for spans in versions):
        first = versions[0][0]
        if all((s[0].start, s[0].end) == (first.start, first.end) for s in versions):
            return "label" if any(s[0].label != first.label for s in versions) else "date"
    return "boundaries"


def _require_same_records(files: Sequence[Sequence[Block]], names: Sequence[str], paths: Sequence[str | None]) -> None:
    first = {b.id: b.text for b in files[0]}
    problems: list[Problem] = []
    for name, path, blocks in zip(names[1:], paths[1:], files[1:]):
        other = {b.id: b.text for b in blocks}
        problems += [Problem("E189", f"missing from {name}", path, record_id=r) for r in first if r not in other]
        problems += [Problem("E189", f"only in {name}", path, record_id=r) for r in other if r not in first]
        problems += [
            Problem("E189", f"text differs in {name}", path, record_id=r, field="text")
            for r in first
            if r in other and other[r] != first[r]
        ]
    if problems:
        raise SergeCorpusError(problems)
