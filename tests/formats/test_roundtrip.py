"""Block list -> format -> Block list is lossless, for every format."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from builders import tricky_records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serge_corpus.formats import FORMATS, export_blocks, import_blocks
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import BLOCK_KINDS, DATE_MODS, LABELS, UNANNOTATED_BLOCKS, Block, DateValue, Sentence, Span
from serge_corpus.segment import tokenize

from .conftest import target

ALL = [name for name, spec in FORMATS.items() if spec.lossless]  # timeml: tests/formats/test_timeml.py
# Formats whose export/import cost milliseconds get more generated examples.
FAST = {"prodigy", "doccano", "labelstudio", "brat", "conll"}


def dicts(blocks: list[Block]) -> list[dict[str, Any]]:
    return [b.to_dict() for b in blocks]


def test_tricky_records_are_valid() -> None:
    # The round trip below only means something if the input passes validation.
    rows = [(i, b.to_dict()) for i, b in enumerate(tricky_records(), start=1)]
    assert validate_rows(rows) == []


@pytest.mark.parametrize("fmt", ALL)
def test_tricky_records_round_trip(fmt: str, roundtrip: Any) -> None:
    blocks = tricky_records()
    assert dicts(roundtrip(blocks, fmt)) == dicts(blocks)


@pytest.mark.parametrize("fmt", ALL)
def test_zero_records_round_trip(fmt: str, roundtrip: Any) -> None:
    assert roundtrip([], fmt) == []


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("doccano", {"form": "entities"}),
        ("doccano", {"offsets": "codepoint"}),
        ("labelstudio", {"target": "annotations"}),
        ("labelstudio", {"offsets": "utf16"}),
        ("hf", {"split": "train"}),
    ],
)
def test_round_trip_with_options(fmt: str, options: dict[str, str], roundtrip: Any) -> None:
    blocks = tricky_records()
    assert dicts(roundtrip(blocks, fmt, **options)) == dicts(blocks)


def test_exporting_twice_to_the_same_folder_replaces_it(roundtrip: Any, tmp_path: Path) -> None:
    blocks = tricky_records()
    out = tmp_path / "brat"
    export_blocks(blocks, "brat", out)
    export_blocks(blocks[:2], "brat", out)
    assert dicts(import_blocks(out, "brat")) == dicts(blocks[:2])


# ---------------------------------------------------------------- generated records

# No "\r" (CRLF is drift the importers refuse) and no BOM; astral characters included.
ALPHABET = "abcXYZ éÉçñß 'ʼ’“”\"«»().,;:!?-–—/\n\t 😀👨‍🚒𝔄 0129"
JSON_LEAF = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=6)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
DATES = {
    "DATE": ["1890-12-30", "1912-01", "1909", "1925-21", "193X", "18XX", None],
    "INTERVAL": ["1934/1938", "1921-02-28/1921-03-01", None],
    "DURATION": ["P5Y", "PXY", "P15D", None],
    "SET": ["P1Y", None],
}
EXTRA_KEYS = st.sampled_from(["source", "score", "x-ann", "token_start", "note", "é"])
RECORD_EXTRA_KEYS = st.sampled_from(["custom", "lang", "x", "review"])


def _edge_ok(token: str) -> bool:
    # Guidelines: spans never start/end on whitespace or surrounding punctuation.
    return token[0].isalnum() and token[-1].isalnum()


@st.composite
def date_values(draw: st.DrawFn) -> DateValue:
    kind = draw(st.sampled_from(sorted(DATES)))
    return DateValue(
        kind,
        draw(st.sampled_from(DATES[kind])),
        draw(st.none() | st.sampled_from(DATE_MODS)),
        draw(st.none() | st.sampled_from(["1921", "1917-10"])),
        draw(st.booleans()),
        draw(st.dictionaries(st.sampled_from(["x_note", "confidence"]), JSON_LEAF, max_size=2)),
    )


@st.composite
def block_records(draw: st.DrawFn, rid: str) -> Block:
    text = draw(st.text(alphabet=ALPHABET, max_size=80))
    tokens = tuple(tokenize(text))
    kind = draw(st.sampled_from(BLOCK_KINDS))
    spans: list[Span] = []
    i = 0
    while i < len(tokens) and kind not in UNANNOTATED_BLOCKS:
        if _edge_ok(tokens[i].text) and draw(st.booleans()):
            ends = [j for j in range(i, min(i + 3, len(tokens))) if _edge_ok(tokens[j].text)]
            j = draw(st.sampled_from(ends))
            label = draw(st.sampled_from(LABELS))
            start, end = tokens[i].start, tokens[j].end
            date = draw(date_values()) if label == "DATE" else None
            extra = draw(st.dictionaries(EXTRA_KEYS, JSON, max_size=2))
            spans.append(Span(start, end, label, text[start:end], date, extra))
            i = j + 1
        else:
            i += 1
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(tokens) - 1)), max_size=3))) if tokens else []
    bounds = [0, *[c for c in cuts if c < len(tokens)], len(tokens)]
    sentences = tuple(Sentence(tokens[a].start, tokens[b - 1].end) for a, b in zip(bounds, bounds[1:]) if a < b)
    return Block(
        id=rid,
        doc_id=draw(st.text(alphabet="abc-:é", min_size=1, max_size=6)),
        block=kind,
        offset=draw(st.integers(0, 10**6)),
        text=text,
        section=draw(st.none() | st.integers(0, 30)),
        sentences=sentences if draw(st.booleans()) else (),
        tokens=tokens if draw(st.booleans()) else (),
        spans=tuple(spans),
        meta=draw(st.dictionaries(st.text(max_size=5), JSON, max_size=3)),
        extra=draw(st.dictionaries(RECORD_EXTRA_KEYS, JSON, max_size=2)),
    )


@st.composite
def record_lists(draw: st.DrawFn) -> list[Block]:
    n = draw(st.integers(1, 3))
    return [draw(block_records(f"gen:{i:04d}")) for i in range(n)]


def _round_trip(blocks: list[Block], fmt: str) -> list[Block]:
    with tempfile.TemporaryDirectory() as tmp:
        out = target(Path(tmp), fmt)
        export_blocks(blocks, fmt, out)
        return import_blocks(out, fmt)


@pytest.mark.parametrize("fmt", ALL)
def test_generated_records_round_trip(fmt: str) -> None:
    @settings(
        max_examples=60 if fmt in FAST else 12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(record_lists())
    def check(blocks: list[Block]) -> None:
        assert validate_rows([(1, b.to_dict()) for b in blocks]) == []
        assert dicts(_round_trip(blocks, fmt)) == dicts(blocks)

    check()
