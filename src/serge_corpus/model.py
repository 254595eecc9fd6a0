"""The data contract: documents, blocks, sentences, tokens, spans and dates.

Everything the toolkit reads or writes is one of these dataclasses. They mirror
`ANNOTATION_GUIDELINES.md` §5: a `Block` is one JSONL record. Conversion to and
from plain dicts lives here too, so there is exactly one place that knows the
field names. Unknown fields of a record or span are kept in `extra` and written
back unchanged (the guidelines let tools add fields, never drop them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, get_args

LABELS: tuple[str, ...] = (
    "PERSON",
    "NORP",
    "ORG",
    "GPE",
    "LOC",
    "FAC",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
    "DATE",
)
# OntoNotes labels the guidelines do not annotate: tools may predict them,
# evaluation and the pipeline drop them.
UNANNOTATED_LABELS: tuple[str, ...] = (
    "CARDINAL",
    "ORDINAL",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "TIME",
    "PRODUCT",
)
BlockKind = Literal[
    "title", "caption", "kicker", "headline", "heading", "body", "author_note", "reference", "boilerplate", "meta"
]
# `heading` (a section heading inside the text, D009) and `meta` (a source's
# header lines such as WikiWars' doc id and timestamp, D010) extend guidelines §2.
BLOCK_KINDS: tuple[str, ...] = get_args(BlockKind)
# Blocks whose text is split into sentences (guidelines §2); a heading is not (D009).
SENTENCE_BLOCKS: frozenset[str] = frozenset({"body", "author_note", "reference"})
# Blocks that carry no annotation at all (guidelines §2; D010 for meta).
UNANNOTATED_BLOCKS: frozenset[str] = frozenset({"boilerplate", "meta"})
DateType = Literal["DATE", "INTERVAL", "DURATION", "SET"]
DateMod = Literal["START", "MID", "END", "APPROX", "BEFORE", "AFTER"]
DATE_TYPES: tuple[str, ...] = get_args(DateType)
DATE_MODS: tuple[str, ...] = get_args(DateMod)

_RECORD_FIELDS = (
    "id",
    "doc_id",
    "block",
    "section",
    "offset",
    "text",
    "sentences",
    "tokens",
    "spans",
    "meta",
)
_SPAN_FIELDS = ("start", "end", "label", "text", "date")
_DATE_FIELDS = ("type", "value", "mod", "anchor", "noisy")


@dataclass(frozen=True)
class DateValue:
    """The normalised value of a DATE span (guidelines §4)."""

    type: str
    value: str | None = None
    mod: str | None = None
    anchor: str | None = None
    noisy: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.type,
            "value": self.value,
            "mod": self.mod,
            "anchor": self.anchor,
        }
        if self.noisy:
            out["noisy"] = True
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateValue:
        return cls(
            type=data["type"],
            value=data.get("value"),
            mod=data.get("mod"),
            anchor=data.get("anchor"),
            noisy=bool(data.get("noisy", False)),
            extra={k: v for k, v in data.items() if k not in _DATE_FIELDS},
        )


@dataclass(frozen=True)
class Span:
    """A labelled stretch of a block's text; offsets are relative to the block."""

    start: int
    end: int
    label: str
    text: str
    date: DateValue | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
        }
        if self.date is not None:
            out["date"] = self.date.to_dict()
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        date = data.get("date")
        return cls(
            start=data["start"],
            end=data["end"],
            label=data["label"],
            text=data["text"],
            date=DateValue.from_dict(date) if date is not None else None,
            extra={k: v for k, v in data.items() if k not in _SPAN_FIELDS},
        )


@dataclass(frozen=True)
class Sentence:
    """A sentence as [start, end) offsets relative to its block."""

    start: int
    end: int


@dataclass(frozen=True)
class Token:
    """A token as [start, end) offsets relative to its block, with its text."""

    start: int
    end: int
    text: str


def word_count(text: str) -> int:
    """Words as every progress bar and run summary counts them: whitespace-separated stretches."""
    return len(text.split())


@dataclass(frozen=True)
class Block:
    """One JSONL record: a paragraph, title, caption, note… of a document."""

    id: str
    doc_id: str
    block: str
    offset: int
    text: str
    section: int | None = None
    sentences: tuple[Sentence, ...] = ()
    tokens: tuple[Token, ...] = ()
    spans: tuple[Span, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def end(self) -> int:
        """End offset of the block in the source document."""
        return self.offset + len(self.text)

    @property
    def annotated(self) -> bool:
        return self.block not in UNANNOTATED_BLOCKS

    def with_spans(self, spans: Iterable[Span]) -> Block:
        return replace(self, spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))))

    def with_meta(self, **updates: Any) -> Block:
        return replace(self, meta={**self.meta, **updates})

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "doc_id": self.doc_id,
            "block": self.block,
            "section": self.section,
            "offset": self.offset,
            "text": self.text,
            "sentences": [[s.start, s.end] for s in self.sentences],
            "tokens": [[t.start, t.end] for t in self.tokens],
            "spans": [s.to_dict() for s in self.spans],
            "meta": dict(self.meta),
        }
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Block:
        """Build a block from a record that has already passed validation."""
        text = data["text"]
        return cls(
            id=data["id"],
            doc_id=data["doc_id"],
            block=data["block"],
            section=data.get("section"),
            offset=data["offset"],
            text=text,
            sentences=tuple(Sentence(s, e) for s, e in data.get("sentences", [])),
            tokens=tuple(Token(s, e, text[s:e]) for s, e in data.get("tokens", [])),
            spans=tuple(Span.from_dict(s) for s in data.get("spans", [])),
            meta=dict(data.get("meta", {})),
            extra={k: v for k, v in data.items() if k not in _RECORD_FIELDS},
        )


@dataclass(frozen=True)
class Document:
    """A source text of the corpus with its manifest entry."""

    doc_id: str
    text: str
    sha256: str
    title: str = ""
    author: str = ""
    language: str = "en"
    path: str = ""
    provenance: str = ""
    licence: str = ""
    # Machine-readable licence and provenance (manifest fields of the same names).
    licence_id: str | None = None  # SPDX identifier, or LicenseRef-… for a non-SPDX licence
    redistributable: bool = False  # may the text itself be published? (annotations without text always may)
    attribution: str | None = None
    dct: str | None = None  # document creation time (EDTF), the reference time of relative dates
    # news: deictic dates ("today", "last week") resolve against the DCT; narrative: against the story's
    # running reference time, the DCT being only metadata (HeidelTime's two modes; decision D168).
    date_mode: str = "news"
    source: str = ""
