"""Shared records and helpers for the format tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from serge_corpus.formats import FORMATS, export_blocks, import_blocks
from serge_corpus.model import Block, DateValue, Sentence, Span
from serge_corpus.segment import tokenize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def make_block(
    rid: str,
    text: str,
    spans: list[tuple[str, str, DateValue | None, dict]] = (),  # type: ignore[assignment]
    *,
    tokens: bool = True,
    sentences: bool = True,
    kind: str = "body",
    meta: dict | None = None,
    extra: dict | None = None,
) -> Block:
    """A block whose spans are given by their text (first occurrence after the previous)."""
    built: list[Span] = []
    at = 0
    for surface, label, date, span_extra in spans:
        start = text.index(surface, at)
        built.append(Span(start, start + len(surface), label, surface, date, span_extra))
        at = start + len(surface)
    toks = tuple(tokenize(text)) if tokens else ()
    sents = (Sentence(toks[0].start, toks[-1].end),) if sentences and toks else ()
    return Block(
        id=rid,
        doc_id="doc",
        block=kind,
        offset=100,
        text=text,
        section=3 if kind == "body" else None,
        sentences=sents,
        tokens=toks,
        spans=tuple(built),
        meta=meta or {"status": "gold"},
        extra=extra or {},
    )


def tricky_blocks() -> list[Block]:
    """Emoji, accents, quotes, possessives, adjacent spans, full date objects, unknown fields."""
    noisy = DateValue("DATE", "1921-03", "START", None, True, {"x_source": "heuristic", "confidence": 0.5})
    return [
        make_block(
            "doc:0001",
            "👨🏻‍🚒 Victor Serge's “War Communism” began in early 1921 😀 in Petrograd.",
            [
                ("Victor Serge", "PERSON", None, {"source": "rules", "token_start": 99}),
                ("War Communism", "EVENT", None, {}),
                ("early 1921", "DATE", noisy, {}),
                ("Petrograd", "GPE", None, {}),
            ],
            extra={"custom": [1, {"a": None}], "lang": "en"},
            meta={"status": "gold", "prodigy": {"answer": "accept"}, "annotator": "é"},
        ),
        make_block(
            "doc:0002",
            "Élan in 1934-38.\n\nThe “Communist International” (Comintern) lasted 𝔄 twenty-four years.",
            [
                ("1934-38", "DATE", DateValue("INTERVAL", "1934/1938"), {}),
                ("Communist International", "ORG", None, {}),
                ("Comintern", "ORG", None, {}),
                ("twenty-four years", "DATE", DateValue("DURATION", "P24Y", anchor="1919"), {}),
            ],
            tokens=False,
        ),
        make_block("doc:0003", "Menu • Home • About", [], kind="boilerplate", sentences=False),
        make_block("doc:0004", "", [], tokens=False, kind="caption"),
        make_block(
            "doc:0005",
            "Lenin's NEP\tand Trotsky  met\n L. Trotsky's son in 1923.",
            [
                ("Lenin", "PERSON", None, {}),
                ("NEP", "LAW", None, {}),
                ("Trotsky", "PERSON", None, {}),
                ("L. Trotsky", "PERSON", None, {}),
                ("1923", "DATE", DateValue("DATE", None, "END", "1922", True), {"note": "value unknown"}),
            ],
            kind="title",
            sentences=False,
        ),
    ]


def target(tmp_path: Path, fmt: str, name: str = "out") -> Path:
    spec = FORMATS[fmt]
    return tmp_path / (name + spec.suffix if spec.target == "file" else name)


@pytest.fixture
def roundtrip(tmp_path: Path) -> Callable[..., list[Block]]:
    counter = iter(range(10**6))

    def run(blocks: list[Block], fmt: str, **options: object) -> list[Block]:
        out = target(tmp_path, fmt, f"out{next(counter)}")
        export_blocks(blocks, fmt, out, **options)
        return import_blocks(out, fmt)

    return run
