"""Read the files to compare and pair their records by id.

Gold (or a reference annotator) is read exactly as `jsonl.read_records` reads
it. Predictions are read the same way except for the problems a model's
output may legitimately have and the metrics score rather than reject (see
`PREDICTION_TOLERATED`). Pairing checks that both sides hold the same blocks:
a missing, extra or altered record is an error naming file, line and id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_raw, validate_rows
from serge_corpus.model import Block

# Validation codes a prediction file may carry; everything else is rejected.
# E032 label outside the set: dropped before scoring and reported.
# E033 overlapping spans: scored (see docs/evaluate.md on overlaps).
# E034/E036 whitespace or punctuation at a span edge: a boundary error, scored.
# E035 span in a boilerplate block: ignored and reported.
# E040 DATE span without a date object: scored as a wrong normalisation.
PREDICTION_TOLERATED: frozenset[str] = frozenset({"E032", "E033", "E034", "E035", "E036", "E040"})


@dataclass(frozen=True)
class RecordFile:
    """Blocks read from one file, with the line each record came from."""

    path: str
    blocks: tuple[Block, ...]
    lines: dict[str, int] = field(default_factory=dict)


Records = Sequence[Block] | RecordFile


def read_reference(path: str | Path) -> RecordFile:
    """Read a gold or annotator file; every validation problem is an error."""
    return _read(path, tolerated=frozenset())


def read_predictions(path: str | Path) -> RecordFile:
    """Read a prediction file, accepting the problems in PREDICTION_TOLERATED."""
    return _read(path, tolerated=PREDICTION_TOLERATED)


def _read(path: str | Path, tolerated: frozenset[str]) -> RecordFile:
    return record_file(read_raw(path), str(path), tolerated)


def record_file(rows: list[tuple[int, Any]], path: str, tolerated: frozenset[str] = frozenset()) -> RecordFile:
    """Parsed (line, object) rows of `path` as a RecordFile; problems outside `tolerated` raise."""
    problems = [p for p in validate_rows(rows, file=str(path)) if p.code not in tolerated]
    if problems:
        raise SergeCorpusError(problems)
    blocks = tuple(Block.from_dict(obj) for _, obj in rows)
    lines = {obj["id"]: line for line, obj in rows}
    return RecordFile(str(path), blocks, lines)


def _unpack(records: Records) -> tuple[tuple[Block, ...], str | None, dict[str, int]]:
    if isinstance(records, RecordFile):
        return records.blocks, records.path, records.lines
    return tuple(records), None, {}


def pair_blocks(reference: Records, compared: Records) -> list[tuple[Block, Block]]:
    """(reference block, compared block) pairs in reference order.

    Raises `SergeCorpusError` listing every record that is missing on either
    side, duplicated, or whose text, offset or doc_id differ.
    """
    ref_blocks, ref_file, ref_lines = _unpack(reference)
    cmp_blocks, cmp_file, cmp_lines = _unpack(compared)
    problems = _duplicates(ref_blocks, ref_file, ref_lines) + _duplicates(cmp_blocks, cmp_file, cmp_lines)
    if problems:
        raise SergeCorpusError(problems)
    by_id = {b.id: b for b in cmp_blocks}
    ref_ids = {b.id for b in ref_blocks}
    ref_name = ref_file or "the reference records"
    cmp_name = cmp_file or "the compared records"
    pairs: list[tuple[Block, Block]] = []
    for block in ref_blocks:
        other = by_id.get(block.id)
        if other is None:
            problems.append(Problem("E140", f"not in {cmp_name}", ref_file, ref_lines.get(block.id), block.id, "id"))
            continue
        for name in ("text", "offset", "doc_id"):
            if getattr(block, name) != getattr(other, name):
                detail = f"differs from {ref_name}"
                if block.id in ref_lines:
                    detail += f" line {ref_lines[block.id]}"
                problems.append(Problem("E142", detail, cmp_file, cmp_lines.get(other.id), other.id, name))
        pairs.append((block, other))
    for block in cmp_blocks:
        if block.id not in ref_ids:
            problems.append(Problem("E141", f"not in {ref_name}", cmp_file, cmp_lines.get(block.id), block.id, "id"))
    if problems:
        raise SergeCorpusError(problems)
    return pairs


def _duplicates(blocks: Sequence[Block], file: str | None, lines: dict[str, int]) -> list[Problem]:
    seen: set[str] = set()
    problems: list[Problem] = []
    for block in blocks:
        if block.id in seen:
            problems.append(Problem("E146", "", file, lines.get(block.id), block.id, "id"))
        seen.add(block.id)
    return problems
