"""Stand-off records: a gold record without its text, and back.

A stand-off record is the record's dict (`Block.to_dict()`) without `text` and
without any span `text`, plus `length` (the block's length in code points), so
that the text is `source[offset:offset + length]` and nothing else is needed to
put it back. `meta.source_sha256` names the exact source. Filling the text in
gives back the very record the gold holds, key order included.
"""

from __future__ import annotations

from typing import Any

from serge_corpus.corpus import sha256_text
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block

LENGTH = "length"


def standoff_row(block: Block) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in block.to_dict().items():
        if key == "text":
            row[LENGTH] = len(block.text)
        elif key == "spans":
            row[key] = [{k: v for k, v in span.items() if k != "text"} for span in value]
        else:
            row[key] = value
    return row


def release_row(block: Block, redistributable: bool) -> dict[str, Any]:
    """The record as a release carries it: whole when its licence allows, else stand-off."""
    return block.to_dict() if redistributable else standoff_row(block)


def is_standoff(row: dict[str, Any]) -> bool:
    return "text" not in row and LENGTH in row


def fill_text(row: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    """The full record of a stand-off row, its text cut from `source` (checked by sha256)."""
    expected = row.get("meta", {}).get("source_sha256")
    if expected is not None and expected != sha256_text(source):
        raise SergeCorpusError(
            Problem(
                "E507",
                f"expected {expected}, got {sha256_text(source)}",
                file=where,
                record_id=row.get("id"),
                field="meta.source_sha256",
            )
        )
    start, length = row["offset"], row[LENGTH]
    text = source[start : start + length]
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == LENGTH:
            out["text"] = text
        elif key == "spans":
            out[key] = [_with_text(span, text) for span in value]
        else:
            out[key] = value
    return out


def _with_text(span: dict[str, Any], text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in span.items():
        out[key] = value
        if key == "label":
            out["text"] = text[span["start"] : span["end"]]
    return out
