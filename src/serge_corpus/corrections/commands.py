"""File-level corrections work, one function per CLI command, and its reports.

These are the I/O edge of the package: read records and logs, call the pure
functions of `apply`, `diff` and `merge`, write results (atomically, keeping
a `.bak` of any file they replace), and format what a person reads.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from serge_corpus.corrections.apply import ApplyResult, apply_log
from serge_corpus.corrections.diff import CHANGE_KINDS, Change, changes_to_ops, diff_records
from serge_corpus.corrections.log import append_ops, read_logs
from serge_corpus.corrections.merge import MergeResult, merge_records
from serge_corpus.corrections.ops import Op
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records, refuse_overwriting_inputs, write_records
from serge_corpus.model import Block, Span


@dataclass(frozen=True)
class Written:
    """An output file, and the backup made of what it replaced (if anything)."""

    path: Path
    backup: Path | None


def write_with_backup(path: str | Path, blocks: Sequence[Block]) -> Written:
    """Write records atomically; an existing file is first copied to `<path>.bak`."""
    path = Path(path)
    backup = None
    if path.exists():
        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
    write_records(path, blocks)
    return Written(path, backup)


# ---------------------------------------------------------------- correct apply


def apply_files(
    pre: str | Path, logs: Sequence[str | Path], out: str | Path, strict: bool = False
) -> tuple[ApplyResult, Written]:
    """Replay logs on a pre-annotation file and write the result.

    With `strict`, a skipped op is an error and nothing is written.
    """
    refuse_overwriting_inputs(out, [pre, *logs])
    blocks = read_records(pre)
    result = apply_log(blocks, read_logs(logs))
    if strict and result.skipped:
        raise SergeCorpusError([_skip_problem(op, reason) for op, reason in result.skipped])
    return result, write_with_backup(out, result.blocks)


def _skip_problem(op: Op, reason: str) -> Problem:
    origin = op.origin
    return Problem(
        "E188",
        f"op {op.id} {op.describe()}: {reason}",
        file=origin.file if origin else None,
        line=origin.line if origin else None,
        record_id=op.record,
    )


def format_apply(result: ApplyResult, written: Written | None) -> str:
    lines = [f"applied {len(result.applied)}, redundant {len(result.redundant)}, skipped {len(result.skipped)}"]
    for title, entries in (("skipped", result.skipped), ("redundant", result.redundant)):
        for op, reason in entries:
            where = f"{op.origin}: " if op.origin else ""
            lines.append(f"  {title}: {where}op {op.id} {op.describe()}: {reason}")
    if written is not None:
        lines.append(f"wrote {written.path}" + (f" (previous file kept as {written.backup})" if written.backup else ""))
    return "\n".join(lines)


# ---------------------------------------------------------------- diff


def diff_files(
    a: str | Path, b: str | Path, as_log: str | Path | None = None, annotator: str | None = None
) -> tuple[list[Change], dict[str, Block]]:
    """Differences from file `a` to file `b`; with `as_log`, append them as ops to that log.

    Returns the changes and `a`'s records by id (for context in reports).
    """
    left, right = read_records(a), read_records(b)
    changes = diff_records(left, right, files=(str(a), str(b)))
    if as_log is not None:
        if not annotator:
            raise SergeCorpusError(Problem("E182", "--annotator names who the ops are by", field="annotator"))
        refuse_overwriting_inputs(as_log, [a, b])
        append_ops(as_log, changes_to_ops(changes, annotator))
    return changes, {blk.id: blk for blk in left}


def diff_summary(changes: Sequence[Change]) -> dict[str, int]:
    counts: Counter[str] = Counter(c.kind for c in changes)
    return {kind: counts[kind] for kind in CHANGE_KINDS}


def format_diff_json(changes: Sequence[Change]) -> str:
    return json.dumps(
        {"summary": diff_summary(changes), "changes": [c.to_dict() for c in changes]}, ensure_ascii=False, indent=1
    )


_MARKS = {
    "added": "+",
    "removed": "-",
    "relabelled": "~",
    "rebounded": "<>",
    "date_changed": "@",
    "reviewed": "*",
}


def format_diff(changes: Sequence[Change], blocks: dict[str, Block], width: int = 30) -> str:
    """Human-readable: one group per record, each change with its context."""
    if not changes:
        return "no differences"
    lines: list[str] = []
    current = None
    for change in changes:
        block = blocks[change.record]
        if change.record != current:
            current = change.record
            section = f", section {block.section}" if block.section is not None else ""
            lines.append(f"{block.id} ({block.block}{section})")
        lines.append(f"  {_MARKS[change.kind]:>2} {change.kind:<12} {_describe(change, block.text, width)}")
    summary = ", ".join(f"{k} {n}" for k, n in diff_summary(changes).items() if n)
    return "\n".join([*lines, summary])


def _describe(change: Change, text: str, width: int) -> str:
    before, after = change.before, change.after
    if change.kind == "reviewed":
        assert change.reviewed is not None
        return f"{change.reviewed[0]} -> {change.reviewed[1]}"
    if before is None or after is None:
        span = before or after
        assert span is not None
        return f"{_span(span)}  {_context(text, span, width)}"
    if change.kind == "relabelled":
        return f"{before.label} -> {after.label} {before.text!r}  {_context(text, before, width)}"
    if change.kind == "date_changed":
        old = json.dumps(before.date.to_dict() if before.date else None, ensure_ascii=False)
        new = json.dumps(after.date.to_dict() if after.date else None, ensure_ascii=False)
        return f"{before.text!r} {old} -> {new}"
    return f"{before.label} {before.text!r} [{before.start}, {before.end}) -> {after.text!r} [{after.start}, {after.end})  {_context(text, after, width)}"


def _span(span: Span) -> str:
    date = f" {json.dumps(span.date.to_dict(), ensure_ascii=False)}" if span.date else ""
    return f"{span.label} {span.text!r} [{span.start}, {span.end}){date}"


def _context(text: str, span: Span, width: int) -> str:
    left = text[max(0, span.start - width) : span.start].replace("\n", " ")
    right = text[span.end : span.end + width].replace("\n", " ")
    return f"…{left}[{span.text}]{right}…"


# ---------------------------------------------------------------- merge


def merge_files(
    paths: Sequence[str | Path], out: str | Path, names: Sequence[str] | None = None
) -> tuple[MergeResult, Written]:
    """Merge annotation files; conflicts go to each record's `meta.conflicts`."""
    refuse_overwriting_inputs(out, paths)
    labels = list(names) if names else _names_for(paths)
    result = merge_records([read_records(p) for p in paths], labels, [str(p) for p in paths])
    return result, write_with_backup(out, result.blocks)


def _names_for(paths: Sequence[str | Path]) -> list[str]:
    """File stems, or whole paths when two stems are the same."""
    stems = [Path(p).stem for p in paths]
    return stems if len(set(stems)) == len(stems) else [str(p) for p in paths]


def format_merge(result: MergeResult, written: Written) -> str:
    kinds = Counter(c["kind"] for b in result.blocks for c in b.meta.get("conflicts", []))
    detail = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    lines = [
        f"merged {len(result.blocks)} records from {', '.join(result.names)}",
        f"agreed spans {result.agreed}, conflicts {result.conflicts}" + (f" ({detail})" if detail else ""),
        f"wrote {written.path}" + (f" (previous file kept as {written.backup})" if written.backup else ""),
    ]
    return "\n".join(lines)
