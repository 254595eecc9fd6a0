"""The correction log: an append-only JSONL file of `Op`s.

Appending never rewrites the file: one `write` of one line, then flush and
fsync, under an exclusive lock, so a crash loses at most the op being written
and never an earlier one. Reading tolerates nothing silently: every malformed
line is reported with its file, line and field.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from serge_corpus.corrections.ops import Op, Origin, check_op_dict
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import atomic_open


def read_log(path: str | Path) -> list[Op]:
    """All ops of a log, in file order; raise with every problem found."""
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "correction log", file=str(path)))
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as err:
        raise SergeCorpusError(Problem("E002", str(err), file=str(path))) from err
    ops: list[Op] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    # The last line lacks its newline only when a write was cut: that is a torn tail, not bad JSON.
    torn = len(lines) if lines[-1].strip() else None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as err:
            if number == torn:
                problems.append(Problem("E187", f"{len(line)} characters cut short", file=str(path), line=number))
            else:
                problems.append(Problem("E010", str(err), file=str(path), line=number))
            continue
        found = check_op_dict(data)
        record = data.get("record") if isinstance(data, dict) and isinstance(data.get("record"), str) else None
        for code, field, detail in found:
            problems.append(Problem(code, detail, file=str(path), line=number, record_id=record, field=field))
        if found:
            continue
        op = Op.from_dict(data, origin=Origin(str(path), number))
        if op.id in first_seen:
            problems.append(
                Problem("E186", f"{op.id} first on line {first_seen[op.id]}", str(path), number, record, "id")
            )
            continue
        first_seen[op.id] = number
        ops.append(op)
    if problems:
        raise SergeCorpusError(problems)
    return ops


def read_logs(paths: Sequence[str | Path]) -> list[Op]:
    """The ops of several logs, file after file; problems of all files at once."""
    ops: list[Op] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            ops += read_log(path)
        except SergeCorpusError as err:
            problems += err.problems
    if problems:
        raise SergeCorpusError(problems)
    return ops


def append_ops(path: str | Path, ops: Iterable[Op]) -> None:
    """Append ops to a log (created if missing), each durably before the next."""
    with appending(path) as append:
        append(ops)


@contextmanager
def appending(path: str | Path) -> Iterator[Callable[[Iterable[Op]], None]]:
    """The log locked against other writers; yields the function that appends.

    A writer that must check an op against the log's latest state (the web
    page, with a second server on the same log) reads the tail and appends
    inside one `with`, so no other op can land in between.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_APPEND: every write lands at the current end, even with other writers.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)

        def append(ops: Iterable[Op]) -> None:
            _refuse_torn_tail(path)
            for op in ops:
                line = json.dumps(op.to_dict(), ensure_ascii=False) + "\n"
                data = line.encode("utf-8")
                while data:  # a regular file takes it in one write; loop for the rare short write
                    data = data[os.write(fd, data) :]
                os.fsync(fd)

        yield append
    finally:
        os.close(fd)  # closing releases the lock


@dataclass(frozen=True)
class Repair:
    """What `repair_log` did: the torn bytes it cut and where the old file was kept."""

    path: Path
    backup: Path | None
    removed: str
    line: int | None


def repair_log(path: str | Path) -> Repair:
    """Cut a torn last line (a write interrupted by a crash), keeping the whole old file as LOG.bak.

    Only an unterminated last line is removed; every complete line stays as it was.
    """
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "correction log", file=str(path)))
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return Repair(path, None, "", None)
    keep = data[: data.rfind(b"\n") + 1]
    backup = path.with_name(path.name + ".bak")
    shutil.copy2(path, backup)
    write_bytes_atomically(path, keep)
    return Repair(path, backup, data[len(keep) :].decode("utf-8", errors="replace"), keep.count(b"\n") + 1)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    with atomic_open(path) as fp:
        fp.buffer.write(data)


@dataclass(frozen=True)
class LogTail:
    """The ops of a log after a byte offset, and where the next read starts."""

    ops: list[Op]
    offset: int  # bytes consumed: up to the end of the last complete line
    line: int  # number of the last line consumed


def read_log_tail(path: str | Path, offset: int = 0, line: int = 0) -> LogTail:
    """The ops on the complete lines after byte `offset` (line `line` ends there).

    A reader that follows a log another process appends to calls this with
    the last answer's `offset` and `line`: only the new bytes are read, and a
    line still being written (no newline yet) waits for the next call.
    Malformed lines raise as in `read_log`; repeated ids are left to the
    replay, which lists them (`apply_log`).
    """
    path = Path(path)
    with path.open("rb") as fp:
        fp.seek(offset)
        data = fp.read()
    complete = data[: data.rfind(b"\n") + 1]
    ops: list[Op] = []
    problems: list[Problem] = []
    number = line
    for raw in complete.split(b"\n")[:-1]:
        number += 1
        try:
            text = raw.decode("utf-8")
            parsed = json.loads(text) if text.strip() else None
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            problems.append(Problem("E010", str(err), file=str(path), line=number))
            continue
        if parsed is None:
            continue
        found = check_op_dict(parsed)
        record = parsed.get("record") if isinstance(parsed, dict) and isinstance(parsed.get("record"), str) else None
        problems += [Problem(code, detail, str(path), number, record, field) for code, field, detail in found]
        if not found:
            ops.append(Op.from_dict(parsed, origin=Origin(str(path), number)))
    if problems:
        raise SergeCorpusError(problems)
    return LogTail(ops, offset + len(complete), number)


def _refuse_torn_tail(path: Path) -> None:
    """A last line without a newline is a write that was cut; appending would fuse it."""
    size = path.stat().st_size
    if size == 0:
        return
    with path.open("rb") as fp:
        fp.seek(size - 1)
        if fp.read(1) != b"\n":
            fp.seek(0)
            line = fp.read().count(b"\n") + 1
            raise SergeCorpusError(
                Problem("E187", "run `serge-corpus log repair` to cut it", file=str(path), line=line)
            )
