"""HuggingFace `datasets`: a Dataset saved with `save_to_disk`, one row per record.

Columns: `id`, `doc_id`, `block`, `section`, `offset`, `text`, `tokens`
(strings), `token_offsets` ([start, end] per token), `ner_tags` (IOB2 as a
`ClassLabel` over O plus B-/I- of every guideline label, in `LABELS` order, so
tag ids are stable across exports), `sentences`, and JSON strings `spans` (the
full span objects, date objects included), `meta`, `extra`, `serge` (the rest
of the header). Loading it needs nothing but `datasets.load_from_disk`.

Import reads such a dataset back (a `DatasetDict` is read split after split)
and checks that `ner_tags` still say what `spans` say (E176: edit one, not
both). A foreign dataset with only `tokens` + `ner_tags` (CoNLL-2003 style,
ClassLabel or string tags) is placed with `--source`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.assemble import RawRecord, RawSpan
from serge_corpus.formats.envelope import SLOT, Where, convert_all, export_tokens, make_header, parse_header
from serge_corpus.formats.offsets import TagError, span_token_ranges, spans_to_iob2, tags_to_ranges
from serge_corpus.formats.output import write_directory
from serge_corpus.model import LABELS, Block

TAG_NAMES: tuple[str, ...] = ("O", *(f"{p}-{label}" for label in LABELS for p in ("B", "I")))
_RECORD_COLUMNS = ("id", "doc_id", "block", "section", "offset", "text")


def _datasets() -> Any:
    try:
        import datasets
    except ImportError as err:  # pragma: no cover - datasets is a project dependency
        raise SergeCorpusError(Problem("E175", "datasets (pip install 'datasets>=3')")) from err
    return datasets


def features() -> Any:
    ds = _datasets()
    ints = ds.Sequence(ds.Value("int64"))
    return ds.Features(
        {
            "id": ds.Value("string"),
            "doc_id": ds.Value("string"),
            "block": ds.Value("string"),
            "section": ds.Value("int64"),
            "offset": ds.Value("int64"),
            "text": ds.Value("string"),
            "tokens": ds.Sequence(ds.Value("string")),
            "token_offsets": ds.Sequence(ints),
            "ner_tags": ds.Sequence(ds.ClassLabel(names=list(TAG_NAMES))),
            "sentences": ds.Sequence(ints),
            "spans": ds.Value("string"),
            "meta": ds.Value("string"),
            "extra": ds.Value("string"),
            SLOT: ds.Value("string"),
        }
    )


# ---------------------------------------------------------------- export


def block_row(block: Block) -> tuple[dict[str, Any] | None, list[Problem]]:
    tokens, added = export_tokens(block)
    aligned, problems = span_token_ranges(block, tokens)
    if problems:
        return None, problems
    ranges = [(first, last, span.label) for span, first, last in aligned]
    header = make_header(block, with_payloads=False, tokens_added=added)
    rest = {k: v for k, v in header.items() if k not in (*_RECORD_COLUMNS, "sentences", "meta", "extra")}
    row = {
        "id": block.id,
        "doc_id": block.doc_id,
        "block": block.block,
        "section": block.section,
        "offset": block.offset,
        "text": block.text,
        "tokens": [t.text for t in tokens],
        "token_offsets": [[t.start, t.end] for t in tokens],
        "ner_tags": [TAG_NAMES.index(tag) for tag in spans_to_iob2(len(tokens), ranges)],
        "sentences": [[s.start, s.end] for s in block.sentences],
        "spans": json.dumps([s.to_dict() for s in block.spans], ensure_ascii=False),
        "meta": json.dumps(block.meta, ensure_ascii=False),
        "extra": json.dumps(block.extra, ensure_ascii=False),
        SLOT: json.dumps(rest, ensure_ascii=False),
    }
    return row, []


def to_dataset(blocks: Sequence[Block]) -> Any:
    """The records as a `datasets.Dataset` (raises on spans off token boundaries)."""
    rows = convert_all(blocks, block_row)
    columns = {name: [row[name] for row in rows] for name in features()}
    return _datasets().Dataset.from_dict(columns, features=features())


def export(blocks: Sequence[Block], out: Path, split: str | None = None) -> None:
    dataset = to_dataset(blocks)
    # datasets cannot load an empty dataset saved with its default (zero) shards.
    shards: int | dict[str, int] | None = 1 if not blocks else None
    if split is not None:
        dataset = _datasets().DatasetDict({split: dataset})
        shards = {split: 1} if not blocks else None
    write_directory(out, lambda folder: _quietly(dataset.save_to_disk, str(folder), num_shards=shards), "hf")


def _quietly(call: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a datasets call without its progress bar, restoring the user's setting."""
    ds = _datasets()
    was_enabled = not ds.are_progress_bars_disabled()
    ds.disable_progress_bars()
    try:
        return call(*args, **kwargs)
    finally:
        if was_enabled:
            ds.enable_progress_bars()


# ---------------------------------------------------------------- import


def read(path: Path) -> list[RawRecord]:
    ds = _datasets()
    try:
        loaded = _quietly(ds.load_from_disk, str(path))
    except (FileNotFoundError, ValueError) as err:
        raise SergeCorpusError(Problem("E171", f"not a saved HuggingFace dataset: {err}", file=str(path))) from err
    splits = list(loaded.items()) if isinstance(loaded, ds.DatasetDict) else [(None, loaded)]
    return convert_all(_rows(path, splits), lambda item: row_to_raw(*item))


def _rows(
    path: Path, splits: Sequence[tuple[str | None, Any]]
) -> Iterator[tuple[dict[str, Any], Sequence[str] | None, Where]]:
    """Each row of each split, with the split's tag names and where the row is."""
    for split, dataset in splits:
        names = _tag_names(dataset)
        for index, row in enumerate(dataset):
            label = f"{split}[{index}]" if split else f"row {index}"
            yield row, names, Where(str(path), None, label)


def _tag_names(dataset: Any) -> Sequence[str] | None:
    inner = getattr(dataset.features.get("ner_tags"), "feature", None)
    names = getattr(inner, "names", None)
    return list(names) if names is not None else None


def row_to_raw(
    row: dict[str, Any], names: Sequence[str] | None, where: Where
) -> tuple[RawRecord | None, list[Problem]]:
    if not isinstance(row.get("tokens"), list) or not isinstance(row.get("ner_tags"), list):
        return None, [where.problem("E171", "a row needs `tokens` and `ner_tags`", "tokens")]
    tags = [names[t] if names is not None else t for t in row["ner_tags"]]
    try:
        ranges = tags_to_ranges(tags)  # foreign datasets: IOB2, IOB1 or BIOES
    except TagError as err:
        return None, [where.problem("E167", str(err), "ner_tags")]
    if SLOT not in row:
        return RawRecord(where, None, token_texts=tuple(row["tokens"]), token_ranges=tuple(ranges)), []
    try:
        rest = json.loads(row[SLOT])
        spans = json.loads(row["spans"])
        values = {
            **rest,
            **{k: row[k] for k in _RECORD_COLUMNS},
            "sentences": row["sentences"],
            "meta": json.loads(row["meta"]),
            "extra": json.loads(row["extra"]),
        }
    except (TypeError, KeyError, json.JSONDecodeError) as err:
        return None, [where.problem("E170", str(err), SLOT)]
    header = parse_header(values, where)
    if isinstance(header, list):
        return None, header
    where = Where(where.file, None, header.id)
    offsets = [tuple(p) for p in row.get("token_offsets") or []]
    if len(offsets) != len(row["tokens"]):
        return None, [where.problem("E171", "token_offsets and tokens differ in length", "token_offsets")]
    if not isinstance(spans, list) or not all(isinstance(s, dict) for s in spans):
        return None, [where.problem("E170", "spans must be a JSON list of span objects", "spans")]
    from_tags = sorted((offsets[a][0], offsets[b][1], label) for a, b, label in ranges)
    given = sorted((s.get("start"), s.get("end"), s.get("label")) for s in spans)
    if from_tags != given:
        return None, [
            where.problem("E176", f"ner_tags give {len(from_tags)} span(s), spans column {len(given)}", "ner_tags")
        ]
    raw_spans = tuple(
        RawSpan(
            s["start"],
            s["end"],
            s["label"],
            _payload(s),
            s.get("text") if isinstance(s.get("text"), str) else None,
            f"spans[{i}]",
        )
        for i, s in enumerate(spans)
    )
    return RawRecord(where, row["text"], raw_spans, tuple(offsets), header), []  # type: ignore[arg-type]


def _payload(span: dict[str, Any]) -> dict[str, Any]:
    extra = {k: v for k, v in span.items() if k not in ("start", "end", "label", "text", "date")}
    payload: dict[str, Any] = {"extra": extra} if extra else {}
    if span.get("date") is not None:
        payload["date"] = span["date"]
    return payload
