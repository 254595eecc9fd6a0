"""News mode: underspecified dates resolve against the document creation time, by the sentence's tense.

Used only when a DCT is given (`find_dates(dct=)`, `annotate --dct`); the
narrative mode never comes here. The rules (DECISIONS D180-D183), after
HeidelTime's news mode:

- An underspecified date (a month, a day-month, a season, a holiday, a
  weekday, without a year) is the one of the DCT's year when its sentence is
  in the present; in the past tense, the most recent one that starts on or
  before the DCT; in the future, the next one that ends on or after it
  (`said Monday` -> the Monday before the DCT; `will meet Thursday` -> the
  Thursday after; a weekday in the present is the nearest one). `since`
  right before the date makes it past. The running reference time still
  resolves anaphora (`that year`, `two years later`, `the following month`).
- `this fall`, `this September` are in the DCT's year; `last spring`,
  `next summer` are the season before / after the DCT's own season;
  `the end of the month`, `the year` (with `the`, not `that`) are the DCT's.
- Quarters (`the first quarter`, `the current quarter`), halves (`the second
  half of the year`), weekends (`this weekend`, `the weekend`) and fiscal
  years (`fiscal 2007`, `the current fiscal year`) are found here.
- `a year earlier` keeps the precision of the date it counts from (a month,
  a season, a quarter: `in November from a year earlier` -> November of the
  year before), the last date mentioned (D184); `the same period a year
  earlier` is one span.
- `of the summer.` closing a clause is a season after `the` (D188).
- TimeML conventions only: parts of day and clock times are TIME (D183); a
  clock time with no day beside it is the story's day's (D187); `late
  winter` with no year or determiner is a season no text fixes (D188).

This is the only tense rule: D172 and D180 are one implementation, also used
for the NER-only dates of `annotate` (`with_news_tense`, D189).

The tense is read from cue words of the sentence (no tagger): the nearest
cue before the date, else the nearest after it, else the present.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Literal

from serge_corpus.dates.expression import Expression, Relative
from serge_corpus.dates.values import (
    SEASON_START_MONTH,
    YEAR_PART_MONTHS,
    Point,
    format_point,
    holiday_day,
    is_real_day,
    next_month_named,
    parse_reference,
    year_text,
)
from serge_corpus.model import DateValue

Tense = Literal["past", "present", "future"]

# A sentence ends at . ! ? followed by a capital (not "7 p.m. on", "Dec. 29"), or at a line break.
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘])|\n")
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_FUTURE_WORDS = frozenset(
    "will shall won't would could should might must can cannot wouldn't couldn't shouldn't".split()
)
# "expected to", "plans to", "is to": a future seen from the sentence's time.
_FUTURE_BEFORE_TO = frozenset(
    "expected scheduled set due planned plans plan aims aim intends intend hope hopes going".split()
)
# A plan or an order points forward even in the past tense: "agreed to meet Thursday", "urged them to stay home
# Friday"; so do verbs of postponement ("was delayed until June").
_PLAN_VERBS = frozenset(
    """agreed asked urged told ordered decided voted promised pledged vowed called invited allowed encouraged
    advised warned instructed""".split()
)
_POSTPONE_VERBS = frozenset("postponed delayed deferred rescheduled adjourned".split())
_PRESENT_WORDS = frozenset("is are am has have does do says isn't aren't hasn't haven't doesn't don't".split())
_PAST_WORDS = frozenset(
    """was were had did said told wasn't weren't hadn't didn't fell rose began came went got made took saw left ran
    grew won lost sold paid met held kept brought bought built spent thought led found gave knew became broke chose
    drew drove flew froze heard meant rang rode sank sent shook shot sought spoke stood stole struck taught tore
    threw understood woke wore wrote sat felt fought ate forgot hung fled slid swore""".split()
)
# Words in -ed that are no past tense.
_NOT_PAST_ED = frozenset("need speed indeed exceed succeed proceed feed seed bed red shed hundred sled".split())
# After these an -ed word is a participle or an adjective ("was told", "the affected workers").
_NO_PAST_AFTER = frozenset(
    """is are was were be been being am has have had 's get gets got the a an its their his her this that these
    those our my your very more most""".split()
)
_DETERMINERS = frozenset("next last this coming past".split())
# Detector rules whose relative date is underspecified (no year): in news, the DCT's by tense.
_UNDERSPECIFIED_RULES = frozenset("bare_month mdy dmy holiday month_range the_season".split())
_SINCE = re.compile(r"(?i:\bsince\s+(?:(?:early|late|mid)[\s-]+)?)\Z")
_SAME_PERIOD = re.compile(r"(?i:\b(?:the\s+)?(same\s+(?:period|quarter|month|week|season|time)\s+))\Z")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_QUARTER = re.compile(
    r"(?i:\b(?:the\s+)?(?P<body>(?P<which>first|second|third|fourth|1st|2nd|3rd|4th|current|this|latest|previous"
    r"|past|last|next|coming|final)[\s-]+(?:fiscal\s+|calendar\s+)?quarter(?P<year>\s+of\s+(?:the|this)\s+year)?)\b"
    r"(?!\s+of\b))"
)
# "the second half of the year"; hyphenated "first-half profit"
_HALF = re.compile(
    r"(?i:\b(?:the\s+)?(?P<body>(?P<which>first|second|1st|2nd|latter)(?:\s+half\s+of\s+(?:the|this)\s+year|-half)\b))"
)
_WEEKEND = re.compile(r"(?i:\b(?:(?P<det>this|next|last|past|coming)\s+|the\s+)(?P<body>weekend)\b(?!\s+of\b))")
_FISCAL_YEAR = re.compile(r"(?i:\b(?P<body>(?:fiscal(?:\s+year)?\s+|FY\s?)(?P<y>\d{4}))\b)")
_FISCAL_NAMED = re.compile(
    r"(?i:\b(?:the\s+)?(?P<body>(?P<which>current|this|next|coming|last|previous|past)\s+fiscal\s+year)\b)"
)
_PAST_REF_WORDS = frozenset({"the past", "past", "the last", "the next", "next"})
# TIMEX3 parts of day (TimeML conventions only).
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_PART_AFTER = re.compile(r"(?i:\s+(morning|afternoon|evening|night)\b)")
_TODAY_PART = re.compile(
    r"(?i:\b(?:(?P<this>this)\s+(?P<part>morning|afternoon|evening)|(?P<tonight>tonight)|(?P<last>last)\s+night)\b)"
)
_CLOCK = re.compile(r"(?i:\b(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ap>[ap])\.?m\.?(?=\W|$))")
_CLOCK_GAP = re.compile(r"(?i:^\s*(?:,\s*|on\s+|at\s+)?$)")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A reporting verb right before a day: "said Wednesday", "announced on Tuesday" date the report, not the story.
_REPORTING = re.compile(
    r"(?i:\b(?:said|says|announced|announces|told\s+\w+|reported|reports|added|confirmed|stated)\s+(?:on\s+)?)\Z"
)
_HOLIDAY_WEEKEND = re.compile(r"(?i:\s+weekend\b)")
_LEAP_YEAR = 2000  # a day that exists in it exists in some year


def with_news_readings(
    expressions: list[Expression], text: str, *, timeml: bool = False, seasons: Mapping[str, int] | None = None
) -> list[Expression]:
    """The expressions of a news text, marked for resolution against the DCT (module docstring).

    Adds quarters, halves, weekends and fiscal years; a found one replaces the
    detector's expressions it overlaps. `timeml=True` (TimeML conventions)
    also reads parts of day as TIME: "Monday afternoon", "this morning"
    (D183). With `seasons` (the vocabulary's names -> EDTF codes), "of the
    summer." closing a clause is the season the tense places (D188). Call
    only when a DCT is given.
    """
    extra = _news_only(text, expressions) + (_of_the_season(text, seasons) if seasons else [])
    extra = _non_overlapping(extra)
    if timeml:
        extra = _non_overlapping(extra + _today_parts(text) + (_part_of_season(text, seasons) if seasons else []))
    kept = [e for e in expressions if not any(e.start < x.end and x.start < e.end for x in extra)]
    merged = sorted(_join_past_durations(kept, text) + extra, key=lambda e: (e.start, e.end))
    if timeml:
        merged = [_with_part_of_day(e, text) for e in merged]
    marked = [_mark(e, text) for e in merged]
    return [_with_article(e, text) for e in marked] if timeml else marked


def _with_article(expr: Expression, text: str) -> Expression:
    """TimeML spans keep the article of "the same period a year earlier" (the guidelines leave it out, D181)."""
    rel = expr.relative
    if rel is None or not rel.keep_precision or not text.startswith("same", expr.start):
        return expr
    m = re.search(r"(?i:\bthe\s+)\Z", text[max(0, expr.start - 8) : expr.start])
    return replace(expr, start=expr.start - len(m[0])) if m else expr


def with_clock_times(
    resolved: list[tuple[Expression, DateValue]], text: str, dct: str | None = None
) -> list[tuple[Expression, DateValue]]:
    """TimeML conventions: a clock time as TIME (D183, D187).

    Next to a resolved day ("7 p.m. on Thursday") it is that day's. With no
    day beside it ("the window opens at 4:47 a.m."), it is the story's day:
    the first day the text names before it outside a reporting clause
    ("postponed to April 12, officials said Wednesday" -> April 12), else the
    DCT's day; with neither, it is left out.
    """
    out = list(resolved)
    for m in _CLOCK.finditer(text):
        if any(m.start() < e.end and e.start < m.end() for e, _ in resolved):
            continue
        day = _day_beside(m, resolved, text) or _story_day(m.start(), resolved, text, dct)
        hour = int(m["h"]) % 12 + (12 if m["ap"].lower() == "p" else 0)
        if day is None or int(m["h"]) > 12 or int(m["min"] or 0) > 59:
            continue
        time = f"{hour:02d}:{m['min'] or '00'}"
        date = DateValue("DATE", day, extra={"time": time})
        out.append((Expression(m.start(), m.end(), "news_clock", date=date), date))
    return sorted(out, key=lambda pair: (pair[0].start, pair[0].end))


def with_time_of_day(expr: Expression, date: DateValue) -> DateValue:
    """The day of a "Monday afternoon" with its part of day (TimeML conventions, D183)."""
    rel = expr.relative
    if rel is None or rel.time is None or date.value is None or not _DAY.match(date.value):
        return date
    return replace(date, extra={**date.extra, "time": rel.time})


def tense_at(text: str, start: int, end: int) -> Tense:
    """The tense that places the date at [start, end): the nearest cue in its sentence (module docstring)."""
    if _SINCE.search(text, max(0, start - 20), start):
        return "past"
    lo, hi = _sentence(text, start, end)
    before: Tense | None = None
    after: Tense | None = None
    tokens = list(_TOKEN.finditer(text, lo, hi))
    for i, tok in enumerate(tokens):
        cue = _cue(tokens, i)
        if cue is None or start <= tok.start() < end:
            continue
        if tok.end() <= start:
            before = cue
        elif after is None:
            after = cue
    return before or after or "present"


def resolve_news(rel: Relative, reference: str | None, dct: str) -> DateValue | None:
    """The date object of a news-marked relative expression, or None to resolve it as usual."""
    if rel.keep_precision:
        # counted from the DCT itself ("sales rose from a year earlier" as the story opens): the year, as before
        return None if reference == dct else _year_shift(rel, reference)
    today = _dct_day(dct)
    if today is None or rel.tense is None:
        return None
    tense: Tense = rel.tense  # type: ignore[assignment]
    value = _value(rel, today, tense, dct)
    if value is None and rel.kind not in _NEWS_KINDS:
        return None
    kind = "INTERVAL" if value is not None and "/" in value else "DATE"
    extra = {"fiscal": True} if rel.kind == "fiscal" else {}
    return DateValue(kind, value, mod=rel.mod, anchor=dct, extra=extra)


_NEWS_KINDS = frozenset({"quarter", "half", "weekend", "fiscal"})


# --- marking ---------------------------------------------------------------------------------------------


def with_news_tense(expr: Expression, text: str) -> Expression:
    """One expression read elsewhere (a NER-only DATE at its offsets in `text`) marked by the news rules (D189).

    Its bounds are kept: only how it resolves against the DCT changes.
    """
    marked = _mark(expr, text)
    return replace(marked, start=expr.start, end=expr.end)


def _mark(expr: Expression, text: str) -> Expression:
    rel = expr.relative
    if rel is None or rel.deictic == "only" or rel.kind == "present":
        return expr
    words = text[expr.start : expr.end].lower().split()
    first = words[0] if words else ""
    article = _previous_word(text, expr.start) == "the"
    if rel.kind in _NEWS_KINDS:
        return replace(expr, relative=replace(rel, tense=rel.tense or tense_at(text, expr.start, expr.end)))
    if rel.kind == "weekday":
        if first in _DETERMINERS:
            return expr  # "next Tuesday" keeps its determiner's direction (D158)
        return replace(expr, relative=replace(rel, tense=tense_at(text, expr.start, expr.end)))
    if rel.kind == "next_named" and first in _DETERMINERS and not article:
        return replace(expr, relative=replace(rel, tense="future" if rel.direction > 0 else "past"))
    if rel.kind == "within" and expr.rule == "named_relative" and first == "this":
        return replace(expr, relative=replace(rel, tense="present"))
    if rel.kind == "same" and rel.deictic is None and not {"that", "same"} & set(words) and not _after_that(text, expr):
        return replace(expr, relative=replace(rel, tense="present"))  # "the end of the month": the DCT's month
    if rel.kind in ("within", "holiday") and rel.years == 0 and expr.rule in _UNDERSPECIFIED_RULES:
        return replace(expr, relative=replace(rel, tense=tense_at(text, expr.start, expr.end)))
    if expr.rule == "relative_shift" and rel.kind == "shift" and rel.unit == "Y" and rel.amount == 1:
        m = _SAME_PERIOD.search(text, max(0, expr.start - 30), expr.start)
        start = m.start(1) if m else expr.start
        return replace(expr, start=start, relative=replace(rel, keep_precision=True))
    return expr


def _after_that(text: str, expr: Expression) -> bool:
    return _previous_word(text, expr.start) in ("that", "same")


def _previous_word(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z]+)\W*\Z", text[max(0, pos - 20) : pos])
    return m[1].lower() if m else ""


def _news_only(text: str, expressions: list[Expression]) -> list[Expression]:
    """Quarters, halves, weekends and fiscal years (news mode)."""
    out: list[Expression] = []
    for e in expressions:  # "the Memorial Day weekend": the weekend next to the holiday
        rel = e.relative
        m = _HOLIDAY_WEEKEND.match(text, e.end)
        if m is None or rel is None or rel.years != 0 or e.rule != "holiday":
            continue
        rule = rel.holiday or (f"{rel.month:02d}-{rel.day:02d}" if rel.month and rel.day else None)
        if rule is not None:
            out.append(Expression(e.start, m.end(), "news_weekend", relative=Relative("weekend", holiday=rule)))
    for m in _QUARTER.finditer(text):
        which = m["which"].lower()
        if which == "last" and _previous_word(text, m.start("body")) == "the":
            which = "final"  # "the last quarter" of a year is its fourth
        if which == "final":
            rel = Relative("quarter", amount=4, tense="present" if m["year"] else None)
        elif which in _ORDINALS:  # "of the year": the DCT's year, as "the end of the year"
            rel = Relative("quarter", amount=_ORDINALS[which], tense="present" if m["year"] else None)
        else:
            step = 1 if which in ("next", "coming") else -1 if which in ("previous", "past", "last") else 0
            rel = Relative("quarter", direction=step, tense="present")
        out.append(Expression(m.start("body"), m.end("body"), "news_quarter", relative=rel))
    for m in _HALF.finditer(text):
        which = m["which"].lower()
        # "of the year" is the DCT's year, as "the end of the year"; "first-half profit" goes by tense
        tense = None if m["body"].lower().endswith("-half") else "present"
        rel = Relative("half", amount=2 if which == "latter" else _ORDINALS[which], tense=tense)
        out.append(Expression(m.start("body"), m.end("body"), "news_half", relative=rel))
    for m in _WEEKEND.finditer(text):
        det = (m["det"] or "").lower()
        step = {"next": 1, "last": -1, "past": -1}.get(det, 0)
        tense = "present" if det in ("this", "coming") else None if not det else "past" if step < 0 else "future"
        start = m.start("det") if det else m.start("body")
        out.append(
            Expression(start, m.end("body"), "news_weekend", relative=Relative("weekend", amount=step, tense=tense))
        )
    for m in _FISCAL_YEAR.finditer(text):
        date = DateValue("DATE", m["y"], extra={"fiscal": True})
        out.append(Expression(m.start("body"), m.end("body"), "news_fiscal", date=date))
    for m in _FISCAL_NAMED.finditer(text):
        which = m["which"].lower()
        years = 1 if which in ("next", "coming") else -1 if which in ("last", "previous", "past") else 0
        rel = Relative("fiscal", years=years, tense="present")
        out.append(Expression(m.start("body"), m.end("body"), "news_fiscal", relative=rel))
    return _non_overlapping(out)


def _of_the_season(text: str, seasons: Mapping[str, int]) -> list[Expression]:
    """ "the first storms of the summer.": the season (span: its name) that the sentence's tense places (D188)."""
    names = "|".join(re.escape(n) for n in sorted(seasons, key=len, reverse=True))
    pattern = rf"(?<!\w)(?i:of\s+the)\s+(?:(?i:early|late|mid-?)\s*)?(?P<body>{names})(?=\s*(?:[,.;:!?)\]]|$))"
    return [
        Expression(m.start("body"), m.end("body"), "the_season", relative=Relative("within", season=seasons[m["body"]]))
        for m in re.finditer(pattern, text)
    ]


_SEASON_PART_MOD = {"early": "START", "late": "END", "mid": "MID"}


def _part_of_season(text: str, seasons: Mapping[str, int]) -> list[Expression]:
    """TimeML: "moved to late winter in 2003", a season with a part and no year or determiner, is not fixed by the
    text (D123) but is a TIMEX3 (XXXX-WI, D188); the guidelines leave it out unless punctuation closes it."""
    names = "|".join(re.escape(n) for n in sorted(seasons, key=len, reverse=True))
    pattern = (
        rf"(?<!\w)(?i:in|to|from|until|till|by|during|through|into|since)\s+"
        rf"(?P<body>(?P<part>(?i:early|late|mid))-?\s*(?P<s>{names}))(?![\w-])(?!\s*(?:of\s+)?\d)"
    )
    out = []
    for m in re.finditer(pattern, text):
        rel = Relative("unfixed", season=seasons[m["s"]], mod=_SEASON_PART_MOD[m["part"].lower()])
        out.append(Expression(m.start("body"), m.end("body"), "bare_season", relative=rel))
    return out


def _today_parts(text: str) -> list[Expression]:
    """ "this morning", "tonight", "last night": a part of the DCT's day (or the day before)."""
    out: list[Expression] = []
    for m in _TODAY_PART.finditer(text):
        part = "NI" if m["tonight"] or m["last"] else _PARTS_OF_DAY[m["part"].lower()]
        rel = Relative("present", unit="D", amount=-1 if m["last"] else 0, time=part)
        out.append(Expression(m.start(), m.end(), "news_time", relative=rel))
    return out


def _with_part_of_day(expr: Expression, text: str) -> Expression:
    """ "Monday afternoon", "yesterday morning": the day's span and value carry the part of day."""
    rel = expr.relative
    if (
        rel is None
        or rel.time is not None
        or not (rel.kind == "weekday" or (rel.kind == "present" and rel.unit == "D"))
    ):
        return expr
    m = _PART_AFTER.match(text, expr.end)
    if m is None:
        return expr
    return replace(expr, end=m.end(), relative=replace(rel, time=_PARTS_OF_DAY[m[1].lower()]))


def _day_beside(m: re.Match[str], resolved: list[tuple[Expression, DateValue]], text: str) -> str | None:
    """The day of the expression right before or after a clock time ("Thursday at 7 p.m.", "7 p.m. on Thursday")."""
    for e, date in resolved:
        gap = text[m.end() : e.start] if e.start >= m.end() else text[e.end : m.start()] if e.end <= m.start() else None
        if gap is not None and _CLOCK_GAP.match(gap) and date.value is not None and _DAY.match(date.value):
            return date.value
    return None


def _story_day(pos: int, resolved: list[tuple[Expression, DateValue]], text: str, dct: str | None) -> str | None:
    """The first day named before `pos` that is not the day of a report ("said Wednesday"), else the DCT's day."""
    for e, date in resolved:
        if e.start >= pos:
            break
        reported = _REPORTING.search(text, max(0, e.start - 30), e.start)
        if date.value is not None and _DAY.match(date.value) and not reported:
            return date.value
    return dct if dct is not None and _DAY.match(dct) else None


def _non_overlapping(found: list[Expression]) -> list[Expression]:
    out: list[Expression] = []
    for e in sorted(found, key=lambda e: (e.start, -e.length)):
        if not any(e.start < o.end and o.start < e.end for o in out):
            out.append(e)
    return out


def _join_past_durations(expressions: list[Expression], text: str) -> list[Expression]:
    """TimeML: "the past two years" is one DURATION, not PAST_REF + P2Y."""
    out: list[Expression] = []
    for e in expressions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.relative is not None
            and prev.relative.kind == "present"
            and text[prev.start : prev.end].lower() in _PAST_REF_WORDS
            and e.date is not None
            and e.date.type == "DURATION"
            and not text[prev.end : e.start].strip()
        ):
            out[-1] = replace(e, start=prev.start)
            continue
        out.append(e)
    return out


# --- tense -----------------------------------------------------------------------------------------------


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """[lo, hi) of the sentence around [start, end), at most 400 characters before it."""
    lo = max(0, start - 400)
    for m in _SENTENCE_BREAK.finditer(text, lo, start):
        lo = m.end()
    after = _SENTENCE_BREAK.search(text, end)
    return lo, (after.start() + 1 if after else len(text))


def _cue(tokens: list[re.Match[str]], i: int) -> Tense | None:
    word = tokens[i][0]
    low = word.lower()
    nxt = tokens[i + 1][0].lower() if i + 1 < len(tokens) else ""
    prev = tokens[i - 1][0].lower() if i > 0 else ""
    if low in _FUTURE_WORDS or low.endswith("'ll") or (low == "may" and word == "may"):
        return "future"
    if low in _FUTURE_BEFORE_TO and nxt == "to":
        return "future"
    if low in ("is", "are") and nxt == "to":
        return "future"
    if low in _POSTPONE_VERBS:
        return "future"
    if low == "to" and any(t[0].lower() in _PLAN_VERBS for t in tokens[max(0, i - 4) : i]):
        return "future"
    if low in _PRESENT_WORDS:
        return "present"
    if low in _PAST_WORDS:
        return "past"
    if low.endswith("ed") and len(low) > 3 and low not in _NOT_PAST_ED and not low.endswith("eed"):
        if prev in _NO_PAST_AFTER or word[0].isupper() and i > 0:
            return None
        return "past"
    return None


# --- values ----------------------------------------------------------------------------------------------

# first day, last day, EDTF value of a candidate date in a given year
Candidate = tuple[dt.date, dt.date, str]


def _dct_day(dct: str) -> dt.date | None:
    ref = parse_reference(dct)
    if ref is None or ref[0].precision not in ("year", "month", "day") or ref[0].year < 2:
        return None
    p = ref[0]
    return dt.date(p.year, p.month or 1, p.day or 1)


def _pick(make: Callable[[int], Candidate | None], today: dt.date, tense: Tense) -> str | None:
    """The candidate of the DCT's year, or of the year before (past) / after (future) when it is on the wrong side."""
    here = make(today.year)
    if here is None:
        return None
    if tense == "past" and here[0] > today:
        there = make(today.year - 1)
        return there[2] if there else None
    if tense == "future" and here[1] < today:
        there = make(today.year + 1)
        return there[2] if there else None
    return here[2]


def _value(rel: Relative, today: dt.date, tense: Tense, dct: str) -> str | None:
    if rel.kind == "weekday":
        return _weekday(today, rel.weekday or 1, tense, dct)
    if rel.kind == "weekend":
        return _weekend(today, rel.amount or 0, tense, dct, rel.holiday)
    if rel.kind == "fiscal":
        return year_text(today.year + rel.years)
    if rel.kind == "quarter":
        if rel.amount is None:
            index = today.year * 4 + (today.month - 1) // 3 + rel.direction
            return f"{year_text(index // 4)}-{33 + index % 4}"
        return _pick(lambda y: _season(y, 32 + (rel.amount or 1)), today, tense)  # EDTF 33-36
    if rel.kind == "half":
        return _pick(lambda y: _season(y, 39 + (rel.amount or 1)), today, tense)  # EDTF 40-41
    if rel.kind == "same":
        return _same(rel, today)
    if rel.kind == "next_named":
        return _next_named(rel, today)
    if rel.kind == "holiday":
        return _pick(lambda y: _holiday(y, rel.holiday or ""), today, tense)
    if rel.kind == "within":
        return _pick(lambda y: _within(y, rel), today, tense)
    return None


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _season(year: int, season: int) -> Candidate:
    start, months = YEAR_PART_MONTHS.get(season) or (SEASON_START_MONTH[season], 3)
    end_year, end_month = (year + 1, start + months - 1 - 12) if start + months - 1 > 12 else (year, start + months - 1)
    last = dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return dt.date(year, start, 1), last, format_point(Point("season", year, season=season))


def _holiday(year: int, rule: str) -> Candidate | None:
    p = holiday_day(year, rule)
    if p is None or p.month is None or p.day is None:
        return None
    day = dt.date(p.year, p.month, p.day)
    return day, day, format_point(p)


def _within(year: int, rel: Relative) -> Candidate | None:
    if rel.season is not None:
        return _season(year, rel.season)
    if rel.month is None:
        return None
    if rel.day is None:
        first, last = _month_bounds(year, rel.month)
        if rel.end_month is None:
            return first, last, format_point(Point("month", year, rel.month))
        end_year = year + (1 if rel.end_month < rel.month else 0)  # "from October to March"
        last = _month_bounds(end_year, rel.end_month)[1]
        value = (
            f"{format_point(Point('month', year, rel.month))}/{format_point(Point('month', end_year, rel.end_month))}"
        )
        return first, last, value
    days = [(rel.month, rel.day)] + ([(rel.end_month or rel.month, rel.end_day)] if rel.end_day is not None else [])
    if not all(is_real_day(_LEAP_YEAR, m, d) for m, d in days) or (len(days) == 2 and days[1] <= days[0]):
        return None  # no calendar has it ("November 31"): resolved as usual, value null and noisy
    # A leap day in a common year is kept as written (D126); it is placed as the 28th.
    first, last = (dt.date(year, m, d if is_real_day(year, m, d) else d - 1) for m, d in (days[0], days[-1]))
    return first, last, "/".join(format_point(Point("day", year, m, d)) for m, d in days)


def _weekday(today: dt.date, weekday: int, tense: Tense, dct: str) -> str | None:
    """Past: on or before the DCT; future: after it; present: the nearest one."""
    if not _knows_day(dct):
        return None
    ahead = (weekday - 1 - today.weekday()) % 7
    back = (today.weekday() - (weekday - 1)) % 7
    if tense == "past":
        moved = today - dt.timedelta(days=back)
    elif tense == "future":
        moved = today + dt.timedelta(days=ahead or 7)
    else:
        moved = today + dt.timedelta(days=ahead) if ahead <= back else today - dt.timedelta(days=back)
    return moved.isoformat()


def _weekend(today: dt.date, step: int, tense: Tense, dct: str, holiday: str | None = None) -> str | None:
    """The Saturday/Sunday of the DCT's ISO week (this, future, present), the one before (past, last), after (next).

    With a holiday, the weekend next to it: before a Monday, after a Friday, else of its week.
    """
    if holiday is not None:
        day = _pick(lambda y: _holiday(y, holiday), today, tense)
        if day is None:
            return None
        when = dt.date.fromisoformat(day)
        saturday = when + dt.timedelta(days=5 - when.weekday() - (7 if when.weekday() == 0 else 0))
        return f"{saturday.isoformat()}/{(saturday + dt.timedelta(days=1)).isoformat()}"
    if not _knows_day(dct):
        return None
    saturday = today + dt.timedelta(days=5 - today.weekday())
    if step == 0 and tense == "past" and today.weekday() < 5:
        step = -1
    saturday += dt.timedelta(weeks=step)
    return f"{saturday.isoformat()}/{(saturday + dt.timedelta(days=1)).isoformat()}"


def _knows_day(dct: str) -> bool:
    ref = parse_reference(dct)
    return ref is not None and ref[0].day is not None


def _same(rel: Relative, today: dt.date) -> str | None:
    if rel.unit == "Y":
        return year_text(today.year)
    if rel.unit == "M":
        return format_point(Point("month", today.year, today.month))
    return None


def _next_named(rel: Relative, today: dt.date) -> str | None:
    """ "last spring", "next March": the season / month before or after the DCT's own."""
    if rel.month is not None:
        p = next_month_named(Point("day", today.year, today.month, today.day), rel.month, rel.direction)
        return format_point(p) if p else None
    if rel.season is None:
        return None
    order = [21, 22, 23, 24]
    # The DCT's own season, counted in seasons; January and February are the winter begun the year before.
    here = (today.year - (today.month < 3)) * 4 + ((today.month - 3) % 12) // 3
    target = order.index(rel.season)
    if rel.direction < 0:
        index = here - ((here - target) % 4 or 4)
    else:
        index = here + ((target - here) % 4 or 4)
    return format_point(Point("season", index // 4, season=order[index % 4]))


_SUB_YEAR = re.compile(r"^(?P<year>-?\d{4})-(?P<code>2[1-4]|3[3-6]|4[01])$")


def _year_shift(rel: Relative, reference: str | None) -> DateValue | None:
    """ "a year earlier" from a month, season, quarter or half: the same part of the year before."""
    if reference is None:
        return None
    years = rel.direction * (rel.amount or 1)
    m = _SUB_YEAR.match(reference.rstrip("~?%"))
    if m:
        value = f"{year_text(int(m['year']) + years)}-{m['code']}"
        return DateValue("DATE", value, anchor=reference)
    ref = parse_reference(reference)
    if ref is None:
        return None
    base = ref[1] if rel.direction > 0 else ref[0]
    if base.month is None:
        return None
    return DateValue("DATE", format_point(Point("month", base.year + years, base.month)), anchor=reference)
