"""Span boundaries as the guidelines draw them, shared by every backend.

Models disagree with the guidelines at the edges of names: they keep a leading
`the`, a possessive `'s`, the quotes around a title, a title before a name.
`adjust_span` fixes those edges with rules read from `data/ner_boundaries.json`
(users edit that file, not this code); `snap_to_tokens` moves offsets found
with another tokenizer onto the project's token boundaries.

Rules (guidelines §1, §3), applied until nothing changes:
1. whitespace is trimmed at both ends;
2. an opening quote/bracket at the start, or a closing one / final punctuation
   at the end, is dropped unless its partner is inside the span
   (`Year II (draft)` keeps its bracket); a final period stays on an
   abbreviation or initial (`L.`, `U.S.A.`, `Co.`);
3. a possessive (`'s`, `’s`) at the end is dropped;
4. a leading `the` is dropped;
5. for PERSON, a leading title (`Comrade`, `General`) is dropped when a
   capitalised word follows it.
Before that, a span holding a bracket is cut at it (the acronym rule:
`Communist International (Comintern)` gives two spans of the same label),
except for labels listed in `keep_parenthetical_labels` (a work's title may
contain brackets). Pieces with no letter or digit left are dropped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from serge_corpus.data_files import read_json_data
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import LABELS, Token

DEFAULT_POLICY_NAME = "ner_boundaries.json"
_QUOTE_PAIRS = {"“": "”", "‘": "’", "«": "»", "„": "“"}


@dataclass(frozen=True)
class BoundaryPolicy:
    """The edge rules, as read from a boundary policy file."""

    leading_words: tuple[str, ...]
    person_titles: tuple[str, ...]
    possessives: tuple[str, ...]
    leading_punctuation: str
    trailing_punctuation: str
    abbreviation: re.Pattern[str]
    abbreviations: frozenset[str]
    brackets: dict[str, str]
    keep_parenthetical_labels: frozenset[str]
    # Labels whose spans need a capital letter: guidelines §3, lowercase generic words are not entities.
    require_capital_labels: frozenset[str] = frozenset()

    @property
    def pairs(self) -> dict[str, str]:
        """Opener -> closer for brackets and typographic quotes."""
        return {**_QUOTE_PAIRS, **self.brackets}


def policy_from_dict(data: Any, file: str | None = None) -> BoundaryPolicy:
    """Validate a boundary policy; every bad field is reported at once (E130)."""
    problems: list[Problem] = []

    def bad(field: str, detail: str) -> None:
        problems.append(Problem("E130", detail, file=file, field=field))

    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E130", "expected a JSON object", file=file))

    def str_list(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            bad(key, "expected a list of non-empty strings")
            return ()
        return tuple(value)

    def chars(key: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            bad(key, "expected a string of characters")
            return ""
        return value

    leading_words = str_list("leading_words")
    titles = str_list("person_titles")
    # Longest first, so `Mrs.` wins over `Mrs`.
    possessives = tuple(sorted(str_list("possessives"), key=len, reverse=True))
    abbreviations = frozenset(str_list("abbreviations"))
    keep = str_list("keep_parenthetical_labels")
    unknown = [label for label in keep if label not in LABELS]
    if unknown:
        bad("keep_parenthetical_labels", f"not guidelines labels: {', '.join(unknown)}")
    capital = str_list("require_capital_labels")
    unknown = [label for label in capital if label not in LABELS]
    if unknown:
        bad("require_capital_labels", f"not guidelines labels: {', '.join(unknown)}")
    try:
        abbreviation = re.compile(str(data.get("abbreviation_pattern", r"(?!)")))
    except re.error as err:
        bad("abbreviation_pattern", f"not a regular expression: {err}")
        abbreviation = re.compile(r"(?!)")
    brackets = data.get("brackets", {})
    if not isinstance(brackets, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(k) == len(v) == 1 for k, v in brackets.items()
    ):
        bad("brackets", "expected an object of single-character opener -> closer")
        brackets = {}
    policy = BoundaryPolicy(
        leading_words=tuple(sorted(leading_words, key=len, reverse=True)),
        person_titles=tuple(sorted(titles, key=len, reverse=True)),
        possessives=possessives,
        leading_punctuation=chars("leading_punctuation"),
        trailing_punctuation=chars("trailing_punctuation"),
        abbreviation=abbreviation,
        abbreviations=abbreviations,
        brackets=dict(brackets),
        keep_parenthetical_labels=frozenset(keep),
        require_capital_labels=frozenset(capital),
    )
    if problems:
        raise SergeCorpusError(problems)
    return policy


@lru_cache(maxsize=8)
def load_boundary_policy(path: str | None = None) -> BoundaryPolicy:
    """The packaged policy (`data/ner_boundaries.json`) or a user's file."""
    data, file = read_json_data(DEFAULT_POLICY_NAME, path, "boundary policy", "E130")
    return policy_from_dict(data, file=file)


def adjust_span(text: str, start: int, end: int, label: str, policy: BoundaryPolicy) -> list[tuple[int, int]]:
    """The guidelines' span(s) for a predicted `text[start:end]`; [] when nothing is left."""
    pieces = (
        [(start, end)] if label in policy.keep_parenthetical_labels else split_at_brackets(text, start, end, policy)
    )
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        s, e = trim(text, s, e, label, policy)
        if s < e and any(ch.isalnum() for ch in text[s:e]):
            out.append((s, e))
    return out


def split_at_brackets(text: str, start: int, end: int, policy: BoundaryPolicy) -> list[tuple[int, int]]:
    """Cut a span at every bracket character inside it (acronym rule, §3)."""
    marks = set(policy.brackets) | set(policy.brackets.values())
    pieces: list[tuple[int, int]] = []
    cursor = start
    for i in range(start, end):
        if text[i] in marks:
            pieces.append((cursor, i))
            cursor = i + 1
    pieces.append((cursor, end))
    return [(s, e) for s, e in pieces if s < e]


def trim(text: str, start: int, end: int, label: str, policy: BoundaryPolicy) -> tuple[int, int]:
    """Apply the edge rules until the span stops changing."""
    while True:
        before = (start, end)
        start, end = _strip_space(text, start, end)
        if start >= end:
            return start, start
        start, end = _strip_edge_punctuation(text, start, end, policy)
        end = _strip_possessive(text, start, end, policy)
        start = _strip_leading(text, start, end, policy.leading_words, require_capital=False)
        if label == "PERSON":
            start = _strip_leading(text, start, end, policy.person_titles, require_capital=True)
        if (start, end) == before:
            return start, end


def _strip_space(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _strip_edge_punctuation(text: str, start: int, end: int, policy: BoundaryPolicy) -> tuple[int, int]:
    pairs = policy.pairs
    closers = {closer: opener for opener, closer in pairs.items()}
    # A partner strictly inside keeps the mark (`Year II (draft)`); a pair
    # enclosing the whole span does not (`“War Communism”`).
    inner = text[start + 1 : end - 1]
    first = text[start]
    if first in policy.leading_punctuation and pairs.get(first, "\0") not in inner:
        return start + 1, end
    last = text[end - 1]
    if last in policy.trailing_punctuation and closers.get(last, "\0") not in inner:
        if last == "." and _is_abbreviation(text[start:end], policy):
            return start, end
        return start, end - 1
    return start, end


def _is_abbreviation(covered: str, policy: BoundaryPolicy) -> bool:
    last_word = covered.split()[-1] if covered.split() else covered
    return last_word in policy.abbreviations or bool(policy.abbreviation.search(covered))


def _strip_possessive(text: str, start: int, end: int, policy: BoundaryPolicy) -> int:
    covered = text[start:end]
    for suffix in policy.possessives:
        if covered.endswith(suffix) and len(covered) > len(suffix):
            return end - len(suffix)
    return end


def _strip_leading(text: str, start: int, end: int, words: Sequence[str], require_capital: bool) -> int:
    """Drop a leading word followed by whitespace (and, if asked, by a capital)."""
    covered = text[start:end]
    for word in words:
        rest = covered[len(word) :]
        if covered.startswith(word) and rest[:1].isspace():
            following = rest.lstrip()
            if following and (not require_capital or following[0].isupper()):
                return start + len(covered) - len(following)
    return start


def snap_to_tokens(start: int, end: int, tokens: Sequence[Token]) -> tuple[int, int]:
    """Widen a span to the project's tokens it touches; trim it where it starts/ends in a gap.

    Backends tokenise differently (spaCy keeps `anti-Tsarist` whole, the
    project splits it); widening keeps every character the model marked, so
    nothing is silently cut. Offsets in whitespace move inward to the nearest
    token. Returns (start, start) when no token lies inside.
    """
    if not tokens:
        return start, end
    starts = [t.start for t in tokens]
    i = bisect.bisect_right(starts, start) - 1  # last token starting at or before `start`
    if i >= 0 and tokens[i].end > start:
        new_start = tokens[i].start
    else:
        i += 1
        if i >= len(tokens) or tokens[i].start >= end:
            return start, start
        new_start = tokens[i].start
    j = bisect.bisect_left(starts, end) - 1  # last token starting before `end`
    new_end = tokens[j].end if j >= 0 else start
    if new_end <= new_start:
        return start, start
    return new_start, new_end
