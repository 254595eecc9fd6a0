"""The lossless envelope: what a format cannot hold natively, in one dict.

Every exporter stores the part of a record its format has no field for (id,
offset, sentences, meta, unknown fields, date objects…) in a "header" dict,
written into the format's own metadata slot (Prodigy `meta`, Label Studio
`data`, a brat sidecar, CoNLL comments, DocBin `user_data`, …). Importers read
it back and rebuild the exact `Block`. The same header shape is used
everywhere, so there is one place that knows how a record is packed.

Span payloads (the date object and unknown span fields) are keyed by
(start, end, label): a span an annotator deleted drops its payload, a span
they added has none, and a span they resized or relabelled loses its date
(so validation asks for a new one instead of keeping a stale value).

Two small pieces every format shares live here too: `convert_all` (convert
each item, raise every problem at once) and `read_slot` (the header in a
format's slot, with `Where` then naming the record id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.offsets import UNITS, Unit
from serge_corpus.model import Block, Span, Token

HEADER_VERSION = 1
# Name of the metadata slot in every format (a key, a comment, a user_data entry).
SLOT = "serge"

SpanKey = tuple[int, int, str]
Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Where:
    """Where a record sits in the imported file, for error messages."""

    file: str
    line: int | None = None
    record_id: str | None = None

    def problem(self, code: str, detail: str = "", field: str | None = None) -> Problem:
        return Problem(code, detail, file=self.file, line=self.line, record_id=self.record_id, field=field)


@dataclass(frozen=True)
class Header:
    """A parsed header: record fields plus span payloads by (start, end, label)."""

    id: str
    doc_id: str
    block: str
    offset: int
    section: int | None
    sentences: tuple[tuple[int, int], ...]
    meta: dict[str, Any]
    extra: dict[str, Any]
    payloads: dict[SpanKey, dict[str, Any]]
    tokens: tuple[tuple[int, int], ...] | None = None
    tokens_added: bool = False
    text: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def span_payload(span: Span) -> dict[str, Any]:
    """What a span carries beyond start/end/label/text (date object, unknown fields)."""
    payload: dict[str, Any] = {}
    if span.date is not None:
        payload["date"] = span.date.to_dict()
    if span.extra:
        payload["extra"] = dict(span.extra)
    return payload


def make_header(
    block: Block,
    *,
    with_tokens: bool = False,
    tokens_added: bool = False,
    with_text: bool = False,
    with_payloads: bool = True,
) -> dict[str, Any]:
    """The header of a block; the flags add what the format cannot hold itself."""
    header: dict[str, Any] = {
        "version": HEADER_VERSION,
        "id": block.id,
        "doc_id": block.doc_id,
        "block": block.block,
        "section": block.section,
        "offset": block.offset,
        "sentences": [[s.start, s.end] for s in block.sentences],
        "meta": dict(block.meta),
        "extra": dict(block.extra),
    }
    if with_payloads:
        header["spans"] = [
            {"start": s.start, "end": s.end, "label": s.label, **span_payload(s)}
            for s in block.spans
            if s.date is not None or s.extra
        ]
    if with_tokens:
        header["tokens"] = [[t.start, t.end] for t in block.tokens]
    if tokens_added:
        header["tokens_added"] = True
    if with_text:
        header["text"] = block.text
    return header


def parse_header(obj: Any, where: Where) -> Header | list[Problem]:
    """The header, or every shape problem as an E170 naming its field."""
    if not isinstance(obj, dict):
        return [where.problem("E170", f"expected an object, got {type(obj).__name__}", SLOT)]
    problems: list[Problem] = []

    def need(name: str, kinds: tuple[type, ...], optional: bool = False) -> Any:
        if name not in obj:
            if not optional:
                problems.append(where.problem("E170", "missing", f"{SLOT}.{name}"))
            return None
        value = obj[name]
        if not isinstance(value, kinds) or (int in kinds and isinstance(value, bool)):
            problems.append(where.problem("E170", f"wrong type {type(value).__name__}", f"{SLOT}.{name}"))
            return None
        return value

    version = need("version", (int,))
    if version is not None and version != HEADER_VERSION:
        problems.append(
            where.problem("E170", f"version {version}, this reader knows {HEADER_VERSION}", f"{SLOT}.version")
        )
    rid, doc_id, kind = need("id", (str,)), need("doc_id", (str,)), need("block", (str,))
    offset = need("offset", (int,))
    section = need("section", (int, type(None)))
    sentences = _pairs(need("sentences", (list,)), f"{SLOT}.sentences", where, problems)
    meta, extra = need("meta", (dict,)), need("extra", (dict,))
    tokens = _pairs(need("tokens", (list,), optional=True), f"{SLOT}.tokens", where, problems)
    tokens_added = need("tokens_added", (bool,), optional=True) or False
    text = need("text", (str,), optional=True)
    payloads = _payloads(need("spans", (list,), optional=True) or [], where, problems)
    if problems:
        return problems
    return Header(
        id=rid,
        doc_id=doc_id,
        block=kind,
        offset=offset,
        section=section,
        sentences=tuple(sentences or ()),
        meta=dict(meta),
        extra=dict(extra),
        payloads=payloads,
        tokens=tuple(tokens) if tokens is not None else None,
        tokens_added=tokens_added,
        text=text,
        raw=obj,
    )


def read_slot(holder: Mapping[Any, Any], where: Where) -> tuple[Header | None, Where, list[Problem]]:
    """The header in `holder[SLOT]` (None when absent), `where` naming its record, problems."""
    if SLOT not in holder:
        return None, where, []
    parsed = parse_header(holder[SLOT], where)
    if isinstance(parsed, list):
        return None, where, parsed
    return parsed, Where(where.file, where.line, parsed.id), []


def recorded_unit(header: Header | None) -> Unit | None:
    """The offset unit an exporter wrote into the header (doccano, Label Studio), if valid."""
    recorded = header.raw.get("offsets") if header is not None else None
    return recorded if recorded in UNITS else None


def convert_all(items: Iterable[Item], convert: Callable[[Item], tuple[Result | None, list[Problem]]]) -> list[Result]:
    """Every item converted; raises SergeCorpusError with the problems of all items at once."""
    results: list[Result] = []
    problems: list[Problem] = []
    for item in items:
        result, found = convert(item)
        problems += found
        if result is not None:
            results.append(result)
    if problems:
        raise SergeCorpusError(problems)
    return results


def _pairs(value: Any, name: str, where: Where, problems: list[Problem]) -> list[tuple[int, int]] | None:
    if value is None:
        return None
    out: list[tuple[int, int]] = []
    for i, pair in enumerate(value):
        ok = (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
        )
        if not ok:
            problems.append(where.problem("E170", "expected [start, end] integers", f"{name}[{i}]"))
            return None
        out.append((pair[0], pair[1]))
    return out


def _payloads(value: list[Any], where: Where, problems: list[Problem]) -> dict[SpanKey, dict[str, Any]]:
    out: dict[SpanKey, dict[str, Any]] = {}
    for i, item in enumerate(value):
        name = f"{SLOT}.spans[{i}]"
        if not (
            isinstance(item, dict)
            and isinstance(item.get("start"), int)
            and isinstance(item.get("end"), int)
            and isinstance(item.get("label"), str)
        ):
            problems.append(where.problem("E170", "expected {start, end, label, date?, extra?}", name))
            continue
        if "extra" in item and not isinstance(item["extra"], dict):
            problems.append(where.problem("E170", "extra must be an object", f"{name}.extra"))
            continue
        if "date" in item and not isinstance(item["date"], dict):
            problems.append(where.problem("E170", "date must be an object", f"{name}.date"))
            continue
        payload = {k: item[k] for k in ("date", "extra") if k in item}
        out[(item["start"], item["end"], item["label"])] = payload
    return out


def span_record(text: str, start: int, end: int, label: str, payload: dict[str, Any] | None) -> dict[str, Any]:
    """A span as a record dict (guidelines §5) over `text`, with its payload."""
    payload = payload or {}
    data: dict[str, Any] = {"start": start, "end": end, "label": label, "text": text[start:end]}
    if "date" in payload:
        data["date"] = payload["date"]
    for key, value in payload.get("extra", {}).items():
        data.setdefault(key, value)
    return data


def export_tokens(block: Block) -> tuple[tuple[Token, ...], bool]:
    """Tokens a token format writes, and whether they were added for it.

    A block without tokens is tokenised with the project tokenizer; the header
    flags them `tokens_added` so the importer drops them again (lossless).
    """
    if block.tokens or not block.text:
        return block.tokens, False
    from serge_corpus.segment import tokenize

    return tuple(tokenize(block.text)), True
