"""Offset units and token alignment: the one place formats convert offsets.

Internally an offset is a Python code-point index. Browser tools (doccano,
older Label Studio) count UTF-16 code units instead, where a character
outside the Basic Multilingual Plane (an emoji, 𝔄…) counts two. `UnitIndex`
converts both ways and refuses an offset that falls between the two halves of
a surrogate pair. Token formats (Prodigy, CoNLL, HF, DocBin) need spans on
token boundaries; `TokenBounds` maps character offsets to token indices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from serge_corpus.errors import Problem
from serge_corpus.model import Block, Span, Token

Unit = Literal["codepoint", "utf16"]
UNITS: tuple[str, ...] = ("codepoint", "utf16")


class UnitError(ValueError):
    """An offset that names no character boundary in the chosen unit."""


@dataclass(frozen=True)
class UnitIndex:
    """Code point <-> unit offsets for one text."""

    text: str
    unit: Unit
    _to_unit: tuple[int, ...]
    _from_unit: dict[int, int]

    @classmethod
    def build(cls, text: str, unit: Unit) -> UnitIndex:
        to_unit = [0]
        for ch in text:
            to_unit.append(to_unit[-1] + (2 if unit == "utf16" and ord(ch) > 0xFFFF else 1))
        return cls(text, unit, tuple(to_unit), {u: i for i, u in enumerate(to_unit)})

    def to_unit(self, codepoint: int) -> int:
        return self._to_unit[codepoint]

    def to_codepoint(self, unit_offset: int) -> int:
        try:
            return self._from_unit[unit_offset]
        except KeyError:
            length = self._to_unit[-1]
            why = "out of range" if not 0 <= unit_offset <= length else "inside a surrogate pair"
            raise UnitError(f"{self.unit} offset {unit_offset} is {why} (text has {length} units)") from None

    @property
    def has_astral(self) -> bool:
        return self._to_unit[-1] != len(self.text)


@dataclass(frozen=True)
class TokenBounds:
    """Which token starts / ends at each character offset."""

    starts: dict[int, int]
    ends: dict[int, int]

    @classmethod
    def of(cls, tokens: Sequence[Token] | Sequence[tuple[int, int]]) -> TokenBounds:
        pairs = [(t.start, t.end) if isinstance(t, Token) else t for t in tokens]
        return cls({s: i for i, (s, _) in enumerate(pairs)}, {e: i for i, (_, e) in enumerate(pairs)})

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """(first token, last token inclusive) covering [start, end), or None if misaligned."""
        first, last = self.starts.get(start), self.ends.get(end)
        if first is None or last is None or last < first:
            return None
        return first, last


def span_token_ranges(block: Block, tokens: Sequence[Token]) -> tuple[list[tuple[Span, int, int]], list[Problem]]:
    """(span, first, last inclusive token) of each span on token boundaries; E165 for every other span."""
    bounds = TokenBounds.of(tokens)
    aligned: list[tuple[Span, int, int]] = []
    problems: list[Problem] = []
    for index, span in enumerate(block.spans):
        token_range = bounds.token_range(span.start, span.end)
        if token_range is None:
            problems.append(off_token_boundaries(block, index))
        else:
            aligned.append((span, *token_range))
    return aligned, problems


def off_token_boundaries(block: Block, index: int) -> Problem:
    """E165 for `block.spans[index]`: token formats never snap a span to tokens."""
    span = block.spans[index]
    return Problem(
        "E165", f"{span.label} [{span.start}, {span.end}] {span.text!r}", record_id=block.id, field=f"spans[{index}]"
    )


def spans_to_iob2(n_tokens: int, ranges: Sequence[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags for non-overlapping (first, last inclusive, label) token ranges."""
    tags = ["O"] * n_tokens
    for first, last, label in ranges:
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags


class TagError(ValueError):
    """An IOB2 sequence that does not decode to entities; `index` is the bad tag."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


def iob2_to_ranges(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first, last inclusive, label) ranges of a strict IOB2 sequence."""
    ranges: list[tuple[int, int, str]] = []
    open_label: str | None = None
    for i, tag in enumerate(tags):
        if tag == "O":
            open_label = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I") or not label:
            raise TagError(i, f"tag {i} {tag!r} is not O, B-LABEL or I-LABEL")
        if prefix == "B":
            ranges.append((i, i, label))
            open_label = label
        elif open_label != label:
            raise TagError(
                i, f"tag {i} {tag!r} continues no {label} entity (previous tag {tags[i - 1] if i else 'none'!r})"
            )
        else:
            first, _, _ = ranges[-1]
            ranges[-1] = (first, i, label)
    return ranges


def iob1_to_ranges(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Ranges of a strict IOB1 sequence (CoNLL-2003's original tags).

    An entity starts with I-; B- only starts an entity right after one of the
    same label (`I-PER B-PER`: two people).
    """
    ranges: list[tuple[int, int, str]] = []
    previous: str | None = None  # label of the entity the previous tag is in
    for i, tag in enumerate(tags):
        if tag == "O":
            previous = None
            continue
        prefix, _, label = tag.partition("-")
        if prefix not in ("B", "I") or not label:
            raise TagError(i, f"tag {i} {tag!r} is not O, B-LABEL or I-LABEL")
        if prefix == "B" and previous != label:
            raise TagError(i, f"tag {i} {tag!r}: in IOB1, B- only follows an entity of the same label")
        if prefix == "I" and previous == label:
            first, _, _ = ranges[-1]
            ranges[-1] = (first, i, label)
        else:
            ranges.append((i, i, label))
        previous = label
    return ranges


_BIOES = {"B": "begin", "I": "inside", "E": "end", "S": "single", "L": "end", "U": "single"}


def bioes_to_ranges(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Ranges of a strict BIOES (B I E S O) or BILOU (B I L U O) sequence."""
    ranges: list[tuple[int, int, str]] = []
    open_label: str | None = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        kind = "outside" if tag == "O" else _BIOES.get(prefix) if label else None
        if kind is None:
            raise TagError(i, f"tag {i} {tag!r} is not O or B/I/E/S/L/U-LABEL")
        if open_label is not None and kind not in ("inside", "end"):
            raise TagError(i, f"tag {i} {tag!r}: the {open_label} entity before it has no E-/L- tag")
        if kind in ("inside", "end") and open_label != label:
            raise TagError(i, f"tag {i} {tag!r} continues no {label} entity")
        if kind in ("begin", "single"):
            ranges.append((i, i, label))
        elif kind in ("inside", "end"):
            first, _, _ = ranges[-1]
            ranges[-1] = (first, i, label)
        open_label = label if kind in ("begin", "inside") else None
    if open_label is not None:
        raise TagError(len(tags) - 1, f"the {open_label} entity at the end has no E-/L- tag")
    return ranges


def tags_to_ranges(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Ranges of an IOB2, IOB1 or BIOES/BILOU sequence, whichever decodes it.

    The schemes cannot be confused: any entity is valid in at most one of them
    (IOB2 starts it with B-, IOB1 with I-, BIOES ends it with E- or S-), and a
    sequence without entities reads the same in all. The error is the IOB2
    one, the scheme this toolkit writes.
    """
    try:
        return iob2_to_ranges(tags)
    except TagError as err:
        first = err
    for decode in (iob1_to_ranges, bioes_to_ranges):
        try:
            return decode(tags)
        except TagError:
            continue
    raise TagError(first.index, f"{first} (nor IOB1 or BIOES/BILOU)")
