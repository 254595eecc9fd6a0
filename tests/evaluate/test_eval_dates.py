"""Date metrics: extraction, attribute accuracy, value F1, families."""

from __future__ import annotations

import pytest
from builders import find_span, make_block

from serge_corpus.evaluate import date_family, score_dates
from serge_corpus.model import DateValue, Span

TEXT = "In the spring of 1925 and in 1934-38 he was aged 57; two years later, in 1936, he left."


def gold_block():
    return make_block(
        TEXT,
        [
            find_span(TEXT, "spring of 1925", "DATE", date=DateValue("DATE", "1925-21")),
            find_span(TEXT, "1934-38", "DATE", date=DateValue("INTERVAL", "1934/1938")),
            find_span(TEXT, "57", "DATE", date=DateValue("DURATION", "P57Y")),
            find_span(TEXT, "two years later", "DATE", date=DateValue("DATE", "1938", anchor="1936")),
            find_span(TEXT, "1936", "DATE", date=DateValue("DATE", "1936")),
        ],
    )


def pred_block():
    return make_block(
        TEXT,
        [
            find_span(TEXT, "spring of 1925", "DATE", date=DateValue("DATE", "1925-22")),  # exact span, wrong value
            find_span(TEXT, "1934", "DATE", date=DateValue("DATE", "1934")),  # overlap, wrong type and value
            find_span(TEXT, "57", "DATE", date=DateValue("DURATION", "P57Y")),  # all right
            find_span(TEXT, "two years", "DATE", date=DateValue("DATE", "1938", anchor="1936")),  # overlap, right value
            find_span(TEXT, "left", "EVENT"),  # not a DATE span: not scored here
        ],
    )


@pytest.fixture(scope="module")
def result() -> dict:
    return score_dates([gold_block()], [pred_block()])


def test_extraction_strict_and_relaxed(result: dict) -> None:
    assert (result["gold"], result["pred"]) == (5, 4)
    assert result["strict"]["correct"] == 2
    assert result["strict"]["precision"] == pytest.approx(2 / 4)
    assert result["strict"]["recall"] == pytest.approx(2 / 5)
    assert result["relaxed"]["correct"] == 4
    assert result["relaxed"]["f1"] == pytest.approx(2 * 1.0 * 0.8 / 1.8)


def test_attribute_accuracy_on_relaxed_pairs(result: dict) -> None:
    accuracy = {name: (a["correct"], a["total"]) for name, a in result["attributes"].items()}
    assert accuracy == {"type": (3, 4), "value": (2, 4), "mod": (4, 4), "anchor": (4, 4)}


def test_value_f1_needs_strict_span_and_right_value(result: dict) -> None:
    # only "57" has both: "two years" has the value but not the span
    assert result["value"]["correct"] == 1
    assert result["value"]["precision"] == pytest.approx(1 / 4)
    assert result["value"]["recall"] == pytest.approx(1 / 5)


def test_families_come_from_the_gold_date(result: dict) -> None:
    families = result["families"]
    assert list(families) == ["absolute", "interval", "season/decade", "relative", "duration/age"]
    assert all(f["gold"] == 1 for f in families.values())
    recalls = {name: (f["strict_recall"], f["relaxed_recall"], f["value_recall"]) for name, f in families.items()}
    assert recalls == {
        "absolute": (0.0, 0.0, 0.0),
        "interval": (0.0, 1.0, 0.0),
        "season/decade": (1.0, 1.0, 0.0),
        "relative": (0.0, 1.0, 0.0),
        "duration/age": (1.0, 1.0, 1.0),
    }
    assert families["absolute"]["value_accuracy"] is None  # nothing matched: undefined, not 0
    assert families["relative"]["anchor_accuracy"] == 1.0


def test_prediction_without_date_object_gets_attributes_wrong() -> None:
    text = "He left in 1936."
    gold = make_block(text, [find_span(text, "1936", "DATE", date=DateValue("DATE", "1936"))])
    pred = make_block(text, [Span(11, 15, "DATE", "1936", date=None)])
    result = score_dates([gold], [pred])
    assert result["pred_without_date"] == 1
    assert result["strict"]["correct"] == 1 and result["value"]["correct"] == 0
    assert result["attributes"]["type"]["correct"] == 0


def test_null_values_are_equal() -> None:
    text = "that year he wrote"
    unresolved = DateValue("DATE", None)
    gold = make_block(text, [find_span(text, "that year", "DATE", date=unresolved)])
    result = score_dates([gold], [gold])
    assert result["value"]["f1"] == 1.0
    assert list(result["families"]) == ["unresolved"]


@pytest.mark.parametrize(
    ("date", "family"),
    [
        (DateValue("DATE", "1890-12-30"), "absolute"),
        (DateValue("DATE", "1912-01"), "absolute"),
        (DateValue("DATE", "1909", mod="START"), "absolute"),
        (DateValue("INTERVAL", "1934/1938"), "interval"),
        (DateValue("INTERVAL", "1921-02-28/1921-02-29"), "interval"),
        (DateValue("DATE", "1925-21"), "season/decade"),
        (DateValue("DATE", "1925-24"), "season/decade"),
        (DateValue("DATE", "193X", mod="START"), "season/decade"),
        (DateValue("DATE", "18XX"), "season/decade"),
        (DateValue("DATE", "1923", anchor="1921"), "relative"),
        (DateValue("DURATION", "PXY", anchor="1921"), "relative"),
        (DateValue("DURATION", "P57Y"), "duration/age"),
        (DateValue("DURATION", None), "duration/age"),
        (DateValue("SET", "P1Y"), "set"),
        (DateValue("DATE", None), "unresolved"),
        (None, "unresolved"),
    ],
)
def test_date_family(date: DateValue | None, family: str) -> None:
    assert date_family(date) == family
