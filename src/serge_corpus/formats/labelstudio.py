"""Label Studio tasks (JSON list): `data.text`, `predictions` / `annotations`.

Each span is a `labels` region; a DATE span's date object is a set of
per-region results sharing the region `id` (the labeling config is
`label_config()`, shipped as docs/labelstudio_config.xml):

- `date_type` (choices: DATE, INTERVAL, DURATION, SET)
- `date_value` (textarea, the EDTF / duration value; absent = null)
- `date_mod` (choices: START … AFTER; absent = null)
- `date_anchor` (textarea; absent = null)
- `date_noisy` (choices: noisy; absent = not noisy)

The header travels in `data.serge` (Label Studio keeps task data as is).
Label Studio's front end stores code-point offsets since label-studio-frontend
PR #308 (issue #1008); older versions stored UTF-16 code units. Import
checks each region's `value.text` and converts from UTF-16 when only that
reading matches (`offsets=None`), or uses the unit given.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.assemble import RawRecord, RawSpan, read_json_lines, read_text_file
from serge_corpus.formats.envelope import SLOT, Where, convert_all, make_header, read_slot, recorded_unit
from serge_corpus.formats.offsets import UNITS, Unit, UnitError, UnitIndex
from serge_corpus.formats.output import write_text_atomic
from serge_corpus.formats.registry import check_choice
from serge_corpus.model import DATE_MODS, DATE_TYPES, LABELS, Block

LABELS_TAG = "label"
TEXT_TAG = "text"
DATE_TYPE, DATE_VALUE, DATE_MOD, DATE_ANCHOR, DATE_NOISY = (
    "date_type",
    "date_value",
    "date_mod",
    "date_anchor",
    "date_noisy",
)
_DATE_TAGS = frozenset({DATE_TYPE, DATE_VALUE, DATE_MOD, DATE_ANCHOR, DATE_NOISY})
TARGETS: tuple[str, ...] = ("predictions", "annotations")
MODEL_VERSION = "serge-corpus"


def label_config() -> str:
    """The labeling config XML matching what `export` writes."""
    labels = "\n".join(f"    <Label value={quoteattr(label)}/>" for label in LABELS)
    types = "\n".join(f"      <Choice value={quoteattr(t)}/>" for t in DATE_TYPES)
    mods = "\n".join(f"      <Choice value={quoteattr(m)}/>" for m in DATE_MODS)
    return f"""<View>
  <Labels name="{LABELS_TAG}" toName="{TEXT_TAG}">
{labels}
  </Labels>
  <Text name="{TEXT_TAG}" value="$text" granularity="symbol"/>
  <View visibleWhen="region-selected" whenLabelValue="DATE">
    <Header value="Normalised date (guidelines §4)"/>
    <Choices name="{DATE_TYPE}" toName="{TEXT_TAG}" perRegion="true" choice="single" showInline="true">
{types}
    </Choices>
    <TextArea name="{DATE_VALUE}" toName="{TEXT_TAG}" perRegion="true" editable="true" maxSubmissions="1" placeholder="EDTF or duration, e.g. 1890-12-30, 1934/1938, P5Y; empty = null"/>
    <Choices name="{DATE_MOD}" toName="{TEXT_TAG}" perRegion="true" choice="single" showInline="true">
{mods}
    </Choices>
    <TextArea name="{DATE_ANCHOR}" toName="{TEXT_TAG}" perRegion="true" editable="true" maxSubmissions="1" placeholder="anchor (EDTF) of a relative date; empty = null"/>
    <Choices name="{DATE_NOISY}" toName="{TEXT_TAG}" perRegion="true" choice="multiple" showInline="true">
      <Choice value="noisy"/>
    </Choices>
  </View>
</View>
"""


# ---------------------------------------------------------------- export


def export(blocks: Sequence[Block], out: Path, target: str = "predictions", offsets: Unit = "codepoint") -> None:
    check_choice("target", target, TARGETS)
    check_choice("offsets", offsets, UNITS)
    tasks = [block_to_task(block, target, offsets) for block in blocks]
    write_text_atomic(out, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")


def block_to_task(block: Block, target: str, offsets: Unit) -> dict[str, Any]:
    index = UnitIndex.build(block.text, offsets)
    results: list[dict[str, Any]] = []
    for i, span in enumerate(block.spans):
        region = f"s{i}"
        where = {"start": index.to_unit(span.start), "end": index.to_unit(span.end)}
        results.append(_result(region, LABELS_TAG, "labels", {**where, "text": span.text, "labels": [span.label]}))
        if span.date is None:
            continue
        date = span.date
        results.append(_result(region, DATE_TYPE, "choices", {**where, "text": span.text, "choices": [date.type]}))
        if date.value is not None:
            results.append(_result(region, DATE_VALUE, "textarea", {**where, "text": [date.value]}))
        if date.mod is not None:
            results.append(_result(region, DATE_MOD, "choices", {**where, "text": span.text, "choices": [date.mod]}))
        if date.anchor is not None:
            results.append(_result(region, DATE_ANCHOR, "textarea", {**where, "text": [date.anchor]}))
        if date.noisy:
            results.append(_result(region, DATE_NOISY, "choices", {**where, "text": span.text, "choices": ["noisy"]}))
    header = {**make_header(block, with_tokens=True), "offsets": offsets}
    annotation: dict[str, Any] = {"result": results}
    if target == "predictions":
        annotation["model_version"] = MODEL_VERSION
    return {"data": {TEXT_TAG: block.text, SLOT: header}, target: [annotation]}


def _result(region: str, from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": region, "from_name": from_name, "to_name": TEXT_TAG, "type": kind, "value": value}


# ---------------------------------------------------------------- import


def read(path: Path, offsets: Unit | None = None) -> list[RawRecord]:
    if offsets is not None:
        check_choice("offsets", offsets, UNITS)
    return convert_all(_tasks(path), lambda item: task_to_raw(*item, offsets))


def _tasks(path: Path) -> list[tuple[Any, Where]]:
    """A JSON list (Label Studio's JSON export) or JSONL, one task per item."""
    text = read_text_file(path)
    if not text.lstrip().startswith("["):
        return [(task, Where(str(path), line)) for line, task in read_json_lines(path)]
    try:
        tasks = json.loads(text)
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E010", str(err), file=str(path), line=err.lineno)) from err
    return [(task, Where(str(path), None, f"task {i}")) for i, task in enumerate(tasks)]


def task_to_raw(task: Any, where: Where, offsets: Unit | None) -> tuple[RawRecord | None, list[Problem]]:
    data = task.get("data") if isinstance(task, dict) else None
    key = _text_key(data)
    if not isinstance(data, dict) or key is None:
        detail = "a Label Studio task has `data.text` (or one string in `data`)"
        return None, [where.problem("E171", detail, "data.text")]
    text: str = data[key]
    header, where, problems = read_slot(data, where)
    if problems:
        return None, problems
    offsets = offsets or recorded_unit(header)
    results, added = _pick_results(task)
    regions, problems = _regions(results, where)
    if problems:
        return None, problems
    unit, problems = _unit(text, regions, offsets, where)
    if problems:
        return None, problems
    index = UnitIndex.build(text, unit)
    spans: list[RawSpan] = []
    for region_id, parts in regions.items():
        labels = parts[LABELS_TAG]
        value = labels["value"]
        name = f"result[id={region_id}]"
        try:
            start, end = index.to_codepoint(value["start"]), index.to_codepoint(value["end"])
        except UnitError as err:
            problems.append(where.problem("E169", str(err), name))
            continue
        label = value["labels"][0]
        base = header.payloads.get((start, end, label), {}) if header else {}
        payload, found = _payload(base, parts, where, name)
        problems += found
        spans.append(RawSpan(start, end, label, payload, value.get("text"), name))
    if problems:
        return None, problems
    return RawRecord(where, text, tuple(spans), None, header, {"labelstudio": added} if added else {}), []


def _text_key(data: Any) -> str | None:
    """`text`, or the one string field of `data` (a labeling config with `value="$dialogue"`)."""
    if not isinstance(data, dict):
        return None
    if isinstance(data.get(TEXT_TAG), str):
        return TEXT_TAG
    strings = [k for k, v in data.items() if isinstance(v, str) and k != SLOT]
    return strings[0] if len(strings) == 1 else None


def _pick_results(task: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The latest non-cancelled annotation, else the latest prediction."""
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    chosen = None
    added: dict[str, Any] = {}
    if annotations:
        chosen = max(
            enumerate(annotations), key=lambda p: (str(p[1].get("updated_at") or p[1].get("created_at") or ""), p[0])
        )[1]
        added = {k: chosen[k] for k in ("id", "completed_by", "updated_at") if chosen.get(k) is not None}
        added = {("annotation_id" if k == "id" else k): v for k, v in added.items()}
    else:
        predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
        chosen = predictions[-1] if predictions else None
        if chosen is not None and chosen.get("model_version") not in (None, MODEL_VERSION):
            added["model_version"] = chosen["model_version"]
    if "id" in task:
        added["task_id"] = task["id"]
    results = chosen.get("result", []) if chosen else []
    return results if isinstance(results, list) else [], added


def _regions(results: list[Any], where: Where) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Results grouped by region id: {id: {from_name: result}}; checks each region."""
    regions: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for i, result in enumerate(results):
        if not isinstance(result, dict) or not isinstance(result.get("value"), dict):
            problems.append(where.problem("E171", "a result is {id, from_name, to_name, type, value}", f"result[{i}]"))
            continue
        kind, name = result.get("type"), result.get("from_name")
        if kind == "labels":
            name = LABELS_TAG  # whatever the project called its <Labels> tag
        elif name not in _DATE_TAGS:
            continue  # relations, other tags: not part of this corpus
        parts = regions.setdefault(str(result.get("id")), {})
        if name in parts:
            problems.append(where.problem("E174", f"region has two {name} results", f"result[{i}]"))
        parts[name] = result
    for region_id, parts in regions.items():
        labels = parts.get(LABELS_TAG)
        field = f"result[id={region_id}]"
        if labels is None:
            problems.append(where.problem("E174", "date attributes without a labelled region", field))
            continue
        value = labels["value"]
        ok = isinstance(value.get("start"), int) and isinstance(value.get("end"), int)
        if not ok or not (isinstance(value.get("labels"), list) and len(value["labels"]) == 1):
            problems.append(where.problem("E174", "a region needs integer start/end and exactly one label", field))
    return regions, problems


def _unit(
    text: str, regions: dict[str, dict[str, Any]], given: Unit | None, where: Where
) -> tuple[Unit, list[Problem]]:
    if given is not None:
        return given, []
    claims = [
        (r[LABELS_TAG]["value"], rid)
        for rid, r in regions.items()
        if isinstance(r[LABELS_TAG]["value"].get("text"), str)
    ]
    for unit in UNITS:
        index = UnitIndex.build(text, unit)  # type: ignore[arg-type]
        if all(_covers(index, v) for v, _ in claims):
            return unit, []  # type: ignore[return-value]
    bad = next(rid for v, rid in claims if not _covers(UnitIndex.build(text, "codepoint"), v))
    return "codepoint", [
        where.problem("E168", "region text matches neither code-point nor UTF-16 offsets", f"result[id={bad}]")
    ]


def _covers(index: UnitIndex, value: dict[str, Any]) -> bool:
    try:
        start, end = index.to_codepoint(value["start"]), index.to_codepoint(value["end"])
    except UnitError:
        return False
    return index.text[start:end] in (value["text"], value["text"].replace("\n", " "))


def _payload(
    base: dict[str, Any], parts: dict[str, Any], where: Where, name: str
) -> tuple[dict[str, Any], list[Problem]]:
    """The span payload: header payload, with the region's date results on top."""
    if not any(tag in parts for tag in _DATE_TAGS):
        return base, []
    problems: list[Problem] = []

    def single(tag: str, key: str) -> str | None:
        if tag not in parts:
            return None
        values = parts[tag]["value"].get(key)
        values = [v for v in values if isinstance(v, str) and v.strip()] if isinstance(values, list) else None
        if values is None or len(values) > 1:
            problems.append(where.problem("E174", f"{tag} must hold one value", name))
            return None
        return values[0].strip() if values else None

    date = dict(base.get("date") or {})
    kind = single(DATE_TYPE, "choices") or date.get("type")
    if kind is None:
        problems.append(where.problem("E174", f"date attributes without {DATE_TYPE}", name))
    date.update(
        type=kind, value=single(DATE_VALUE, "text"), mod=single(DATE_MOD, "choices"), anchor=single(DATE_ANCHOR, "text")
    )
    date.pop("noisy", None)
    if single(DATE_NOISY, "choices"):
        date["noisy"] = True
    return {**base, "date": date}, problems
