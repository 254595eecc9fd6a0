"""Span-level differences between two annotations of the same records.

`diff_records(a, b)` lists, per record, what turns `a` into `b`: spans added or
removed, relabelled (same offsets), re-bounded (overlapping, same label,
other offsets), dates changed, and the review mark. `changes_to_ops` writes
the difference as a correction log that, replayed on `a`, yields `b`'s spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from serge_corpus.corrections.ops import Op, make_op, utc_now
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Span

ChangeKind = Literal["added", "removed", "relabelled", "rebounded", "date_changed", "reviewed"]
CHANGE_KINDS: tuple[str, ...] = ("added", "removed", "relabelled", "rebounded", "date_changed", "reviewed")


@dataclass(frozen=True)
class Change:
    """One difference in one record; `before`/`after` are None where absent."""

    kind: ChangeKind
    record: str
    before: Span | None = None
    after: Span | None = None
    # Only for kind "reviewed": the review mark before and after.
    reviewed: tuple[bool, bool] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "record": self.record}
        if self.kind == "reviewed":
            assert self.reviewed is not None
            out["reviewed"] = {"before": self.reviewed[0], "after": self.reviewed[1]}
            return out
        out["before"] = self.before.to_dict() if self.before else None
        out["after"] = self.after.to_dict() if self.after else None
        return out


def diff_records(a: Sequence[Block], b: Sequence[Block], files: tuple[str, str] | None = None) -> list[Change]:
    """Every span-level difference from `a` to `b`, record by record in `a`'s order.

    `files` names the inputs in error messages.
    """
    _require_same_records(a, b, files or (None, None))
    others = {block.id: block for block in b}
    changes: list[Change] = []
    for block in a:
        changes += diff_block(block, others[block.id])
    return changes


def diff_block(a: Block, b: Block) -> list[Change]:
    """The differences between two versions of one record."""
    rid = a.id
    changes: list[Change] = []
    left = list(a.spans)
    right = list(b.spans)
    by_offsets = {(s.start, s.end): s for s in right}
    for span in list(left):
        other = by_offsets.get((span.start, span.end))
        if other is None:
            continue
        left.remove(span)
        right.remove(other)
        if span.label != other.label:
            changes.append(Change("relabelled", rid, span, other))
        elif span.date != other.date:
            changes.append(Change("date_changed", rid, span, other))
    # Re-bounded: the same label on an overlapping stretch, paired left to right.
    for span in list(left):
        other = next((o for o in right if o.label == span.label and o.overlaps(span)), None)
        if other is not None:
            left.remove(span)
            right.remove(other)
            changes.append(Change("rebounded", rid, span, other))
    changes += [Change("removed", rid, s, None) for s in left]
    changes += [Change("added", rid, None, s) for s in right]
    was, now = bool(a.meta.get("reviewed", False)), bool(b.meta.get("reviewed", False))
    if was != now:
        changes.append(Change("reviewed", rid, reviewed=(was, now)))
    return sorted(changes, key=_position)


def _position(change: Change) -> tuple[int, int]:
    span = change.before or change.after
    return (span.start, span.end) if span else (1 << 62, 0)


def _require_same_records(a: Sequence[Block], b: Sequence[Block], files: tuple[str | None, str | None]) -> None:
    left = {x.id: x for x in a}
    right = {x.id: x for x in b}
    first, second = files
    problems = [Problem("E189", "only in the first input", first, record_id=r) for r in left if r not in right]
    problems += [Problem("E189", "only in the second input", second, record_id=r) for r in right if r not in left]
    problems += [
        Problem("E189", "the record's text differs from the first input's", second, record_id=r, field="text")
        for r in left
        if r in right and left[r].text != right[r].text
    ]
    if problems:
        raise SergeCorpusError(problems)


# ---------------------------------------------------------------- as a log


def changes_to_ops(changes: Sequence[Change], annotator: str, timestamp: str | None = None) -> list[Op]:
    """A log that turns the first input of `diff` into the second.

    Ops are ordered so each applies to the state the previous ones leave:
    removals first, then relabels and date changes (same offsets), then
    re-boundings in an order where none overlaps a span not yet moved, then
    additions and review marks. Should no such order exist for some
    re-boundings, they become delete + add (correct, if less telling).
    """
    stamp = timestamp or utc_now()

    def op(kind: str, record: str, **fields: Any) -> Op:
        return make_op(kind, record, annotator, stamp, **fields)

    ops: list[Op] = []
    by_record: dict[str, list[Change]] = {}
    for change in changes:
        by_record.setdefault(change.record, []).append(change)
    for record, group in by_record.items():
        ordered, unordered = _order_resizes([c for c in group if c.kind == "rebounded"])
        removed = [c.before for c in group if c.kind == "removed"] + [c.before for c in unordered]
        added = [c.after for c in group if c.kind == "added"] + [c.after for c in unordered]
        ops += [op("delete_span", record, target=s) for s in removed if s is not None]
        for c in group:
            if c.kind == "relabelled" and c.before and c.after:
                ops.append(op("relabel", record, target=c.before, label=c.after.label, date=c.after.date))
            elif c.kind == "date_changed" and c.before and c.after and c.after.date:
                ops.append(op("set_date", record, target=c.before, date=c.after.date))
        for c in ordered:
            assert c.before is not None and c.after is not None
            after = c.after
            ops.append(op("resize", record, target=c.before, start=after.start, end=after.end, text=after.text))
            moved = replace(c.before, start=after.start, end=after.end, text=after.text)
            if after.date is not None and moved.date != after.date:
                ops.append(op("set_date", record, target=moved, date=after.date))
        ops += [op("add_span", record, span=s) for s in added if s is not None]
        ops += [op("mark_reviewed", record, reviewed=c.reviewed[1]) for c in group if c.reviewed]
    return ops


def _order_resizes(pending: list[Change]) -> tuple[list[Change], list[Change]]:
    """Order re-boundings so none lands on a span that has not moved yet.

    Both inputs are flat, so a new extent can only collide with the old
    extent of another re-bounded span.
    """
    ordered: list[Change] = []
    while pending:
        ready = next((c for c in pending if not any(_blocks(o, c) for o in pending if o is not c)), None)
        if ready is None:
            return ordered, pending
        ordered.append(ready)
        pending = [c for c in pending if c is not ready]
    return ordered, []


def _blocks(other: Change, change: Change) -> bool:
    assert other.before is not None and change.after is not None
    return other.before.overlaps(change.after)
