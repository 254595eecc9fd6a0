"""Read, validate and write annotation records (guidelines §5) as JSONL.

`read_records` returns `Block`s or raises `SergeCorpusError` listing every
problem of the file at once (file, line, record id, field). `write_records`
is atomic: a crash leaves either the old file or the new one, never half.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import jsonlines

from serge_corpus.date_object import check_date_object
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import BLOCK_KINDS, LABELS, UNANNOTATED_BLOCKS, Block

_LEADING_PUNCT = "\"“‘'([{«„"
# A decade with its century elided ("'70s", "’70s"): the apostrophe is part of the expression.
_ELIDED_DECADE = re.compile(r"^['’‘]\d0'?s\b")
_TRAILING_PUNCT = "\"”’')]}»,;:"
_PAIRS = {")": "(", "]": "[", "}": "{", "”": "“", "’": "‘", "»": "«"}
_OPENER_TO_CLOSER = {opener: closer for closer, opener in _PAIRS.items()}


def read_raw(path: str | Path) -> list[tuple[int, Any]]:
    """Parse a JSONL file into (line number, object) pairs; bad JSON raises."""
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", file=str(path)))
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as err:
        raise SergeCorpusError(Problem("E002", str(err), file=str(path))) from err
    return parse_lines(lines, str(path))


def parse_lines(lines: Iterable[str], file: str | None = None, first: int = 1) -> list[tuple[int, Any]]:
    """(line number, object) of JSON lines numbered from `first` (blank ones skipped); bad JSON raises."""
    rows: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            rows.append((number, jsonlines.Reader([line]).read()))
        except jsonlines.InvalidLineError as err:
            problems.append(Problem("E010", str(err.__cause__ or err), file=file, line=number))
    if problems:
        raise SergeCorpusError(problems)
    return rows


def read_records(path: str | Path, sources: Mapping[str, str] | None = None) -> list[Block]:
    """Read and validate a JSONL file of records; raise with every problem found."""
    rows = read_raw(path)
    problems = validate_rows(rows, file=str(path), sources=sources)
    if problems:
        raise SergeCorpusError(problems)
    return [Block.from_dict(obj) for _, obj in rows]


def validate_file(path: str | Path, sources: Mapping[str, str] | None = None) -> list[Problem]:
    """All problems of a file, empty when it is valid."""
    try:
        rows = read_raw(path)
    except SergeCorpusError as err:
        return err.problems
    return validate_rows(rows, file=str(path), sources=sources)


def validate_rows(
    rows: Iterable[tuple[int, Any]],
    file: str | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Check parsed records against the guidelines; `sources` maps doc_id to text."""
    problems: list[Problem] = []
    seen_ids: dict[str, int] = {}
    for line, obj in rows:
        found = _validate_record(obj, sources or {})
        for code, field, detail in found:
            rid = obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None
            problems.append(Problem(code, detail, file=file, line=line, record_id=rid, field=field))
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            rid = obj["id"]
            if rid in seen_ids:
                problems.append(Problem("E014", f"first seen on line {seen_ids[rid]}", file, line, rid, "id"))
            seen_ids.setdefault(rid, line)
    return problems


Finding = tuple[str, str | None, str]  # (code, field, detail)

_REQUIRED: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("id", str),
    ("doc_id", str),
    ("block", str),
    ("offset", int),
    ("text", str),
    ("spans", list),
)
_OPTIONAL: tuple[tuple[str, type | tuple[type, ...]], ...] = (
    ("section", (int, type(None))),
    ("sentences", list),
    ("tokens", list),
    ("meta", dict),
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_record(obj: Any, sources: Mapping[str, str]) -> list[Finding]:
    if not isinstance(obj, dict):
        return [("E011", None, f"got {type(obj).__name__}")]
    found: list[Finding] = []
    for name, kind in _REQUIRED:
        if name not in obj:
            found.append(("E012", name, ""))
        elif not isinstance(obj[name], kind) or (kind is int and not _is_int(obj[name])):
            found.append(("E013", name, f"expected {_type_name(kind)}, got {type(obj[name]).__name__}"))
    for name, kind in _OPTIONAL:
        if name in obj and not isinstance(obj[name], kind):
            found.append(("E013", name, f"expected {_type_name(kind)}, got {type(obj[name]).__name__}"))
    if found:
        return found
    text: str = obj["text"]
    if obj["block"] not in BLOCK_KINDS:
        found.append(("E020", "block", f"{obj['block']!r}; expected one of {', '.join(BLOCK_KINDS)}"))
    if obj["offset"] < 0:
        found.append(("E030", "offset", f"offset {obj['offset']} is negative"))
    found += _check_source(obj, sources)
    found += _check_ranges(obj.get("sentences", []), len(text), "sentences", "E050")
    found += _check_ranges(obj.get("tokens", []), len(text), "tokens", "E051")
    if obj["block"] in UNANNOTATED_BLOCKS and obj["spans"]:
        found.append(("E035", "spans", f"{len(obj['spans'])} span(s) in a {obj['block']} block"))
    found += _check_spans(obj["spans"], text)
    return found


def _type_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join("null" if k is type(None) else k.__name__ for k in kind)
    return {"str": "string", "int": "integer", "list": "array", "dict": "object"}.get(kind.__name__, kind.__name__)


def _check_source(obj: dict[str, Any], sources: Mapping[str, str]) -> list[Finding]:
    source = sources.get(obj["doc_id"])
    if source is None:
        return []
    found: list[Finding] = []
    start, text = obj["offset"], obj["text"]
    if source[start : start + len(text)] != text:
        found.append(("E021", "text", f"source[{start}:{start + len(text)}] differs"))
    expected = obj.get("meta", {}).get("source_sha256")
    if expected is not None:
        actual = _source_sha256(source)
        if expected != actual:
            found.append(("E022", "meta.source_sha256", f"record has {expected[:12]}…, source is {actual[:12]}…"))
    return found


@lru_cache(maxsize=16)
def _source_sha256(source: str) -> str:
    # Once per source, not once per record: hashing the whole text for every
    # record made validation quadratic in the document's size.
    from serge_corpus.corpus import sha256_text

    return sha256_text(source)


def _check_ranges(pairs: list[Any], length: int, name: str, code: str) -> list[Finding]:
    previous_end = 0
    for index, pair in enumerate(pairs):
        field = f"{name}[{index}]"
        if not (isinstance(pair, list) and len(pair) == 2 and all(_is_int(v) for v in pair)):
            return [("E013", field, "expected [start, end] integers")]
        start, end = pair
        if not (previous_end <= start < end <= length):
            return [(code, field, f"[{start}, {end}] after end {previous_end}, text length {length}")]
        previous_end = end
    return []


def _check_spans(spans: list[Any], text: str) -> list[Finding]:
    found: list[Finding] = []
    valid: list[tuple[int, int, int]] = []
    for index, span in enumerate(spans):
        field = f"spans[{index}]"
        if not isinstance(span, dict):
            found.append(("E013", field, "expected an object"))
            continue
        missing = [k for k in ("start", "end", "label", "text") if k not in span]
        if missing:
            found += [("E012", f"{field}.{k}", "") for k in missing]
            continue
        start, end, label = span["start"], span["end"], span["label"]
        if not (_is_int(start) and _is_int(end)):
            found.append(("E013", f"{field}.start/end", "expected integers"))
            continue
        if not (0 <= start < end <= len(text)):
            found.append(("E030", f"{field}.start/end", f"[{start}, {end}] with text length {len(text)}"))
            continue
        covered = text[start:end]
        if span["text"] != covered:
            found.append(("E031", f"{field}.text", f"{span['text']!r} != text[{start}:{end}] {covered!r}"))
        if label not in LABELS:
            found.append(("E032", f"{field}.label", f"{label!r}"))
        if covered != covered.strip():
            found.append(("E034", f"{field}.start/end", f"{covered!r}"))
        punct = _edge_punctuation(covered)
        if punct:
            found.append(("E036", f"{field}.start/end", f"{covered!r} {punct}"))
        found += _check_span_date(span, field)
        valid.append((start, end, index))
    valid.sort()
    for (s1, e1, i1), (s2, e2, i2) in zip(valid, valid[1:]):
        if s2 < e1:
            found.append(("E033", f"spans[{i2}]", f"[{s2}, {e2}] overlaps spans[{i1}] [{s1}, {e1}]"))
    return found


def _edge_punctuation(covered: str) -> str:
    """Describe quotes/brackets/commas at a span's edges that the guidelines exclude.

    A bracket or quote at an edge is allowed only when its partner is inside
    the span (`Year II (draft)` keeps its closing bracket), never when the two
    enclose the whole span (`“War Communism”`).
    """
    inner = covered[1:-1]
    first, last = covered[0], covered[-1]
    if _ELIDED_DECADE.match(covered):
        first = "\0"  # "'70s": the apostrophe stands for "19" and belongs to the date (DECISIONS D161)
    if first in _LEADING_PUNCT and _OPENER_TO_CLOSER.get(first, "\0") not in inner:
        return f"starts with {first!r}"
    if last in _TRAILING_PUNCT and _PAIRS.get(last, "\0") not in inner:
        return f"ends with {last!r}"
    return ""


def _check_span_date(span: dict[str, Any], field: str) -> list[Finding]:
    date = span.get("date")
    if span["label"] == "DATE" and date is None:
        return [("E040", f"{field}.date", "")]
    if span["label"] != "DATE":
        return [("E041", f"{field}.date", f"label {span['label']}")] if date is not None else []
    if not isinstance(date, dict):
        return [("E013", f"{field}.date", "expected an object")]
    return [(code, f"{field}.date.{sub}", detail) for code, sub, detail in check_date_object(date)]


def refuse_overwriting_inputs(output: str | Path, inputs: Iterable[str | Path | None]) -> None:
    """E194 when `output` resolves to one of `inputs`: a command must never overwrite what it reads."""
    target = Path(output).resolve()
    for given in inputs:
        if given is not None and Path(given).resolve() == target:
            raise SergeCorpusError(Problem("E194", f"{output} is also an input", file=str(output)))


def write_records(path: str | Path, records: Iterable[Block]) -> None:
    """Write records atomically (temp file in the same folder, then rename)."""
    write_rows(path, (r.to_dict() for r in records))


def write_rows(path: str | Path, rows: Iterable[Any]) -> None:
    """Write JSON objects one per line, atomically."""
    with atomic_open(path) as fp:
        writer = jsonlines.Writer(fp, dumps=_dumps)
        for row in rows:
            writer.write(row)


def write_text(path: str | Path, text: str) -> None:
    """Write a text file (report, card) atomically."""
    with atomic_open(path) as fp:
        fp.write(text)


@contextmanager
def atomic_open(path: str | Path) -> Iterator[TextIO]:
    """A temp file beside `path`, renamed over it only when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
            yield fp
            fp.flush()
            os.fsync(fp.fileno())
        os.chmod(tmp, target_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    # os.umask can only be read by setting it; set it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def target_mode(path: Path, directory: bool = False) -> int:
    """The mode a replaced file keeps, or what the umask gives a new one (mkstemp makes 0600)."""
    if path.exists():
        return path.stat().st_mode & 0o7777
    return (0o777 if directory else 0o666) & ~current_umask()


def _dumps(obj: Any) -> str:
    # ensure_ascii=False keeps the text readable for people who hand-edit it.
    return json.dumps(obj, ensure_ascii=False)
