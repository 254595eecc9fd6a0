"""News mode (a DCT is given): underspecified dates resolve against the DCT by the sentence's tense (D180-D183).

Every sentence here is invented for the test.
"""

from __future__ import annotations

import pytest

from serge_corpus.dates import find_dates, normalize
from serge_corpus.dates.news import tense_at
from serge_corpus.dates.timex3 import span_timex3

# A Wednesday in spring.
DCT = "2021-04-14"


def _values(text: str, dct: str | None = DCT, conventions: str = "guidelines") -> dict[str, str | None]:
    spans = find_dates(text, dct=dct, conventions=conventions)  # type: ignore[arg-type]
    return {s.text: (s.date.value if s.date else None) for s in spans}


def _timex(text: str, dct: str = DCT, conventions: str = "guidelines") -> dict[str, tuple[str, str | None]]:
    spans = find_dates(text, dct=dct, conventions=conventions)  # type: ignore[arg-type]
    return {text[t.start : t.end]: (t.type, t.value) for s in spans for t in span_timex3(s)}


@pytest.mark.parametrize(
    ("sentence", "tense"),
    [
        ("The bakery reopened in October.", "past"),
        ("The bakery will reopen in October.", "future"),
        ("The bakery is expected to reopen in October.", "future"),
        ("The bakery reopens in October.", "present"),
        ("The bakery has stayed shut since October.", "past"),
        ("In October, the owners said, the bakery would reopen.", "past"),
    ],
)
def test_tense_is_read_from_the_nearest_cue_of_the_sentence(sentence: str, tense: str) -> None:
    start = sentence.index("October")
    assert tense_at(sentence, start, start + len("October")) == tense


def test_a_bare_month_goes_to_the_dct_by_tense_not_to_an_earlier_year_of_the_article() -> None:
    text = (
        "The ferry line, founded in 1962, carried fewer cars in November. "
        "The new terminal will open in September. Fares rise in June."
    )
    got = _values(text)
    assert got["1962"] == "1962"
    assert got["November"] == "2020-11"  # past, after the DCT's month: the year before
    assert got["September"] == "2021-09"  # future
    assert got["June"] == "2021-06"  # present: the DCT's year


def test_day_months_holidays_and_mods_follow_the_tense() -> None:
    text = (
        "The orchard, planted in 1931, lost its crop on March 30. "
        "Pickers will return on May 2 and the market will close at the end of August. "
        "The owners sold pies at Christmas. They hope to reopen by Valentine's Day."
    )
    got = _values(text)
    assert got["March 30"] == "2021-03-30"
    assert got["May 2"] == "2021-05-02"
    assert got["end of August"] == "2021-08"
    assert got["Christmas"] == "2020-12-25"  # past: the last one before the DCT
    assert got["Valentine's Day"] == "2022-02-14"  # future ("hope to"): the next one after the DCT


def test_weekdays_before_or_after_the_dct_by_tense() -> None:
    text = (
        "The mayor said Monday that the pool will reopen Friday. "
        "The committee has scheduled a vote for Thursday. Divers searched the lake on Sunday."
    )
    got = _values(text)
    assert got["Monday"] == "2021-04-12"
    assert got["Friday"] == "2021-04-16"
    assert got["Thursday"] == "2021-04-15"  # present: the nearest Thursday
    assert got["Sunday"] == "2021-04-11"


def test_a_weekday_after_from_in_the_past_is_before_the_dct() -> None:
    got = _values("Workers repaired the track from Friday through Monday.", dct="2021-04-13")
    assert got["Friday"] == "2021-04-09"
    assert got["Monday"] == "2021-04-12"


def test_seasons_with_this_last_next_count_from_the_dcts_own_season() -> None:
    text = "Tourism fell last spring and last summer. The park reopens this fall; a festival is planned next winter."
    got = _values(text)
    assert got["last spring"] == "2020-21"  # the DCT is in spring: the spring before
    assert got["last summer"] == "2020-22"
    assert got["this fall"] == "2021-23"
    assert got["next winter"] == "2021-24"


def test_the_month_and_the_year_are_the_dcts_but_that_year_stays_anaphoric() -> None:
    text = "The council expects a vote by the end of the month. The dam was finished in 1988; by the end of that year"
    got = _values(text)
    assert got["end of the month"] == "2021-04"
    assert got["end of that year"] == "1988"


def test_anaphora_still_follow_the_running_reference_in_news() -> None:
    got = _values("The plant opened in 1975. Two years later it doubled its output.")
    assert got["Two years later"] == "1977"


def test_quarters_and_halves_are_edtf_sub_year_codes_resolved_by_tense() -> None:
    text = (
        "Profit fell in the fourth quarter. Sales will stay flat in the current quarter. "
        "The firm will report the second quarter in July and expects a rebound in the second half of the year."
    )
    got = _values(text)
    assert got["fourth quarter"] == "2020-36"
    assert got["current quarter"] == "2021-34"
    assert got["second quarter"] == "2021-34"
    assert got["second half of the year"] == "2021-41"
    timex = _timex(text)
    assert timex["fourth quarter"] == ("DATE", "2020-Q4")
    assert timex["second half of the year"] == ("DATE", "2021-H2")


def test_a_year_earlier_keeps_the_precision_of_the_date_it_counts_from() -> None:
    text = "Exports dropped 4 percent in February from a year earlier. Imports rose in the first quarter."
    got = _values(text)
    assert got["February"] == "2021-02"
    assert got["a year earlier"] == "2020-02"
    quarter = _values("Output rose in the first quarter, against a loss in the same period a year earlier.")
    assert quarter["same period a year earlier"] == "2020-33"


def test_a_year_earlier_from_the_dct_itself_is_a_year() -> None:
    assert _values("Shoppers spent less than a year earlier, the survey found.")["a year earlier"] == "2020"


def test_weekends_are_saturday_sunday_intervals_and_iso_week_weekends_in_timex3() -> None:
    text = (
        "Crews will work through the weekend. The fair drew crowds last weekend. Crowds filled the square this weekend."
    )
    got = _values(text)
    assert got["weekend"] == "2021-04-17/2021-04-18"
    assert got["last weekend"] == "2021-04-10/2021-04-11"
    assert got["this weekend"] == "2021-04-17/2021-04-18"
    assert _timex(text)["this weekend"] == ("DATE", "2021-W15-WE")


def test_a_holiday_weekend_is_the_weekend_beside_the_holiday() -> None:
    got = _values("Traffic was heavy over the Memorial Day weekend.", dct="2021-06-02")
    assert got["Memorial Day weekend"] == "2021-05-29/2021-05-30"  # Memorial Day 2021 is Monday May 31


def test_fiscal_years_are_years_marked_fiscal_and_fy_in_timex3() -> None:
    text = "The board approved the budget for fiscal 2022 and trimmed spending in the current fiscal year."
    spans = {s.text: s.date for s in find_dates(text, dct=DCT)}
    assert spans["fiscal 2022"] is not None and spans["fiscal 2022"].value == "2022"
    assert spans["fiscal 2022"].extra == {"fiscal": True}
    assert spans["current fiscal year"].value == "2021"  # type: ignore[union-attr]
    timex = _timex(text)
    assert timex["fiscal 2022"] == ("DATE", "FY2022")
    assert timex["current fiscal year"] == ("DATE", "FY2021")


def test_timeml_conventions_return_parts_of_day_and_clock_times_as_time() -> None:
    text = "Police said Tuesday evening that the road reopened this morning. The inquiry opens at 9:30 a.m. on Friday."
    timex = _timex(text, conventions="timeml")
    assert timex["Tuesday evening"] == ("TIME", "2021-04-13TEV")
    assert timex["this morning"] == ("TIME", "2021-04-14TMO")
    assert timex["9:30 a.m."] == ("TIME", "2021-04-16T09:30")
    assert timex["Friday"] == ("DATE", "2021-04-16")


def test_guidelines_conventions_keep_the_day_without_time() -> None:
    text = "Police said Tuesday evening that the road reopened. The inquiry opens at 9:30 a.m. on Friday."
    got = _values(text)
    assert got == {"Tuesday": "2021-04-13", "Friday": "2021-04-16"}


def test_a_clock_time_with_no_day_beside_it_is_of_the_dcts_day_and_left_out_without_a_dct() -> None:
    # D187 (was left out under D183): no day named before it, so the DCT's
    text = "The hearing begins at 6 p.m. in the town hall."
    assert _timex(text, conventions="timeml")["6 p.m."] == ("TIME", "2021-04-14T18:00")
    spans = find_dates(text, conventions="timeml")  # narrative: no day to give it
    assert [s.text for s in spans] == []


def test_timeml_the_past_n_units_is_one_duration() -> None:
    timex = _timex("Rents have climbed over the past three years.", conventions="timeml")
    assert timex == {"the past three years": ("DURATION", "P3Y")}


def test_narrative_mode_is_unchanged() -> None:
    text = "The ferry line was founded in 1962. In November it carried fewer cars. A year earlier it had two boats."
    got = _values(text, dct=None)
    assert got["November"] == "1962-11"
    assert got["A year earlier"] == "1961"
    # without a DCT a bare quarter is read like a season, from the story's year (D172), never from a DCT
    assert _values("Sales fell in the first quarter.", dct=None)["first quarter"] is None
    assert _values("Trade shrank in 1920. It grew in the second half.", dct=None)["second half"] == "1920-41"


def test_normalize_reads_a_quarter_in_news_mode() -> None:
    date = normalize("the third quarter", dct=DCT)
    assert date is not None and date.value == "2021-35"  # no tense cue: the DCT's year


def test_hyphenated_quarters_and_halves_and_no_quarter_of_a_game() -> None:
    text = (
        "Second-quarter earnings slipped, the bank reported. First-half revenue will top forecasts. "
        "The visitors scored twice in the third quarter of the match. Growth slows in the final quarter of the year."
    )
    got = _values(text)
    assert got["Second-quarter"] == "2021-34"  # past, the quarter holds the DCT: this year's
    assert got["First-half"] == "2021-40"
    assert got["final quarter of the year"] == "2021-36"
    assert not any("third quarter" in key for key in got)


def test_a_plan_or_a_postponement_points_forward_even_in_the_past_tense() -> None:
    text = (
        "The tenants agreed to meet again Thursday. Police urged drivers to stay home Saturday. "
        "The opening was postponed until June. The mayor told reporters on Monday that rents would rise."
    )
    got = _values(text)
    assert got["Thursday"] == "2021-04-15"
    assert got["Saturday"] == "2021-04-17"
    assert got["June"] == "2021-06"
    assert got["Monday"] == "2021-04-12"  # "told" with no "to" after it is a plain past


# --- one tense rule (D172 and D180 are one implementation, news.py) ---------------------------------------


@pytest.mark.parametrize(
    ("sentence", "dct", "value"),
    [
        # a leap day in a common year is kept as written (D126), placed by tense like any day
        ("The cooperative held its vote on February 29.", "2023-01-10", "2022-02-29"),
        ("The cooperative will hold its vote on February 29.", "2023-03-10", "2024-02-29"),
        ("The cooperative holds its vote on February 29.", "2023-03-10", "2023-02-29"),
        # a day no calendar has stays null whatever the tense
        ("The cooperative held its vote on April 31.", "2023-05-10", None),
    ],
)
def test_leap_days_and_impossible_days_go_through_the_news_tense_rule(
    sentence: str, dct: str, value: str | None
) -> None:
    assert list(_values(sentence, dct=dct).values()) == [value]


def test_resolve_has_no_second_tense_rule() -> None:
    """Without news.py's value the reference's year is kept: the tense is read in one place only."""
    import importlib

    from serge_corpus.dates.expression import Expression, Relative

    resolve_module = importlib.import_module("serge_corpus.dates.resolve")
    # A coarse DCT (a season) gives news.py no day to count from: the running reference's year, whatever the tense.
    rel = Relative("within", month=12, tense="past")
    date = resolve_module.resolve(Expression(0, 8, "bare_month", relative=rel), "2013-03", "2013-21")
    assert date.value == "2013-12"


# --- issue 10, news recall in TimeML conventions (D184-D188); sentences invented for the test ---------------


def test_a_year_earlier_counts_from_the_last_date_even_off_the_main_timeline() -> None:
    text = (
        "The cannery expects thin margins in the current quarter. "
        "It lost $2 million in the fourth quarter, against a profit in the same period a year earlier."
    )
    values = _values(text, dct="2021-02-10")
    assert values["current quarter"] == "2021-33"
    assert values["fourth quarter"] == "2020-36"
    assert values["same period a year earlier"] == "2019-36"


@pytest.mark.parametrize(
    ("sentence", "dct", "name", "value"),
    [
        ("Shoppers crowded the outlet mall on Black Friday.", "2022-12-02", "Black Friday", "2022-11-25"),
        ("Retailers will cut prices on Cyber Monday.", "2022-11-10", "Cyber Monday", "2022-11-28"),
        ("Black Friday 2015 broke records.", None, "Black Friday 2015", "2015-11-27"),
    ],
)
def test_holidays_computed_from_other_holidays(sentence: str, dct: str | None, name: str, value: str) -> None:
    assert _values(sentence, dct=dct)[name] == value


def test_holiday_rules_name_other_holidays_as_data() -> None:
    from serge_corpus.dates.values import expand_holiday_rules, holiday_day

    table = {"Harvest Fair": "10-1#2", "Fair Eve": "Harvest Fair-1", "Fair Week End": "Fair Eve+7", "Loop": "Loop+1"}
    expanded, bad = expand_holiday_rules(table)
    assert expanded["Fair Eve"] == "10-1#2-1" and expanded["Fair Week End"] == "10-1#2+6" and bad == ["Loop"]
    assert holiday_day(2023, expanded["Fair Eve"]).day == 8  # type: ignore[union-attr]  (2nd Monday: Oct 9)


@pytest.mark.parametrize(
    ("sentence", "name", "value"),
    [
        ("The crater is two and a half billion years old.", "two and a half billion years", "P2500000000Y"),
        ("The glacier took 1.5 million years to retreat.", "1.5 million years", "P1500000Y"),
        ("The lighthouse stayed dark for an entire year.", "an entire year", "P1Y"),
        ("The strike lasted a full month.", "a full month", "P1M"),
        ("The pumps ran for two whole weeks.", "two whole weeks", "P2W"),
    ],
)
def test_scaled_and_whole_durations(sentence: str, name: str, value: str) -> None:
    assert _values(sentence)[name] == value


@pytest.mark.parametrize(
    ("sentence", "dct", "expected"),
    [
        ("The ferry leaves every half hour.", DCT, {"every half hour": ("SET", "PT30M")}),
        ("The board reports quarterly.", DCT, {"quarterly": ("SET", "P3M")}),
        ("Guards check the gate hourly.", DCT, {"hourly": ("SET", "PT1H")}),
        # news (a DCT): a frequency word as its period, as TimeBank writes it; a narrative keeps the calendar form
        ("The bakery is open daily.", DCT, {"daily": ("SET", "P1D")}),
        ("The shelter gave out bread daily.", None, {"daily": ("SET", "XXXX-XX-XX")}),
        ("The orchard has been in the family for three decades.", DCT, {"three decades": ("DURATION", "P30Y")}),
        ("The orchard has been in the family for a decade.", DCT, {"a decade": ("DURATION", "P1DE")}),
        ("The abbey stood for two centuries.", None, {"two centuries": ("DURATION", "P200Y")}),
    ],
)
def test_timeml_sets_and_counted_decades(sentence: str, dct: str | None, expected: dict[str, tuple[str, str]]) -> None:
    spans = find_dates(sentence, dct=dct, conventions="timeml")
    assert {sentence[t.start : t.end]: (t.type, t.value) for s in spans for t in span_timex3(s)} == expected


def test_guidelines_keep_counted_decades_and_leave_frequency_words_out() -> None:
    assert _values("The orchard has been in the family for three decades. It opens daily.") == {"three decades": "P3DE"}


def test_a_bare_clock_time_is_a_time_of_the_storys_day() -> None:
    text = (
        "The ferry service will resume on July 3, the port authority said Monday. "
        "The first boat leaves at 6:15 a.m. and the last one at 9 p.m."
    )
    found = _timex(text, dct="2021-06-29", conventions="timeml")
    assert found["6:15 a.m."] == ("TIME", "2021-07-03T06:15")  # the story's day, not the day of the report
    assert found["9 p.m."] == ("TIME", "2021-07-03T21:00")
    assert _timex("The first bus left the depot at 5:40 a.m.", dct="2021-06-29", conventions="timeml") == {
        "5:40 a.m.": ("TIME", "2021-06-29T05:40")  # no day named: the DCT's
    }
    assert "6:15 a.m." not in _values(text, dct="2021-06-29")  # the guidelines annotate no clock times


def test_of_the_season_closing_a_clause_is_placed_by_tense() -> None:
    assert _values("Gardeners hope for rain before the first heat of the summer.", dct="2021-04-14") == {
        "summer": "2021-22"
    }
    assert _values("The pond froze on the coldest night of the winter.", dct="2021-04-14") == {"winter": "2020-24"}
