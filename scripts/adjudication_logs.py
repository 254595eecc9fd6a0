"""Correction logs from the adjudication and the date review of a line-keyed (WikiWars) document.

The adjudicator's result is DOC.adjudicated.json: line id -> the final entity mentions
`[text, LABEL, column]` (column in the stripped line, as in DOC.lines.tsv), with
DOC.decisions.json giving a reason per disputed span. The date reviewer's result is
DOC.dates.json: one decision per published TIMEX3 (`action`, the final span and `date`,
`reason_code`, `reason`), offsets into the document text. This script writes, against the
states the gold recipe applies them to (annotations/gold.json):

1. annotations/corrections/DOC.adjudication.jsonl: entity ops turning the merge of the two
   passes into the adjudicated entities (DATE spans untouched), each with its reason;
2. annotations/corrections/DOC.date_review.jsonl: DATE ops turning the adjudicated records'
   DATE layer (the converted TIMEX3) into the reviewed one, each with its reason;
3. annotations/corrections/DOC.entities_after_dates.jsonl: the adjudicated entities that
   overlapped a TIMEX3 DATE the review removed (`Christmas` in `Christmas Offensive`), added
   once that DATE is gone (D014).

The inputs are copied to annotations/passes/ (adjudication) and annotations/dates/ (review).
Logs are append-only: an existing one is never rewritten.

    .venv/bin/python scripts/adjudication_logs.py DOC --adjudication DIR [--date-review DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path

from serge_corpus.corpus import load_corpus
from serge_corpus.corrections import append_ops, changes_to_ops, diff_records, merge_records
from serge_corpus.errors import SergeCorpusError
from serge_corpus.gold import apply_strictly, load_config, pass_versions
from serge_corpus.mentions import place_line_mentions, text_lines
from serge_corpus.model import Block, DateValue, Span

ROOT = Path(__file__).resolve().parents[1]
CORRECTIONS = ROOT / "annotations" / "corrections"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("doc")
    parser.add_argument("--adjudication", type=Path, required=True, help="folder with DOC.adjudicated.json")
    parser.add_argument("--date-review", type=Path, default=None, help="folder with DOC.dates.json")
    args = parser.parse_args()
    doc_id = args.doc
    corpus = load_corpus(ROOT / "corpus")
    sources = corpus.sources()
    text = sources[doc_id]
    config = load_config(ROOT / "annotations" / "gold.json").document(doc_id)
    versions = pass_versions(config, sources)
    merged = merge_records(list(versions.values()), list(versions)).blocks

    kept = ROOT / "annotations" / "passes" / f"{doc_id}.adjudicated.json"
    shutil.copyfile(args.adjudication / f"{doc_id}.adjudicated.json", kept)
    decisions_file = args.adjudication / f"{doc_id}.decisions.json"
    decisions = json.loads(decisions_file.read_text(encoding="utf-8")) if decisions_file.is_file() else []
    shutil.copyfile(decisions_file, kept.with_name(f"{doc_id}.adjudication.decisions.json"))
    placed = place_line_mentions(merged, text, json.loads(kept.read_text(encoding="utf-8")), str(kept))
    if placed.problems:
        raise SergeCorpusError(placed.problems)

    # 1. adjudication: entities as adjudicated, DATE spans of the merge kept.
    target, waiting = _with_entities(merged, placed.spans)
    adjudication_ops = _commented(
        changes_to_ops(diff_records(merged, target), annotator="adjudicator"),
        lambda op: _decision_comment(op, merged, text, decisions),
    )
    adjudicated = _write(CORRECTIONS / f"{doc_id}.adjudication.jsonl", merged, adjudication_ops, target)
    print(f"adjudication: {len(adjudication_ops)} ops; {len(waiting)} entities wait for the date review")
    if args.date_review is None:
        return 0

    # 2. date review: the reviewed DATE layer on the adjudicated records.
    review_file = args.date_review / f"{doc_id}.dates.json"
    (ROOT / "annotations" / "dates").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(review_file, ROOT / "annotations" / "dates" / f"{doc_id}.date_review.json")
    review = json.loads(review_file.read_text(encoding="utf-8"))
    dates, reasons = _reviewed_dates(adjudicated, review)
    reviewed = [b.with_spans([s for s in b.spans if s.label != "DATE"] + dates.get(b.id, [])) for b in adjudicated]
    clashes = [(b.id, s.text) for b in reviewed for s, t in zip(b.spans, b.spans[1:]) if t.start < s.end]
    if clashes:
        raise SystemExit(f"reviewed DATE spans overlap entities: {clashes}")
    review_ops = _commented(
        changes_to_ops(diff_records(adjudicated, reviewed), annotator="date_reviewer"),
        lambda op: _review_reason(op, reasons),
    )
    after_review = _write(CORRECTIONS / f"{doc_id}.date_review.jsonl", adjudicated, review_ops, reviewed)
    print(f"date review: {len(review_ops)} ops")

    # 3. entities that had to wait for the review.
    final, still = _with_entities(after_review, placed.spans)
    late_ops = _commented(
        changes_to_ops(diff_records(after_review, final), annotator="adjudicator"),
        lambda op: "adjudicated entity placed once the date review removed the overlapping TIMEX3 DATE (D014)",
    )
    _write(CORRECTIONS / f"{doc_id}.entities_after_dates.jsonl", after_review, late_ops, final)
    print(f"entities after dates: {len(late_ops)} ops; {len(still)} still overlap a reviewed DATE: {still}")
    return 0


def _with_entities(blocks: list[Block], entities: dict[str, list[Span]]) -> tuple[list[Block], list[tuple[str, str]]]:
    """Records with these entities (and their own DATE spans); entities overlapping a DATE wait."""
    out, waiting = [], []
    for block in blocks:
        dates = [s for s in block.spans if s.label == "DATE"]
        fit = []
        for span in entities.get(block.id, []):
            if any(span.overlaps(d) for d in dates):
                waiting.append((block.id, span.text))
            else:
                fit.append(span)
        out.append(block.with_spans(dates + fit))
    return out, waiting


def _reviewed_dates(blocks: list[Block], review: list[dict]) -> tuple[dict[str, list[Span]], dict]:
    """DATE spans per record from the review (deleted ones left out), and a reason per (record, start, end)."""
    ordered = sorted(blocks, key=lambda b: b.offset)
    spans: dict[str, list[Span]] = {}
    reasons: dict = {}
    seen = set()
    for item in review:
        block = next((b for b in ordered if b.offset <= item["start"] and item["end"] <= b.end), None)
        if block is None:
            if item["action"] != "delete":
                raise SystemExit(f"reviewed date outside every record: {item}")
            continue
        start, end = item["start"] - block.offset, item["end"] - block.offset
        timexes = item.get("timex") or []
        why = f"{item['reason_code']}: {item['reason']}" if item.get("reason") else item["reason_code"]
        for timex in timexes if isinstance(timexes, list) else [timexes]:
            reasons[(block.id, timex["start"] - block.offset, timex["end"] - block.offset)] = why
        reasons.setdefault((block.id, start, end), why)
        if item["action"] == "delete" or (block.id, start, end) in seen:
            continue
        seen.add((block.id, start, end))
        spans.setdefault(block.id, []).append(
            Span(start, end, "DATE", block.text[start:end], DateValue.from_dict(item["date"]))
        )
    return spans, reasons


def _review_reason(op, reasons: dict) -> str:
    """The reviewer's reason for the TIMEX3 this op touches: same offsets, else the overlapping one."""
    start, end = _op_offsets(op)
    if (op.record, start, end) in reasons:
        return reasons[(op.record, start, end)]
    for (record, a, b), why in reasons.items():
        if record == op.record and start is not None and a < end and start < b:
            return why
    return "date reviewer's reading"


def _op_offsets(op) -> tuple[int | None, int | None]:
    span = op.target or op.span
    if op.op == "resize":
        return op.target.start, op.target.end
    return (span.start, span.end) if span is not None else (op.start, op.end)


def _decision_comment(op, merged: list[Block], text: str, decisions: list[dict]) -> str:
    block = next(b for b in merged if b.id == op.record)
    start, end = _op_offsets(op)
    lines = text_lines(text)
    for d in decisions:
        line_start = lines[int(d["line"][1:]) - 1][0]
        a, b = line_start + d["start"] - block.offset, line_start + d["end"] - block.offset
        if start is not None and a < end and start < b:
            return f"{d['kind']} conflict, A: {d['a']} / B: {d['b']} -> {d['decision']}: {d['reason']} ({d['rule']})"
    return "adjudicator's reading of a span both passes agreed on (see adjudication notes)"


def _commented(ops, comment_of):
    return [replace(op, comment=comment_of(op)) for op in ops]


def _write(path: Path, before: list[Block], ops, expected: list[Block]) -> list[Block]:
    from serge_corpus.corrections.ops import with_id

    ops = [with_id(op) for op in ops]
    result = apply_strictly(before, ops, path.name)
    assert [b.spans for b in result] == [b.spans for b in expected], path
    if path.exists():
        print(f"{path} exists: logs are append-only, not regenerated", file=sys.stderr)
    else:
        append_ops(path, ops)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
