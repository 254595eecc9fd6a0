"""--trim: spans snapped to tokens and stripped; without it, E627 names the characters."""

from __future__ import annotations

import pytest

from serge_corpus.formats.envelope import Where
from serge_corpus.formats.trim import check_span, trim_spans, trimmed_bounds
from serge_corpus.segment import tokenize

WHERE = Where("f.jsonl", 7, "r1")


def bounds_text(text: str, start: int, end: int) -> str | None:
    tokens = [(t.start, t.end) for t in tokenize(text)]
    found = trimmed_bounds(text, start, end, tokens)
    return None if found is None else text[found[0] : found[1]]


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        ("met Victor Serge in 1919", " Victor Serge ", "Victor Serge"),
        ("met Victor Serge in 1919", "ictor Serg", "Victor Serge"),  # snapped out to whole tokens
        ("the “War Communism” years", "“War Communism”", "War Communism"),
        ("he wrote (Year One) in", "(Year One)", "Year One"),
        ("Year II (draft) was", "Year II (draft)", "Year II (draft)"),  # a pair inside the span stays
        ("he left Petrograd. Then", "Petrograd.", "Petrograd"),  # a full stop of its own token goes
        ("the U.S. delegation", "U.S.", "U.S."),  # an abbreviation keeps its dot
        ("in Moscow, then", "Moscow,", "Moscow"),
        ("a , b", " , ", None),
    ],
)
def test_trimmed_bounds(text: str, selected: str, expected: str | None) -> None:
    start = text.index(selected)
    assert bounds_text(text, start, start + len(selected)) == expected


def test_check_span_names_the_characters() -> None:
    text = "met  Victor Serge, in\n1919"
    assert check_span(text, 4, 17) == "starts with a space"
    assert check_span(text, 5, 18) == "ends with ','"
    assert check_span(text, 21, 26) == "starts with a line break"


def test_trim_spans_reports_or_fixes() -> None:
    text = "met  Victor Serge, in 1919"
    tokens = [(t.start, t.end) for t in tokenize(text)]
    spans = [
        {"start": 4, "end": 18, "label": "PERSON", "text": text[4:18]},
        {"start": 22, "end": 26, "label": "DATE", "text": "1919"},
    ]
    kept, fixes, problems = trim_spans(spans, text, tokens, WHERE, trim=False)
    assert [p.detail for p in problems] == ["span ' Victor Serge,' starts with a space"]
    assert (problems[0].code, problems[0].line, problems[0].field) == ("E627", 7, "spans[0]")
    assert kept == [spans[1]] and fixes == []
    kept, fixes, problems = trim_spans(spans, text, tokens, WHERE, trim=True)
    assert problems == [] and kept[0] == {"start": 5, "end": 17, "label": "PERSON", "text": "Victor Serge"}
    assert str(fixes[0]) == "f.jsonl:7: record r1 spans[0] PERSON ' Victor Serge,' -> 'Victor Serge'"
