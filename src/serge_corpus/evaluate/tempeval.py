"""TempEval-3 Task A scores over TIMEX3 mentions (the benchmarks' metric).

The definitions of the TE3 toolkit's `evaluate_entities.py`, on characters:

- relaxed match: a gold and a system timex overlap; one-to-one, each gold
  timex (in document order) takes the first unused system timex overlapping it;
- strict match: a relaxed match with exactly the same extent;
- P = matches / system timexes, R = matches / gold timexes, F1 their harmonic mean;
- value F1 (type F1) = (value (type) matches / relaxed matches) x relaxed F1.

A mention is anything with `start`, `end`, `type` and `value` (TIMEX3
spelling): `serge_corpus.dates.timex3.Timex3` or a TimeML reader's timex.
`/work/shared/benchmarks/score_timex.py`, checked against the official
toolkit, computes the same numbers (tests/dates/test_tempeval_scorer.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypedDict


class TimexLike(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def value(self) -> str | None: ...


class PRF(TypedDict):
    p: float
    r: float
    f1: float


class TempEvalScores(TypedDict):
    gold: int
    system: int
    strict_matches: int
    relaxed_matches: int
    value_matches: int
    type_matches: int
    strict: PRF
    relaxed: PRF
    value_f1: float
    type_f1: float
    value_accuracy: float


@dataclass
class TempEvalCounts:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0

    def add(self, other: TempEvalCounts) -> None:
        for name in ("gold", "system", "strict", "relaxed", "value", "type"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def match_timexes(gold: Sequence[TimexLike], system: Sequence[TimexLike]) -> list[tuple[int, int]]:
    """Relaxed one-to-one pairs (gold index, system index), the toolkit's pairing."""
    g_order = sorted(range(len(gold)), key=lambda i: (gold[i].start, gold[i].end))
    s_order = sorted(range(len(system)), key=lambda i: (system[i].start, system[i].end))
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi in g_order:
        g = gold[gi]
        for si in s_order:
            s = system[si]
            if si not in used and min(g.end, s.end) - max(g.start, s.start) > 0:
                used.add(si)
                pairs.append((gi, si))
                break
    return pairs


def document_counts(gold: Sequence[TimexLike], system: Sequence[TimexLike]) -> TempEvalCounts:
    """Counts of one document."""
    counts = TempEvalCounts(gold=len(gold), system=len(system))
    for gi, si in match_timexes(gold, system):
        g, s = gold[gi], system[si]
        counts.relaxed += 1
        counts.strict += int((g.start, g.end) == (s.start, s.end))
        counts.type += int(g.type == s.type)
        counts.value += int(g.value == s.value)
    return counts


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _prf(matches: int, system: int, gold: int) -> PRF:
    p = matches / system if system else 0.0
    r = matches / gold if gold else 0.0
    return {"p": p, "r": r, "f1": _f1(p, r)}


def summarize(counts: TempEvalCounts) -> TempEvalScores:
    relaxed = _prf(counts.relaxed, counts.system, counts.gold)
    share = (lambda n: n / counts.relaxed) if counts.relaxed else (lambda n: 0.0)
    return {
        "gold": counts.gold,
        "system": counts.system,
        "strict_matches": counts.strict,
        "relaxed_matches": counts.relaxed,
        "value_matches": counts.value,
        "type_matches": counts.type,
        "strict": _prf(counts.strict, counts.system, counts.gold),
        "relaxed": relaxed,
        "value_f1": share(counts.value) * relaxed["f1"],
        "type_f1": share(counts.type) * relaxed["f1"],
        "value_accuracy": share(counts.value),
    }


def tempeval_scores(
    documents: Iterable[tuple[Sequence[TimexLike], Sequence[TimexLike]]],
) -> TempEvalScores:
    """Micro-averaged Task A scores over (gold, system) mention lists, one pair per document."""
    total = TempEvalCounts()
    for gold, system in documents:
        total.add(document_counts(gold, system))
    return summarize(total)
