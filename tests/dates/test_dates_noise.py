"""Translation noise and impossible dates never crash; offsets and values stay valid."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from serge_corpus.date_object import check_date_object
from serge_corpus.dates import find_dates, normalize
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Block


def test_eight_digits_that_split_into_two_years_are_repaired_and_noisy() -> None:
    # D126: the one certain repair of a garbled lifespan.
    for inner in ("18681936-XNUMX", "18681936", "XNUMX-18681936"):
        [span] = find_dates(f"the writer Maxim Gorky ({inner}), a friend of the revolution")
        assert span.text == inner
        assert span.date.to_dict() == {
            "type": "INTERVAL",
            "value": "1868/1936",
            "mod": None,
            "anchor": None,
            "noisy": True,
        }


def test_other_garbled_parentheticals() -> None:
    # Not certain: years in decreasing order, two digit runs, a placeholder alone, a dangling dash.
    for inner in ("XNUMX-1937", "19051917-1920", "-1890", "19361868-XNUMX", "18681936-XNUMX-XNUMX7"):
        [span] = find_dates(f"Some revolutionary ({inner}) was shot.")
        assert span.text == inner and span.date.value is None and span.date.noisy


def test_open_lifespan_is_an_open_interval() -> None:
    [span] = find_dates("The painter Vlady (1920-) lives in Mexico.")
    assert (span.text, span.date.type, span.date.value, span.date.noisy) == ("1920-", "INTERVAL", "1920/..", False)


def test_placeholder_after_a_preposition() -> None:
    [span] = find_dates("In XNUMX the party split.")
    assert span.text == "XNUMX" and span.date.noisy and span.date.value is None


def test_clean_parentheticals_are_not_noise() -> None:
    [span] = find_dates("Kirov (1886-1934) was shot.")
    assert span.date.value == "1886/1934" and not span.date.noisy


def test_leap_day_in_a_common_year_is_an_error_of_fact_kept_as_written() -> None:
    # D126: the author's errors of fact are normalised as written, without noisy; 1923 is not a leap year.
    [span] = find_dates("The decree was signed on February 27-29, 1923, in Moscow.")
    assert span.text == "February 27-29, 1923"
    assert span.date.to_dict() == {"type": "INTERVAL", "value": "1923-02-27/1923-02-29", "mod": None, "anchor": None}
    [span] = find_dates("Signed on 29 February 1923.")
    assert span.date.to_dict() == {"type": "DATE", "value": "1923-02-29", "mod": None, "anchor": None}
    spans = find_dates("In 1923 they met. On February 29 the decree came.")
    assert spans[1].date.to_dict() == {"type": "DATE", "value": "1923-02-29", "mod": None, "anchor": "1923"}


def test_day_no_calendar_has_is_null_and_noisy() -> None:
    for text in ("on February 30, 1890", "on June 31, 1890", "on June 31"):
        [span] = find_dates(text)
        assert span.date.value is None and span.date.noisy, text


def test_reversed_range_is_null_and_noisy() -> None:
    [span] = find_dates("Memoirs (1941-1901) reprinted.")
    assert span.date.type == "INTERVAL" and span.date.value is None and span.date.noisy


def test_noisy_dates_do_not_move_the_reference() -> None:
    spans = find_dates("In 1925 he left. On February 30, 1927 nothing. That year he wrote.")
    assert spans[-1].date.value == "1925"


_DATEISH = st.sampled_from(
    [
        "1917",
        "-",
        "–",
        "(",
        ")",
        "[",
        "]",
        "XNUMX",
        "May",
        "December",
        "30",
        "spring",
        "of",
        "the",
        "early",
        "years",
        "later",
        "aged",
        "57",
        "1934-38",
        "/",
        "12",
        "%",
        "about",
        "from",
        "to",
        "onwards",
        "\n\n",
        " ",
        ",",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(_DATEISH, max_size=25).map(" ".join),
        st.lists(_DATEISH, max_size=25).map("".join),
    )
)
def test_find_dates_never_raises_and_spans_are_valid(text: str) -> None:
    spans = find_dates(text)
    previous_end = 0
    for span in spans:
        assert span.text == text[span.start : span.end]
        assert span.start >= previous_end and span.start < span.end
        assert not span.text[0].isspace() and not span.text[-1].isspace()
        assert check_date_object(span.date.to_dict()) == []
        previous_end = span.end
    record = Block("t:1", "t", "body", 0, text, spans=tuple(spans)).to_dict()
    assert validate_rows([(1, record)]) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from([None, "1917", "1923-05", "1890-12-30", "193X", "1934/1938", "1925-21"]))
def test_normalize_never_raises(text: str, anchor: str | None) -> None:
    result = normalize(text, anchor)
    assert result is None or check_date_object(result.to_dict()) == []
