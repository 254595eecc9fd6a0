"""Annotate by listing mentions: the quickest hand-written annotation format.

A mentions file is JSON: `{"RECORD_ID": [MENTION, ...], ...}` where each
mention is `[text, label]` or `[text, label, date_object]`, listed in reading
order. Each mention is found at the first occurrence of `text` after the end
of the previous mention of the same record, so repeated names need no offsets.
`spans_from_mentions` turns it into spans on segmented records, and reports
every mention it cannot place, with its record and position in the list.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, DateValue, Span

Mention = Sequence[Any]


def find_word(text: str, needle: str, cursor: int) -> int:
    """First occurrence of `needle` at or after `cursor` that does not cut a word."""
    if not needle:
        return -1
    pattern = re.escape(needle)
    if needle[0].isalnum():
        pattern = r"(?<!\w)" + pattern
    if needle[-1].isalnum():
        pattern += r"(?!\w)"
    match = re.compile(pattern).search(text, cursor)
    return match.start() if match else -1


def place_mentions(block: Block, mentions: Sequence[Mention], file: str = "") -> tuple[list[Span], list[Problem]]:
    """Spans for one record's mentions, searched left to right."""
    spans: list[Span] = []
    problems: list[Problem] = []
    cursor = 0
    for index, mention in enumerate(mentions):
        field = f"{block.id}[{index}]"
        if not (isinstance(mention, list) and len(mention) in (2, 3) and all(isinstance(m, str) for m in mention[:2])):
            problems.append(
                Problem("E013", "expected [text, label] or [text, label, date]", file, None, block.id, field)
            )
            continue
        text, label = mention[0], mention[1]
        start = find_word(block.text, text, cursor)
        if start < 0:
            where = "anywhere" if find_word(block.text, text, 0) < 0 else f"after position {cursor}"
            problems.append(Problem("E015", f"{text!r} not found {where}", file, None, block.id, field))
            continue
        date = DateValue.from_dict(mention[2]) if len(mention) == 3 and mention[2] is not None else None
        spans.append(Span(start, start + len(text), label, text, date))
        cursor = start + len(text)
    return spans, problems


def spans_from_mentions(
    blocks: Sequence[Block], mentions: Mapping[str, Sequence[Mention]], file: str = ""
) -> list[Block]:
    """Records with their spans replaced by the listed mentions (others get none)."""
    known = {b.id for b in blocks}
    problems = [
        Problem("E012", "record id not in the segments", file, None, rid, "id") for rid in mentions if rid not in known
    ]
    out: list[Block] = []
    for block in blocks:
        spans, found = place_mentions(block, mentions.get(block.id, []), file)
        problems += found
        out.append(block.with_spans(spans))
    if problems:
        raise SergeCorpusError(problems)
    return out


def read_mentions(path: str | Path) -> dict[str, list[Mention]]:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SergeCorpusError(Problem("E001", file=str(path))) from err
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E010", err.msg, file=str(path), line=err.lineno)) from err
    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E011", "expected {record id: [mentions]}", file=str(path)))
    return data


def mentions_from_blocks(blocks: Sequence[Block]) -> dict[str, list[list[Any]]]:
    """The inverse: a mentions mapping from records (for hand editing)."""
    out: dict[str, list[list[Any]]] = {}
    for block in blocks:
        if block.spans:
            out[block.id] = [
                [s.text, s.label] + ([s.date.to_dict()] if s.date is not None else []) for s in block.spans
            ]
    return out


# ---------------------------------------------------------------- line-keyed mentions

LINE_ID = re.compile(r"^L(\d{4,})$")


def text_lines(text: str) -> list[tuple[int, int]]:
    """[start, end) of every non-blank line, stripped; `L0001` is the first (as in DOC.lines.tsv)."""
    out: list[tuple[int, int]] = []
    cursor = 0
    for line in text.split("\n"):
        core = line.strip()
        if core:
            lead = len(line) - len(line.lstrip())
            out.append((cursor + lead, cursor + lead + len(core)))
        cursor += len(line) + 1
    return out


@dataclass(frozen=True)
class LineMentions:
    """Line-keyed mentions placed in records: spans per record, and what could not be placed."""

    spans: dict[str, list[Span]]
    problems: list[Problem]


def place_line_mentions(
    blocks: Sequence[Block], text: str, mentions: Mapping[str, Sequence[Mention]], file: str = ""
) -> LineMentions:
    """Spans (relative to their records) for mentions keyed by line id, found left to right in each line.

    A mention is found at a word boundary when it can be, else anywhere after
    the previous one (the annotators' checker uses plain `str.find`).
    """
    lines = text_lines(text)
    ordered = sorted(blocks, key=lambda b: b.offset)
    offsets = [b.offset for b in ordered]
    spans: dict[str, list[Span]] = {}
    problems: list[Problem] = []
    for line_id, listed in mentions.items():
        m = LINE_ID.match(line_id)
        if not m or not 1 <= int(m.group(1)) <= len(lines):
            problems.append(
                Problem("E311", f"{line_id!r}: the text has lines L0001–L{len(lines):04d}", file, field=line_id)
            )
            continue
        start, end = lines[int(m.group(1)) - 1]
        line = text[start:end]
        cursor = 0
        for index, mention in enumerate(listed):
            where = f"{line_id}[{index}]"
            well_formed = isinstance(mention, list) and len(mention) in (2, 3)
            if not (
                well_formed
                and all(isinstance(x, str) for x in mention[:2])
                and (len(mention) == 2 or isinstance(mention[2], int))
            ):
                problems.append(Problem("E311", "expected [text, label] or [text, label, column]", file, field=where))
                continue
            needle, label = mention[0], mention[1]
            if len(mention) == 3:  # an explicit column (0-based, in the stripped line)
                at = mention[2] if line[mention[2] : mention[2] + len(needle)] == needle else -1
            else:
                at = find_word(line, needle, cursor)
                at = at if at >= 0 else line.find(needle, cursor)
            if at < 0 or not needle:
                problems.append(Problem("E311", f"{needle!r} not found after column {cursor}", file, field=where))
                continue
            cursor = at + len(needle)
            doc_start, doc_end = start + at, start + at + len(needle)
            block = _block_at(ordered, offsets, doc_start, doc_end)
            if block is None:
                problems.append(Problem("E311", f"{needle!r} is in no record", file, field=where))
                continue
            s = doc_start - block.offset
            spans.setdefault(block.id, []).append(Span(s, s + len(needle), label, needle))
    return LineMentions(spans, problems)


def _block_at(ordered: Sequence[Block], offsets: Sequence[int], start: int, end: int) -> Block | None:
    i = bisect.bisect_right(offsets, start) - 1
    if i >= 0 and ordered[i].offset <= start and end <= ordered[i].end:
        return ordered[i]
    return None
