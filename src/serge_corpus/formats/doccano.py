"""doccano JSONL: sequence labelling (`label: [[s, e, l]]`) and entities form.

Both shapes doccano exports are read and written:

- `form="label"` (sequence-labelling project): `{"text", "label": [[start, end, label]]}`
- `form="entities"` (relation-extraction project):
  `{"text", "entities": [{"id", "label", "start_offset", "end_offset"}], "relations": []}`

Import also reads doccano 1.x exports (`data` instead of `text`) and the
`labels` key of doccano's import format.

doccano keeps unknown keys of an imported line as metadata and exports them
again, so the header travels in a `serge` key. doccano's browser front end
counts offsets in UTF-16 code units (doccano issue #2290), so the default
unit is `utf16`; `offsets="codepoint"` writes and reads Python offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem
from serge_corpus.formats.assemble import RawRecord, RawSpan, read_json_lines
from serge_corpus.formats.envelope import SLOT, Where, convert_all, make_header, read_slot, recorded_unit
from serge_corpus.formats.offsets import UNITS, Unit, UnitError, UnitIndex
from serge_corpus.formats.registry import check_choice
from serge_corpus.jsonl import write_rows
from serge_corpus.model import Block

FORMS: tuple[str, ...] = ("label", "entities")
# Keys doccano writes itself; other unknown keys go to meta["doccano"].
# doccano 1.x writes the text under `data` (issue #1522); its import format says `labels` (issue #113).
_DOCCANO_KEYS = frozenset({"id", "text", "data", "label", "labels", "entities", "relations", SLOT})
_TEXT_KEYS = ("text", "data")
_LABEL_KEYS = ("label", "labels")


def export(blocks: Sequence[Block], out: Path, form: str = "label", offsets: Unit = "utf16") -> None:
    check_choice("form", form, FORMS)
    check_choice("offsets", offsets, UNITS)
    rows: list[dict[str, Any]] = []
    entity_id = 0
    for block in blocks:
        index = UnitIndex.build(block.text, offsets)
        row: dict[str, Any] = {"text": block.text}
        if form == "label":
            row["label"] = [[index.to_unit(s.start), index.to_unit(s.end), s.label] for s in block.spans]
        else:
            entities = []
            for span in block.spans:
                entity_id += 1
                entities.append(
                    {
                        "id": entity_id,
                        "label": span.label,
                        "start_offset": index.to_unit(span.start),
                        "end_offset": index.to_unit(span.end),
                    }
                )
            row["entities"] = entities
            row["relations"] = []
        row[SLOT] = {**make_header(block, with_tokens=True), "offsets": offsets}
        rows.append(row)
    write_rows(out, rows)


def read(path: Path, offsets: Unit | None = None) -> list[RawRecord]:
    if offsets is not None:
        check_choice("offsets", offsets, UNITS)
    rows = ((row, Where(str(path), line)) for line, row in read_json_lines(path))
    return convert_all(rows, lambda item: _row_to_raw(*item, offsets))


def _row_to_raw(row: Any, where: Where, offsets: Unit | None) -> tuple[RawRecord | None, list[Problem]]:
    key = next((k for k in _TEXT_KEYS if isinstance(row, dict) and isinstance(row.get(k), str)), None)
    if key is None:
        detail = "a doccano line is an object with a string `text` (doccano 1.x: `data`)"
        return None, [where.problem("E171", detail, "text")]
    text: str = row[key]
    header, where, problems = read_slot(row, where)
    if problems:
        return None, problems
    # The exporter records its unit; an explicit --offsets still wins.
    unit: Unit = offsets or recorded_unit(header) or "utf16"
    triples, problems = _triples(row, where)
    if problems:
        return None, problems
    index = UnitIndex.build(text, unit)
    spans: list[RawSpan] = []
    for start, end, label, name in triples:
        try:
            spans.append(RawSpan(index.to_codepoint(start), index.to_codepoint(end), label, field=name))
        except UnitError as err:
            problems.append(where.problem("E169", str(err), name))
    relations = row.get("relations")
    added = {k: v for k, v in row.items() if k not in _DOCCANO_KEYS}
    if relations:
        added["relations"] = relations
    if "id" in row:
        added["doccano_id"] = row["id"]
    record = RawRecord(where, text, tuple(spans), None, header, {"doccano": added} if added else {})
    return (record if not problems else None), problems


def _triples(row: dict[str, Any], where: Where) -> tuple[list[tuple[int, int, str, str]], list[Problem]]:
    out: list[tuple[int, int, str, str]] = []
    if "entities" in row:
        for i, ent in enumerate(row["entities"] if isinstance(row["entities"], list) else [None]):
            name = f"entities[{i}]"
            ok = isinstance(ent, dict) and all(isinstance(ent.get(k), int) for k in ("start_offset", "end_offset"))
            if not ok or not isinstance(ent.get("label"), str):
                return [], [where.problem("E171", "expected {id, label, start_offset, end_offset}", name)]
            out.append((ent["start_offset"], ent["end_offset"], ent["label"], name))
        return out, []
    if "annotations" in row and not any(k in row for k in _LABEL_KEYS):
        detail = "doccano 0.x `annotations` name labels by id; export again as JSONL from doccano 1.x or later"
        return [], [where.problem("E171", detail, "annotations")]
    key = next((k for k in _LABEL_KEYS if k in row), "label")
    labels = row.get(key, [])
    for i, item in enumerate(labels if isinstance(labels, list) else [None]):
        name = f"{key}[{i}]"
        ok = isinstance(item, list) and len(item) == 3 and isinstance(item[0], int) and isinstance(item[1], int)
        if not ok or not isinstance(item[2], str):
            return [], [where.problem("E171", "expected [start, end, label]", name)]
        out.append((item[0], item[1], item[2], name))
    return out, []
