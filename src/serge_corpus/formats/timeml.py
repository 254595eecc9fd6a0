"""TimeML (TIMEX3) in and out: TempEval-3 / WikiWars `.tml` files.

`parse_timeml` reads the inline markup of one `.tml` document into its plain
`<TEXT>` and stand-off TIMEX3 offsets (code points into that text); a
malformed file, nested or overlapping TIMEX3 and duplicate ids are refused
with file and line. `write_timeml` is its inverse and writes what the
TempEval-3 toolkit reads (TimeML root, DOCID, DCT with
functionInDocument="CREATION_TIME", TEXT with TIMEX3 tid/type/value/mod).

`import --from timeml` turns a document's TIMEX3 into records that follow the
guidelines (`timexes_to_spans`): values TIMEX3 -> EDTF, extents without a
leading article or preposition, hyphenated ranges as one INTERVAL, TIME,
PRESENT_REF/PAST_REF/FUTURE_REF dropped; every change is counted by reason
(`Conversion`). `export --to timeml` writes one `.tml` per document; its DCT
comes from the corpus manifest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from serge_corpus.date_object import check_date_object
from serge_corpus.dates.timex3 import edtf_to_timex3, interval_to_timex3, timex3_to_edtf
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import UNANNOTATED_BLOCKS, Block, DateValue, Document, Span

TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")
_OWN_ATTRIBUTES = ("tid", "type", "value", "mod", "functionInDocument")


@dataclass(frozen=True)
class Timex:
    """One TIMEX3; `start`/`end` are code-point offsets into the document text."""

    start: int
    end: int
    tid: str
    type: str
    value: str | None
    mod: str | None
    function_in_document: str | None
    # Other attributes as written (anchorTimeID, temporalFunction, beginPoint, …), kept for round trips.
    attributes: tuple[tuple[str, str], ...] = ()

    def attribute(self, name: str) -> str | None:
        return dict(self.attributes).get(name)


@dataclass(frozen=True)
class TimeMLDocument:
    doc_id: str
    text: str
    dct: str | None
    timexes: tuple[Timex, ...]
    # Line of the file where <TEXT> opens (for messages), not part of the document's identity.
    text_line: int = field(default=1, compare=False)


# ---------------------------------------------------------------- reading


def parse_timeml(markup: str, source_name: str = "<string>") -> TimeMLDocument:
    """The text and TIMEX3 of one TimeML document; raises with file and line."""
    state = _Parse(source_name)
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda name, attrs: state.start(name, attrs, parser.CurrentLineNumber)
    parser.EndElementHandler = lambda name: state.end(name, parser.CurrentLineNumber)
    parser.CharacterDataHandler = state.characters
    try:
        parser.Parse(markup, True)
    except expat.ExpatError as err:
        raise SergeCorpusError(
            Problem(
                "E301", f"{expat.errors.messages[err.code]}, column {err.offset}", file=source_name, line=err.lineno
            )
        ) from err
    if state.problems:
        raise SergeCorpusError(state.problems)
    if state.text is None:
        raise SergeCorpusError(Problem("E302", file=source_name))
    document = TimeMLDocument(
        state.doc_id or Path(source_name).stem, state.text, state.dct, tuple(state.timexes), state.text_line
    )
    check_document(document, source_name)
    return document


def read_timeml(path: Path) -> TimeMLDocument:
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "TimeML file", file=str(path)))
    try:
        markup = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise SergeCorpusError(Problem("E002", str(err), file=str(path))) from err
    return parse_timeml(markup, str(path))


@dataclass
class _Parse:
    """expat callbacks: collect TEXT's characters and the TIMEX3 opened inside it."""

    source: str
    doc_id: str | None = None
    dct: str | None = None
    text: str | None = None
    timexes: list[Timex] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    _pieces: list[str] = field(default_factory=list)
    _length: int = 0
    _path: list[str] = field(default_factory=list)
    _open: list[tuple[int, dict[str, str], int]] = field(default_factory=list)  # (start, attrs, line)
    _docid: list[str] = field(default_factory=list)
    _tids: dict[str, int] = field(default_factory=dict)
    text_line: int = 1

    def start(self, name: str, attrs: dict[str, str], line: int) -> None:
        self._path.append(name)
        if name == "TEXT":
            self.text_line = line
        if name == "TIMEX3" and "DCT" in self._path[:-1]:
            self.dct = attrs.get("value")
        elif name == "TIMEX3" and "TEXT" in self._path[:-1]:
            if self._open:
                outer = self._open[-1][1].get("tid", "?")
                self.problems.append(
                    Problem("E303", f"TIMEX3 {attrs.get('tid', '?')} opens inside TIMEX3 {outer}", self.source, line)
                )
            self._open.append((self._length, dict(attrs), line))

    def end(self, name: str, line: int) -> None:
        self._path.pop()
        if name == "TEXT":
            self.text = "".join(self._pieces)
        elif name == "DOCID":
            self.doc_id = "".join(self._docid).strip()
        elif name == "TIMEX3" and self._open:
            start, attrs, opened = self._open.pop()
            self._add(start, attrs, opened)

    def characters(self, data: str) -> None:
        if "TEXT" in self._path:
            self._pieces.append(data)
            self._length += len(data)
        elif self._path and self._path[-1] == "DOCID":
            self._docid.append(data)

    def _add(self, start: int, attrs: dict[str, str], line: int) -> None:
        tid, kind = attrs.get("tid"), attrs.get("type")
        missing = [name for name in ("tid", "type") if not attrs.get(name)]
        if missing or kind not in TIMEX_TYPES:
            why = f"missing {', '.join(missing)}" if missing else f"type {kind!r} not in {', '.join(TIMEX_TYPES)}"
            self.problems.append(Problem("E304", f"TIMEX3 {tid or '?'}: {why}", self.source, line, field="TIMEX3"))
            return
        assert tid is not None and kind is not None
        if tid in self._tids:
            self.problems.append(Problem("E307", f"{tid} first on line {self._tids[tid]}", self.source, line))
        self._tids.setdefault(tid, line)
        self.timexes.append(
            Timex(
                start=start,
                end=self._length,
                tid=tid,
                type=kind,
                value=attrs.get("value"),
                mod=attrs.get("mod"),
                function_in_document=attrs.get("functionInDocument"),
                attributes=tuple((k, v) for k, v in attrs.items() if k not in _OWN_ATTRIBUTES),
            )
        )


def check_document(document: TimeMLDocument, source_name: str = "<document>") -> None:
    """Refuse TIMEX3 whose offsets leave the text, are empty, or overlap (flat annotation)."""
    problems: list[Problem] = []
    ordered = sorted(document.timexes, key=lambda t: (t.start, t.end))
    for t in ordered:
        if not (0 <= t.start < t.end <= len(document.text)):
            problems.append(
                Problem(
                    "E306",
                    f"TIMEX3 {t.tid} [{t.start}, {t.end}] with text length {len(document.text)}",
                    source_name,
                    record_id=document.doc_id,
                )
            )
    for a, b in zip(ordered, ordered[1:]):
        if b.start < a.end:
            problems.append(
                Problem(
                    "E303",
                    f"TIMEX3 {b.tid} [{b.start}, {b.end}] overlaps {a.tid} [{a.start}, {a.end}]",
                    source_name,
                    record_id=document.doc_id,
                )
            )
    if problems:
        raise SergeCorpusError(problems)


# ---------------------------------------------------------------- writing

_SCHEMA = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd"'
)


def write_timeml(doc: TimeMLDocument) -> str:
    """The TimeML markup of a document (inverse of `parse_timeml`)."""
    check_document(doc)
    out = ['<?xml version="1.0" ?>\n', f"<TimeML {_SCHEMA}>\n", f"<DOCID>{escape(doc.doc_id)}</DOCID>\n"]
    if doc.dct is not None:
        out.append(
            f'<DCT><TIMEX3 tid="t0" type="DATE" value={quoteattr(doc.dct)} temporalFunction="false" '
            f'functionInDocument="CREATION_TIME">{escape(doc.dct)}</TIMEX3></DCT>\n'
        )
    out.append("<TEXT>")
    cursor = 0
    for t in sorted(doc.timexes, key=lambda t: t.start):
        out.append(escape(doc.text[cursor : t.start]))
        attrs = [
            ("tid", t.tid),
            ("type", t.type),
            ("value", t.value),
            ("mod", t.mod),
            ("functionInDocument", t.function_in_document),
            *t.attributes,
        ]
        rendered = " ".join(f"{k}={quoteattr(v)}" for k, v in attrs if v is not None)
        out.append(f"<TIMEX3 {rendered}>{escape(doc.text[t.start : t.end])}</TIMEX3>")
        cursor = t.end
    out.append(escape(doc.text[cursor:]))
    out.append("</TEXT>\n</TimeML>\n")
    return "".join(out)


# ---------------------------------------------------------------- TIMEX3 -> guidelines


@dataclass(frozen=True)
class Conversion:
    """What happened to one TIMEX3 on its way to a guidelines DATE span."""

    tids: tuple[str, ...]
    text: str  # the TIMEX3 extent as published
    action: str  # kept | changed | merged | dropped
    reasons: tuple[str, ...]
    span_text: str | None = None  # the resulting span, None when dropped


@dataclass(frozen=True)
class ConversionReport:
    doc_id: str
    conversions: tuple[Conversion, ...]

    def counts(self) -> dict[str, int]:
        """Reason -> number of TIMEX3 it applies to."""
        found: Counter[str] = Counter()
        for c in self.conversions:
            for reason in c.reasons:
                found[reason] += len(c.tids) if reason == REASON_RANGE else 1
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

    def actions(self) -> dict[str, int]:
        found: Counter[str] = Counter()
        for c in self.conversions:
            found[c.action] += len(c.tids)
        return dict(sorted(found.items()))


REASON_TIME = "TIME type dropped: times of day are not annotated (guidelines §3)"
REASON_REF = "PRESENT_REF / PAST_REF / FUTURE_REF dropped: a vague time word is not a DATE (D122)"
REASON_UNANNOTATED = "dropped: in a block that carries no annotation (meta header, boilerplate)"
REASON_STRADDLES = "dropped: straddles two blocks"
REASON_RANGE = "two TIMEX3 joined by a dash made one INTERVAL (guidelines §4 ranges)"
REASON_ARTICLE = "leading article removed (guidelines §4)"
REASON_PREPOSITION = "leading preposition removed (guidelines §4, D119)"
REASON_PUNCT = "edge punctuation or space trimmed (guidelines §3)"
REASON_VALUE = "value converted TIMEX3 -> EDTF (season, decade, century, BC)"
REASON_NO_VALUE = "value has no EDTF form: set to null"
REASON_ANCHOR = "anchor added: last absolute date before it in reading order (D120)"
REASON_MOD_DROPPED = "mod outside the guidelines' six dropped (LESS_THAN, EQUAL_OR_LESS, …)"
REASON_MOD_MAPPED = "mod ON_OR_BEFORE/ON_OR_AFTER -> BEFORE/AFTER"

_MODS = {
    "START": "START",
    "MID": "MID",
    "END": "END",
    "APPROX": "APPROX",
    "BEFORE": "BEFORE",
    "AFTER": "AFTER",
    "ON_OR_BEFORE": "BEFORE",
    "ON_OR_AFTER": "AFTER",
}
_REFS = {"PRESENT_REF", "PAST_REF", "FUTURE_REF"}
_ARTICLE = re.compile(r"(?:the|The|THE)\s+")
_PREPOSITION = re.compile(
    r"(?:in|In|on|On|at|At|by|By|from|From|since|Since|during|During|until|Until|till|Till|of|Of|for|For|"
    r"through|Through|throughout|Throughout)\s+"
)
_RANGE_GAP = re.compile(r"\s*[-–—]\s*")
_EDGE_START = "\"“”‘’'([{«,;: \t\n"
_EDGE_END = "\"“”‘’')]}».,;:!? \t\n"
_PARTNER = {")": "(", "]": "[", "}": "{", "”": "“", "’": "‘", "»": "«"}


@dataclass(frozen=True)
class _Draft:
    start: int
    end: int
    tids: tuple[str, ...]
    published: str
    type: str
    value: str | None
    mod: str | None
    relative: bool
    reasons: tuple[str, ...] = ()


def timexes_to_spans(
    document: TimeMLDocument, blocks: Sequence[Block]
) -> tuple[dict[str, list[Span]], ConversionReport]:
    """Guidelines DATE spans per block id (offsets relative to the block) and what changed."""
    text = document.text
    conversions: list[Conversion] = []
    drafts: list[_Draft] = []
    for t in sorted(document.timexes, key=lambda t: t.start):
        published = text[t.start : t.end]
        if t.type == "TIME":
            conversions.append(Conversion((t.tid,), published, "dropped", (REASON_TIME,)))
        elif t.value in _REFS:
            conversions.append(Conversion((t.tid,), published, "dropped", (REASON_REF,)))
        else:
            drafts.append(
                _Draft(
                    t.start,
                    t.end,
                    (t.tid,),
                    published,
                    t.type,
                    t.value,
                    t.mod,
                    t.attribute("temporalFunction") == "true",
                )
            )
    drafts = _join_ranges(text, drafts)
    located = _locate(drafts, blocks, conversions)
    spans: dict[str, list[Span]] = {}
    last_absolute: str | None = None
    for block, draft in located:
        draft = _trim(text, draft)
        date, reasons, absolute = _date_value(draft, last_absolute)
        if absolute is not None:
            last_absolute = absolute
        reasons = draft.reasons + reasons
        start, end = draft.start - block.offset, draft.end - block.offset
        span = Span(start, end, "DATE", block.text[start:end], date)
        spans.setdefault(block.id, []).append(span)
        action = "merged" if len(draft.tids) > 1 else ("changed" if reasons else "kept")
        conversions.append(Conversion(draft.tids, draft.published, action, reasons, span.text))
    order = {tid: i for i, t in enumerate(document.timexes) for tid in [t.tid]}
    conversions.sort(key=lambda c: order.get(c.tids[0], 0))
    return spans, ConversionReport(document.doc_id, tuple(conversions))


def _join_ranges(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """`1919-1920`, `February 14 - February 16`, `winter-spring`: one INTERVAL."""
    out: list[_Draft] = []
    for d in drafts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(prev.tids) == 1
            and prev.type == d.type == "DATE"
            and _RANGE_GAP.fullmatch(text, prev.end, d.start)
            and "\n" not in text[prev.end : d.start]
        ):
            value = f"{prev.value}/{d.value}" if prev.value and d.value else None
            out[-1] = replace(
                prev,
                end=d.end,
                tids=prev.tids + d.tids,
                published=text[prev.start : d.end],
                type="INTERVAL",
                value=value,
                mod=prev.mod or d.mod,
                relative=prev.relative or d.relative,
                reasons=(REASON_RANGE,),
            )
        else:
            out.append(d)
    return out


def _locate(drafts: list[_Draft], blocks: Sequence[Block], conversions: list[Conversion]) -> list[tuple[Block, _Draft]]:
    ordered = sorted(blocks, key=lambda b: b.offset)
    out: list[tuple[Block, _Draft]] = []
    i = 0
    for d in drafts:
        while i < len(ordered) and ordered[i].end <= d.start:
            i += 1
        block = ordered[i] if i < len(ordered) else None
        if block is None or not (block.offset <= d.start and d.end <= block.end):
            conversions.append(Conversion(d.tids, d.published, "dropped", (REASON_STRADDLES,)))
        elif block.block in UNANNOTATED_BLOCKS:
            conversions.append(Conversion(d.tids, d.published, "dropped", (REASON_UNANNOTATED,)))
        else:
            out.append((block, d))
    return out


def _trim(text: str, d: _Draft) -> _Draft:
    start, end, reasons = d.start, d.end, list(d.reasons)
    while start < end:
        piece = text[start:end]
        if (m := _ARTICLE.match(piece)) and m.end() < len(piece):
            start += m.end()
            reasons.append(REASON_ARTICLE)
        elif (m := _PREPOSITION.match(piece)) and m.end() < len(piece):
            start += m.end()
            reasons.append(REASON_PREPOSITION)
        elif len(piece) > 1 and piece[0] in _EDGE_START:
            start += 1
            reasons.append(REASON_PUNCT)
        elif len(piece) > 1 and piece[-1] in _EDGE_END and _PARTNER.get(piece[-1], "\0") not in piece[:-1]:
            end -= 1
            reasons.append(REASON_PUNCT)
        else:
            break
    return replace(d, start=start, end=end, reasons=tuple(dict.fromkeys(reasons)))


def _date_value(d: _Draft, last_absolute: str | None) -> tuple[DateValue, tuple[str, ...], str | None]:
    """The date object, the reasons it differs from the TIMEX3, and the new running anchor (or None)."""
    reasons: list[str] = []
    kind = {"DATE": "DATE", "INTERVAL": "INTERVAL", "DURATION": "DURATION", "SET": "SET"}[d.type]
    value = _edtf(d.value, kind, reasons)
    if kind == "DATE" and value is not None and "/" in value:
        kind = "INTERVAL"
    mod = _MODS.get(d.mod) if d.mod else None
    if d.mod and d.mod not in _MODS:
        reasons.append(REASON_MOD_DROPPED)
    elif d.mod and _MODS[d.mod] != d.mod:
        reasons.append(REASON_MOD_MAPPED)
    anchor = None
    if d.relative and kind in {"DATE", "INTERVAL"} and last_absolute is not None:
        anchor = last_absolute
        reasons.append(REASON_ANCHOR)
    date = DateValue(type=kind, value=value, mod=mod, anchor=anchor)
    if check_date_object(date.to_dict()):
        date = DateValue(type=kind, value=None, mod=mod, anchor=anchor)
        reasons.append(REASON_NO_VALUE)
    absolute = value if not d.relative and kind in {"DATE", "INTERVAL"} and value is not None else None
    return date, tuple(dict.fromkeys(reasons)), absolute


def _edtf(value: str | None, kind: str, reasons: list[str]) -> str | None:
    if value is None or kind == "DURATION":
        return value
    try:
        parts = [timex3_to_edtf(part) for part in value.split("/")]
    except SergeCorpusError:
        reasons.append(REASON_NO_VALUE)
        return None
    converted = "/".join(parts)
    if converted != value:
        reasons.append(REASON_VALUE)
    return converted


def conversion_markdown(reports: Sequence[ConversionReport]) -> str:
    """The table the dataset card quotes: TIMEX3 changed, by reason, per document."""
    names = [r.doc_id for r in reports]
    lines = ["| reason | " + " | ".join(names) + " | total |", "|---|" + "---:|" * (len(names) + 1)]
    totals: Counter[str] = Counter()
    per = [r.counts() for r in reports]
    for counts in per:
        totals.update(counts)
    for reason, total in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| {reason} | " + " | ".join(str(c.get(reason, 0)) for c in per) + f" | {total} |")
    actions = [r.actions() for r in reports]
    for action in ("kept", "changed", "merged", "dropped"):
        row = [a.get(action, 0) for a in actions]
        lines.append(f"| **TIMEX3 {action}** | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    row = [sum(a.values()) for a in actions]
    lines.append("| **TIMEX3 in all** | " + " | ".join(str(n) for n in row) + f" | {sum(row)} |")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- records <-> TimeML


def document_from_records(blocks: Sequence[Block], doc_id: str, source: str, dct: str | None) -> TimeMLDocument:
    """A TimeMLDocument of one corpus document's records: every DATE span as a TIMEX3."""
    timexes: list[Timex] = []
    for block in sorted(blocks, key=lambda b: b.offset):
        for span in block.spans:
            if span.label != "DATE" or span.date is None:
                continue
            kind, value, extra = _timex_value(span.date)
            anchor = span.date.anchor
            attrs = (("anchorValue", edtf_to_timex3(anchor)),) if anchor is not None and _convertible(anchor) else ()
            timexes.append(
                Timex(
                    block.offset + span.start,
                    block.offset + span.end,
                    f"t{len(timexes) + 1}",
                    kind,
                    value,
                    span.date.mod,
                    None,
                    attrs + extra,
                )
            )
    return TimeMLDocument(doc_id, source, dct, tuple(timexes))


def _timex_value(date: DateValue) -> tuple[str, str | None, tuple[tuple[str, str], ...]]:
    """TIMEX3 type, value and extra attributes of a guidelines date object."""
    if date.value is None:
        return ("DURATION" if date.type == "DURATION" else "DATE"), None, ()
    if date.type == "INTERVAL":
        try:
            begin, end = interval_to_timex3(date.value)
        except SergeCorpusError:
            return "DATE", None, (("comment", f"EDTF {date.value}"),)
        # TimeML has no interval value: the span is a DATE from its begin, with both ends kept.
        return "DATE", begin, (("beginPoint", begin), ("endPoint", end))
    try:
        return ("DATE" if date.type == "DATE" else date.type), edtf_to_timex3(date.value), ()
    except SergeCorpusError:
        return ("DATE" if date.type == "DATE" else date.type), None, (("comment", f"EDTF {date.value}"),)


def _convertible(value: str | None) -> bool:
    if value is None:
        return False
    try:
        edtf_to_timex3(value)
    except SergeCorpusError:
        return False
    return True


def export(
    blocks: Sequence[Block],
    out: Path,
    dct: Mapping[str, str | None] | None = None,
    sources: Mapping[str, str] | None = None,
) -> None:
    """One DOC.tml per document of `blocks` in folder `out` (atomic)."""
    from serge_corpus.formats.output import write_directory

    by_doc: dict[str, list[Block]] = {}
    for block in blocks:
        by_doc.setdefault(block.doc_id, []).append(block)
    documents = [
        document_from_records(doc_blocks, doc_id, _source_text(doc_id, doc_blocks, sources), (dct or {}).get(doc_id))
        for doc_id, doc_blocks in by_doc.items()
    ]

    def fill(folder: Path) -> None:
        for document in documents:
            (folder / f"{document.doc_id}.tml").write_bytes(write_timeml(document).encode("utf-8"))

    write_directory(out, fill, "timeml")


def _source_text(doc_id: str, blocks: Sequence[Block], sources: Mapping[str, str] | None) -> str:
    """The document's text; without the source, the records' texts at their offsets, blanks between."""
    if sources and doc_id in sources:
        return sources[doc_id]
    ordered = sorted(blocks, key=lambda b: b.offset)
    pieces: list[str] = []
    cursor = 0
    for b in ordered:
        pieces.append("\n" * max(b.offset - cursor, 0))
        pieces.append(b.text)
        cursor = b.offset + len(b.text)
    return "".join(pieces)


@dataclass(frozen=True)
class TimeMLImport:
    blocks: list[Block]
    report: ConversionReport


def import_document(
    document: TimeMLDocument,
    corpus_document: Document,
    segmenter: Callable[[Document], list[Block]],
    source_name: str = "<timeml>",
) -> TimeMLImport:
    """Records of `corpus_document` with the TimeML file's TIMEX3 as guidelines DATE spans."""
    if document.text != corpus_document.text:
        at = next(
            (i for i, (a, b) in enumerate(zip(document.text, corpus_document.text)) if a != b),
            min(len(document.text), len(corpus_document.text)),
        )
        line = document.text_line + document.text[:at].count("\n")
        raise SergeCorpusError(
            Problem(
                "E305",
                f"<TEXT> differs from {corpus_document.doc_id} from character {at} of the text "
                f"(…{document.text[max(at - 12, 0) : at + 20]!r}); "
                f"lengths {len(document.text)} and {len(corpus_document.text)}",
                file=source_name,
                line=line,
            )
        )
    blocks = segmenter(corpus_document)
    spans, report = timexes_to_spans(document, blocks)
    return TimeMLImport([b.with_spans(spans.get(b.id, [])) for b in blocks], report)


def find_corpus_document(document: TimeMLDocument, entries: Sequence[Mapping[str, Any]]) -> str | None:
    """The corpus doc_id a TimeML DOCID names (its doc_id, its `wikiwars_id`, or the same text's sha256)."""
    for e in entries:
        if document.doc_id in (e.get("doc_id"), e.get("wikiwars_id")):
            return str(e["doc_id"])
    from serge_corpus.corpus import sha256_text

    digest = sha256_text(document.text)
    return next((str(e["doc_id"]) for e in entries if e.get("sha256") == digest), None)


def timeml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix == ".tml")
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "TimeML file or folder", file=str(path)))
    return [path]
