"""The pattern families of issue 10 and the dates of issue 15, on sentences written for these tests.

None comes from the afterword; each expects the whole date object (D158-D164).
"""

from __future__ import annotations

import pytest

from serge_corpus.dates import find_dates, normalize
from serge_corpus.dates.timex3 import span_timex3
from serge_corpus.errors import SergeCorpusError


def spans(text: str, anchor: str | None = None, dct: str | None = None) -> list[tuple[str, dict]]:
    return [(s.text, s.date.to_dict()) for s in find_dates(text, anchor, dct)]


def date(type_: str, value: str | None, mod: str | None = None, anchor: str | None = None, **extra) -> dict:
    return {"type": type_, "value": value, "mod": mod, "anchor": anchor, **extra}


ISSUE_15 = [
    ("Every July the fishermen bless the boats.", "Every July", date("SET", "XXXX-07")),
    ("The oak stood for about 1,500 years.", "about 1,500 years", date("DURATION", "P1500Y", "APPROX")),
    (
        "The exhibition ran from 1 May to 3 June 1937.",
        "1 May to 3 June 1937",
        date("INTERVAL", "1937-05-01/1937-06-03"),
    ),
    ("The road was built in the 1st century BC.", "1st century BC", date("DATE", "-00XX")),
    ("The Winter Palace fell on Nov 7 1917 at night.", "Nov 7 1917", date("DATE", "1917-11-07")),
    ("Prices doubled in the first half of 1920.", "first half of 1920", date("DATE", "1920-40")),
]

FAMILIES = [
    # holidays and named days (D162)
    ("The truce held at Christmas 1914 along the front.", "Christmas 1914", date("DATE", "1914-12-25")),
    ("The rising began on Easter Monday 1916 in Dublin.", "Easter Monday 1916", date("DATE", "1916-04-24")),
    ("Crowds gathered on Bastille Day 1880.", "Bastille Day 1880", date("DATE", "1880-07-14")),
    # full-date ranges, both sides
    (
        "The siege lasted from May 1, 1937, to June 1938.",
        "May 1, 1937, to June 1938",
        date("INTERVAL", "1937-05-01/1938-06"),
    ),
    # composite durations, half a century, lead words (D164)
    ("The mandate lasted two years and three months.", "two years and three months", date("DURATION", "P2Y3M")),
    ("The dynasty ruled for half a century.", "half a century", date("DURATION", "P50Y")),
    ("The rains will last the next few days.", "next few days", date("DURATION", "PXD")),
    ("He stayed another two years in exile.", "another two years", date("DURATION", "P2Y")),
    ("The harvest failed for several months.", "several months", date("DURATION", "PXM")),
    ("The region has been quiet for the past decade.", "past decade", date("DURATION", "P1DE")),
    # year NNNN, year parts (D163)
    ("In the year 1848 the thrones shook.", "year 1848", date("DATE", "1848")),
    ("Output fell in the latter half of 2008.", "latter half of 2008", date("DATE", "2008-41")),
    ("Exports grew in the third quarter of 1925.", "third quarter of 1925", date("DATE", "1925-35")),
    ("Fighting went on for the rest of 1942.", "rest of 1942", date("DATE", "1942")),
    # ordinal and spelled centuries and decades
    ("The revolt lasted from 499 to 493 BC in Ionia.", "499 to 493 BC", date("INTERVAL", "-0498/-0492")),
    ("Riots spread over the following days in the port.", "following days", date("DURATION", "PXD")),
    ("The rebels were routed within days.", "days", date("DURATION", "PXD")),
    ("Temples were built in the fifth century BC.", "fifth century BC", date("DATE", "-04XX")),
    ("Steam changed the twenty-first century less.", "twenty-first century", date("DATE", "20XX")),
]


@pytest.mark.parametrize(("text", "span", "expected"), ISSUE_15 + FAMILIES)
def test_family(text: str, span: str, expected: dict) -> None:
    assert spans(text) == [(span, expected)]


RELATIVE = [
    # (text, anchor, expected spans)
    (
        "In 1905 the fleet sailed. The same year, the mutiny came.",
        None,
        [("1905", date("DATE", "1905")), ("same year", date("DATE", "1905", anchor="1905"))],
    ),
    (
        "The treaty was signed on 3 March 1918. The following day, troops moved.",
        None,
        [
            ("3 March 1918", date("DATE", "1918-03-03")),
            ("following day", date("DATE", "1918-03-04", anchor="1918-03-03")),
        ],
    ),
    (
        "The port fell on 12 June 1940. The next day the army left.",
        None,
        [("12 June 1940", date("DATE", "1940-06-12")), ("next day", date("DATE", "1940-06-13", anchor="1940-06-12"))],
    ),
    (
        "The strike began in March 1926. The previous autumn had been calm.",
        None,
        [("March 1926", date("DATE", "1926-03")), ("previous autumn", date("DATE", "1925-23", anchor="1926-03"))],
    ),
    (
        "The crops failed in 1932. Two years later the reform came.",
        None,
        [("1932", date("DATE", "1932")), ("Two years later", date("DATE", "1934", anchor="1932"))],
    ),
    (
        "The canal opened in 1869. Riots filled the remainder of the year.",
        None,
        [("1869", date("DATE", "1869")), ("remainder of the year", date("DATE", "1869", anchor="1869"))],
    ),
    (
        "The town was taken in 1812. On 15 Febuary of that year the bridge burned.",
        None,
        [("1812", date("DATE", "1812")), ("15 Febuary of that year", date("DATE", "1812-02-15", anchor="1812"))],
    ),
    (
        "In 1941 the blockade began. On Christmas Eve the bread ran out.",
        None,
        [("1941", date("DATE", "1941")), ("Christmas Eve", date("DATE", "1941-12-24", anchor="1941"))],
    ),
    # D165: "the summer" after a preposition, no adjective: the reference year's
    (
        "The offensive stalled in 1942. During the summer, the front held.",
        None,
        [("1942", date("DATE", "1942")), ("summer", date("DATE", "1942-22", anchor="1942"))],
    ),
    (
        "The harvest failed in 1921. In the bitter winter, people starved.",
        None,
        [("1921", date("DATE", "1921")), ("winter", date("DATE", None))],
    ),
    (
        "The town fell in 1807. By the start of July the army had left.",
        None,
        [("1807", date("DATE", "1807")), ("start of July", date("DATE", "1807-07", "START", anchor="1807"))],
    ),
    # D167: the day after an event, from the reference
    (
        "The armistice was signed on 11 November 1918. The day after the armistice, crowds sang.",
        None,
        [
            ("11 November 1918", date("DATE", "1918-11-11")),
            ("day after", date("DATE", "1918-11-12", anchor="1918-11-11")),
        ],
    ),
    # a range of bare months: the end may be in the next year; it does not move the reference
    (
        "The fleet wintered there in 1915, from October to March. In June it sailed.",
        None,
        [
            ("1915", date("DATE", "1915")),
            ("October to March", date("INTERVAL", "1915-10/1916-03", anchor="1915")),
            ("June", date("DATE", "1915-06", anchor="1915")),
        ],
    ),
    # D160: a month well before the reference month is in the next year
    (
        "War was declared on 11 December 1941. In January, the convoys sailed.",
        None,
        [("11 December 1941", date("DATE", "1941-12-11")), ("January", date("DATE", "1942-01", anchor="1941-12-11"))],
    ),
    # a day-month without year after a full date keeps that date's year
    (
        "The armistice came on 11 November 1918; on 28 November the troops marched.",
        None,
        [
            ("11 November 1918", date("DATE", "1918-11-11")),
            ("28 November", date("DATE", "1918-11-28", anchor="1918-11-11")),
        ],
    ),
]


@pytest.mark.parametrize(("text", "anchor", "expected"), RELATIVE)
def test_relative(text: str, anchor: str | None, expected: list) -> None:
    assert spans(text, anchor) == expected


NEWS = "2013-03-15"
DEICTIC = [
    ("The minister resigned yesterday.", [("yesterday", date("DATE", "2013-03-14", anchor=NEWS))]),
    ("Talks resume today in Geneva.", [("today", date("DATE", "2013-03-15", anchor=NEWS))]),
    ("The bank raised rates last week.", [("last week", date("INTERVAL", "2013-03-04/2013-03-10", anchor=NEWS))]),
    ("Voters went to the polls on Monday.", [("Monday", date("DATE", "2013-03-11", anchor=NEWS))]),
    ("The summit opens next Tuesday.", [("next Tuesday", date("DATE", "2013-03-19", anchor=NEWS))]),
    ("Sales this year are flat.", [("this year", date("DATE", "2013", anchor=NEWS))]),
    ("The law takes effect next month.", [("next month", date("DATE", "2013-04", anchor=NEWS))]),
    ("The dam was finished three years ago.", [("three years ago", date("DATE", "2010", anchor=NEWS))]),
    ("Prices are now falling.", [("now", date("DATE", NEWS, anchor=NEWS, ref="PRESENT"))]),
    # deictic words ignore the running reference: the DCT fixes them
    (
        "In 1998 the plant opened; last year it closed.",
        [("1998", date("DATE", "1998")), ("last year", date("DATE", "2012", anchor=NEWS))],
    ),
]


@pytest.mark.parametrize(("text", "expected"), DEICTIC)
def test_news_mode(text: str, expected: list) -> None:
    assert spans(text, dct=NEWS) == expected


def test_narrative_mode_without_dct() -> None:
    # now/today: PRESENT_REF equivalents; ago: no value; "last year": the reference (D158, D159)
    # without a DCT, `now` is the narrative's vague "by then" or the writer's present: not a DATE (D153, D169)
    assert spans("The city is now called Volgograd.") == []
    assert spans("The Whites now held Kiev.") == []
    assert spans("Today the square is empty.") == [("Today", date("DATE", None, ref="PRESENT"))]
    assert spans("The dam was finished three years ago.") == [("three years ago", date("DATE", None))]
    assert spans("In 1921 famine came; last year had been calm.") == [
        ("1921", date("DATE", "1921")),
        ("last year", date("DATE", "1920", anchor="1921")),
    ]
    assert spans("The army was now exhausted.") == []  # narrative "by then" (D159)


def test_present_ref_converts_to_timex3() -> None:
    (span,) = find_dates("Today the city is called Volgograd.")
    assert [(t.type, t.value) for t in span_timex3(span)] == [("DATE", "PRESENT_REF")]


def test_week_and_interval_mentions() -> None:
    (week,) = find_dates("The bank raised rates last week.", dct=NEWS)
    assert [(t.type, t.value) for t in span_timex3(week)] == [("DATE", "2013-W10")]
    text = "The battle (July 1 to July 3, 1863) was decisive."
    (battle,) = find_dates(text)
    parts = span_timex3(battle)
    found = [(text[t.start : t.end], t.value) for t in parts]
    assert found == [("July 1", "1863-07-01"), ("July 3, 1863", "1863-07-03")]


def test_time_expressions_stay_out_and_leave_the_date() -> None:
    assert spans("The assault began on 7 November 1917 at 5 p.m. sharp.") == [
        ("7 November 1917", date("DATE", "1917-11-07"))
    ]
    assert spans("At 10:30 on 2 May 1945 the garrison surrendered.") == [("2 May 1945", date("DATE", "1945-05-02"))]


def test_elided_decade_keeps_its_apostrophe() -> None:
    # D161: the apostrophe belongs to the span; the decade is in the reference's century
    assert spans("In 1965 nobody foresaw the ’70s.") == [
        ("1965", date("DATE", "1965")),
        ("’70s", date("DATE", "197X", anchor="1965")),
    ]


def test_names_are_not_dates() -> None:
    assert spans("Bloody Sunday shocked the capital.") == []
    assert spans("the now famous letter") == []


def test_bad_dct_is_a_user_error() -> None:
    with pytest.raises(SergeCorpusError) as err:
        find_dates("today", dct="15/03/2013")
    assert "E400" in str(err.value)


def test_normalize_with_dct() -> None:
    assert normalize("yesterday", dct="2013-03-15").value == "2013-03-14"


def test_timeml_conventions_are_an_option() -> None:
    text = "The former capital was now deserted. A few weeks later the future looked bleak."
    assert [s.text for s in find_dates(text)] == ["A few weeks later"]
    timeml = {s.text: s.date.extra.get("ref") for s in find_dates(text, conventions="timeml")}
    assert timeml == {"former": "PAST", "now": "PRESENT", "A few weeks later": "FUTURE", "the future": "FUTURE"}
    values = [t.value for s in find_dates(text, conventions="timeml") for t in span_timex3(s)]
    assert values == ["PAST_REF", "PRESENT_REF", "FUTURE_REF", "FUTURE_REF"]


# Months, days and seasons in an era (invented sentences about ancient history).
@pytest.mark.parametrize(
    ("text", "span", "value", "timex"),
    [
        ("The fleet sailed in April 480 BC from the gulf.", "April 480 BC", "-0479-04", "BC0480-04"),
        ("Caesar was killed on 15 March 44 BC in Rome.", "15 March 44 BC", "-0043-03-15", "BC0044-03-15"),
        ("The treaty was sworn on September 2, 31 BC.", "September 2, 31 BC", "-0030-09-02", "BC0031-09-02"),
        ("The envoys met in the spring of 338 BC at the isthmus.", "spring of 338 BC", "-0337-21", "BC0338-SP"),
        ("The city burned on 24 August AD 79.", "24 August AD 79", "0079-08-24", "0079-08-24"),
    ],
)
def test_months_days_and_seasons_in_an_era(text: str, span: str, value: str, timex: str) -> None:
    found = find_dates(text)
    assert [(s.text, s.date.value) for s in found] == [(span, value)]
    assert [t.value for t in span_timex3(found[0])] == [timex]


def test_era_and_day_month_ranges_are_two_timexes() -> None:
    text = "The revolt (512-497 BC) failed; the fleet fought on 3 June-5 June 1905 in the straits."
    parts = [(text[t.start : t.end], t.value) for s in find_dates(text) for t in span_timex3(s)]
    assert parts == [("512", "BC0512"), ("497 BC", "BC0497"), ("3 June", "1905-06-03"), ("5 June 1905", "1905-06-05")]


def test_a_part_of_a_month_is_a_date_before_a_capitalised_word() -> None:
    # D114 reads "by August Bebel" as a name; "in late April Soviet forces" names a part of April.
    text = "In 1921 the strikes spread, and in late April Soviet troops entered the town."
    assert [(s.text, s.date.value) for s in find_dates(text)][-1] == ("late April", "1921-04")
    assert [s.text for s in find_dates("A speech by the late August Bebel was read.")] == []


@pytest.mark.parametrize("prep", ["over", "for", "during"])
def test_the_season_after_over_or_for_is_the_reference_years(prep: str) -> None:
    text = f"In 1812 the army reached the city and stayed {prep} the winter."
    assert [(s.text, s.date.value) for s in find_dates(text)][-1] == ("winter", "1812-24")


def test_a_range_of_months_without_a_preposition() -> None:
    text = "The strikes ended in 1905. January to March was quiet; April and June brought riots."
    found = [(s.text, s.date.value) for s in find_dates(text)]
    assert found == [("1905", "1905"), ("January to March", "1905-01/1905-03")]  # "April and June" alone: no range


@pytest.mark.parametrize(
    ("sentence", "span", "value", "mod"),
    [
        ("The legion spent the winter in Kiev.", "winter", "1812-24", None),
        ("By the middle of summer the rebels held the valley.", "middle of summer", "1812-22", "MID"),
        ("They left before the onset of winter closed the passes.", "winter", "1812-24", None),
    ],
)
def test_the_season_after_spending_verbs_and_parts(sentence: str, span: str, value: str, mod: str | None) -> None:
    found = find_dates("The war broke out in 1812. " + sentence)
    assert [(s.text, s.date.value, s.date.mod) for s in found][-1] == (span, value, mod)


def test_a_season_before_an_event_noun_is_a_date_only_in_timeml_conventions() -> None:
    # D171: the guidelines leave "the summer offensive" out (D114, D123); TimeML tags it.
    text = "In 1916 the army prepared its summer offensive while the hot spring water froze."
    assert [s.text for s in find_dates(text)] == ["1916"]
    timeml = [(s.text, s.date.value) for s in find_dates(text, conventions="timeml")]
    assert timeml == [("1916", "1916"), ("summer", "1916-22")]


# News mode, more deixis (DCT 2013-03-15, a Friday); invented sentences.
NEWS_MORE = [
    # weekdays: past by default, the coming one after a future cue, the DCT's own weekday is the DCT
    ("The ferry sank on Wednesday.", "Wednesday", "2013-03-13"),
    ("The ferry will sail on Wednesday.", "Wednesday", "2013-03-20"),
    ("The court adjourned until Monday.", "Monday", "2013-03-18"),
    ("The strike ended last Thursday.", "last Thursday", "2013-03-14"),  # the most recent one
    ("The mayor spoke on Friday.", "Friday", "2013-03-15"),
    ("Earlier this month the court ruled.", "Earlier this month", "2013-03"),  # D156
    ("Later this year the mill reopens.", "Later this year", "2013"),
    ("The canal froze two weeks ago.", "two weeks ago", "2013-03-01"),
    ("The fleet was sold a year ago.", "a year ago", "2012"),
    ("The mill will close next year.", "next year", "2014"),
    # months and days without a year (D172): the tense before them picks the year
    ("Exports fell in December.", "December", "2012-12"),
    ("Exports will recover in December.", "December", "2013-12"),
    ("The port reopens in April.", "April", "2013-04"),  # no cue: the DCT's year
    ("The new line will open on February 2.", "February 2", "2014-02-02"),
    ("The contract was signed on March 3.", "March 3", "2013-03-03"),
    # quarters and halves (D172)
    ("Profits fell in the fourth quarter.", "fourth quarter", "2012-36"),
    ("In the first quarter, orders rose.", "first quarter", "2013-33"),
    ("The group expects a rebound in the second half.", "second half", "2013-41"),
    ("Losses narrowed last quarter.", "last quarter", "2012-36"),
    ("Margins should improve next quarter.", "next quarter", "2013-34"),
]


@pytest.mark.parametrize(("text", "span", "value"), NEWS_MORE)
def test_news_mode_more_deixis(text: str, span: str, value: str) -> None:
    assert [(s.text, s.date.value) for s in find_dates(text, dct=NEWS)] == [(span, value)]


def test_quarters_convert_to_timex3_and_follow_the_narrative_without_a_dct() -> None:
    (q,) = find_dates("Losses narrowed last quarter.", dct=NEWS)
    assert [t.value for t in span_timex3(q)] == ["2012-Q4"]
    found = [
        (s.text, s.date.value) for s in find_dates("In 1929 the banks failed. In the fourth quarter, mills closed.")
    ]
    assert found == [("1929", "1929"), ("fourth quarter", "1929-36")]  # narrative: the reference year, no tense rule
    assert find_dates("In the first half of the match he scored.") == []  # "of" something else: not a date


def test_a_modifier_before_the_season_keeps_it_in_the_reference_year() -> None:
    # D171: early/late/mid are modifiers (D146), not the descriptive adjectives of D123
    found = find_dates("The siege began in 1919. In the early summer, the army moved; in the bitter winter, it froze.")
    assert [(s.text, s.date.value, s.date.mod) for s in found] == [
        ("1919", "1919", None),
        ("early summer", "1919-22", "START"),
        ("winter", None, None),
    ]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("On 9 July 1848 the barricades rose; the assembly fell later that month.", "later that month", "1848-07"),
        ("The talks failed in 1871. Later that year the treaty was signed.", "Later that year", "1871"),
        ("The fort fell on 17 June 1775. Later in the summer the siege began.", "Later in the summer", "1775-22"),
        ("In 1905 the mutiny, which had started earlier that year, ended.", "earlier that year", "1905"),
    ],
)
def test_later_and_earlier_join_a_relative_date(text: str, span: str, value: str) -> None:
    # D156: the adverb is part of the relative date and sets no mod
    assert [(s.text, s.date.value, s.date.mod) for s in find_dates(text)][-1] == (span, value, None)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Raids averaged 40 a day that spring.", "a day", "P1D"),
        ("The grant fell from $2 million a year to nothing.", "a year", "P1Y"),
        ("The column covered 25 miles (40 km) a day.", "a day", "P1D"),
        ("Desertions reached nearly 300 a week.", "a week", "P1W"),
    ],
)
def test_a_rate_is_no_date_but_a_timeml_set(text: str, span: str, value: str) -> None:
    # D148: the unit of a rate belongs to a quantity; TimeML tags a SET (D173)
    assert [s.text for s in find_dates(text) if s.date.type in ("DURATION", "SET")] == []
    timeml = [(s.text, s.date.type, s.date.value) for s in find_dates(text, conventions="timeml")]
    assert (span, "SET", value) in timeml


def test_a_lone_length_stays_a_duration() -> None:
    assert [(s.text, s.date.value) for s in find_dates("The siege took a year; they rested a day.")] == [
        ("a year", "P1Y"),
        ("a day", "P1D"),
    ]


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("15 March 44 BC last week.", "last week"),
        ("On 15 March 44 BC the senate met. On Monday it fled.", "Monday"),
        ("April 480 BC the '70s.", "'70s"),
    ],
)
def test_weeks_weekdays_and_apostrophe_decades_after_a_bc_date_have_no_value(text: str, phrase: str) -> None:
    # Python's calendar starts at year 1 and EDTF has no apostrophe decade BC: null, never a crash
    got = {s.text: s.date for s in find_dates(text)}
    assert got[phrase] is not None and got[phrase].value is None
