"""Replay a correction log on pre-annotated records, deterministically.

Each op is re-checked against the records as they are when its turn comes,
so a log written against one pre-annotation replays on a better one: ops that
still fit are applied; ops whose effect is already there (the new model agrees
with the person) are listed as *redundant*; ops that no longer fit (their
target span is gone, or the new span would overlap one the model now finds)
are listed as *skipped*, each with the reason. No op is dropped silently, and
every resulting record validates (guidelines §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from serge_corpus.corrections.ops import Op, with_id
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Block, DateValue, Span

Status = Literal["applied", "redundant", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """What one op did to one block; `block` is the new block when applied."""

    status: Status
    reason: str = ""
    block: Block | None = None
    inverse: Op | None = None


@dataclass
class ApplyResult:
    """The corrected blocks and what became of every op, in log order."""

    blocks: list[Block]
    applied: list[Op] = field(default_factory=list)
    skipped: list[tuple[Op, str]] = field(default_factory=list)
    redundant: list[tuple[Op, str]] = field(default_factory=list)
    # op id -> the op that undoes it, computed on the state it was applied to.
    inverses: dict[str, Op] = field(default_factory=dict)


def apply_log(pre: Sequence[Block], ops: Sequence[Op]) -> ApplyResult:
    """Apply `ops` in order to `pre`; see the module doc for what is reported."""
    replay = Replayer(pre)
    for op in ops:
        replay.feed(op)
    return replay.result


class Replayer:
    """`apply_log` one op at a time, for a reader that follows a growing log (the web page).

    Feeding the ops of a log one by one leaves `result` equal to `apply_log`
    of all of them: it is the same code.
    """

    def __init__(self, pre: Sequence[Block]) -> None:
        _require_valid(pre)
        self.result = ApplyResult(blocks=list(pre))
        self._where: dict[str, list[int]] = {}
        for i, block in enumerate(pre):
            self._where.setdefault(block.id, []).append(i)
        self._seen: dict[str, Op] = {}

    def block(self, record: str) -> Block | None:
        where = self._where.get(record)
        return self.result.blocks[where[0]] if where else None

    def feed(self, op: Op) -> Status:
        """Apply the next op of the log; say what became of it."""
        result = self.result
        if op.id in self._seen:
            earlier = self._seen[op.id]
            where = f" ({earlier.origin})" if earlier.origin else ""
            if earlier == op:  # the same op met twice, e.g. a log copied into another
                result.redundant.append((op, f"same op as an earlier one{where}"))
                return "redundant"
            result.skipped.append((op, f"op id {op.id} already used by another op{where}; give it its own id"))
            return "skipped"
        self._seen[op.id] = op
        block = self.block(op.record)
        if block is None:
            result.skipped.append((op, f"record not found: {op.record}"))
            return "skipped"
        outcome = apply_op(block, op)
        if outcome.status == "applied":
            assert outcome.block is not None and outcome.inverse is not None
            for i in self._where[op.record]:
                result.blocks[i] = outcome.block
            result.applied.append(op)
            result.inverses[op.id] = outcome.inverse
        elif outcome.status == "redundant":
            result.redundant.append((op, outcome.reason))
        else:
            result.skipped.append((op, outcome.reason))
        return outcome.status


def apply_op(block: Block, op: Op) -> Outcome:
    """Apply one op to its block, or say why it is redundant or does not fit."""
    if op.record != block.id:
        return Outcome("skipped", f"op is for record {op.record}, not {block.id}")
    outcome = _DISPATCH[op.op](block, op)
    if outcome.status != "applied":
        return outcome
    assert outcome.block is not None
    problems = _problems(outcome.block)
    if problems:
        return Outcome("skipped", "result would break the guidelines: " + "; ".join(problems))
    return replace(outcome, block=_stamp(outcome.block, op))


# ---------------------------------------------------------------- one kind each


def _add_span(block: Block, op: Op) -> Outcome:
    new = op.span
    assert new is not None
    found = block.text[new.start : new.end]
    if found != new.text:
        return Outcome("skipped", f"span text does not match the block: {_show(new)} but text there is {found!r}")
    same = _at(block, new.start, new.end)
    if same is not None and same.label == new.label:
        note = "" if same.date == new.date else " (with another date; a set_date op changes it)"
        return Outcome("redundant", f"span already present: {_show(same)}{note}")
    clash = _overlapping(block, new.start, new.end)
    if clash:
        return Outcome("skipped", f"overlaps {_list(clash)}")
    return _applied(block.with_spans([*block.spans, new]), _inverse(op, "delete_span", target=new))


def _delete_span(block: Block, op: Op) -> Outcome:
    target = op.target
    assert target is not None
    if block.text[target.start : target.end] != target.text:
        return _missing(block, target)
    cur = _at(block, target.start, target.end, target.text)
    if cur is not None and cur.label == target.label:
        kept = [s for s in block.spans if s is not cur]
        return _applied(block.with_spans(kept), _inverse(op, "add_span", span=cur))
    if cur is not None:
        return Outcome("skipped", f"target span not found: {_show(target)}; {cur.label} at the same offsets now")
    clash = _overlapping(block, target.start, target.end)
    if clash:
        return Outcome("skipped", f"target span not found: {_show(target)}; overlapping now: {_list(clash)}")
    return Outcome("redundant", f"target span not found: {_show(target)}; nothing there any more")


def _relabel(block: Block, op: Op) -> Outcome:
    target, label = op.target, op.label
    assert target is not None and label is not None
    cur = _at(block, target.start, target.end, target.text)
    if cur is None:
        return _missing(block, target)
    if cur.label == label:
        return Outcome("redundant", f"already {label}: {_show(cur)}")
    new = replace(cur, label=label, date=op.date if label == "DATE" else None)
    inverse = _inverse(op, "relabel", target=new, label=cur.label, date=cur.date)
    return _applied(_swap(block, cur, new), inverse)


def _resize(block: Block, op: Op) -> Outcome:
    target = op.target
    assert target is not None and op.start is not None and op.end is not None and op.text is not None
    found = block.text[op.start : op.end]
    if found != op.text:
        return Outcome("skipped", f"new boundaries [{op.start}, {op.end}) hold {found!r}, not {op.text!r}")
    cur = _at(block, target.start, target.end, target.text)
    if cur is None:
        there = _at(block, op.start, op.end, op.text)
        if there is not None:
            return Outcome("redundant", f"span already has the new boundaries: {_show(there)}")
        return _missing(block, target)
    new = replace(cur, start=op.start, end=op.end, text=op.text)
    clash = [s for s in _overlapping(block, op.start, op.end) if s is not cur]
    if clash:
        return Outcome("skipped", f"new boundaries of {_show(cur)} overlap {_list(clash)}")
    inverse = _inverse(op, "resize", target=new, start=cur.start, end=cur.end, text=cur.text)
    return _applied(_swap(block, cur, new), inverse)


def _set_date(block: Block, op: Op) -> Outcome:
    assert op.date is not None
    return _change_date(block, op, op.date)


def _clear_date(block: Block, op: Op) -> Outcome:
    cur = _date_span(block, op)
    if isinstance(cur, Outcome):
        return cur
    assert cur.date is not None
    return _change_date(block, op, DateValue(type=cur.date.type))


def _change_date(block: Block, op: Op, date: DateValue) -> Outcome:
    cur = _date_span(block, op)
    if isinstance(cur, Outcome):
        return cur
    if cur.date == date:
        return Outcome("redundant", f"date already {date.to_dict()}: {_show(cur)}")
    new = replace(cur, date=date)
    return _applied(_swap(block, cur, new), _inverse(op, "set_date", target=new, date=cur.date))


def _mark_reviewed(block: Block, op: Op) -> Outcome:
    reviewed = bool(op.reviewed)
    if bool(block.meta.get("reviewed", False)) == reviewed:
        return Outcome("redundant", f"already {'reviewed' if reviewed else 'not reviewed'}")
    meta = {k: v for k, v in block.meta.items() if k not in ("reviewed_by", "reviewed_at")}
    meta["reviewed"] = reviewed
    if reviewed:
        meta["reviewed_by"] = op.annotator
        meta["reviewed_at"] = op.timestamp
    return _applied(replace(block, meta=meta), _inverse(op, "mark_reviewed", reviewed=not reviewed))


def _settle_conflict(block: Block, op: Op) -> Outcome:
    """Mark a merge conflict settled as it stands (adjudication; "nothing" is a choice), or reopen it."""
    conflicts = block.meta.get("conflicts")
    where = f"[{op.start}, {op.end})"
    found = [
        i
        for i, c in enumerate(conflicts if isinstance(conflicts, list) else [])
        if isinstance(c, dict) and (c.get("start"), c.get("end")) == (op.start, op.end)
    ]
    if not found:
        return Outcome("skipped", f"no merge conflict at {where} in this record")
    assert isinstance(conflicts, list)
    conflict = conflicts[found[0]]
    if bool(conflict.get("settled")) == bool(op.settled):
        return Outcome("redundant", f"conflict at {where} already {'settled' if op.settled else 'open'}")
    changed = {k: v for k, v in conflict.items() if k != "settled"}
    if op.settled:
        assert op.start is not None and op.end is not None
        kept = [s.to_dict() for s in _overlapping(block, op.start, op.end)]
        changed["settled"] = {"by": op.annotator, "at": op.timestamp, "spans": kept}
    meta = {**block.meta, "conflicts": [changed if i == found[0] else c for i, c in enumerate(conflicts)]}
    inverse = _inverse(op, "settle_conflict", start=op.start, end=op.end, settled=not op.settled)
    return _applied(replace(block, meta=meta), inverse)


_DISPATCH = {
    "add_span": _add_span,
    "delete_span": _delete_span,
    "relabel": _relabel,
    "resize": _resize,
    "set_date": _set_date,
    "clear_date": _clear_date,
    "mark_reviewed": _mark_reviewed,
    "settle_conflict": _settle_conflict,
}


# ---------------------------------------------------------------- helpers


def _applied(block: Block, inverse: Op) -> Outcome:
    return Outcome("applied", block=block, inverse=inverse)


def _inverse(op: Op, kind: str, **fields: object) -> Op:
    """The op that undoes `op`, by the same annotator at the same time.

    A user of it (the web page's undo) re-stamps it with its own time and id.
    """
    inverse = Op(op=kind, record=op.record, annotator=op.annotator, timestamp=op.timestamp, undoes=op.id, **fields)  # type: ignore[arg-type]
    return with_id(inverse)


def _date_span(block: Block, op: Op) -> Span | Outcome:
    target = op.target
    assert target is not None
    cur = _at(block, target.start, target.end, target.text)
    if cur is None:
        return _missing(block, target)
    if cur.label != "DATE" or cur.date is None:
        return Outcome("skipped", f"target span is {cur.label} now, not DATE: {_show(cur)}")
    return cur


def _missing(block: Block, target: Span) -> Outcome:
    found = block.text[target.start : target.end]
    if found != target.text:
        return Outcome("skipped", f"target span not found: {_show(target)}; the text there is {found!r}")
    clash = _overlapping(block, target.start, target.end)
    now = f"overlapping now: {_list(clash)}" if clash else "no span there now"
    return Outcome("skipped", f"target span not found: {_show(target)}; {now}")


def _at(block: Block, start: int, end: int, text: str | None = None) -> Span | None:
    """The span with exactly these offsets (spans are flat: at most one)."""
    for span in block.spans:
        if span.start == start and span.end == end and (text is None or span.text == text):
            return span
    return None


def _overlapping(block: Block, start: int, end: int) -> list[Span]:
    return [s for s in block.spans if s.start < end and start < s.end]


def _swap(block: Block, old: Span, new: Span) -> Block:
    return block.with_spans([new if s is old else s for s in block.spans])


def _stamp(block: Block, op: Op) -> Block:
    """Record who corrected the block; mark_reviewed keeps its own fields."""
    if op.op == "mark_reviewed":
        return block
    by = sorted({*block.meta.get("corrected_by", []), op.annotator})
    return block.with_meta(corrected_by=by, corrections=int(block.meta.get("corrections", 0)) + 1)


def _problems(block: Block) -> list[str]:
    return [f"{p.code} {p.field}: {p.detail}" for p in validate_rows([(1, block.to_dict())])]


def _require_valid(blocks: Sequence[Block]) -> None:
    problems = validate_rows((i, b.to_dict()) for i, b in enumerate(blocks, start=1))
    if problems:
        raise SergeCorpusError(problems)


def _show(span: Span) -> str:
    return f"{span.label} {span.text!r} [{span.start}, {span.end})"


def _list(spans: Sequence[Span]) -> str:
    return ", ".join(_show(s) for s in spans)
