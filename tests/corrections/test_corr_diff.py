"""diff: each kind of change, and diff -> log -> apply gives back the second version."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import find_span, make_block
from hypothesis import given, settings
from hypothesis import strategies as st

from serge_corpus.corrections.apply import apply_log
from serge_corpus.corrections.diff import changes_to_ops, diff_records
from serge_corpus.corrections.log import read_log
from serge_corpus.errors import SergeCorpusError
from serge_corpus.model import Block, DateValue, Span

TEXT = "Victor Serge met Trotsky in Moscow in the spring of 1925 and left."


def block(*spans: Span, reviewed: bool = False, text: str = TEXT) -> Block:
    meta = {"reviewed": True} if reviewed else {}
    return make_block(text, spans, id="d:0", tokens="none", sentences="none", meta=meta)


BASE = block()


def s(text: str, label: str, date: DateValue | None = None) -> Span:
    return find_span(BASE, text, label, date=date)


def kinds(a: Block, b: Block) -> list[tuple[str, str | None, str | None]]:
    return [
        (c.kind, c.before.text if c.before else None, c.after.text if c.after else None) for c in diff_records([a], [b])
    ]


def test_added_and_removed() -> None:
    assert kinds(block(s("Trotsky", "PERSON")), block(s("Moscow", "GPE"))) == [
        ("removed", "Trotsky", None),
        ("added", None, "Moscow"),
    ]


def test_relabelled_and_date_changed() -> None:
    spring = s("spring of 1925", "DATE", DateValue("DATE", "1925"))
    a = block(s("Moscow", "LOC"), spring)
    b = block(s("Moscow", "GPE"), replace(spring, date=DateValue("DATE", "1925-21")))
    assert kinds(a, b) == [("relabelled", "Moscow", "Moscow"), ("date_changed", "spring of 1925", "spring of 1925")]


def test_rebounded_needs_the_same_label_and_an_overlap() -> None:
    a = block(s("Serge", "PERSON"), s("the spring of 1925", "DATE", DateValue("DATE", "1925-21")))
    b = block(s("Victor Serge", "PERSON"), s("spring of 1925", "EVENT"))
    assert kinds(a, b) == [
        ("rebounded", "Serge", "Victor Serge"),
        ("removed", "the spring of 1925", None),
        ("added", None, "spring of 1925"),
    ]


def test_review_mark_and_no_change() -> None:
    a = block(s("Moscow", "GPE"))
    assert diff_records([a], [a]) == []
    changes = diff_records([a], [replace(a, meta={"reviewed": True})])
    assert [(c.kind, c.reviewed) for c in changes] == [("reviewed", (False, True))]


def test_different_records_are_refused() -> None:
    a = block()
    with pytest.raises(SergeCorpusError) as err:
        diff_records([a], [replace(a, id="d:1")])
    assert [(p.code, p.record_id, p.detail) for p in err.value.problems] == [
        ("E189", "d:0", "only in the first input"),
        ("E189", "d:1", "only in the second input"),
    ]
    with pytest.raises(SergeCorpusError) as err:
        diff_records([a], [replace(a, text=TEXT.upper())])
    assert err.value.problems[0].field == "text"


def test_fixture_log_round_trips(pre: list[Block], fixtures: Path) -> None:
    corrected = apply_log(pre, read_log(fixtures / "log.jsonl")).blocks
    ops = changes_to_ops(diff_records(pre, corrected), "diff")
    result = apply_log(pre, ops)
    assert result.skipped == [] and result.redundant == []
    assert diff_records(result.blocks, corrected) == []


def test_resizes_run_in_an_order_where_none_overlaps() -> None:
    text = "aa bb cc dd"
    a = block(Span(0, 5, "ORG", "aa bb"), Span(6, 11, "PERSON", "cc dd"), text=text)
    b = block(Span(0, 8, "ORG", "aa bb cc"), Span(9, 11, "PERSON", "dd"), text=text)
    ops = changes_to_ops(diff_records([a], [b]), "x")
    # ORG can only grow once PERSON has shrunk out of its way.
    assert [(o.op, o.target.label if o.target else None) for o in ops] == [("resize", "PERSON"), ("resize", "ORG")]
    result = apply_log([a], ops)
    assert result.skipped == [] and result.blocks[0].spans == b.spans


# ---------------------------------------------------------------- property

WORDS = st.lists(st.text("abcxyz", min_size=1, max_size=5), min_size=1, max_size=12)
LABELS = st.sampled_from(["PERSON", "ORG", "GPE", "DATE"])
DATES = st.sampled_from(
    [
        DateValue("DATE", "1925"),
        DateValue("DATE", "1925-21", mod="START"),
        DateValue("INTERVAL", "1934/1938"),
        DateValue("DURATION", "P2Y"),
        DateValue("DATE"),
    ]
)


@st.composite
def versions(draw: st.DrawFn) -> tuple[Block, Block]:
    words = draw(WORDS)
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]

    def spans() -> list[Span]:
        out, i = [], draw(st.integers(0, 2))
        while i < len(words):
            n = draw(st.integers(1, min(3, len(words) - i)))
            start, end = starts[i], starts[i + n - 1] + len(words[i + n - 1])
            label = draw(LABELS)
            out.append(Span(start, end, label, text[start:end], draw(DATES) if label == "DATE" else None))
            i += n + draw(st.integers(0, 2))
        return out

    one = block(*spans(), reviewed=draw(st.booleans()), text=text)
    two = block(*spans(), reviewed=draw(st.booleans()), text=text)
    return one, two


@settings(max_examples=300, deadline=None)
@given(versions())
def test_diff_as_log_applied_to_a_gives_b(pair: tuple[Block, Block]) -> None:
    a, b = pair
    ops = changes_to_ops(diff_records([a], [b]), "diff", "2024-05-01T10:00:00Z")
    result = apply_log([a], ops)
    assert result.skipped == [] and result.redundant == []
    assert result.blocks[0].spans == b.spans
    assert bool(result.blocks[0].meta.get("reviewed")) == bool(b.meta.get("reviewed"))
    assert diff_records(result.blocks, [b]) == []
