"""The HuggingFace `datasets` part of a release: Parquet files per config and split, and the card's YAML.

Two configs, each under one licence:

- `annotations` (default): every document, stand-off. No text at all; each
  row has offsets, sentence and token offsets, the spans as a list of structs
  (`start`, `end`, `label` as a `ClassLabel`, the date object's fields) and the
  source's sha256. Its licence is the annotations' licence.
- `text`: only documents whose licence lets their text be published, with
  `text`, `tokens`, IOB2 `ner_tags` (`ClassLabel`) and span `text`. Its
  licence is the documents' licence(s). Absent when no such document exists.

Parquet is written by `datasets` (its schema metadata carries the features),
which stores no timestamp, so the same rows give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats.hf import TAG_NAMES, block_row
from serge_corpus.model import LABELS, Block
from serge_corpus.publish.rights import DocumentRights

ANNOTATIONS = "annotations"
TEXT = "text"
DATE_FIELDS = ("type", "value", "mod", "anchor")


def _datasets() -> Any:
    import datasets

    return datasets


@dataclass(frozen=True)
class ParquetSplit:
    config: str
    split: str
    path: str  # relative to the release root
    data: bytes
    rows: int
    num_bytes: int  # in-memory Arrow size, as the Hub's dataset_info counts it


def span_feature(with_text: bool) -> dict[str, Any]:
    ds = _datasets()
    fields: dict[str, Any] = {
        "start": ds.Value("int64"),
        "end": ds.Value("int64"),
        "label": ds.ClassLabel(names=list(LABELS)),
    }
    if with_text:
        fields["text"] = ds.Value("string")
    fields.update({f"date_{name}": ds.Value("string") for name in DATE_FIELDS})
    fields["date_noisy"] = ds.Value("bool")
    return fields


def features(config: str) -> Any:
    ds = _datasets()
    pairs = ds.List(ds.List(ds.Value("int64")))
    columns: dict[str, Any] = {
        "id": ds.Value("string"),
        "doc_id": ds.Value("string"),
        "block": ds.Value("string"),
        "section": ds.Value("int64"),
        "offset": ds.Value("int64"),
    }
    if config == TEXT:
        columns.update(
            text=ds.Value("string"),
            tokens=ds.List(ds.Value("string")),
            ner_tags=ds.List(ds.ClassLabel(names=list(TAG_NAMES))),
        )
    else:
        columns["length"] = ds.Value("int64")
    columns.update(
        token_offsets=pairs,
        sentences=pairs,
        spans=ds.List(span_feature(config == TEXT)),
        source_sha256=ds.Value("string"),
        licence_id=ds.Value("string"),
    )
    return ds.Features(columns)


def span_row(span: Any, with_text: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"start": span.start, "end": span.end, "label": LABELS.index(span.label)}
    if with_text:
        row["text"] = span.text
    date = span.date
    row.update({f"date_{name}": getattr(date, name) if date is not None else None for name in DATE_FIELDS})
    row["date_noisy"] = date.noisy if date is not None else None
    return row


def hub_row(block: Block, rights: DocumentRights, config: str) -> dict[str, Any]:
    with_text = config == TEXT
    row: dict[str, Any] = {
        "id": block.id,
        "doc_id": block.doc_id,
        "block": block.block,
        "section": block.section,
        "offset": block.offset,
    }
    if with_text:
        tagged, problems = block_row(block)
        if problems or tagged is None:
            raise SergeCorpusError(problems)
        row.update(text=block.text, tokens=tagged["tokens"], ner_tags=tagged["ner_tags"])
    else:
        row["length"] = len(block.text)
    row.update(
        token_offsets=[[t.start, t.end] for t in block.tokens],
        sentences=[[s.start, s.end] for s in block.sentences],
        spans=[span_row(s, with_text) for s in block.spans],
        source_sha256=block.meta.get("source_sha256", rights.sha256),
        licence_id=rights.licence_id,
    )
    return row


def parquet_splits(splits: Mapping[str, Sequence[Block]], rights: Mapping[str, DocumentRights]) -> list[ParquetSplit]:
    """One Parquet file per config and non-empty split (text: redistributable documents only)."""
    out: list[ParquetSplit] = []
    for config in (ANNOTATIONS, TEXT):
        for split, blocks in splits.items():
            chosen = [b for b in blocks if config == ANNOTATIONS or rights[b.doc_id].redistributable]
            if chosen:
                out.append(_parquet(config, split, [hub_row(b, rights[b.doc_id], config) for b in chosen]))
    return out


def _parquet(config: str, split: str, rows: list[dict[str, Any]]) -> ParquetSplit:
    ds = _datasets()
    dataset = ds.Dataset.from_list(rows, features=features(config))
    buffer = io.BytesIO()
    quietly(dataset.to_parquet, buffer)
    path = f"data/{config}/{split}-00000-of-00001.parquet"
    return ParquetSplit(config, split, path, buffer.getvalue(), len(rows), dataset.data.nbytes)


def quietly(call: Callable[..., Any], *args: Any) -> Any:
    """A datasets call without its progress bar, restoring the user's setting."""
    ds = _datasets()
    was_enabled = not ds.are_progress_bars_disabled()
    ds.disable_progress_bars()
    try:
        return call(*args)
    finally:
        if was_enabled:
            ds.enable_progress_bars()


def card_metadata(
    files: Sequence[ParquetSplit], licences: Mapping[str, list[str]], meta: Mapping[str, Any], size: int
) -> str:
    """The YAML header of README.md (without the --- fences): what the Hub and load_dataset read."""
    from huggingface_hub import DatasetCardData

    ds = _datasets()
    configs: list[dict[str, Any]] = []
    infos: dict[str, Any] = {}
    for config in (ANNOTATIONS, TEXT):
        mine = [f for f in files if f.config == config]
        if not mine:
            continue
        entry: dict[str, Any] = {
            "config_name": config,
            "data_files": [{"split": f.split, "path": f.path} for f in mine],
        }
        if config == ANNOTATIONS:
            entry["default"] = True
        configs.append(entry)
        infos[config] = ds.DatasetInfo(
            features=features(config),
            config_name=config,
            splits=ds.SplitDict({f.split: ds.SplitInfo(f.split, f.num_bytes, f.rows) for f in mine}),
            download_size=sum(len(f.data) for f in mine),
            dataset_size=sum(f.num_bytes for f in mine),
        )
    hub_licences = sorted({h for ids in licences.values() for h in ids})
    card = DatasetCardData(
        license=hub_licences[0] if len(hub_licences) == 1 else hub_licences,
        language=list(meta["language"]),
        task_categories=list(meta["task_categories"]),
        task_ids=list(meta["task_ids"]),
        pretty_name=meta["pretty_name"],
        tags=list(meta["tags"]),
        size_categories=[_size_category(size)],
        annotations_creators=["expert-generated"],
        source_datasets=["original"],
        configs=configs,
    )
    from datasets.info import DatasetInfosDict

    DatasetInfosDict(infos).to_dataset_card_data(card)
    return str(card.to_yaml())


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M"
