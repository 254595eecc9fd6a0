"""Correction operations: what a person changed, as plain data.

A correction log is a list of `Op`s, one JSON object per line. Every op names
its record and, when it acts on an existing span, that span as it was
(`target`: offsets, text, label and date), so a replay on a different
pre-annotation can tell whether the op still fits. Kinds and the fields they
carry beyond the common ones (`id`, `op`, `record`, `annotator`, `timestamp`,
`comment`, `undoes`):

| op              | fields                                                       |
|-----------------|--------------------------------------------------------------|
| `add_span`      | `span` (start, end, label, text, date when DATE)             |
| `delete_span`   | `target`                                                     |
| `relabel`       | `target`, `label`, `date` (required when `label` is DATE)    |
| `resize`        | `target`, `start`, `end`, `text` (the new boundaries)        |
| `set_date`      | `target` (a DATE span), `date`                               |
| `clear_date`    | `target` (a DATE span): value, mod, anchor -> null, noisy off|
| `mark_reviewed` | `reviewed` (true or false)                                   |
| `settle_conflict` | `start`, `end` (a merge conflict's stretch), `settled` (true or false) |

`change_boundaries` is accepted as another name for `resize`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from serge_corpus.date_object import check_date_object
from serge_corpus.model import LABELS, DateValue, Span

OP_KINDS: tuple[str, ...] = (
    "add_span",
    "delete_span",
    "relabel",
    "resize",
    "set_date",
    "clear_date",
    "mark_reviewed",
    "settle_conflict",
)
ALIASES: dict[str, str] = {"change_boundaries": "resize"}
# Fields each kind needs on top of the common ones.
REQUIRED: dict[str, tuple[str, ...]] = {
    "add_span": ("span",),
    "delete_span": ("target",),
    "relabel": ("target", "label"),
    "resize": ("target", "start", "end", "text"),
    "set_date": ("target", "date"),
    "clear_date": ("target",),
    "mark_reviewed": ("reviewed",),
    "settle_conflict": ("start", "end", "settled"),
}
_COMMON = ("id", "op", "record", "annotator", "timestamp")
_OPTIONAL = ("comment", "undoes")


def _fields_of(kind: str) -> set[str]:
    """The fields an op of this kind reads; any other field is kept as `extra`."""
    return set(_COMMON) | set(_OPTIONAL) | set(REQUIRED[kind]) | ({"date"} if kind == "relabel" else set())


@dataclass(frozen=True)
class Origin:
    """Where an op was read from, for messages; not part of the op's data."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Op:
    """One correction. Only the fields of its kind are set (see module doc)."""

    op: str
    record: str
    annotator: str
    timestamp: str
    id: str = ""
    target: Span | None = None
    span: Span | None = None
    label: str | None = None
    start: int | None = None
    end: int | None = None
    text: str | None = None
    date: DateValue | None = None
    reviewed: bool | None = None
    settled: bool | None = None
    comment: str | None = None
    undoes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    origin: Origin | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "op": self.op, "record": self.record}
        for name in REQUIRED[self.op]:
            value = getattr(self, name)
            out[name] = value.to_dict() if isinstance(value, (Span, DateValue)) else value
        if self.op == "relabel" and self.date is not None:
            out["date"] = self.date.to_dict()
        out["annotator"] = self.annotator
        out["timestamp"] = self.timestamp
        if self.comment is not None:
            out["comment"] = self.comment
        if self.undoes is not None:
            out["undoes"] = self.undoes
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, given: dict[str, Any], origin: Origin | None = None) -> Op:
        """Build an op from a dict that `check_op_dict` found no problem in."""
        kind = ALIASES.get(given["op"], given["op"])
        known = _fields_of(kind)
        data = {k: v for k, v in given.items() if k in known}
        date = data.get("date")
        return cls(
            op=kind,
            record=data["record"],
            annotator=data["annotator"],
            timestamp=data["timestamp"],
            id=data.get("id", ""),
            target=Span.from_dict(data["target"]) if "target" in data else None,
            span=Span.from_dict(data["span"]) if "span" in data else None,
            label=data.get("label"),
            start=data.get("start"),
            end=data.get("end"),
            text=data.get("text"),
            date=DateValue.from_dict(date) if date is not None else None,
            reviewed=data.get("reviewed"),
            settled=data.get("settled"),
            comment=data.get("comment"),
            undoes=data.get("undoes"),
            extra={k: v for k, v in given.items() if k not in known},
            origin=origin,
        )

    def describe(self) -> str:
        """A one-line summary for people: `relabel 'Lenin' [0, 5) ORG -> PERSON`."""
        where = f"{self.record}"
        if self.op == "add_span" and self.span is not None:
            return f"{where}: add {_show(self.span)}"
        if self.op == "mark_reviewed":
            return f"{where}: mark {'reviewed' if self.reviewed else 'not reviewed'}"
        if self.op == "settle_conflict":
            return f"{where}: {'settle' if self.settled else 'reopen'} conflict [{self.start}, {self.end})"
        assert self.target is not None
        what = _show(self.target)
        if self.op == "relabel":
            return f"{where}: relabel {what} -> {self.label}"
        if self.op == "resize":
            return f"{where}: resize {what} -> [{self.start}, {self.end}) {self.text!r}"
        if self.op == "set_date" and self.date is not None:
            return f"{where}: set date of {what} to {json.dumps(self.date.to_dict())}"
        return f"{where}: {self.op.replace('_', ' ')} {what}"


def _show(span: Span) -> str:
    return f"{span.label} {span.text!r} [{span.start}, {span.end})"


# ---------------------------------------------------------------- building


def utc_now() -> str:
    """The current time as ISO 8601 UTC with microseconds and a `Z`."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def content_id(data: dict[str, Any]) -> str:
    """A stable id for an op: the hash of its content (everything but `id`)."""
    payload = json.dumps({k: v for k, v in data.items() if k != "id"}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def make_op(kind: str, record: str, annotator: str, timestamp: str | None = None, **fields: Any) -> Op:
    """A new op with a timestamp (now, by default) and a content-hash id."""
    op = Op(op=ALIASES.get(kind, kind), record=record, annotator=annotator, timestamp=timestamp or utc_now(), **fields)
    return with_id(op)


def with_id(op: Op) -> Op:
    return replace(op, id=content_id(replace(op, id="").to_dict()))


# ---------------------------------------------------------------- checking

OpFinding = tuple[str, str | None, str]  # (code, field, detail)


def check_op_dict(data: Any) -> list[OpFinding]:
    """Every problem of one parsed log line, as (code, field, detail)."""
    if not isinstance(data, dict):
        return [("E180", None, f"got {type(data).__name__}")]
    kind = data.get("op")
    if not isinstance(kind, str) or ALIASES.get(kind, kind) not in OP_KINDS:
        return [("E181", "op", f"{kind!r}")]
    kind = ALIASES.get(kind, kind)
    found: list[OpFinding] = []
    for name in _COMMON + REQUIRED[kind]:
        if name not in data or data[name] is None:
            found.append(("E182", name, f"a {kind} op needs it"))
    for name in ("id", "record", "annotator", "timestamp"):
        if name in data and not (isinstance(data[name], str) and data[name].strip()):
            found.append(("E183", name, "expected a non-empty string"))
    for name in _OPTIONAL:
        if data.get(name) is not None and not isinstance(data[name], str):
            found.append(("E183", name, "expected a string or null"))
    if isinstance(data.get("timestamp"), str) and not is_utc_timestamp(data["timestamp"]):
        found.append(("E185", "timestamp", f"{data['timestamp']!r}"))
    if found:
        return found
    return found + _check_kind(kind, data)


def is_utc_timestamp(value: str) -> bool:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None and moment.utcoffset() is not None and not moment.utcoffset()


def _check_kind(kind: str, data: dict[str, Any]) -> list[OpFinding]:
    found: list[OpFinding] = []
    if "target" in REQUIRED[kind]:
        found += _check_span(data["target"], "target")
    if kind == "add_span":
        found += _check_span(data["span"], "span")
    elif kind == "relabel":
        found += _check_label(data["label"], "label")
        if data["label"] == "DATE" and data.get("date") is None:
            found.append(("E182", "date", "a relabel to DATE needs the date object"))
        elif data["label"] != "DATE" and data.get("date") is not None:
            found.append(("E184", "date", f"only a relabel to DATE carries a date, not to {data['label']}"))
        elif data.get("date") is not None:
            found += _check_date(data["date"], "date")
    elif kind == "resize":
        found += _check_range(data["start"], data["end"], data["text"], "")
    elif kind == "set_date":
        found += _check_date(data["date"], "date")
    elif kind == "mark_reviewed" and not isinstance(data["reviewed"], bool):
        found.append(("E183", "reviewed", "expected true or false"))
    elif kind == "settle_conflict":
        if not isinstance(data["settled"], bool):
            found.append(("E183", "settled", "expected true or false"))
        if not (_is_int(data["start"]) and _is_int(data["end"])):
            found.append(("E183", "start/end", "expected integers"))
        elif not 0 <= data["start"] < data["end"]:
            found.append(("E184", "start/end", f"[{data['start']}, {data['end']}) is empty or negative"))
    if kind in ("set_date", "clear_date") and isinstance(data["target"], dict):
        if data["target"].get("label") != "DATE":
            found.append(("E184", "target.label", f"{kind} acts on DATE spans, got {data['target'].get('label')!r}"))
    return found


def _check_span(span: Any, name: str) -> list[OpFinding]:
    if not isinstance(span, dict):
        return [("E183", name, "expected an object with start, end, label, text")]
    missing = [k for k in ("start", "end", "label", "text") if k not in span]
    if missing:
        return [("E182", f"{name}.{k}", "") for k in missing]
    found = _check_range(span["start"], span["end"], span["text"], f"{name}.")
    found += _check_label(span["label"], f"{name}.label")
    date = span.get("date")
    if span["label"] == "DATE" and date is None:
        found.append(("E182", f"{name}.date", "a DATE span carries a date object"))
    elif span["label"] != "DATE" and date is not None:
        found.append(("E184", f"{name}.date", f"a {span['label']} span carries no date"))
    elif date is not None:
        found += _check_date(date, f"{name}.date")
    return found


def _check_range(start: Any, end: Any, text: Any, prefix: str) -> list[OpFinding]:
    if not (_is_int(start) and _is_int(end)):
        return [("E183", f"{prefix}start/end", "expected integers")]
    if not isinstance(text, str):
        return [("E183", f"{prefix}text", "expected a string")]
    if not 0 <= start < end:
        return [("E184", f"{prefix}start/end", f"[{start}, {end}) is empty or negative")]
    if len(text) != end - start:
        return [("E184", f"{prefix}text", f"{text!r} is not {end - start} characters long")]
    return []


def _check_label(label: Any, name: str) -> list[OpFinding]:
    if label not in LABELS:
        return [("E184", name, f"{label!r}; expected one of {', '.join(LABELS)}")]
    return []


def _check_date(date: Any, name: str) -> list[OpFinding]:
    if not isinstance(date, dict):
        return [("E183", name, "expected a date object")]
    return [(code, f"{name}.{sub}", detail) for code, sub, detail in check_date_object(date)]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
