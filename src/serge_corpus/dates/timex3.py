"""Conversions between the guidelines' EDTF values and TIMEX3 (TimeML) values.

HeidelTime, SUTime, timexy and TimeBank speak TIMEX3; the corpus speaks EDTF.
The two differ for a few granularities:

| meaning        | EDTF           | TIMEX3        |
|----------------|----------------|---------------|
| spring 1925    | `1925-21`      | `1925-SP`     |
| summer/autumn/winter | `-22`/`-23`/`-24` | `-SU`/`-FA`/`-WI` |
| 1st quarter    | `1925-33`      | `1925-Q1`     |
| 1st half       | `1925-40`      | `1925-H1`     |
| the 1930s      | `193X`         | `193`         |
| the 19th c.    | `18XX`         | `18`          |
| the 5th c. BC  | `-04XX`        | `BC04`        |
| 44 BC          | `-0043`        | `BC0044`      |
| an interval    | `1934/1938`    | two values: `1934`, `1938` |
| a weekend      | `2008-12-13/2008-12-14` ("weekend" in the span) | `2008-W50-WE` |
| fiscal 2007    | `2007`, extra `fiscal: true` | `FY2007` |
| Monday afternoon (timeml) | `1995-06-12`, extra `time: AF` | TIME `1995-06-12TAF` |

Days, months, years and unspecified digits (`XXXX-11-16`) are spelt alike;
durations (`P5Y`, `PXDE`) are TIMEX3 already and pass through unchanged.
A value with no counterpart raises `SergeCorpusError` (E102/E103).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from serge_corpus.date_object import is_duration, is_edtf
from serge_corpus.dates.values import year_text
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import DateValue, Span

_SEASON = {"21": "SP", "22": "SU", "23": "FA", "24": "WI"}
_QUARTER = {"33": "Q1", "34": "Q2", "35": "Q3", "36": "Q4"}
_HALF = {"40": "H1", "41": "H2"}
_TO_TIMEX = {**_SEASON, **_QUARTER, **_HALF}
_TO_EDTF = {v: k for k, v in _TO_TIMEX.items()}
_SET_SEASON = re.compile(r"(?<=^XXXX-)(2[1-4])$")

_EDTF_YEAR = re.compile(r"^(?P<year>-?\d{4})(?P<rest>(?:-\d{2}){0,2}(?:T[\d:]+Z?)?)$")
_EDTF_SUB = re.compile(r"^(?P<year>-?\d{4})-(?P<code>2[1-4]|3[3-6]|4[01])$")
_EDTF_DECADE = re.compile(r"^(?P<digits>\d{3})X$")
_EDTF_CENTURY = re.compile(r"^(?P<digits>\d{2})XX$")
_EDTF_BC_CENTURY = re.compile(r"^-(?P<digits>\d{2})XX$")
_EDTF_UNSPECIFIED = re.compile(r"^[\dX]{4}(?:-[\dX]{2}){0,2}$")

_TIMEX_SUB = re.compile(r"^(?P<year>\d{4})-(?P<code>SP|SU|FA|WI|Q[1-4]|H[12])$")
_TIMEX_BC_CENTURY = re.compile(r"^BC(?P<digits>\d{2})$")
_TIMEX_BC = re.compile(r"^BC(?P<year>\d{4})(?P<rest>(?:-\d{2}){0,2})$")
_TIMEX_DECADE = re.compile(r"^\d{3}$")
_TIMEX_CENTURY = re.compile(r"^\d{2}$")
_TIMEX_PLAIN = re.compile(r"^[\dX]{4}(?:-[\dX]{2}){0,2}(?:T[\d:]+Z?)?$")

# The `ref` field of a date object (DECISIONS D159) and its TIMEX3 value.
REF_TO_TIMEX = {"PRESENT": "PRESENT_REF", "PAST": "PAST_REF", "FUTURE": "FUTURE_REF"}
TIMEX_TO_REF = {v: k for k, v in REF_TO_TIMEX.items()}
# Where an INTERVAL span is cut into its two TIMEX3 mentions, most telling first.
_INTERVAL_JOINERS = (
    re.compile(r"\s+(?i:to|until|till|through|and)\s+"),
    re.compile(r"\s*/\s*"),
    re.compile(
        r"\s*[-–—‐‑]\s*(?=\D)|\s+[-–—‐‑]\s+|\s*[–—]\s*"
        r"|(?<=\d{4})-(?=\d{1,4}\b)|(?<=\d)-(?=\d{1,2}\b)"
        # "499-493 BC" (both ends in the era), "27 May-28 May 1905"
        r"|(?<=\d)[-–—‐‑](?=\d{1,4}\s*(?:B\.?C|A\.?D|C\.?E))|(?<=[^\W\d])[-–—‐‑](?=\d)"
    ),
)


@dataclass(frozen=True)
class Timex3:
    """One TIMEX3 mention: offsets into the text it was found in, TIMEX3 type and value."""

    start: int
    end: int
    type: str
    value: str | None
    mod: str | None = None


def date_to_timex3(date: DateValue) -> tuple[str, str | None]:
    """(TIMEX3 type, value) of a date object that is not an interval; value None when it has no counterpart."""
    ref = date.extra.get("ref")
    if ref in REF_TO_TIMEX:
        return "DATE", REF_TO_TIMEX[ref]
    kind = date.type if date.type in ("DURATION", "SET") else "DATE"
    if date.value is None:
        season = date.extra.get("season")  # TimeML conventions: a season no text fixes (D188)
        return kind, (f"XXXX-{_SEASON[str(season)]}" if str(season) in _SEASON else None)
    if kind == "SET":
        return kind, _SET_SEASON.sub(lambda m: _SEASON[m[1]], date.value)  # "every winter": XXXX-WI
    if date.extra.get("time") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.value):
        return "TIME", f"{date.value}T{date.extra['time']}"  # news, TimeML conventions (D183)
    if date.extra.get("fiscal") and re.fullmatch(r"\d{4}", date.value):
        return kind, f"FY{date.value}"  # a fiscal year (D182)
    try:
        return kind, edtf_to_timex3(date.value)
    except SergeCorpusError:
        return kind, None


def span_timex3(span: Span, offset: int = 0) -> list[Timex3]:
    """The TIMEX3 mentions of a DATE span: one, or two for an INTERVAL (TimeML has no interval value).

    "1915-17" -> `1915` + `17` (1917); "July 1 to July 3, 1863" -> `July 1` + `July 3, 1863`.
    Offsets are shifted by `offset` (the block's offset in its document).
    """
    date = span.date or DateValue("DATE", None)
    start, end = span.start + offset, span.end + offset
    if date.type != "INTERVAL":
        kind, value = date_to_timex3(date)
        return [Timex3(start, end, kind, value, date.mod)]
    first, _, last = (date.value or "").partition("/")
    weekend = _weekend(first, last)
    if weekend is not None and "weekend" in span.text.lower():
        return [Timex3(start, end, "DATE", weekend, date.mod)]  # "this weekend" (D182)
    week = _iso_week(first, last)
    if week is not None and _interval_cut(span.text) is None:
        return [Timex3(start, end, "DATE", week, date.mod)]  # "last week" (D158)
    cut = _interval_cut(span.text)
    values = [_point_timex3(first), _point_timex3(last)]
    if cut is None or last in ("", ".."):
        return [Timex3(start, end, "DATE", values[0], date.mod)]
    a, b = cut
    return [Timex3(start, start + a, "DATE", values[0]), Timex3(start + b, end, "DATE", values[1])]


def _iso_week(first: str, last: str) -> str | None:
    """ "2013-W10" when the interval is one ISO week, Monday to Sunday."""
    try:
        a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return None
    if a.isoweekday() != 1 or (b - a).days != 6:
        return None
    year, week, _ = a.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _weekend(first: str, last: str) -> str | None:
    """ "2008-W50-WE" when the interval is the Saturday and Sunday of one ISO week."""
    try:
        a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError:
        return None
    if a.isoweekday() != 6 or (b - a).days != 1:
        return None
    year, week, _ = a.isocalendar()
    return f"{year:04d}-W{week:02d}-WE"


def _point_timex3(value: str) -> str | None:
    if not value or value == "..":
        return None
    try:
        return edtf_to_timex3(value)
    except SergeCorpusError:
        return None


def _interval_cut(text: str) -> tuple[int, int] | None:
    """(end of the first part, start of the second) of an interval's text, or None."""
    for joiner in _INTERVAL_JOINERS:
        for m in joiner.finditer(text):
            if 0 < m.start() and m.end() < len(text):
                return m.start(), m.end()
    return None


def edtf_to_timex3(value: str) -> str:
    """The TIMEX3 value of an EDTF point (or an ISO duration, unchanged)."""
    if is_duration(value):
        return value
    if "/" in value:
        raise _cannot(value, "E103", "an interval is two TIMEX3 values: use interval_to_timex3")
    if not _plain_day_or_coarser(value) and not is_edtf(value):  # the edtf parser is slow: common shapes first
        raise _cannot(value, "E103", "not EDTF")
    if m := _EDTF_SUB.match(value):
        return f"{_timex_year(m['year'])}-{_TO_TIMEX[m['code']]}"
    if m := _EDTF_DECADE.match(value):
        return m["digits"]
    if m := _EDTF_CENTURY.match(value):
        return m["digits"]
    if m := _EDTF_BC_CENTURY.match(value):  # -04XX (500-401 BC) is TIMEX3 BC04
        return f"BC{m['digits']}"
    if m := _EDTF_YEAR.match(value):
        return _timex_year(m["year"]) + m["rest"]
    if _EDTF_UNSPECIFIED.match(value):
        return value
    raise _cannot(value, "E103", "no TIMEX3 counterpart (qualifiers ~ ? % are a TIMEX3 mod, not a value)")


def timex3_to_edtf(value: str) -> str:
    """The EDTF value of a TIMEX3 point (or an ISO duration, unchanged)."""
    if is_duration(value):
        return value
    if m := _TIMEX_SUB.match(value):
        out = f"{m['year']}-{_TO_EDTF[m['code']]}"
    elif m := _TIMEX_BC_CENTURY.match(value):
        out = f"-{m['digits']}XX"
    elif m := _TIMEX_BC.match(value):
        out = year_text(1 - int(m["year"])) + m["rest"]
    elif _TIMEX_DECADE.match(value):
        out = value + "X"
    elif _TIMEX_CENTURY.match(value):
        out = value + "XX"
    elif _TIMEX_PLAIN.match(value):
        out = value
    else:
        raise _cannot(value, "E102", "weeks, times of day and PRESENT_REF/PAST_REF/FUTURE_REF have no EDTF point")
    if not is_edtf(out):
        raise _cannot(value, "E102", f"converts to {out!r}, which is not valid EDTF")
    return out


def interval_to_timex3(value: str) -> tuple[str, str]:
    """An EDTF interval as its (begin, end) TIMEX3 values."""
    first, sep, last = value.partition("/")
    if not sep or not first or not last or ".." in (first, last):
        raise _cannot(value, "E103", "expected a closed EDTF interval start/end")
    return edtf_to_timex3(first), edtf_to_timex3(last)


def timex3_to_interval(begin: str, end: str) -> str:
    """Two TIMEX3 values (begin, end) as one EDTF interval."""
    return f"{timex3_to_edtf(begin)}/{timex3_to_edtf(end)}"


_PLAIN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


def _plain_day_or_coarser(value: str) -> bool:
    """True for a valid `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (checked without the edtf parser)."""
    m = _PLAIN.match(value)
    if m is None:
        return False
    try:
        dt.date(int(m["y"]) or 1, int(m["m"] or 1), int(m["d"] or 1))
    except ValueError:
        return False
    return True


def _timex_year(year: str) -> str:
    # TIMEX3 writes BC years with a prefix; EDTF counts astronomically (year 0 = 1 BC).
    number = int(year)
    return f"BC{1 - number:04d}" if number <= 0 else year


def _cannot(value: str, code: str, why: str) -> SergeCorpusError:
    return SergeCorpusError(Problem(code, f"{value!r}: {why}", field="value"))
