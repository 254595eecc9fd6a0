"""Each pattern family: span boundaries and date objects, on sentences about other histories."""

from __future__ import annotations

import pytest

from serge_corpus.dates import find_dates


def only(text: str, anchor: str | None = None) -> tuple[str, dict]:
    spans = find_dates(text, anchor)
    assert len(spans) == 1, [s.text for s in spans]
    return spans[0].text, spans[0].date.to_dict()


def date(type_: str, value: str | None, mod: str | None = None, anchor: str | None = None, **extra) -> dict:
    return {"type": type_, "value": value, "mod": mod, "anchor": anchor, **extra}


CASES = [
    # full dates, both orders, abbreviations, ordinals, weekdays, ISO, unambiguous numeric
    ("Rosa Luxemburg was murdered on January 15, 1919, in Berlin.", "January 15, 1919", date("DATE", "1919-01-15")),
    ("Luxemburg was murdered on 15 January 1919 in Berlin.", "15 January 1919", date("DATE", "1919-01-15")),
    ("Garibaldi landed on the 11th of May, 1860, at Marsala.", "11th of May, 1860", date("DATE", "1860-05-11")),
    ("The Commune fell on Sunday, May 28, 1871.", "Sunday, May 28, 1871", date("DATE", "1871-05-28")),
    ("Gramsci was arrested on Nov. 8, 1926 in Rome.", "Nov. 8, 1926", date("DATE", "1926-11-08")),
    ("The decree is dated 1918-01-28 in the archive.", "1918-01-28", date("DATE", "1918-01-28")),
    ("The letter is dated 17/11/1947.", "17/11/1947", date("DATE", "1947-11-17")),
    ("The telegram is dated 11/17/1947.", "11/17/1947", date("DATE", "1947-11-17")),
    # month + year, month ranges
    ("Emma Goldman was deported in December 1919.", "December 1919", date("DATE", "1919-12")),
    ("The strike lasted through March-April 1921.", "March-April 1921", date("INTERVAL", "1921-03/1921-04")),
    ("The congress sat from March to May 1921.", "March to May 1921", date("INTERVAL", "1921-03/1921-05")),
    # years and year ranges
    ("In 1848 revolutions swept Europe.", "1848", date("DATE", "1848")),
    ("Marx (1818-1883) wrote in London.", "1818-1883", date("INTERVAL", "1818/1883")),
    ("The Paris years (1843–45) shaped him.", "1843–45", date("INTERVAL", "1843/1845")),
    ("The famine of 1932-3 killed millions.", "1932-3", date("INTERVAL", "1932/1933")),
    ("He lived there from 1934 to 1938.", "1934 to 1938", date("INTERVAL", "1934/1938")),
    ("Between 1848 and 1851 the republic failed.", "1848 and 1851", date("INTERVAL", "1848/1851")),
    ("The winter campaign of 1898-02 dragged on.", "1898-02", date("INTERVAL", "1898/1902")),
    ("The war of 1917/18 ended badly.", "1917/18", date("INTERVAL", "1917/1918")),
    ("Caesar crossed the Rubicon in 49 BC.", "49 BC", date("DATE", "-0048")),
    ("Charlemagne was crowned in AD 800.", "AD 800", date("DATE", "0800")),
    # day ranges
    ("The Kiel mutiny ran November 3-4, 1918.", "November 3-4, 1918", date("INTERVAL", "1918-11-03/1918-11-04")),
    ("The Spartacist rising ran 5-12 January 1919.", "5-12 January 1919", date("INTERVAL", "1919-01-05/1919-01-12")),
    # seasons
    ("In the spring of 1871 Paris rose.", "spring of 1871", date("DATE", "1871-21")),
    ("By the summer of 1936 Spain was at war.", "summer of 1936", date("DATE", "1936-22")),
    ("In autumn 1917 the soviets grew.", "autumn 1917", date("DATE", "1917-23")),
    ("Through the winter of 1917-18 they starved.", "winter of 1917-18", date("DATE", "1917-24")),
    # decades and centuries
    ("Anarchism spread in the 1890s.", "1890s", date("DATE", "189X")),
    ("Fascism rose in the early 1920s.", "early 1920s", date("DATE", "192X", "START")),
    ("In the mid-1930s the purges began.", "mid-1930s", date("DATE", "193X", "MID")),
    ("In the late 1840s Europe rose.", "late 1840s", date("DATE", "184X", "END")),
    ("The 19th century ended in war.", "19th century", date("DATE", "18XX")),
    ("The nineteenth century ended in war.", "nineteenth century", date("DATE", "18XX")),
    ("Portugal in the XIX century was poor.", "XIX century", date("DATE", "18XX")),
    ("The 1800s saw the railways.", "1800s", date("DATE", "18XX")),
    ("Between the 19th and 20th centuries the empire fell.", "19th and 20th centuries", date("INTERVAL", "18XX/19XX")),
    # modifiers
    ("At the end of 1905 Moscow rose.", "end of 1905", date("DATE", "1905", "END")),
    ("At the beginning of 1919 the Spartacists struck.", "beginning of 1919", date("DATE", "1919", "START")),
    ("In mid 1926 the general strike came.", "mid 1926", date("DATE", "1926", "MID")),
    ("Around 1905 Lenin was in Geneva.", "Around 1905", date("DATE", "1905", "APPROX")),
    ("The manuscript dates from c. 1848.", "c. 1848", date("DATE", "1848", "APPROX")),
    # a preposition before the date is outside and sets no mod (D119)
    ("The guild existed prior to 1789.", "1789", date("DATE", "1789")),
    ("Nothing changed before 1789.", "1789", date("DATE", "1789")),
    ("Everything changed after 1789.", "1789", date("DATE", "1789")),
    ("Since 1848 the city had grown.", "1848", date("DATE", "1848")),
    ("From 1930 onwards the camps grew.", "1930 onwards", date("DATE", "1930", "AFTER")),
    ("From 1930 on the camps grew.", "1930 on", date("DATE", "1930", "AFTER")),
    ("He lived in exile for about five years.", "about five years", date("DURATION", "P5Y", "APPROX")),
    # durations and ages
    ("Gramsci spent eleven years in prison.", "eleven years", date("DURATION", "P11Y")),
    ("The siege lasted 872 days.", "872 days", date("DURATION", "P872D")),
    ("A three-month journey followed.", "three-month", date("DURATION", "P3M")),
    ("The war went on for decades.", "decades", date("DURATION", "PXDE")),
    ("The war went on for years.", "years", date("DURATION", "PXY")),
    ("She waited several weeks.", "several weeks", date("DURATION", "PXW")),
    ("He spoke for twenty-five minutes.", "twenty-five minutes", date("DURATION", "PT25M")),
    ("Exile lasted two and a half years.", "two and a half years", date("DURATION", "P2.5Y")),
    ("Luxemburg died aged 47.", "47", date("DURATION", "P47Y")),
    ("Bakunin left home aged nineteen.", "nineteen", date("DURATION", "P19Y")),
    ("He began to work at the age of nine.", "nine", date("DURATION", "P9Y")),
    # an age is only its number, whatever the wording (D117)
    ("A 23-year-old sailor led the mutiny.", "23", date("DURATION", "P23Y")),
    ("The sailor was 23 years old.", "23", date("DURATION", "P23Y")),
    ("Keats died at twenty-five years of age.", "twenty-five", date("DURATION", "P25Y")),
    ("Rimbaud stopped writing at the age of twenty.", "twenty", date("DURATION", "P20Y")),
    # any length of time is a DURATION, minutes and hyphenated adjectives included (D118)
    ("The speech lasted forty minutes.", "forty minutes", date("DURATION", "PT40M")),
    ("A three-week strike followed.", "three-week", date("DURATION", "P3W")),
    ("Serfdom lasted for centuries.", "centuries", date("DURATION", "PXCE")),
    # a year standing for its events is still a date (D124)
    ("The generation that made 1848 grew old.", "1848", date("DATE", "1848")),
    # a season without a year: one the text does not fix, value null (D123)
    ("Peasants starved in the winter.", "winter", date("DATE", None)),
    ("In the bitter winter, the army froze.", "winter", date("DATE", None)),
    ("They retreated in the late autumn.", "late autumn", date("DATE", None, "END")),
    # sets
    ("The river froze each winter.", "each winter", date("SET", "XXXX-24")),
    ("The congress met every year.", "every year", date("SET", "P1Y")),
    ("The paper appeared twice a week.", "twice a week", date("SET", "P1W", freq="2X")),
    ("They marched every Sunday.", "every Sunday", date("SET", "XXXX-WXX-7")),
]


@pytest.mark.parametrize(("text", "span", "expected"), CASES)
def test_family(text: str, span: str, expected: dict) -> None:
    assert only(text) == (span, expected)


RELATIVE = [
    ("In 1905 he fled. Two years later he returned.", "1905", "Two years later", date("DATE", "1907", anchor="1905")),
    (
        "In 1905 he fled. Three years earlier he had married.",
        "1905",
        "Three years earlier",
        date("DATE", "1902", anchor="1905"),
    ),
    ("In 1905 he fled. The following year he returned.", "1905", "following year", date("DATE", "1906", anchor="1905")),
    (
        "In 1905 he fled. The previous year he had married.",
        "1905",
        "previous year",
        date("DATE", "1904", anchor="1905"),
    ),
    (
        "In 1905 he fled. In December of that year he wrote.",
        "1905",
        "December of that year",
        date("DATE", "1905-12", anchor="1905"),
    ),
    ("In 1905 he fled. In October he wrote.", "1905", "October", date("DATE", "1905-10", anchor="1905")),
    (
        "On March 2, 1921 they rose. On March 18 they fell.",
        "March 2, 1921",
        "March 18",
        date("DATE", "1921-03-18", anchor="1921-03-02"),
    ),
    (
        "On March 2, 1921 they rose. Three days later it ended.",
        "March 2, 1921",
        "Three days later",
        date("DATE", "1921-03-05", anchor="1921-03-02"),
    ),
    # a vague distance: the granularity the text supports, no mod (D120); "A" is inside (D121)
    (
        "In 1899 he was jailed. A few weeks later he was out.",
        "1899",
        "A few weeks later",
        date("DATE", "1899", anchor="1899"),
    ),
    (
        "On March 3, 1918 they signed. A few weeks later they left.",
        "March 3, 1918",
        "A few weeks later",
        date("DATE", "1918-03", anchor="1918-03-03"),
    ),
    (
        "In 1861 the serfs were freed. Several years later they rose.",
        "1861",
        "Several years later",
        date("DATE", None, anchor="1861"),
    ),
    (
        "In 1900 it began; half a century later it ended.",
        "1900",
        "half a century later",
        date("DATE", "1950", anchor="1900"),
    ),
    ("In 1905 he fled. That year he wrote.", "1905", "That year", date("DATE", "1905", anchor="1905")),
    ("In 1905 he fled. The next spring he wrote.", "1905", "next spring", date("DATE", "1906-21", anchor="1905")),
    ("In the 1920s and in the forties he wrote.", "1920s", "forties", date("DATE", "194X", anchor="192X")),
]


@pytest.mark.parametrize(("text", "first", "span", "expected"), RELATIVE)
def test_relative(text: str, first: str, span: str, expected: dict) -> None:
    spans = find_dates(text)
    assert [s.text for s in spans] == [first, span]
    assert spans[1].date.to_dict() == expected


def test_length_before_an_event_is_a_duration_without_the_preposition() -> None:
    # D118, D119: "months before the First Moscow Process" -> "months" PXM.
    spans = find_dates("In 1935 they left, months before the first trial.")
    assert spans[1].text == "months"
    assert spans[1].date.to_dict() == date("DURATION", "PXM")
    spans = find_dates("The strike began three weeks before the armistice.")
    assert [(s.text, s.date.value) for s in spans] == [("three weeks", "P3W")]


def test_length_before_a_date_is_a_duration_and_the_date_stands_alone() -> None:
    # D119: the preposition is outside; the length is a DURATION, the date a DATE.
    spans = find_dates("It came two years after 1917.")
    assert [(s.text, s.date.to_dict()) for s in spans] == [
        ("two years", date("DURATION", "P2Y")),
        ("1917", date("DATE", "1917")),
    ]


def test_the_date_after_a_preposition_moves_the_reference() -> None:
    # D120: the last absolute date in reading order, its mod and preposition aside.
    spans = find_dates("Nothing changed before 1789. That year the Estates met.")
    assert [(s.text, s.date.value, s.date.anchor) for s in spans] == [
        ("1789", "1789", None),
        ("That year", "1789", "1789"),
    ]
    spans = find_dates("At the end of 1905 the Soviet fell, and in December Moscow rose.")
    assert spans[1].text == "December" and spans[1].date.to_dict() == date("DATE", "1905-12", anchor="1905")


def test_ago_counts_from_writing_time_which_is_unknown() -> None:
    assert only("Ten years ago the archive opened.", anchor="1950") == ("Ten years ago", date("DATE", None))


def test_relative_without_reference_is_null() -> None:
    assert only("Two years later he returned.") == ("Two years later", date("DATE", None))


def test_anchor_parameter_starts_the_reference() -> None:
    assert only("In December of that year he wrote.", anchor="1923") == (
        "December of that year",
        date("DATE", "1923-12", anchor="1923"),
    )
