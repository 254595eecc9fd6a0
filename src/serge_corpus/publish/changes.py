"""What changed between two releases: documents, records, spans, dates, splits.

Releases are compared on their JSONL distribution (lossless, text-free for
stand-off documents), record by record id and span by (start, end, label), so
two stand-off releases can be compared without owning their texts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_raw

RELEASE_FILE = "release.json"
KINDS = ("added", "removed", "relabelled", "date_changed")


@dataclass
class DocumentChanges:
    doc_id: str
    status: str  # "added", "removed", "changed", "unchanged"
    records_added: int = 0
    records_removed: int = 0
    spans: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    labels: dict[str, int] = field(default_factory=dict)  # net change of span count per label
    notes: list[str] = field(default_factory=list)


@dataclass
class ReleaseChanges:
    old_version: str
    new_version: str
    documents: list[DocumentChanges]
    split_sizes: dict[str, tuple[int, int]]
    moved_records: int

    @property
    def unchanged(self) -> bool:
        return (
            self.moved_records == 0
            and all(d.status == "unchanged" for d in self.documents)
            and all(a == b for a, b in self.split_sizes.values())
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_manifest(release: Path) -> dict[str, Any]:
    path = release / RELEASE_FILE
    if not path.is_file():
        raise SergeCorpusError(Problem("E506", f"no {RELEASE_FILE}", file=str(release)))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E506", f"{RELEASE_FILE}: {err.msg}", file=str(path), line=err.lineno)) from err
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("documents"), list)
        or not isinstance(data.get("splits"), dict)
    ):
        raise SergeCorpusError(Problem("E506", "release.json lacks `documents` or `splits`", file=str(path)))
    return data


def read_rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise SergeCorpusError(Problem("E506", "missing JSONL file", file=str(path)))
    rows = read_raw(path)
    bad = [Problem("E011", file=str(path), line=line) for line, obj in rows if not isinstance(obj, dict)]
    if bad:
        raise SergeCorpusError(bad)
    return [obj for _, obj in rows]


def release_rows(release: Path) -> tuple[dict[str, Any], dict[str, dict[str, dict[str, Any]]]]:
    """The release manifest and doc_id -> record id -> row."""
    manifest = read_manifest(release)
    rows = {
        d["doc_id"]: {r["id"]: r for r in read_rows(release / "jsonl" / f"{d['doc_id']}.jsonl")}
        for d in manifest["documents"]
    }
    return manifest, rows


def compare_releases(old: Path, new: Path) -> ReleaseChanges:
    return compare_rows(*release_rows(old), *release_rows(new))


def compare_rows(
    old_manifest: Mapping[str, Any],
    old_rows: Mapping[str, Mapping[str, dict[str, Any]]],
    new_manifest: Mapping[str, Any],
    new_rows: Mapping[str, Mapping[str, dict[str, Any]]],
) -> ReleaseChanges:
    old_docs = {d["doc_id"]: d for d in old_manifest["documents"]}
    new_docs = {d["doc_id"]: d for d in new_manifest["documents"]}
    documents = [
        _document(
            doc_id, old_docs.get(doc_id), new_docs.get(doc_id), old_rows.get(doc_id, {}), new_rows.get(doc_id, {})
        )
        for doc_id in sorted(set(old_docs) | set(new_docs))
    ]
    old_split = {rid: name for name, ids in old_manifest["splits"].items() for rid in ids}
    new_split = {rid: name for name, ids in new_manifest["splits"].items() for rid in ids}
    moved = sum(1 for rid, name in new_split.items() if rid in old_split and old_split[rid] != name)
    names = sorted(set(old_manifest["splits"]) | set(new_manifest["splits"]))
    sizes = {n: (len(old_manifest["splits"].get(n, [])), len(new_manifest["splits"].get(n, []))) for n in names}
    return ReleaseChanges(old_manifest.get("version", "?"), new_manifest.get("version", "?"), documents, sizes, moved)


def _document(
    doc_id: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    old_rows: Mapping[str, dict[str, Any]],
    new_rows: Mapping[str, dict[str, Any]],
) -> DocumentChanges:
    status = "added" if old is None else "removed" if new is None else "unchanged"
    out = DocumentChanges(doc_id, status)
    if old is not None and new is not None:
        for key in ("sha256", "licence_id", "redistributable"):
            if old.get(key) != new.get(key):
                out.notes.append(f"{key}: {old.get(key)} → {new.get(key)}")
    out.records_added = len(set(new_rows) - set(old_rows))
    out.records_removed = len(set(old_rows) - set(new_rows))
    labels: Counter[str] = Counter()
    for rid in sorted(set(old_rows) | set(new_rows)):
        a = _spans(old_rows.get(rid))
        b = _spans(new_rows.get(rid))
        labels.update(k[2] for k in b)
        labels.subtract(k[2] for k in a)
        by_bounds_a = {k[:2]: k for k in a}
        for added in b.keys() - a.keys():
            was = by_bounds_a.get(added[:2])
            out.spans["relabelled" if was is not None and was not in b else "added"] += 1
        by_bounds_b = {k[:2] for k in b}
        out.spans["removed"] += sum(1 for gone in a.keys() - b.keys() if gone[:2] not in by_bounds_b)
        out.spans["date_changed"] += sum(1 for kept in a.keys() & b.keys() if a[kept] != b[kept])
    out.labels = {label: n for label, n in sorted(labels.items()) if n}
    if out.status == "unchanged" and (out.notes or out.records_added or out.records_removed or any(out.spans.values())):
        out.status = "changed"
    return out


def _spans(row: Mapping[str, Any] | None) -> dict[tuple[int, int, str], Any]:
    if row is None:
        return {}
    return {(s["start"], s["end"], s["label"]): s.get("date") for s in row.get("spans", [])}


def changes_markdown(changes: ReleaseChanges) -> str:
    lines = [f"Changes from {changes.old_version} to {changes.new_version}:", ""]
    if changes.unchanged:
        return "\n".join([*lines, "- no change in documents, records, spans or splits.", ""])
    for doc in changes.documents:
        if doc.status == "unchanged":
            continue
        spans = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in doc.spans.items() if n) or "no span change"
        records = f"records +{doc.records_added} −{doc.records_removed}"
        parts = [f"- `{doc.doc_id}` ({doc.status}): {records}; spans: {spans}"]
        if doc.labels:
            parts.append("; net per label: " + ", ".join(f"{label} {n:+d}" for label, n in doc.labels.items()))
        if doc.notes:
            parts.append("; " + "; ".join(doc.notes))
        lines.append("".join(parts))
    for name, (a, b) in changes.split_sizes.items():
        if a != b:
            lines.append(f"- split `{name}`: {a} → {b} records")
    if changes.moved_records:
        lines.append(f"- {changes.moved_records} record(s) moved to another split")
    return "\n".join(lines) + "\n"
