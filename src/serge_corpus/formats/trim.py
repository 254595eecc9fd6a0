"""Untrimmed spans in other tools' files: say exactly what is wrong, or fix it.

Annotation tools let people select a space or a comma with a name (Prodigy
tasks with padded text, Label Studio double-clicks, doccano drags). The
guidelines (§1) want spans that start and end on the name. `check_span`
describes what validation rejects in one span ("starts with a space", "ends
with ','"); `trimmed_bounds` fixes it: snap the span out to whole tokens, then
strip whitespace, quotes and brackets that are not paired inside the span,
and a final `.` `!` `?` that the tokenizer splits off (so `U.S.` keeps its
dot). `trim_spans` applies either to the spans of one record and returns the
changes, each with where it was, for the import summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from serge_corpus.errors import Problem
from serge_corpus.formats.envelope import Where

# The validator's own judgement of edge punctuation (E036), so trim and validate agree.
from serge_corpus.jsonl import _edge_punctuation

_FINAL = frozenset(".!?…")
_NAMES = {" ": "a space", "\n": "a line break", "\t": "a tab", "\u00a0": "a no-break space"}


@dataclass(frozen=True)
class SpanFix:
    """One span changed by `--trim` (after None: nothing was left of it)."""

    where: Where
    field: str
    label: str
    before: str
    after: str | None

    def __str__(self) -> str:
        place = self.where.file if self.where.line is None else f"{self.where.file}:{self.where.line}"
        record = f" record {self.where.record_id}" if self.where.record_id else ""
        after = "dropped (nothing left)" if self.after is None else repr(self.after)
        return f"{place}:{record} {self.field} {self.label} {self.before!r} -> {after}"


def _char_name(ch: str) -> str:
    return _NAMES.get(ch, "whitespace" if ch.isspace() else repr(ch))


def check_span(text: str, start: int, end: int) -> str:
    """What validation would reject at the edges of text[start:end] ("" when nothing)."""
    covered = text[start:end]
    if not covered.strip():
        return "is only whitespace"
    if covered[0].isspace():
        return f"starts with {_char_name(covered[0])}"
    if covered[-1].isspace():
        return f"ends with {_char_name(covered[-1])}"
    return _edge_punctuation(covered)


def trimmed_bounds(text: str, start: int, end: int, tokens: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The span snapped to tokens and stripped; None when nothing is left."""
    for s, e in tokens:
        if s < start < e:
            start = s
        if s < end < e:
            end = e
    while start < end:
        covered = text[start:end]
        if covered[0].isspace():
            start += 1
        elif covered[-1].isspace():
            end -= 1
        elif (punct := _edge_punctuation(covered)).startswith("starts"):
            start += 1
        elif punct:
            end -= 1
        elif (stop := _final_stop(text, start, end, tokens)) is not None:
            end = stop
        else:
            return start, end
    return None


def _final_stop(text: str, start: int, end: int, tokens: Sequence[tuple[int, int]]) -> int | None:
    """Where the span should end when its last character is a sentence stop of its own token."""
    if end - start < 2 or text[end - 1] not in _FINAL:
        return None
    own_token = any(s == end - 1 and e == end for s, e in tokens)
    return end - 1 if own_token else None


def trim_spans(
    spans: list[dict[str, Any]], text: str, tokens: Sequence[tuple[int, int]], where: Where, trim: bool
) -> tuple[list[dict[str, Any]], list[SpanFix], list[Problem]]:
    """Spans (dicts with start, end, label, text) checked or trimmed.

    Without `trim`, an untrimmed span is an E627 naming the characters; it is
    left out of the result so validation does not report it a second time.
    """
    out: list[dict[str, Any]] = []
    fixes: list[SpanFix] = []
    problems: list[Problem] = []
    for index, span in enumerate(spans):
        start, end = span["start"], span["end"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            out.append(span)  # validation reports it
            continue
        name = f"spans[{index}]"
        wrong = check_span(text, start, end)
        if trim:
            bounds = trimmed_bounds(text, start, end, tokens)
            if bounds == (start, end):
                out.append(span)
                continue
            after = None if bounds is None else text[bounds[0] : bounds[1]]
            fixes.append(SpanFix(where, name, span["label"], text[start:end], after))
            if bounds is not None:
                out.append({**span, "start": bounds[0], "end": bounds[1], "text": after})
        elif wrong:
            detail = f"span {text[start:end]!r} {wrong}"
            problems.append(where.problem("E627", detail, name))
        else:
            out.append(span)
    return out, fixes, problems
