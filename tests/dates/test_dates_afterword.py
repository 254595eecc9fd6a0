"""A few expectations on the corpus document itself (segmented, no NER)."""

from __future__ import annotations

from pathlib import Path

import pytest

from serge_corpus.dates import apply_dates
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Block
from serge_corpus.segment import segment

AFTERWORD = Path(__file__).resolve().parents[2] / "corpus" / "serge-afterword.txt"


@pytest.fixture(scope="module")
def blocks() -> list[Block]:
    return apply_dates(segment(AFTERWORD))


@pytest.fixture(scope="module")
def dates(blocks: list[Block]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for b in blocks:
        for s in b.spans:
            found.setdefault(s.text, []).append(s.date.to_dict())
    return found


@pytest.mark.parametrize(
    ("text", "type_", "value", "mod"),
    [
        ("December 30, 1890", "DATE", "1890-12-30", None),
        ("1934-38", "INTERVAL", "1934/1938", None),
        ("1936-7", "INTERVAL", "1936/1937", None),
        ("spring of 1925", "DATE", "1925-21", None),
        ("summer of 1928", "DATE", "1928-22", None),
        ("early 1930s", "DATE", "193X", "START"),
        ("1940s", "DATE", "194X", None),
        ("1930 onwards", "DATE", "1930", "AFTER"),
        ("57", "DURATION", "P57Y", None),
        ("nineteen", "DURATION", "P19Y", None),
        ("five-month", "DURATION", "P5M", None),
        ("decades", "DURATION", "PXDE", None),
    ],
)
def test_afterword_expression(dates: dict[str, list[dict]], text: str, type_: str, value: str, mod: str | None) -> None:
    assert any(d["type"] == type_ and d["value"] == value and d["mod"] == mod for d in dates[text])


def test_relative_expressions_resolve_along_the_narrative(dates: dict[str, list[dict]]) -> None:
    assert dates["December of that year"] == [{"type": "DATE", "value": "1923-12", "mod": None, "anchor": "1923"}]
    assert dates["November 16"][0]["value"] == "1927-11-16"
    assert dates["Two years later"][0]["value"] == "1947"
    assert dates["a few weeks later"] == [{"type": "DATE", "value": "1928", "mod": None, "anchor": "1928"}]
    assert dates["winter"][0] == {"type": "DATE", "value": None, "mod": None, "anchor": None}


def test_kirov_garble_and_the_impossible_leap_day(dates: dict[str, list[dict]]) -> None:
    # DECISIONS D126: a certain repair is noisy; an error of fact is not.
    assert dates["18861934-XNUMX"] == [
        {"type": "INTERVAL", "value": "1886/1934", "mod": None, "anchor": None, "noisy": True}
    ]
    assert dates["February 28-29, 1921"] == [
        {"type": "INTERVAL", "value": "1921-02-28/1921-02-29", "mod": None, "anchor": None}
    ]


def test_prepositions_stay_outside_and_set_no_mod(dates: dict[str, list[dict]]) -> None:
    # DECISIONS D119, D118.
    assert not {"prior to 1917", "before 1917", "months before"} & set(dates)
    assert {d["mod"] for d in dates["1917"]} == {None}
    assert dates["months"] == [{"type": "DURATION", "value": "PXM", "mod": None, "anchor": None}]


def test_no_false_years(dates: dict[str, list[dict]]) -> None:
    assert not {"312", "160", "12", "228"} & set(dates)


def test_boilerplate_has_no_spans_and_records_are_valid(blocks: list[Block]) -> None:
    assert all(not b.spans for b in blocks if b.block == "boilerplate")
    text = AFTERWORD.read_text(encoding="utf-8")
    rows = [(i + 1, b.to_dict()) for i, b in enumerate(blocks)]
    assert validate_rows(rows, sources={blocks[0].doc_id: text}) == []
