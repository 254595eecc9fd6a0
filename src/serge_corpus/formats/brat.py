"""brat standoff: one `.txt` / `.ann` pair per record, plus a `.json` sidecar.

Per record, not per document: a block's text is exactly the `.txt`, so brat
offsets are the record's own offsets and nothing between blocks has to be
invented. Files are named `NNNN_<record id>` (NNNN keeps the record order;
characters outside [A-Za-z0-9._-] become `_`). The folder gets an
`annotation.conf` with the guideline labels.

- `T1\tPERSON 0 12\tVictor Serge`: one text-bound annotation per span (a span
  text with a line break is written with a space, as brat displays it);
- `#1\tAnnotatorNotes T1\t{"date": {...}}`: the date object and unknown span
  fields as one-line JSON;
- `NNNN_<id>.json`: the header (id, offset, sentences, tokens, meta…).

Import refuses discontinuous spans (`T1\tPERSON 0 5;9 12`). Other brat lines
(relations, events, attributes, normalisations) are kept verbatim in
`meta["brat"]["lines"]`; a note that is not JSON becomes the span field
`brat_note`. Offsets are code points (brat is a Python tool).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.assemble import RawRecord, RawSpan, read_text_file
from serge_corpus.formats.envelope import Header, Where, make_header, parse_header, span_payload
from serge_corpus.formats.output import MARKER, write_directory
from serge_corpus.model import LABELS, Block

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+(?: \d+)*(?:;\d+ \d+)*)\t(.*)$")
_NOTE_LINE = re.compile(r"^(#\d+)\tAnnotatorNotes (T\d+)\t(.*)$")


def file_stem(index: int, record_id: str) -> str:
    return f"{index:04d}_{_UNSAFE.sub('_', record_id)}"


def annotation_conf() -> str:
    entities = "\n".join(LABELS)
    return f"[entities]\n{entities}\n\n[relations]\n\n[events]\n\n[attributes]\n"


# ---------------------------------------------------------------- export


def export(blocks: Sequence[Block], out: Path) -> None:
    def fill(folder: Path) -> None:
        (folder / "annotation.conf").write_text(annotation_conf(), encoding="utf-8")
        for index, block in enumerate(blocks):
            stem = folder / file_stem(index, block.id)
            stem.with_suffix(".txt").write_bytes(block.text.encode("utf-8"))
            stem.with_suffix(".ann").write_bytes(ann_text(block).encode("utf-8"))
            header = make_header(block, with_tokens=True, with_payloads=False)
            stem.with_suffix(".json").write_text(
                json.dumps(header, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )

    write_directory(out, fill, "brat")


def ann_text(block: Block) -> str:
    lines: list[str] = []
    notes = 0
    for i, span in enumerate(block.spans, start=1):
        lines.append(f"T{i}\t{span.label} {span.start} {span.end}\t{span.text.replace(chr(10), ' ')}")
        payload = span_payload(span)
        if payload:
            notes += 1
            lines.append(f"#{notes}\tAnnotatorNotes T{i}\t{json.dumps(payload, ensure_ascii=False)}")
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------- import


def read(path: Path) -> list[RawRecord]:
    if not path.is_dir():
        raise SergeCorpusError(Problem("E171", "brat input is a folder of .txt/.ann pairs", file=str(path)))
    anns = sorted(path.rglob("*.ann"))
    if not anns and (path / MARKER).is_file():
        return []  # an export of zero records
    if not anns:
        raise SergeCorpusError(Problem("E171", "no .ann files in the folder", file=str(path)))
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for ann in anns:
        try:
            records.append(read_pair(ann))
        except SergeCorpusError as err:
            problems += err.problems
    if problems:
        raise SergeCorpusError(problems)
    return records


def read_pair(ann: Path) -> RawRecord:
    txt = ann.with_suffix(".txt")
    text = read_text_file(txt)
    header: Header | None = None
    sidecar = ann.with_suffix(".json")
    if sidecar.is_file():
        where = Where(str(sidecar))
        try:
            obj = json.loads(read_text_file(sidecar))
        except json.JSONDecodeError as err:
            raise SergeCorpusError(where.problem("E170", str(err))) from err
        parsed = parse_header(obj, where)
        if isinstance(parsed, list):
            raise SergeCorpusError(parsed)
        header = parsed
    spans, others, problems = parse_ann(read_text_file(ann), str(ann), header.id if header else None, text)
    if problems:
        raise SergeCorpusError(problems)
    where = Where(str(ann), None, header.id if header else ann.stem)
    added = {"brat": {"lines": others}} if others else {}
    return RawRecord(where, text, tuple(spans), header.tokens if header else None, header, added)


def parse_ann(
    content: str, file: str, record_id: str | None, text: str | None = None
) -> tuple[list[RawSpan], list[str], list[Problem]]:
    """Text-bound spans (with their notes' payloads), other lines kept, problems.

    brat cuts a mention that runs over a line break into fragments
    (`T1\tORG 10 20;21 30`); fragments separated only by the line break are
    one span again. Other discontinuous spans are E166.
    """
    found: dict[str, tuple[int, int, str, str, int]] = {}
    notes: dict[str, tuple[str, int]] = {}
    others: list[str] = []
    problems: list[Problem] = []
    for number, line in enumerate(content.split("\n"), start=1):
        where = Where(file, number, record_id)
        if not line.strip():
            continue
        if line.startswith("T"):
            match = _T_LINE.match(line)
            if match is None:
                problems.append(where.problem("E171", f"not a text-bound line: {line[:60]!r}"))
            elif (bounds := _joined_fragments(match.group(3), text)) is None:
                problems.append(
                    where.problem("E166", f"{match.group(1)} has fragments {match.group(3)}", match.group(1))
                )
            else:
                found[match.group(1)] = (*bounds, match.group(2), match.group(4), number)
        elif (note := _NOTE_LINE.match(line)) is not None:
            notes[note.group(2)] = (note.group(3), number)
        else:
            others.append(line)
    spans: list[RawSpan] = []
    for tid, (start, end, label, claimed, number) in found.items():
        payload: dict[str, Any] = {}
        if tid in notes:
            payload, problem = _note_payload(*notes.pop(tid), Where(file, None, record_id), tid)
            if problem is not None:
                problems.append(problem)
        spans.append(RawSpan(start, end, label, payload, claimed, f"{tid} (line {number})"))
    for tid, (_, number) in notes.items():
        problems.append(
            Problem("E171", f"AnnotatorNotes for unknown {tid}", file=file, line=number, record_id=record_id)
        )
    return spans, others, problems


def _joined_fragments(coordinates: str, text: str | None) -> tuple[int, int] | None:
    """(start, end) of `0 5` or of fragments split at line breaks only; None otherwise."""
    pairs = [fragment.split() for fragment in coordinates.split(";")]
    if any(len(p) != 2 for p in pairs):
        return None
    bounds = [(int(a), int(b)) for a, b in pairs]
    for (_, end), (start, _) in zip(bounds, bounds[1:]):
        gap = text[end:start] if text is not None and end <= start else None
        if gap is None or "\n" not in gap or gap.strip():
            return None
    return bounds[0][0], bounds[-1][1]


def _note_payload(note: str, number: int, where: Where, tid: str) -> tuple[dict[str, Any], Problem | None]:
    try:
        obj = json.loads(note)
    except json.JSONDecodeError:
        return {"extra": {"brat_note": note}}, None  # a human note, not ours
    if not isinstance(obj, dict) or not set(obj) <= {"date", "extra"}:
        return {"extra": {"brat_note": note}}, None
    if "date" in obj and not isinstance(obj["date"], dict) or "extra" in obj and not isinstance(obj["extra"], dict):
        return {}, Problem("E170", "note must be {date: {...}, extra: {...}}", where.file, number, where.record_id, tid)
    return obj, None
