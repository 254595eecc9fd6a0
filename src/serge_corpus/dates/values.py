"""Calendar points as EDTF strings: parse, format, truncate and shift.

A `Point` is one calendar value at a known precision (day, month, season,
year, decade, century). The detector builds them from text, the resolver
shifts them ("two years later"), and this module is the one place that writes
and reads their EDTF form, so every value the package emits has one spelling.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

PRECISIONS: tuple[str, ...] = ("century", "decade", "year", "season", "month", "day")
# Coarse-to-fine rank, to ask "does this point know its month?".
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
# EDTF level-1 season codes -> first month of the season (northern hemisphere).
SEASON_START_MONTH = {21: 3, 22: 6, 23: 9, 24: 12}
# TIMEX3 unit -> precision of a point shifted by that unit.
UNIT_PRECISION = {"CE": "century", "DE": "decade", "Y": "year", "M": "month", "W": "day", "D": "day"}

_POINT = re.compile(
    r"^(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$"
    r"|^(?P<decade>\d{3})X$|^(?P<century>\d{2})XX$"
)


@dataclass(frozen=True)
class Point:
    """A calendar point. `year` is the first year of a decade or century."""

    precision: str
    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None

    def knows(self, precision: str) -> bool:
        """True when the point is at least as fine as `precision` (a season knows its year)."""
        if precision == "month":
            return self.month is not None
        if precision == "day":
            return self.day is not None
        if precision == "season":
            return self.season is not None or self.month is not None
        return _RANK[self.precision] >= _RANK[precision]


def year_text(year: int) -> str:
    """EDTF year: four digits, a minus sign for BCE (astronomical numbering)."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def format_point(p: Point) -> str:
    if p.precision == "century":
        return f"{p.year // 100:02d}XX"
    if p.precision == "decade":
        return f"{p.year // 10:03d}X"
    if p.precision == "year":
        return year_text(p.year)
    if p.precision == "season":
        return f"{year_text(p.year)}-{p.season:02d}"
    if p.precision == "month":
        return f"{year_text(p.year)}-{p.month:02d}"
    return f"{year_text(p.year)}-{p.month:02d}-{p.day:02d}"


@lru_cache(maxsize=4096)  # the timeline re-reads the same few values many times (D170)
def parse_point(value: str) -> Point | None:
    """Read an EDTF point this package writes; None for anything else."""
    m = _POINT.match(value)
    if m is None:
        return None
    if m["decade"]:
        return Point("decade", int(m["decade"]) * 10)
    if m["century"]:
        return Point("century", int(m["century"]) * 100)
    year = int(m["year"])
    if m["day"]:
        return Point("day", year, int(m["month"]), int(m["day"]))
    if m["month"]:
        month = int(m["month"])
        if month in SEASON_START_MONTH:
            return Point("season", year, season=month)
        if month > 12:  # an EDTF quarter or half ("2008-41"): as a reference, only its year is sure
            return Point("year", year)
        return Point("month", year, month)
    return Point("year", year)


def parse_reference(value: str | None) -> tuple[Point, Point] | None:
    """A reference time as (start, end) points; a point is its own start and end."""
    if not value:
        return None
    value = value.rstrip("~?%")
    if "/" in value:
        first, _, last = value.partition("/")
        a, b = parse_point(first), parse_point(last)
        return (a, b) if a is not None and b is not None else None
    part = _YEAR_PART.match(value)
    if part is not None:  # a quarter or half of a year: the months it spans
        year = int(part["year"])
        first_month, months = YEAR_PART_MONTHS[int(part["code"])]
        return Point("month", year, first_month), Point("month", year, first_month + months - 1)
    p = parse_point(value)
    return (p, p) if p is not None else None


# EDTF level-2 year parts this package writes (D163, D181): quarters 33-36 and halves 40-41, as (first month, months).
YEAR_PART_MONTHS = {33: (1, 3), 34: (4, 3), 35: (7, 3), 36: (10, 3), 40: (1, 6), 41: (7, 6)}
_YEAR_PART = re.compile(r"^(?P<year>-?\d{4})-(?P<code>3[3-6]|4[01])$")


def is_real_day(year: int, month: int, day: int) -> bool:
    """True when the day exists in the proleptic Gregorian calendar."""
    if not 1 <= month <= 12 or day < 1:
        return False
    if year < 1:  # the calendar module stops at year 1; Feb 29 of BCE years is left unchecked
        return day <= (29 if month == 2 else calendar.monthrange(2001, month)[1])
    return day <= calendar.monthrange(year, month)[1]


def truncate(p: Point, precision: str) -> Point | None:
    """The point at a coarser precision ("that year" of 1890-12-30 is 1890); None if unknown."""
    if not p.knows(precision):
        return None
    if precision == "century":
        return Point("century", (p.year // 100) * 100)
    if precision == "decade":
        return Point("decade", (p.year // 10) * 10)
    if precision == "year":
        return Point("year", p.year)
    if precision == "season":
        return Point("season", p.year, season=p.season) if p.season else None
    if precision == "month":
        return Point("month", p.year, p.month)
    return Point("day", p.year, p.month, p.day)


def shift(p: Point, unit: str, amount: int) -> Point | None:
    """`p` moved by `amount` TIMEX3 units, at the unit's precision; None when `p` is too coarse."""
    precision = UNIT_PRECISION.get(unit)
    if precision is None:
        return None
    base = truncate(p, precision)
    if base is None:
        return None
    if unit == "CE":
        return Point("century", base.year + 100 * amount)
    if unit == "DE":
        return Point("decade", base.year + 10 * amount)
    if unit == "Y":
        return Point("year", base.year + amount)
    if unit == "M":
        index = base.year * 12 + (base.month - 1) + amount  # type: ignore[operator]
        return Point("month", index // 12, index % 12 + 1)
    days = amount * (7 if unit == "W" else 1)
    try:
        moved = dt.date(base.year, base.month, base.day) + dt.timedelta(days=days)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None
    return Point("day", moved.year, moved.month, moved.day)


def next_month_named(p: Point, month: int, direction: int) -> Point | None:
    """ "the following December" / "the previous December" seen from `p`."""
    if p.month is not None:
        later = month > p.month
        year = p.year + (0 if later else 1) if direction > 0 else p.year - (0 if month < p.month else 1)
        return Point("month", year, month)
    if p.knows("year"):
        return Point("month", p.year + direction, month)
    return None


def next_season_named(p: Point, season: int, direction: int) -> Point | None:
    """ "the following spring" / "the previous winter" seen from `p`."""
    if not p.knows("year"):
        return None
    start = SEASON_START_MONTH[season]
    here = p.month if p.month is not None else (SEASON_START_MONTH[p.season] if p.season else None)
    if here is None:
        return Point("season", p.year + direction, season=season)
    if direction > 0:
        return Point("season", p.year if start > here else p.year + 1, season=season)
    return Point("season", p.year if start < here else p.year - 1, season=season)


def point_order(a: Point, b: Point) -> int:
    """-1, 0, 1 comparing the first days of two points."""
    ka, kb = _first_day(a), _first_day(b)
    return (ka > kb) - (ka < kb)


def _first_day(p: Point) -> tuple[int, int, int]:
    month = p.month or (SEASON_START_MONTH[p.season] if p.season else 1)
    return (p.year, month, p.day or 1)


def easter(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian computus."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


_HOLIDAY_RULE = re.compile(
    r"^(?:(?P<m>\d{2})-(?P<d>\d{2})|easter|(?P<nm>\d{2})-(?P<wd>[1-7])#(?P<n>-?[1-5]))(?P<off>[+-]\d+)?$"
)
# A rule that names another holiday of the table: "Thanksgiving+1" (Black Friday).
_HOLIDAY_REFERENCE = re.compile(r"^(?P<name>.*?\S)\s*(?P<off>[+-]\d+)?$")


def holiday_day(year: int, rule: str) -> Point | None:
    """The day a holiday rule names in `year`.

    "12-25"; "easter-2" (Good Friday); "11-4#4" (the 4th Thursday of November);
    any of them with a day offset: "11-4#4+1" (the day after it).
    """
    m = _HOLIDAY_RULE.match(rule)
    if m is None or year < 1:
        return None
    if m["m"]:
        month, day = int(m["m"]), int(m["d"])
        if not is_real_day(year, month, day):
            return None
        base = dt.date(year, month, day)
    elif m["nm"]:
        month, weekday, n = int(m["nm"]), int(m["wd"]), int(m["n"])
        days = [
            d
            for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if dt.date(year, month, d).isoweekday() == weekday
        ]
        base = dt.date(year, month, days[n - 1 if n > 0 else n])
    elif year < 1583:  # the Gregorian computus before the Gregorian calendar would be wrong
        return None
    else:
        base = easter(year)
    try:
        day_ = base + dt.timedelta(days=int(m["off"] or 0))
    except OverflowError:
        return None
    return Point("day", day_.year, day_.month, day_.day)


def expand_holiday_rules(holidays: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The table with rules that name another holiday ("Thanksgiving+1") written as that holiday's rule + offset.

    Returns the expanded table and the names whose rule is neither a rule nor
    a reference to a holiday with one (a chain of references is followed).
    """
    out: dict[str, str] = {}
    bad: list[str] = []
    for name in holidays:
        rule, seen, offset = holidays[name], {name}, 0
        while not is_holiday_rule(rule):
            ref = _HOLIDAY_REFERENCE.match(rule)
            target = ref["name"] if ref else ""
            if target not in holidays or target in seen:
                break
            seen.add(target)
            offset += int(ref["off"] or 0) if ref else 0
            rule = holidays[target]
        if not is_holiday_rule(rule):
            bad.append(name)
            continue
        out[name] = _with_offset(rule, offset) if offset else rule
    return out, bad


def _with_offset(rule: str, offset: int) -> str:
    m = _HOLIDAY_RULE.match(rule)
    assert m is not None
    total = int(m["off"] or 0) + offset
    base = rule[: m.start("off")] if m["off"] else rule
    return f"{base}{total:+d}" if total else base


def is_holiday_rule(rule: str) -> bool:
    return bool(_HOLIDAY_RULE.match(rule))
