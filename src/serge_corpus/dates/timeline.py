"""The narrative's main timeline: which dates may become the reference time (DECISIONS D170).

A history text does not tell its story in one straight line: a sentence
mentions what a document revealed decades later ("declassified in 2005"),
what was planned for next year ("a campaign planned for 1976"), what had
happened before ("had invaded Burma in late 1943"), and then goes on with
partial dates ("on 4 August", "By June") that belong to the story's own
time. If such an aside became the reference time, every partial date after
it would land in the aside's year. The rules:

- **Excursion.** A date that would move the reference is an excursion when
  the next date the text writes out with its year ("explicit", below) is
  nearer, in years, to the current reference than to it: the text comes
  back. An excursion does not move the reference.
- **Scene setting.** A date that opens its sentence ("On September 28, 1775,
  …", "In December 1916 …", "At the end of 1943, …": only the words of
  `[timeline] scene` in `dates.toml` before it) sets the story's time: it
  is never an excursion, even when the text goes back afterwards.
- **Restatement.** A year (decade, century) that holds the reference
  ("1941" after "December 7, 1941") restates it and keeps the finer one; a
  date that overlaps the reference's years ("July 1861" after a heading
  "1861-1863") is never an excursion.
- **Anaphora.** An expression that points back at the date just mentioned
  ("that year", "August of that year", "the same day", "that winter")
  resolves against the last date mentioned, excursion or not: "stalemated
  by 1940. In August of that year" is August 1940.

"Explicit" dates are absolute DATE/INTERVAL values with a year, outside
parentheses; relative dates are never the lookahead (they depend on the
reference themselves), but they can be excursions ("the previous year").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from serge_corpus.dates.expression import Expression
from serge_corpus.dates.values import SEASON_START_MONTH, Point, parse_reference
from serge_corpus.dates.vocab import Vocabulary

_WIDTH = {"century": 99, "decade": 9}
_COARSE_RANK = {"century": 0, "decade": 1, "year": 2}
# Where a sentence starts: after . ! ? (and a closing quote or bracket), or a line break.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class Lookahead:
    """What the timeline knows about one expression before resolving it.

    `following`: the value of the next explicit date after it (None at the
    end of the text); `scene`: the expression opens its sentence;
    `partials`: the bare days and months between it and `following`
    ("on November 2", "By June"), whose year the reference will give.
    """

    following: str | None = None
    scene: bool = False
    partials: tuple[Expression, ...] = ()


def year_range(value: str | None) -> tuple[int, int] | None:
    """The first and last year a date value covers (the decade `194X` is 1940-1949); None without a year."""
    ref = parse_reference(value)
    if ref is None:
        return None
    start, end = ref
    return start.year, end.year + _WIDTH.get(end.precision, 0)


def explicit_value(expr: Expression) -> str | None:
    """The value of a date the text writes out with its year (not relative, not in parentheses), else None."""
    date = expr.date
    if date is None or expr.parenthetical or date.type not in ("DATE", "INTERVAL") or date.value is None:
        return None
    return date.value if year_range(date.value) is not None else None


def opens_sentence(text: str, start: int, scene_words: frozenset[str]) -> bool:
    """True when only scene words ("In", "On", "At the end of") stand between the sentence start and `start`."""
    line_start = text.rfind("\n", 0, start) + 1
    prefix = text[line_start:start]
    ends = [m.end() for m in _SENTENCE_END.finditer(prefix)]
    if ends:
        prefix = prefix[ends[-1] :]
    words = _WORD.findall(prefix)
    return all(w.lower() in scene_words for w in words)


def lookaheads(expressions: Sequence[Expression], text: str, vocab: Vocabulary) -> list[Lookahead]:
    """The `Lookahead` of each expression of one text, in reading order."""
    return lookaheads_of(expressions, [opens_sentence(text, e.start, vocab.scene_words) for e in expressions])


def lookaheads_of(expressions: Sequence[Expression], scenes: Sequence[bool]) -> list[Lookahead]:
    """The `Lookahead` of each expression of a document (its blocks' expressions in reading order),
    given which ones open their sentence."""
    out: list[Lookahead] = []
    following: str | None = None
    partials: list[Expression] = []
    for expr, scene in zip(reversed(expressions), reversed(scenes)):
        out.append(Lookahead(following, scene, tuple(partials[::-1])))
        value = explicit_value(expr)
        if value is not None:
            following, partials = value, []
        elif is_partial(expr):
            partials.append(expr)
    return out[::-1]


def is_partial(expr: Expression) -> bool:
    """A day or month the text gives without its year ("on November 2", "in March"), read in the reference year."""
    rel = expr.relative
    return (
        rel is not None
        and rel.kind == "within"
        and rel.month is not None
        and rel.years == 0
        and rel.deictic is None
        and not is_anaphoric(expr)
    )


def keeps_order(start: str | None, partials: Sequence[Expression], following: str | None, read: Reader) -> bool:
    """True when the partial dates read on from `start` all have a value and stay before `following`."""
    end = parse_reference(following)
    if end is None:
        return False
    reference = start
    for expr in partials:
        value = read(expr, reference)
        if value is None:
            return False
        reference = value
    last = parse_reference(reference)
    return last is not None and _first_day(last[0]) <= _last_day(end[1])


Reader = Callable[[Expression, "str | None"], "str | None"]


def _first_day(p: Point) -> tuple[int, int, int]:
    month = p.month or (SEASON_START_MONTH.get(p.season or 0, 1))
    return p.year, month, p.day or 1


def _last_day(p: Point) -> tuple[int, int, int]:
    if p.precision in _COARSE_RANK:
        return p.year + _WIDTH.get(p.precision, 0), 12, 31
    if p.precision == "season":
        return p.year + (1 if p.season == 24 else 0), (SEASON_START_MONTH.get(p.season or 0, 1) + 2 - 1) % 12 + 1, 31
    return p.year, p.month or 12, p.day or 31


def is_excursion(reference: str | None, value: str | None, ahead: Lookahead | None) -> bool:
    """True when `value`, about to move the `reference`, leaves the main timeline (rules in the module docstring)."""
    if restates(reference, value):
        return True
    if ahead is None or ahead.scene:
        return False
    ref, new, after = year_range(reference), year_range(value), year_range(ahead.following)
    if ref is None or new is None or after is None or _year_gap(ref, new) == 0:
        return False
    return _year_gap(after, ref) < _year_gap(after, new)


_ANAPHORIC_RULES = frozenset({"day_of_year", "month_of_year", "season_of_year", "same_unit"})


def is_anaphoric(expr: Expression) -> bool:
    """True for an expression that points back at the last date mentioned ("that year", "May of that year")."""
    rel = expr.relative
    if rel is None or rel.deictic is not None:
        return False
    return (
        expr.rule in _ANAPHORIC_RULES
        or rel.kind == "same"
        or (expr.rule == "named_relative" and rel.kind == "within")
        # news "a year earlier" keeps the precision of the date it counts from: the last one mentioned (D184)
        or rel.keep_precision
    )


def restates(reference: str | None, value: str | None) -> bool:
    """True when `value` is a year (decade, century) that holds the finer `reference` ("1941" after 1941-12-07)."""
    ref_points, new_points = parse_reference(reference), parse_reference(value)
    return ref_points is not None and new_points is not None and _holds(new_points, ref_points)


def _year_gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, a[0] - b[1], b[0] - a[1])


def _holds(outer: tuple[Point, Point], inner: tuple[Point, Point]) -> bool:
    """True when `outer` is one year (decade, century) that holds the finer `inner`."""
    a, b = outer
    if a != b or a.precision not in _COARSE_RANK:
        return False
    x, y = inner
    if x.precision in _COARSE_RANK and _COARSE_RANK[x.precision] <= _COARSE_RANK[a.precision]:
        return False
    last = a.year + _WIDTH.get(a.precision, 0)
    return a.year <= x.year <= last and a.year <= y.year <= last
