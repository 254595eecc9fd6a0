"""The text-level entry points: `find_dates` and `normalize`."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Literal

from serge_corpus.date_object import is_edtf
from serge_corpus.dates.detect import TIMEML_ONLY, detector_for
from serge_corpus.dates.expression import Expression
from serge_corpus.dates.news import with_clock_times, with_news_readings, with_time_of_day
from serge_corpus.dates.resolve import resolve, resolve_all
from serge_corpus.dates.timeline import lookaheads
from serge_corpus.dates.vocab import Vocabulary, load_vocabulary
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import DateValue, Span

_EDGE_PUNCT = "\"'“”‘’«»()[]{}.,;:!?…–—- \t\n"


def check_anchor(anchor: str | None, field: str = "anchor") -> None:
    """Raise E101 (E400 for the DCT) unless `anchor` is None or valid EDTF without an interval."""
    if anchor is not None and not is_edtf(anchor):
        raise SergeCorpusError(Problem("E400" if field == "dct" else "E101", repr(anchor), field=field))
    if field == "dct" and anchor is not None and "/" in anchor:
        raise SergeCorpusError(Problem("E400", f"{anchor!r} is an interval", field=field))


def find_dates(
    text: str,
    anchor: str | None = None,
    dct: str | None = None,
    *,
    vocabulary: Vocabulary | None = None,
    conventions: Conventions = "guidelines",
) -> list[Span]:
    """Every temporal expression of `text` as a DATE span with its date object.

    Relative expressions resolve against a reference time that starts at
    `anchor` (EDTF; the DCT when no anchor is given) and moves with each
    absolute date of the text. `dct`, the document creation time (news
    mode), fixes deictic expressions: "today", "last week", "three years ago",
    weekdays (DECISIONS D158, D159). Without it (narrative mode) they resolve
    against the reference time, and "now"/"today" get `ref: "PRESENT"`.
    `conventions="timeml"` also keeps what TimeML tags and the guidelines do
    not (`former`, `recently`, `currently`, `future`, a past-tense `now`:
    PAST_REF / PRESENT_REF / FUTURE_REF; D166), for TimeML output and benchmarks.
    """
    check_anchor(anchor)
    check_anchor(dct, "dct")
    vocab = vocabulary or load_vocabulary()
    expressions = keep_conventions(detector_for(vocabulary).detect(text), conventions, dct)
    if dct is not None:
        expressions = with_news_readings(expressions, text, timeml=conventions == "timeml", seasons=vocab.seasons)
    resolved, _ = resolve_all(expressions, anchor, dct=dct, lookahead=lookaheads(expressions, text, vocab))
    if conventions == "timeml":
        resolved = [(e, timeml_value(e, timeml_vague_shift(e, d), text, vocab, dct)) for e, d in resolved]
        if dct is not None:  # news: parts of day and clock times as TIMEX3 TIME (D183)
            resolved = with_clock_times([(e, with_time_of_day(e, d)) for e, d in resolved], text, dct)
    return [Span(e.start, e.end, "DATE", text[e.start : e.end], date) for e, date in resolved]


def timeml_vague_shift(expr: Expression, date: DateValue) -> DateValue:
    """TimeML writes a vague distance ("a few weeks later") as FUTURE_REF / PAST_REF, not a coarse date (D166)."""
    rel = expr.relative
    if rel is None or rel.kind != "shift" or rel.amount is not None or rel.deictic is not None:
        return date
    return DateValue("DATE", None, extra={"ref": "FUTURE" if rel.direction > 0 else "PAST"})


_COUNTED_DECADES = re.compile(r"^P(?P<n>\d+)(?P<u>DE|CE)$")


def timeml_value(expr: Expression, date: DateValue, text: str, vocab: Vocabulary, dct: str | None) -> DateValue:
    """TimeML's way of writing some values (D186): counted decades and centuries in years ("four decades" P40Y);
    in news (a DCT), a frequency word as its period ("daily" P1D), as TimeBank writes it; a season the text
    does not fix keeps its season for TIMEX3 XXXX-WI (D188)."""
    value = date.value or ""
    m = _COUNTED_DECADES.match(value) if date.type == "DURATION" else None
    if m is not None and int(m["n"]) > 1:  # "a decade" stays P1DE
        return replace(date, value=f"P{int(m['n']) * (10 if m['u'] == 'DE' else 100)}Y")
    rel = expr.relative
    if rel is not None and rel.kind == "unfixed" and rel.season is not None and date.value is None:
        return replace(date, extra={**date.extra, "season": rel.season})  # TIMEX3 XXXX-WI (D188)
    word = text[expr.start : expr.end].lower()
    if date.type == "SET" and dct is not None and expr.rule == TIMEML_ONLY and word in vocab.timeml_news_sets:
        return replace(date, value=vocab.timeml_news_sets[word])
    return date


Conventions = Literal["guidelines", "timeml"]


def keep_conventions(
    expressions: list[Expression], conventions: Conventions, dct: str | None = None
) -> list[Expression]:
    """The expressions the conventions annotate (D166). Without a DCT, `now` is a vague word of the narrative (D169)."""
    if conventions == "timeml":
        return expressions
    return [e for e in expressions if e.rule != TIMEML_ONLY and not (dct is None and _vague_now(e))]


def _vague_now(expr: Expression) -> bool:
    return expr.rule == "present" and expr.relative is not None and expr.relative.unit == "now"


def normalize(
    text: str, anchor: str | None = None, dct: str | None = None, *, vocabulary: Vocabulary | None = None
) -> DateValue | None:
    """The date object of a text that is one temporal expression, or None.

    Leading prepositions and articles and surrounding punctuation are
    ignored ("In the spring of 1925," -> 1925-21). The expression found must
    cover what is left; when the text holds exactly one expression, its value
    is returned even if words around it are not part of it ("aged 57" -> P57Y).
    """
    check_anchor(anchor)
    check_anchor(dct, "dct")
    vocab = vocabulary or load_vocabulary()
    start, end = core_bounds(text, vocab)
    if start >= end:
        return None
    expressions = keep_conventions(detector_for(vocabulary).detect(text, whole=True), "guidelines", dct)
    if dct is not None:
        expressions = with_news_readings(expressions, text)
    for expr in expressions:
        if expr.start == start and expr.end == end:
            return resolve(expr, anchor or dct, dct)
    if len(expressions) == 1:
        return resolve(expressions[0], anchor or dct, dct)
    return None


def core_bounds(text: str, vocab: Vocabulary) -> tuple[int, int]:
    """[start, end) of `text` without edge punctuation and leading articles/prepositions."""
    start, end = 0, len(text)
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    lead = _leading_words(vocab.trim_leading)
    while True:
        while start < end and text[start] in _EDGE_PUNCT:
            start += 1
        m = lead.match(text, start, end)
        if m is None:
            return start, end
        start = m.end()


@lru_cache(maxsize=8)
def _leading_words(words: tuple[str, ...]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?i:{alternation})\s+")
