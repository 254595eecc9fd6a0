"""Operations: to/from dict, ids, and every validation error."""

from __future__ import annotations

import json

import pytest

from serge_corpus.corrections.ops import OP_KINDS, Op, check_op_dict, content_id, is_utc_timestamp, make_op
from serge_corpus.model import DateValue, Span

TARGET = Span(7, 21, "DATE", "spring of 1925", DateValue("DATE", "1925"))
NAME = Span(0, 6, "LOC", "Moscow")
FIELDS = {
    "add_span": {"span": NAME},
    "delete_span": {"target": NAME},
    "relabel": {"target": NAME, "label": "GPE"},
    "resize": {"target": NAME, "start": 0, "end": 3, "text": "Mos"},
    "set_date": {"target": TARGET, "date": DateValue("DATE", "1925-21", mod="START")},
    "clear_date": {"target": TARGET},
    "mark_reviewed": {"reviewed": True},
    "settle_conflict": {"start": 0, "end": 6, "settled": True},
}


@pytest.mark.parametrize("kind", OP_KINDS)
def test_every_kind_round_trips_through_a_dict(kind: str) -> None:
    op = make_op(kind, "toy:0001", "ana", "2024-05-01T10:00:00Z", comment="why", **FIELDS[kind])
    data = json.loads(json.dumps(op.to_dict()))
    assert check_op_dict(data) == []
    assert Op.from_dict(data) == op


def test_id_is_the_hash_of_the_content() -> None:
    one = make_op("delete_span", "toy:0001", "ana", "2024-05-01T10:00:00Z", target=NAME)
    same = make_op("delete_span", "toy:0001", "ana", "2024-05-01T10:00:00Z", target=NAME)
    other = make_op("delete_span", "toy:0001", "bob", "2024-05-01T10:00:00Z", target=NAME)
    assert one.id == same.id == content_id(one.to_dict())
    assert one.id != other.id


def test_change_boundaries_is_another_name_for_resize() -> None:
    data = make_op("resize", "r", "ana", "2024-05-01T10:00:00Z", **FIELDS["resize"]).to_dict()
    data["op"] = "change_boundaries"
    assert check_op_dict(data) == []
    assert Op.from_dict(data).op == "resize"


def test_unknown_fields_are_kept() -> None:
    data = make_op("mark_reviewed", "r", "ana", "2024-05-01T10:00:00Z", reviewed=True).to_dict()
    data["tool"] = "web"
    data["label"] = "ORG"  # a field of another kind is kept too, not read
    op = Op.from_dict(data)
    assert op.label is None
    assert op.to_dict()["tool"] == "web" and op.to_dict()["label"] == "ORG"


def _valid(kind: str) -> dict:
    return make_op(kind, "toy:0001", "ana", "2024-05-01T10:00:00Z", **FIELDS[kind]).to_dict()


def _codes(data: object) -> list[tuple[str, str | None]]:
    return [(code, field) for code, field, _ in check_op_dict(data)]


def test_not_an_object() -> None:
    assert _codes(["add_span"]) == [("E180", None)]


def test_unknown_op() -> None:
    assert _codes({**_valid("add_span"), "op": "rename"}) == [("E181", "op")]


@pytest.mark.parametrize("field", ["id", "record", "annotator", "timestamp"])
def test_missing_common_field(field: str) -> None:
    data = _valid("delete_span")
    del data[field]
    assert _codes(data) == [("E182", field)]


@pytest.mark.parametrize("kind", OP_KINDS)
def test_missing_kind_field(kind: str) -> None:
    data = _valid(kind)
    first = next(iter(FIELDS[kind]))
    del data[first]
    assert ("E182", first) in _codes(data)


def test_wrong_types() -> None:
    assert _codes({**_valid("mark_reviewed"), "reviewed": "yes"}) == [("E183", "reviewed")]
    assert _codes({**_valid("delete_span"), "annotator": 3}) == [("E183", "annotator")]
    assert _codes({**_valid("delete_span"), "target": "Moscow"}) == [("E183", "target")]
    assert _codes({**_valid("resize"), "start": "0"}) == [("E183", "start/end")]


@pytest.mark.parametrize("stamp", ["yesterday", "2024-05-01T10:00:00", "2024-05-01T10:00:00+02:00"])
def test_timestamp_must_be_utc(stamp: str) -> None:
    assert not is_utc_timestamp(stamp)
    assert _codes({**_valid("delete_span"), "timestamp": stamp}) == [("E185", "timestamp")]


def test_invalid_values() -> None:
    assert _codes({**_valid("relabel"), "label": "PEOPLE"}) == [("E184", "label")]
    bad_text = {**_valid("add_span"), "span": {"start": 0, "end": 6, "label": "GPE", "text": "Mosc"}}
    assert _codes(bad_text) == [("E184", "span.text")]
    empty = {**_valid("resize"), "start": 3, "end": 3, "text": ""}
    assert _codes(empty) == [("E184", "start/end")]


def test_date_rules() -> None:
    to_date = {**_valid("relabel"), "label": "DATE"}
    assert _codes(to_date) == [("E182", "date")]
    date = {"type": "DATE", "value": "1925", "mod": None, "anchor": None}
    assert _codes({**_valid("relabel"), "date": date}) == [("E184", "date")]
    assert _codes({**to_date, "date": date}) == []
    bad_value = {**_valid("set_date"), "date": {**date, "value": "spring 1925"}}
    assert _codes(bad_value) == [("E043", "date.value")]
    not_date = {**_valid("clear_date"), "target": NAME.to_dict()}
    assert _codes(not_date) == [("E184", "target.label")]
    undated = {**_valid("add_span"), "span": {"start": 0, "end": 4, "label": "DATE", "text": "1925"}}
    assert _codes(undated) == [("E182", "span.date")]


def test_describe_names_the_span() -> None:
    op = make_op("relabel", "toy:0001", "ana", **FIELDS["relabel"])
    assert op.describe() == "toy:0001: relabel LOC 'Moscow' [0, 6) -> GPE"
    assert is_utc_timestamp(op.timestamp)
