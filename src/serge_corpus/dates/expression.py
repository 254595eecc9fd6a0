"""What the detector finds: a temporal expression, fixed or relative.

An `Expression` is a stretch of text with either a fixed `DateValue` (absolute
dates, durations, sets, noise) or a `Relative` recipe that the resolver turns
into a value against the narrative's reference time.
"""

from __future__ import annotations

from dataclasses import dataclass

from serge_corpus.model import DateValue


@dataclass(frozen=True)
class Relative:
    """How to compute a relative date from the reference time.

    kind:
      - "shift": `amount` `unit`s in `direction` ("two years later"); `amount`
        None is a vague quantity ("a few weeks later"): the reference at the
        granularity the text supports, no mod (DECISIONS D120).
      - "same": the reference truncated to `unit` ("that year").
      - "within": a month/day/season of the reference year + `years` (`season` may
        also be an EDTF quarter or half code, 33-36, 40-41: "the first quarter")
        ("December of that year", "November 16", "in October"); with
        `end_month`/`end_day` a range of days ("February 28-29").
      - "next_named": the next/previous `month` or `season` ("the following spring").
      - "decade": decade `decade` (0-9) of the reference century ("the forties").
      - "unfixed": a season (`season`) with no year and no determiner ("In the
        extreme winter"): DATE with value null, whatever the reference (D123).
      - "present": the time of writing shifted by `amount` days ("today" 0,
        "yesterday" -1); `unit` "now" for "now"/"at present" (D159).
      - "week": the week `amount` weeks from the reference's ("last week" -1).
      - "weekday": the day `weekday` (1 = Monday) nearest the reference, in
        `direction` (0: the past one with a DCT, the next one in a narrative).
      - "quarter": the quarter `amount` quarters from the reference's ("last quarter" -1).
      - "holiday": the day `month`/`day` of the reference year ("Christmas");
        a movable feast names its rule in `holiday` ("easter+1").

    `tense` ("past", "future" or None) is the tense cue before a day or
    month without year; news mode reads it (D172).
    `deictic` says what a DCT does (D158): "prefer" resolves against it when
    there is one, else against the reference ("last year", "this week");
    "only" needs it and has no value without it ("three years ago").

    News mode only (`dates.news`, D180): `tense` ("past", "present",
    "future") says that the expression is underspecified and resolves against
    the DCT in that direction; `keep_precision` that a shift ("a year
    earlier") keeps the precision of the date it is counted from; `time`
    (TimeML conventions) is a part of day or clock time the day carries
    ("AF" for "Monday afternoon"). The kinds "quarter", "half", "weekend"
    and "fiscal" exist only there.
    """

    kind: str
    unit: str | None = None
    amount: int | None = None
    direction: int = 1
    month: int | None = None
    day: int | None = None
    season: int | None = None
    years: int = 0
    decade: int | None = None
    end_month: int | None = None
    end_day: int | None = None
    mod: str | None = None
    weekday: int | None = None
    holiday: str | None = None
    deictic: str | None = None
    # past/present/future: the tense cue of an underspecified date, read only against a DCT (D172, D180).
    tense: str | None = None
    keep_precision: bool = False
    time: str | None = None


@dataclass(frozen=True)
class Expression:
    """A detected temporal expression; offsets index the text it was found in."""

    start: int
    end: int
    rule: str
    date: DateValue | None = None
    relative: Relative | None = None
    parenthetical: bool = False
    # The part of [start, end) that is the span, when a rule claims more text
    # than it annotates ("23 years old" claims all, annotates "23", D117).
    core: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if (self.date is None) == (self.relative is None):
            raise ValueError("an Expression has either a date or a relative recipe")

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def mod(self) -> str | None:
        return self.date.mod if self.date is not None else self.relative.mod  # type: ignore[union-attr]
