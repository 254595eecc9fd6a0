"""A foreign file as its own source: the text it carries becomes the document.

Another tool's export (a Prodigy task list, a doccano or Label Studio export,
brat documents, a CoNLL file) holds the text people annotated. Without a
`--source`, that text is the document: one record per task (per brat
document, per CoNLL `-DOCSTART-` document, else per CoNLL sentence), the
texts in file order joined by a blank line. The import writes the document
next to the records, and each record's `meta.source_sha256` is its SHA-256,
so `validate` and every later command can check the records against it.

A record's text is the tool's text exactly (padding included): offsets stay
the tool's offsets. CoNLL carries tokens, not text: a sentence is its tokens
joined by single spaces, the sentences of a document one per line, and the
record keeps the file's tokens and sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from serge_corpus.corpus import sha256_text
from serge_corpus.formats.assemble import RawRecord, merge_meta, span_records
from serge_corpus.formats.envelope import Where
from serge_corpus.model import Document

# Between two documents in the built source: a blank line, a paragraph break for the segmenter.
SEPARATOR = "\n\n"


@dataclass
class _Unit:
    """One future record: its text and what is known about it before it has an offset."""

    where: Where
    text: str = ""
    spans: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[tuple[int, int]] | None = None  # None: the project tokenizer decides
    sentences: list[tuple[int, int]] | None = None
    added: dict[str, dict[str, Any]] = field(default_factory=dict)


def carried_records(
    raws: Sequence[RawRecord], doc_id: str, fmt: str
) -> tuple[list[tuple[Where, dict[str, Any]]], Document]:
    """Records over a document made of the raws' own text, and that document."""
    units = _units(raws)
    parts: list[str] = []
    offsets: list[int] = []
    at = 0
    for unit in units:
        offsets.append(at)
        parts.append(unit.text)
        at += len(unit.text) + len(SEPARATOR)
    text = SEPARATOR.join(parts)
    document = Document(doc_id=doc_id, text=text, sha256=sha256_text(text))
    width = max(4, len(str(len(units))))
    records: list[tuple[Where, dict[str, Any]]] = []
    for index, (unit, offset) in enumerate(zip(units, offsets)):
        record = _record(unit, f"{doc_id}:{index:0{width}d}", document, offset, fmt)
        records.append((Where(unit.where.file, unit.where.line, record["id"]), record))
    return records, document


def _units(raws: Sequence[RawRecord]) -> list[_Unit]:
    units: list[_Unit] = []
    group: str | None = None
    for raw in raws:
        if raw.text is not None:
            spans, _ = span_records(raw, raw.text, {})  # problems were reported by `assemble`
            units.append(_Unit(raw.where, raw.text, spans, added=dict(raw.added_meta)))
            group = None
            continue
        if raw.group is None or raw.group != group or not units:
            units.append(_Unit(raw.where, tokens=[], sentences=[]))
        group = raw.group
        _add_sentence(units[-1], raw)
    return units


def _add_sentence(unit: _Unit, raw: RawRecord) -> None:
    """Append a token-only sentence (CoNLL) to a unit: tokens joined by spaces, one line each."""
    assert unit.tokens is not None and unit.sentences is not None
    words = raw.token_texts or ()
    if unit.text and words:
        unit.text += "\n"
    first = len(unit.tokens)
    for word in words:
        if unit.text and not unit.text.endswith("\n"):
            unit.text += " "
        unit.tokens.append((len(unit.text), len(unit.text) + len(word)))
        unit.text += word
    if words:
        unit.sentences.append((unit.tokens[first][0], unit.tokens[-1][1]))
    for a, b, label in raw.token_ranges:
        start, end = unit.tokens[first + a][0], unit.tokens[first + b][1]
        unit.spans.append({"start": start, "end": end, "label": label, "text": unit.text[start:end]})
    for key, values in raw.added_meta.items():
        unit.added.setdefault(key, {}).update(values)


def _record(unit: _Unit, rid: str, document: Document, offset: int, fmt: str) -> dict[str, Any]:
    from serge_corpus.segment import tokenize

    tokens = tokenize(unit.text)
    pairs = unit.tokens if unit.tokens is not None else [(t.start, t.end) for t in tokens]
    sentences = unit.sentences if unit.sentences is not None else _sentences(unit.text)
    meta = {"source_sha256": document.sha256, "status": "imported", "imported_from": fmt}
    return {
        "id": rid,
        "doc_id": document.doc_id,
        "block": "body",
        "section": None,
        "offset": offset,
        "text": unit.text,
        "sentences": [list(p) for p in sentences],
        "tokens": [list(p) for p in pairs],
        "spans": sorted(unit.spans, key=lambda s: (s["start"], s["end"])),
        "meta": merge_meta(meta, unit.added),
    }


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of each paragraph: a sentence never runs over a blank line (a brat title)."""
    from serge_corpus.segment import split_paragraphs, split_sentences, tokenize

    out: list[tuple[int, int]] = []
    for para in split_paragraphs(text):
        chunk = text[para.start : para.end]
        out += [(para.start + s.start, para.start + s.end) for s in split_sentences(chunk, tokenize(chunk))]
    return out
