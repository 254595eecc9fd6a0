"""Replay: every op kind, every reason an op is skipped or redundant, model changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import find_span, span_with_text

from serge_corpus.corrections.apply import apply_log, apply_op
from serge_corpus.corrections.log import read_log
from serge_corpus.corrections.ops import Op, make_op
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Block, DateValue, Span

T = "2024-05-01T10:00:00Z"


def op(kind: str, record: str = "toy:0001", annotator: str = "ana", **fields: object) -> Op:
    return make_op(kind, record, annotator, T, **fields)


def keys(block: Block) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in block.spans]


def assert_valid(blocks: list[Block]) -> None:
    assert validate_rows((i, b.to_dict()) for i, b in enumerate(blocks, 1)) == []


# ---------------------------------------------------------------- the fixture log


def test_fixture_log_applies_fully_to_its_pre_annotation(pre: list[Block], fixtures: Path) -> None:
    result = apply_log(pre, read_log(fixtures / "log.jsonl"))
    assert [o.id for o in result.applied] == [f"op-0{i}" for i in range(1, 9)]
    assert result.skipped == [] and result.redundant == []
    first, second, boiler = result.blocks
    assert keys(first) == [("PERSON", "Victor Serge"), ("GPE", "Belgium"), ("DATE", "December 30, 1890")]
    assert keys(second) == [
        ("DATE", "spring of 1925"),
        ("ORG", "Left Opposition"),
        ("GPE", "Moscow"),
        ("DATE", "two years"),
    ]
    assert span_with_text(second, "spring of 1925").date == DateValue("DATE", "1925-21")
    assert first.meta["reviewed"] is True and first.meta["reviewed_by"] == "ana"
    assert first.meta["corrected_by"] == ["ana"] and first.meta["corrections"] == 3
    assert second.meta["corrections"] == 4 and "reviewed" not in second.meta
    assert boiler == pre[2] and boiler.meta == pre[2].meta
    assert_valid(result.blocks)


def test_replay_after_a_model_change_lists_every_op(pre_v2: list[Block], fixtures: Path) -> None:
    ops = read_log(fixtures / "log.jsonl")
    result = apply_log(pre_v2, ops)
    assert [o.id for o in result.applied] == ["op-04", "op-05", "op-07"]
    assert [o.id for o, _ in result.redundant] == ["op-01", "op-03", "op-08"]
    assert [o.id for o, _ in result.skipped] == ["op-02", "op-06"]
    reasons = dict((o.id, r) for o, r in result.skipped)
    assert reasons["op-02"].startswith("target span not found: PERSON 'December' [36, 44)")
    assert "DATE 'December 30, 1890'" in reasons["op-02"]
    assert reasons["op-06"] == "overlaps NORP 'Left Opposition' [26, 41)"
    # Nothing is lost: every op is in exactly one list.
    assert len(result.applied) + len(result.redundant) + len(result.skipped) == len(ops)
    # The relabel still applies: same offsets and text, whatever the new model says.
    assert span_with_text(result.blocks[1], "Moscow").label == "GPE"
    assert_valid(result.blocks)


# ---------------------------------------------------------------- each kind


def test_add_span(pre: list[Block]) -> None:
    new = find_span(pre[1], "Left Opposition", "ORG")
    out = apply_op(pre[1], op("add_span", span=new))
    assert out.status == "applied" and out.block is not None
    assert new in out.block.spans and len(out.block.spans) == 3


def test_delete_span(pre: list[Block]) -> None:
    target = find_span(pre[1], "Moscow", "LOC")
    out = apply_op(pre[1], op("delete_span", target=target))
    assert out.status == "applied" and out.block is not None
    assert keys(out.block) == [("DATE", "spring of 1925")]


def test_relabel_to_and_from_date(pre: list[Block]) -> None:
    date = DateValue("DATE", "1925-21")
    out = apply_op(pre[1], op("relabel", target=find_span(pre[1], "Moscow", "LOC"), label="GPE"))
    assert out.block is not None and span_with_text(out.block, "Moscow") == find_span(pre[1], "Moscow", "GPE")
    old = span_with_text(pre[1], "spring of 1925")
    assert old is not None
    out = apply_op(pre[1], op("relabel", target=old, label="EVENT"))
    assert out.block is not None and span_with_text(out.block, "spring of 1925").date is None
    back = apply_op(
        out.block, op("relabel", target=span_with_text(out.block, "spring of 1925"), label="DATE", date=date)
    )
    assert back.block is not None and span_with_text(back.block, "spring of 1925").date == date


def test_resize_keeps_label_and_date(pre: list[Block]) -> None:
    old = span_with_text(pre[1], "spring of 1925")
    assert old is not None
    out = apply_op(pre[1], op("resize", target=old, start=3, end=21, text="the spring of 1925"))
    assert out.block is not None
    assert span_with_text(out.block, "the spring of 1925") == replace(old, start=3, text="the spring of 1925")


def test_set_and_clear_date(pre: list[Block]) -> None:
    old = span_with_text(pre[1], "spring of 1925")
    assert old is not None
    date = DateValue("DATE", "1925-21", mod="START", anchor="1924", noisy=True)
    out = apply_op(pre[1], op("set_date", target=old, date=date))
    assert out.block is not None and span_with_text(out.block, "spring of 1925").date == date
    cleared = apply_op(out.block, op("clear_date", target=span_with_text(out.block, "spring of 1925")))
    assert cleared.block is not None
    assert span_with_text(cleared.block, "spring of 1925").date == DateValue("DATE")


def test_mark_reviewed_and_unmark(pre: list[Block]) -> None:
    out = apply_op(pre[1], op("mark_reviewed", annotator="bob", reviewed=True))
    assert out.block is not None and out.block.meta["reviewed_by"] == "bob"
    back = apply_op(out.block, op("mark_reviewed", reviewed=False))
    assert back.block is not None and back.block.meta["reviewed"] is False
    assert "reviewed_by" not in back.block.meta and "corrected_by" not in back.block.meta


# ---------------------------------------------------------------- skipped, with reasons


def test_unknown_record_is_skipped(pre: list[Block]) -> None:
    result = apply_log(pre, [op("mark_reviewed", record="toy:0099", reviewed=True)])
    assert [r for _, r in result.skipped] == ["record not found: toy:0099"]


def test_add_span_whose_text_changed(pre: list[Block]) -> None:
    wrong = Span(0, 6, "GPE", "Moscow")
    out = apply_op(pre[1], op("add_span", span=wrong))
    assert out.status == "skipped" and "text there is 'In the'" in out.reason


def test_add_span_overlapping(pre: list[Block]) -> None:
    out = apply_op(pre[1], op("add_span", span=find_span(pre[1], "1925 the Left", "ORG")))
    assert (out.status, out.reason) == ("skipped", "overlaps DATE 'spring of 1925' [7, 21)")


def test_delete_span_with_another_label_now(pre: list[Block]) -> None:
    out = apply_op(pre[1], op("delete_span", target=find_span(pre[1], "Moscow", "GPE")))
    assert out.status == "skipped"
    assert out.reason == "target span not found: GPE 'Moscow' [49, 55); LOC at the same offsets now"


def test_relabel_of_a_vanished_span(pre_v2: list[Block]) -> None:
    out = apply_op(
        pre_v2[0], op("relabel", record="toy:0000", target=find_span(pre_v2[0], "Serge", "PERSON"), label="ORG")
    )
    assert out.status == "skipped"
    assert out.reason.startswith(
        "target span not found: PERSON 'Serge' [7, 12); overlapping now: PERSON 'Victor Serge'"
    )


def test_target_whose_text_is_different(pre: list[Block]) -> None:
    out = apply_op(pre[1], op("delete_span", target=Span(0, 6, "GPE", "Moscow")))
    assert (out.status, out.reason) == (
        "skipped",
        "target span not found: GPE 'Moscow' [0, 6); the text there is 'In the'",
    )
    out = apply_op(
        pre[1], op("set_date", target=Span(0, 6, "DATE", "Moscow", DateValue("DATE")), date=DateValue("DATE", "1925"))
    )
    assert out.reason == "target span not found: DATE 'Moscow' [0, 6); the text there is 'In the'"


def test_resize_onto_other_text_or_over_a_span(pre: list[Block]) -> None:
    moscow = find_span(pre[1], "Moscow", "LOC")
    out = apply_op(pre[1], op("resize", target=moscow, start=49, end=55, text="Moskva"))
    assert out.reason == "new boundaries [49, 55) hold 'Moscow', not 'Moskva'"
    out = apply_op(pre[1], op("resize", target=moscow, start=17, end=55, text=pre[1].text[17:55]))
    assert out.status == "skipped" and "overlap DATE 'spring of 1925'" in out.reason


def test_date_op_on_a_span_that_is_no_longer_a_date(pre: list[Block]) -> None:
    old = span_with_text(pre[1], "spring of 1925")
    relabelled = apply_op(pre[1], op("relabel", target=old, label="EVENT")).block
    assert relabelled is not None
    out = apply_op(relabelled, op("set_date", target=old, date=DateValue("DATE", "1925-21")))
    assert out.reason == "target span is EVENT now, not DATE: EVENT 'spring of 1925' [7, 21)"


def test_result_breaking_the_guidelines_is_skipped(pre: list[Block]) -> None:
    boiler = apply_op(pre[2], op("add_span", record="toy:0002", span=find_span(pre[2], "Related", "ORG")))
    assert boiler.status == "skipped" and "E035" in boiler.reason
    inner_space = apply_op(pre[1], op("add_span", span=find_span(pre[1], "met in", "ORG")))
    assert inner_space.status == "applied"
    edge = apply_op(pre[1], op("add_span", span=find_span(pre[1], "the Left Opposition ", "ORG")))
    assert edge.status == "skipped" and "E034" in edge.reason


# ---------------------------------------------------------------- redundant


def test_redundant_ops_are_listed_not_applied(pre: list[Block]) -> None:
    old = span_with_text(pre[1], "spring of 1925")
    assert old is not None
    cases = [
        op("relabel", target=find_span(pre[1], "Moscow", "LOC"), label="LOC"),
        op("set_date", target=old, date=old.date),
        op("mark_reviewed", reviewed=False),
        op("delete_span", target=find_span(pre[1], "Left Opposition", "ORG")),
        op("add_span", span=find_span(pre[1], "Moscow", "LOC")),
    ]
    for case in cases:
        out = apply_op(pre[1], case)
        assert out.status == "redundant", case.op
        assert out.block is None and out.reason


def test_same_op_in_two_logs_is_applied_once(pre: list[Block], fixtures: Path) -> None:
    ops = read_log(fixtures / "log.jsonl")
    result = apply_log(pre, ops + ops[:2])
    assert len(result.applied) == 8
    assert [r for _, r in result.redundant] == [
        f"same op as an earlier one ({fixtures / 'log.jsonl'}:{n})" for n in (1, 2)
    ]


def test_an_op_id_reused_for_another_op_is_skipped(pre: list[Block], fixtures: Path) -> None:
    ops = read_log(fixtures / "log.jsonl")
    clash = replace(op("mark_reviewed", reviewed=True), id="op-01")
    result = apply_log(pre, ops + [clash])
    assert [(o, r) for o, r in result.skipped] == [
        (clash, f"op id op-01 already used by another op ({fixtures / 'log.jsonl'}:1); give it its own id")
    ]


def test_replay_is_deterministic(pre_v2: list[Block], fixtures: Path) -> None:
    ops = read_log(fixtures / "log.jsonl")
    one, two = apply_log(pre_v2, ops), apply_log(pre_v2, ops)
    assert [b.to_dict() for b in one.blocks] == [b.to_dict() for b in two.blocks]


def test_invalid_pre_annotation_is_refused(pre: list[Block]) -> None:
    broken = pre[1].with_spans(
        [*pre[1].spans, find_span(pre[1], "Left", "ORG"), find_span(pre[1], "Left Opposition", "ORG")]
    )
    with pytest.raises(SergeCorpusError) as err:
        apply_log([broken], [])
    assert {p.code for p in err.value.problems} == {"E033"}


# ---------------------------------------------------------------- undo


def test_inverses_undo_the_whole_log(pre: list[Block], fixtures: Path) -> None:
    result = apply_log(pre, read_log(fixtures / "log.jsonl"))
    undo = [result.inverses[o.id] for o in reversed(result.applied)]
    assert all(u.undoes == o.id for u, o in zip(undo, reversed(result.applied)))
    back = apply_log(result.blocks, undo)
    assert back.skipped == [] and back.redundant == []
    assert [b.spans for b in back.blocks] == [b.spans for b in pre]
    assert not back.blocks[0].meta["reviewed"]
