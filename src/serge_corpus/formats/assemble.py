"""From what a format reader found to validated `Block`s.

Readers return `RawRecord`s: the text, spans in code points, tokens, and the
header when the file was written by serge-corpus. `assemble` does the rest
the same way for every format:

- refuses text that drifted from the source by CRLF line endings or a BOM;
- rebuilds records from their header (lossless round trip);
- places records without a header ("foreign" files: another tool's export)
  in the source document given with `source`, merging them into the blocks
  the segmenter finds there (each span into the block that holds it), or,
  without a source, over a document made of their own text (`carried`);
- checks or trims span edges (`trim`), applies the label map and the date
  options, counting what they changed (`Assembled`);
- validates every record against the guidelines and raises all problems.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.envelope import Header, Where, span_record
from serge_corpus.formats.trim import SpanFix, trim_spans
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import UNANNOTATED_LABELS, Block, Document
from serge_corpus.ner.labels import LabelMap


@dataclass(frozen=True)
class RawSpan:
    """A span as a reader found it; offsets are code points into the record text."""

    start: int
    end: int
    label: str
    payload: dict[str, Any] | None = None  # {"date": …, "extra": {…}}; None: look it up in the header
    claimed_text: str | None = None  # the span text the file gives, checked against the offsets
    field: str | None = None  # where the span is in the input, for messages


@dataclass(frozen=True)
class RawRecord:
    """One record as a reader found it."""

    where: Where
    text: str | None
    spans: tuple[RawSpan, ...] = ()
    tokens: tuple[tuple[int, int], ...] | None = None
    header: Header | None = None
    added_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Token-only records (foreign CoNLL / HF): no text, spans as token ranges.
    token_texts: tuple[str, ...] | None = None
    token_ranges: tuple[tuple[int, int, str], ...] = ()  # (first, last inclusive, label)
    # Records of one document of the file (a CoNLL -DOCSTART- group): one record when the file is its own source.
    group: str | None = None


@dataclass(frozen=True)
class ImportSettings:
    """What the user decides about an import, the same for every format."""

    fmt: str
    source: Document | None = None
    stub_dates: bool = False
    drop_unannotated: bool = False
    label_map: LabelMap | None = None  # another tool's labels -> guidelines labels (null drops)
    trim: bool = False  # snap spans to tokens and strip them instead of refusing them (E627)
    normalise_dates: bool = False  # DATE spans without a date object get one from serge_corpus.dates
    doc_id: str = "imported"  # the document built from a foreign file's own text when there is no source


@dataclass(frozen=True)
class Assembled:
    """What an import produced, and what it changed on the way."""

    blocks: list[Block]
    document: Document | None = None  # built from the file's own text (no source given)
    fixes: list[SpanFix] = field(default_factory=list)  # spans changed by --trim
    dropped: dict[str, list[str]] = field(default_factory=dict)  # label -> texts of the spans dropped
    normalised: int = 0  # DATE spans given a date object by the date module
    stubbed: int = 0  # DATE spans given a null date object (--stub-dates)


def read_text_file(path: str | Path, allow_crlf: bool = False) -> str:
    """A UTF-8 file's text; a BOM or CRLF line endings are drift, not data.

    `allow_crlf` for formats without character offsets (CoNLL), where a line
    ending shifts nothing.
    """
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", file=str(path)))
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise SergeCorpusError(Problem("E163", "file starts with a BOM", file=str(path), line=1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SergeCorpusError(Problem("E002", str(err), file=str(path), line=line)) from err
    if "\r\n" in text and not allow_crlf:
        line = text[: text.index("\r\n")].count("\n") + 1
        raise SergeCorpusError(Problem("E162", "file has CRLF line endings", file=str(path), line=line))
    return text


def read_json_lines(path: str | Path) -> list[tuple[int, Any]]:
    """(line number, object) of a JSONL file read with `read_text_file`."""
    rows: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(read_text_file(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as err:
            problems.append(Problem("E010", str(err), file=str(path), line=number))
    if problems:
        raise SergeCorpusError(problems)
    return rows


def drift_problems(text: str, where: Where, field_name: str = "text") -> list[Problem]:
    """CRLF or BOM in a record text: the guidelines' sources never have them."""
    found: list[Problem] = []
    if "\r\n" in text:
        found.append(where.problem("E162", f"\\r\\n at character {text.index(chr(13) + chr(10))}", field_name))
    if "\ufeff" in text:
        found.append(where.problem("E163", f"U+FEFF at character {text.index(chr(0xFEFF))}", field_name))
    return found


def assemble(raws: Sequence[RawRecord], settings: ImportSettings) -> list[Block]:
    """Validated blocks from raw records; raises with every problem found."""
    return assemble_report(raws, settings).blocks


def assemble_report(raws: Sequence[RawRecord], settings: ImportSettings) -> Assembled:
    """Validated blocks and what the import changed; raises with every problem found.

    Records without a header are placed in `settings.source`; without a
    source, the text they carry becomes the document (see `carried`).
    """
    problems: list[Problem] = []
    built: list[tuple[Where, dict[str, Any]]] = []
    foreign: list[RawRecord] = []
    for raw in raws:
        drift = drift_problems(raw.text, raw.where) if raw.text is not None else []
        drift += [p for tok in raw.token_texts or () for p in drift_problems(tok, raw.where, "tokens")][:1]
        if drift:
            problems += drift
        elif raw.header is not None:
            record, found = _from_header(raw, raw.header)
            problems += found
            built.append((raw.where, record))
        else:
            if raw.text is not None:  # span texts can be checked before placing
                problems += span_records(raw, raw.text, {})[1]
            foreign.append(raw)
    fixes: list[SpanFix] = []
    document = None
    if foreign and settings.source is None:
        from serge_corpus.formats.carried import carried_records

        placed, document = carried_records(foreign, settings.doc_id, settings.fmt)
        built += placed
    elif foreign:
        placed, found = _place_foreign(foreign, settings, fixes)
        problems += found
        built += placed
    if problems:
        raise SergeCorpusError(problems)
    return _finish(built, settings, document, fixes)


def _from_header(raw: RawRecord, header: Header) -> tuple[dict[str, Any], list[Problem]]:
    text = header.text if raw.text is None else raw.text
    assert text is not None  # readers give text or a header with text
    spans, problems = span_records(raw, text, header.payloads)
    if header.tokens_added:
        tokens: Sequence[tuple[int, int]] = ()
    elif header.tokens is not None:
        tokens = header.tokens
    else:
        tokens = raw.tokens or ()
    record: dict[str, Any] = {
        "id": header.id,
        "doc_id": header.doc_id,
        "block": header.block,
        "section": header.section,
        "offset": header.offset,
        "text": text,
        "sentences": [list(p) for p in header.sentences],
        "tokens": [list(p) for p in tokens],
        "spans": spans,
        "meta": merge_meta(header.meta, raw.added_meta),
    }
    for key, value in header.extra.items():
        record.setdefault(key, value)
    return record, problems


def span_records(
    raw: RawRecord, text: str, payloads: dict[tuple[int, int, str], dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    problems: list[Problem] = []
    spans: list[dict[str, Any]] = []
    for rs in raw.spans:
        in_range = 0 <= rs.start < rs.end <= len(text)
        if in_range and rs.claimed_text is not None:
            covered = text[rs.start : rs.end]
            if rs.claimed_text not in (covered, covered.replace("\n", " ")):
                problems.append(
                    raw.where.problem(
                        "E168", f"[{rs.start}, {rs.end}] covers {covered!r}, file says {rs.claimed_text!r}", rs.field
                    )
                )
                continue
        payload = rs.payload if rs.payload is not None else payloads.get((rs.start, rs.end, rs.label))
        spans.append(span_record(text, rs.start, rs.end, rs.label, payload))
    spans.sort(key=lambda s: (s["start"], s["end"]))
    return spans, problems


def merge_meta(meta: dict[str, Any], added: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out = dict(meta)
    for key, values in added.items():
        if values:
            base = out.get(key)
            out[key] = {**base, **values} if isinstance(base, dict) else dict(values)
    return out


# ---------------------------------------------------------------- foreign records


def _place_foreign(
    raws: Sequence[RawRecord], settings: ImportSettings, fixes: list[SpanFix]
) -> tuple[list[tuple[Where, dict[str, Any]]], list[Problem]]:
    """Locate header-less records in the source and merge them into its blocks.

    A record may cover several blocks (a brat document, a task with two
    paragraphs): each span goes to the block that holds it; a span across a
    block boundary is E629.
    """
    source = settings.source
    assert source is not None
    from serge_corpus.segment import segment_document

    blocks = segment_document(source)
    problems: list[Problem] = []
    merged: dict[int, tuple[Where, list[dict[str, Any]], dict[str, dict[str, Any]]]] = {}
    cursor = 0
    for raw in raws:
        located, found = _locate(raw, source, cursor, settings, fixes)
        problems += found
        if located is None:
            continue
        start, text, spans = located
        cursor = start + len(text)
        touched = [i for i, b in enumerate(blocks) if b.offset < cursor and start < b.end]
        if not touched:
            if spans:
                problems.append(raw.where.problem("E164", f"source[{start}:{cursor}] is between paragraphs"))
            continue
        for i in touched:
            merged.setdefault(i, (raw.where, [], {}))
        for span in spans:
            first, last = span["start"] + start, span["end"] + start
            index = next((i for i in touched if blocks[i].offset <= first and last <= blocks[i].end), None)
            if index is None:
                crossed = ", ".join(blocks[i].id for i in touched if blocks[i].offset < last and first < blocks[i].end)
                detail = f"{span['label']} {span['text']!r} at source[{first}:{last}] crosses blocks {crossed}"
                problems.append(raw.where.problem("E629", detail, "spans"))
                continue
            shift = blocks[index].offset
            merged[index][1].append({**span, "start": first - shift, "end": last - shift})
        for key, values in raw.added_meta.items():
            merged[touched[0]][2].setdefault(key, {}).update(values)
    placed: list[tuple[Where, dict[str, Any]]] = []
    for index in sorted(merged):
        where, span_list, added = merged[index]
        record = blocks[index].to_dict()
        record["spans"] = sorted(span_list, key=lambda s: (s["start"], s["end"]))
        record["meta"] = merge_meta({**record["meta"], "status": "imported", "imported_from": settings.fmt}, added)
        placed.append((Where(where.file, where.line, record["id"]), record))
    return placed, problems


def _locate(
    raw: RawRecord, source: Document, cursor: int, settings: ImportSettings, fixes: list[SpanFix]
) -> tuple[tuple[int, str, list[dict[str, Any]]] | None, list[Problem]]:
    """(start in source, record text, span dicts relative to it)."""
    if raw.text is not None:
        # Tools pad texts (a Prodigy task " Victor Serge…"): search what is between the padding.
        core = raw.text.strip()
        lead = len(raw.text) - len(raw.text.lstrip())
        start = source.text.find(core, cursor)
        if start < 0:
            start = source.text.find(core)
        if start < 0:
            detail = f"text {core[:40]!r}… not found in {source.path or source.doc_id}"
            return None, [raw.where.problem("E164", detail)]
        spans, _ = span_records(raw, raw.text, {})  # problems reported by `assemble`
        from serge_corpus.segment import tokenize

        tokens = [(t.start, t.end) for t in tokenize(raw.text)]
        spans, found, problems = trim_spans(spans, raw.text, tokens, raw.where, settings.trim)
        fixes += found
        shifted = [{**s, "start": s["start"] - lead, "end": s["end"] - lead} for s in spans]
        return (start, core, shifted), problems
    tokens_ = raw.token_texts or ()
    positions: list[tuple[int, int]] = []
    at = cursor
    for i, tok in enumerate(tokens_):
        found_at = source.text.find(tok, at)
        if i == 0 and found_at < 0:
            found_at = source.text.find(tok)
        if found_at < 0 or (i > 0 and source.text[at:found_at].strip()):
            where = (
                f"token {i} {tok!r} does not follow token {i - 1} in {source.path or source.doc_id}"
                if i
                else f"token 0 {tok!r} not in the source"
            )
            return None, [raw.where.problem("E164", where)]
        positions.append((found_at, found_at + len(tok)))
        at = found_at + len(tok)
    if not positions:
        return None, []
    start, end = positions[0][0], positions[-1][1]
    text = source.text[start:end]
    spans = [
        {
            "start": positions[a][0] - start,
            "end": positions[b][1] - start,
            "label": label,
            "text": source.text[positions[a][0] : positions[b][1]],
        }
        for a, b, label in raw.token_ranges
    ]
    return (start, text, spans), []


# ---------------------------------------------------------------- validation


def _finish(
    built: list[tuple[Where, dict[str, Any]]],
    settings: ImportSettings,
    document: Document | None,
    fixes: list[SpanFix],
) -> Assembled:
    sources = {doc.doc_id: doc.text for doc in (settings.source, document) if doc is not None}
    problems: list[Problem] = []
    seen: dict[str, Where] = {}
    policy = _Policy(settings)
    for where, record in built:
        tokens = [(p[0], p[1]) for p in record.get("tokens") or []] or _token_pairs(record["text"])
        record["spans"], found_fixes, found = trim_spans(record["spans"], record["text"], tokens, where, settings.trim)
        fixes += found_fixes
        problems += found
        record["spans"], found = policy.apply(record["spans"], record["text"], where)
        problems += found
        found = validate_rows([(where.line or 0, record)], file=where.file, sources=sources)
        # Formats without line numbers (brat, DocBin, HF) pass 0: say no line instead.
        problems += [replace(p, line=where.line) for p in found]
        rid = record.get("id")
        if isinstance(rid, str):
            if rid in seen:
                first = seen[rid]
                problems.append(where.problem("E014", f"first seen in {first.file}:{first.line}", "id"))
            seen.setdefault(rid, where)
    if problems:
        raise SergeCorpusError(problems)
    blocks = [Block.from_dict(record) for _, record in built]
    return Assembled(blocks, document, fixes, policy.dropped, policy.normalised, policy.stubbed)


def _token_pairs(text: str) -> list[tuple[int, int]]:
    from serge_corpus.segment import tokenize

    return [(t.start, t.end) for t in tokenize(text)]


@dataclass
class _Policy:
    """The user's choices applied to each record's spans, counting what they did."""

    settings: ImportSettings
    dropped: dict[str, list[str]] = field(default_factory=dict)
    normalised: int = 0
    stubbed: int = 0

    def apply(self, spans: list[dict[str, Any]], text: str, where: Where) -> tuple[list[dict[str, Any]], list[Problem]]:
        settings = self.settings
        out: list[dict[str, Any]] = []
        problems: list[Problem] = []
        found_dates: dict[tuple[int, int], dict[str, Any]] | None = None
        for index, span in enumerate(spans):
            if settings.label_map is not None:
                mapping = settings.label_map
                if span["label"] not in mapping.mapping:
                    detail = f"{span['label']!r} is not in scheme {mapping.scheme!r} of {mapping.file}"
                    problems.append(where.problem("E123", detail, f"spans[{index}].label"))
                    continue
                if mapping.mapping[span["label"]] is None:
                    self.dropped.setdefault(span["label"], []).append(str(span.get("text")))
                    continue  # the map says: not annotated in this corpus
                span = {**span, "label": mapping.mapping[span["label"]]}
            if settings.drop_unannotated and span.get("label") in UNANNOTATED_LABELS:
                self.dropped.setdefault(span["label"], []).append(str(span.get("text")))
                continue
            if settings.normalise_dates and span.get("label") == "DATE" and "date" not in span:
                if found_dates is None:
                    found_dates = _dates_of(text)
                date = found_dates.get((span["start"], span["end"])) or _normalised(str(span.get("text")))
                if date is not None:
                    # `date_normalised` tells reviewers the value is the date module's, not a person's.
                    span = {**span, "date": date, "date_normalised": True}
                    self.normalised += 1
            if settings.stub_dates and span.get("label") == "DATE" and "date" not in span:
                # value null is what the guidelines write when the text fixes no value;
                # `date_stub` tells reviewers the normalisation is still to do.
                span = {**span, "date": {"type": "DATE", "value": None, "mod": None, "anchor": None}, "date_stub": True}
                self.stubbed += 1
            out.append(span)
        return out, problems


def _dates_of(text: str) -> dict[tuple[int, int], dict[str, Any]]:
    """Date objects of the expressions the date module finds in a record (relative dates in context)."""
    from serge_corpus.dates import find_dates

    return {(s.start, s.end): s.date.to_dict() for s in find_dates(text) if s.date is not None}


def _normalised(text: str) -> dict[str, Any] | None:
    from serge_corpus.dates import normalize

    date = normalize(text)
    return date.to_dict() if date is not None else None
