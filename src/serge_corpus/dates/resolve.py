"""Reference time: resolve relative expressions along the narrative.

The reference time is the most recent absolute date of the narrative, as an
EDTF string. It runs through the expressions in reading order (and, in
`apply_dates`, through the blocks). The rules, in one place:

- An expression MOVES the reference when it is a DATE or INTERVAL with a
  value, in a narrative block (`body`, or any text given to `find_dates`),
  and none of these holds (DECISIONS D120: the last absolute date in reading
  order, parentheses excepted):
  - it is inside parentheses or brackets (lifespans "(1883-1936)",
    asides "(Leningrad, 1924)", "(1934-38)" after an event name);
  - it is a DURATION (including ages) or a SET;
  - its value is null;
  - it only restates the reference ("that year": kind "same").
  - it is a range of bare months read from the reference ("from October to
    March", whose end may fall in the next year).
  A date with a mod moves it too, without the mod ("the end of 1923" -> 1923,
  "1930 onwards" -> 1930). A resolved relative date ("two years later" ->
  1947) does move it.
- A relative expression is resolved against the reference current at its
  position; its `anchor` is that reference, without its mod. With no
  reference its value is null and its anchor null.
- Granularity: a counted shift has the precision of its unit ("two years
  later" -> a year); a vague one ("a few weeks later") is the reference
  truncated to the next coarser unit (days, weeks -> month; months -> year),
  or the reference itself when that is coarser already ("In 1928 … a few weeks
  later" -> 1928), with no mod; a vague count of years or longer has no value.
- A season with no year and no determiner ("In the extreme winter") is not
  fixed by the text: value null, no anchor (D123).
- An interval reference: "later"/"following" count from its end,
  "earlier"/"previous" from its start, "that year"/"December of that year"
  need both ends in the same year (else value null).
- Document creation time (DCT, news mode; DECISIONS D158, D159): the
  reference starts at the DCT when no anchor is given, and deictic
  expressions ("today", "yesterday", "last week", "this year", "next month",
  "three years ago", weekdays) resolve against the DCT itself, whatever the
  reference has moved to. Without a DCT they resolve against the reference
  ("last year" = the year before it), except those that only the time of
  writing fixes ("ago"): value null. `now`, `at present` (and `today` with no
  DCT) carry `ref: "PRESENT"` (TIMEX3 PRESENT_REF), with the DCT as value
  when there is one, else value null.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from serge_corpus.dates.expression import Expression, Relative
from serge_corpus.dates.news import resolve_news
from serge_corpus.dates.timeline import Lookahead, is_anaphoric, is_excursion, keeps_order, restates
from serge_corpus.dates.values import (
    UNIT_PRECISION,
    Point,
    format_point,
    holiday_day,
    is_real_day,
    next_month_named,
    next_season_named,
    parse_reference,
    shift,
    truncate,
    year_text,
)
from serge_corpus.model import DateValue

# Where a vague distance of a unit lands: somewhere in the next coarser unit.
_VAGUE_PRECISION = {"D": "month", "W": "month", "M": "year"}
# A month this many months before the reference's month is read in the next year (D160).
_FORWARD_MONTHS = 6
# Any leap year: a day that exists in it exists in some year.
_LEAP_YEAR = 2000


def resolve(expr: Expression, reference: str | None, dct: str | None = None) -> DateValue:
    """The date object of `expr`, relative expressions computed from `reference` (deictic ones from `dct`)."""
    if expr.date is not None:
        return expr.date
    rel = expr.relative
    assert rel is not None
    if dct is not None and (rel.tense is not None or rel.keep_precision):
        news = resolve_news(rel, reference, dct)  # underspecified dates in news: the DCT, by tense (D180)
        if news is not None:
            return news
    if rel.kind == "present":
        return _present(rel, dct)
    if rel.deictic == "only" and dct is None:
        return DateValue("DATE", None, mod=rel.mod)
    if rel.deictic is not None and dct is not None:
        reference = dct
    kind = "INTERVAL" if rel.end_day is not None or rel.end_month is not None or rel.kind == "week" else "DATE"
    ref = parse_reference(reference)
    if rel.kind == "unfixed" or ref is None:
        return DateValue(kind, None, mod=rel.mod)
    value, mod, noisy = _compute(rel, ref, dct is not None)
    if value is None:
        kind = "DATE" if rel.kind == "week" else kind
    return DateValue(kind, value, mod=rel.mod or mod, anchor=reference, noisy=noisy)


def _present(rel: Relative, dct: str | None) -> DateValue:
    """ "now", "today", "yesterday": from the DCT; without one, PRESENT_REF for now/today, else null (D159)."""
    ref = parse_reference(dct)
    day = ref[1] if ref is not None and ref[0] == ref[1] else None
    if rel.unit == "now":
        return DateValue("DATE", dct if dct is not None else None, anchor=dct, extra={"ref": "PRESENT"})
    if rel.unit in ("past", "present", "future"):  # TimeML's PAST_REF … (D166): no calendar value
        return DateValue("DATE", None, extra={"ref": rel.unit.upper()})
    if day is None or not day.knows("day"):
        extra = {"ref": "PRESENT"} if (rel.amount or 0) == 0 else {}
        return DateValue("DATE", None, mod=rel.mod, extra=extra)
    moved = shift(day, "D", rel.amount or 0)
    return DateValue("DATE", format_point(moved) if moved else None, mod=rel.mod, anchor=dct)


def moves_reference(expr: Expression, date: DateValue) -> bool:
    """True when `expr` becomes the new reference time (rules in the module docstring)."""
    if expr.parenthetical or date.type not in ("DATE", "INTERVAL"):
        return False
    if date.value is None:
        return False
    rel = expr.relative
    if rel is not None and (rel.kind == "same" or (rel.end_month is not None and rel.end_day is None)):
        return False  # "that year" restates it; "from October to March" is read from it
    return parse_reference(date.value) is not None


def resolve_all(
    expressions: Iterable[Expression],
    reference: str | None,
    *,
    narrative: bool = True,
    dct: str | None = None,
    lookahead: Sequence[Lookahead] | None = None,
) -> tuple[list[tuple[Expression, DateValue]], str | None]:
    """Resolve in reading order; returns each expression with its date, and the final reference.

    `narrative=False` (captions, notes, references) resolves against the
    reference without moving it. The reference starts at `dct` when it is None.
    `lookahead` (one per expression, `timeline.lookaheads`) lets the main
    timeline skip excursions (D170); without it only restatements are skipped.
    """
    exprs = list(expressions)
    ahead = list(lookahead) if lookahead is not None else [Lookahead()] * len(exprs)
    time = ReferenceTime(reference or dct, dct)
    out = [(expr, time.step(expr, seen, narrative)) for expr, seen in zip(exprs, ahead)]
    return out, time.reference


class ReferenceTime:
    """The running reference time of one document (rules in the module docstring and `timeline`).

    `reference` is the main timeline's date; `last` the last date mentioned,
    excursions included, which anaphora ("that year") point at (D170).
    """

    def __init__(self, reference: str | None, dct: str | None = None) -> None:
        self.reference = reference
        self.last = reference
        self.dct = dct

    def step(self, expr: Expression, ahead: Lookahead | None = None, narrative: bool = True) -> DateValue:
        """The date of `expr` in reading order; a narrative date may then move the reference."""
        date = resolve(expr, self.last if is_anaphoric(expr) else self.reference, self.dct)
        if not narrative or _deictic_news(expr, self.dct) or not moves_reference(expr, date):
            return date
        seen = ahead or Lookahead()
        self.last = date.value
        if _reads_on(self.reference, date.value, seen):
            return date  # the days after it only make sense from the old reference: an excursion, even a scene
        if not is_excursion(self.reference, date.value, seen) or _reads_on(date.value, self.reference, seen):
            self.reference = date.value
        return date


def _reads_on(value: str | None, other: str | None, ahead: Lookahead) -> bool:
    """True when the partial dates ahead keep the story in order read from `value`, and not from `other`.

    "On September 28, 1775, … on November 2 … on December 31 …" then "the
    spring of 1776": read from 1775 the days come before 1776; read from the
    old reference (March 1776) they would not. Such a date starts a new
    stretch of the story and is no excursion; the other way round ("In
    November 2008, … on April 15" before "April 21, 2003"), the new date is
    one, even when it opens its sentence (D170).
    """
    if not ahead.partials or value is None or other is None or restates(value, other) or restates(other, value):
        return False
    return keeps_order(value, ahead.partials, ahead.following, _read) and not keeps_order(
        other, ahead.partials, ahead.following, _read
    )


def _read(expr: Expression, reference: str | None) -> str | None:
    return resolve(expr, reference).value


def _deictic_news(expr: Expression, dct: str | None) -> bool:
    """News: "five years ago", "today" resolve from the DCT and do not become the story's time (D158)."""
    rel = expr.relative
    return dct is not None and rel is not None and (rel.deictic is not None or rel.kind == "present")


def _compute(rel: Relative, ref: tuple[Point, Point], news: bool = False) -> tuple[str | None, str | None, bool]:
    """(value, implied mod, noisy) of a relative expression; value None when the reference is too coarse."""
    start, end = ref
    if rel.kind == "week":
        base = end if rel.amount and rel.amount > 0 else start
        return _week(base, rel.amount or 0), None, False
    if rel.kind == "quarter":
        if not end.knows("month"):
            return None, None, False
        index = end.year * 4 + (end.month - 1) // 3 + (rel.amount or 0)  # type: ignore[operator]
        return f"{year_text(index // 4)}-{33 + index % 4}", None, False
    if rel.kind == "weekday":
        return _weekday(end, rel.weekday or 1, rel.direction, news), None, False
    if rel.kind == "holiday":
        if not (start.knows("year") and end.knows("year")) or start.year != end.year:
            return None, None, False
        p = holiday_day(start.year + rel.years, rel.holiday or "")
        return (format_point(p) if p else None), None, False
    if rel.kind == "shift":
        base = end if rel.direction > 0 else start
        if rel.amount is None or rel.unit is None:
            # A vague distance ("a few weeks later"): only as precise as the text supports.
            precision = _VAGUE_PRECISION.get(rel.unit or "")
            if precision is None:
                return None, None, False
            return format_point(truncate(base, precision) or base), None, False
        moved = shift(base, rel.unit, rel.direction * rel.amount)
        return (format_point(moved) if moved else None), None, False
    if rel.kind == "same":
        precision = UNIT_PRECISION.get(rel.unit or "")
        if precision is None:
            return None, None, False
        a, b = truncate(start, precision), truncate(end, precision)
        return (format_point(a) if a is not None and a == b else None), None, False
    if rel.kind == "within":
        value, noisy = _within(rel, start, end, forward=not news)
        return value, None, noisy
    if rel.kind == "next_named":
        base = end if rel.direction > 0 else start
        if rel.month is not None:
            p = next_month_named(base, rel.month, rel.direction)
        else:
            p = next_season_named(base, rel.season, rel.direction)  # type: ignore[arg-type]
        return (format_point(p) if p else None), None, False
    if rel.kind == "decade":
        century = (start.year // 100) * 100
        if (end.year // 100) * 100 != century or start.year <= 0:
            return None, None, False  # "'70s" after "480 BC": no EDTF decade of a BC century
        return format_point(Point("decade", century + 10 * (rel.decade or 0))), None, False
    return None, None, False


def _within(rel: Relative, start: Point, end: Point, forward: bool = True) -> tuple[str | None, bool]:
    """(value, noisy): a month, day or season of the reference year (shifted by `rel.years`).

    A day no calendar has ("November 31") gives value null and noisy; a leap
    day in a common year is the author's error of fact, kept as written (D126).
    `forward=False` (news) turns off the narrative's move to the next year
    (D160); there a tense places the date from the DCT in `news` (D172, D180).
    """
    if not (start.knows("year") and end.knows("year")) or start.year != end.year:
        return None, False
    year = start.year + rel.years
    far_back = rel.month is not None and end.month is not None and end.month - rel.month >= _FORWARD_MONTHS
    if forward and rel.years == 0 and far_back:
        # "…declared war on 11 December 1941. In January, …": a narrative moves forward (D160).
        year += 1
    if rel.season is not None:
        return format_point(Point("season", year, season=rel.season)), False
    if rel.month is None:
        return format_point(Point("year", year)), False
    if rel.day is None and rel.end_month is not None:  # "from October to March": March of the next year
        end_year = year + (1 if rel.end_month < rel.month else 0)
        return (
            f"{format_point(Point('month', year, rel.month))}/{format_point(Point('month', end_year, rel.end_month))}",
            False,
        )
    if rel.day is None:
        return format_point(Point("month", year, rel.month)), False
    last_month = rel.end_month or rel.month
    days = [(rel.month, rel.day)] + ([(last_month, rel.end_day)] if rel.end_day is not None else [])
    if not all(is_real_day(year, m, d) or is_real_day(_LEAP_YEAR, m, d) for m, d in days):
        return None, True
    if len(days) == 2 and days[1] <= days[0]:
        return None, True
    return "/".join(format_point(Point("day", year, m, d)) for m, d in days), False


def _week(base: Point, amount: int) -> str | None:
    """The ISO week (Monday/Sunday interval) `amount` weeks from the one holding `base`."""
    if not base.knows("day") or base.year < 1:  # Python's calendar starts at year 1: no weeks BC
        return None
    day = dt.date(base.year, base.month, base.day) + dt.timedelta(weeks=amount)  # type: ignore[arg-type]
    monday = day - dt.timedelta(days=day.weekday())
    sunday = monday + dt.timedelta(days=6)
    return f"{monday.isoformat()}/{sunday.isoformat()}"


def _weekday(base: Point, weekday: int, direction: int, news: bool) -> str | None:
    """The weekday (1 = Monday) nearest `base`: the next one (direction 1, or 0 in a narrative) or the last one."""
    if not base.knows("day") or base.year < 1:  # Python's calendar starts at year 1: no weekdays BC
        return None
    day = dt.date(base.year, base.month, base.day)  # type: ignore[arg-type]
    gap = (weekday - 1 - day.weekday()) % 7
    if direction > 0 or (direction == 0 and not news):
        moved = day + dt.timedelta(days=gap if direction == 0 else (gap or 7))
    else:
        back = (day.weekday() - (weekday - 1)) % 7
        moved = day - dt.timedelta(days=back if direction == 0 else (back or 7))
    return moved.isoformat() if moved.year >= 1 else None
