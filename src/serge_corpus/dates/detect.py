"""Detection: find temporal expressions in English text.

A `Detector` compiles, once, a list of rules (one regular expression per
pattern family, built from the vocabulary in `data/dates.toml`), runs them all
over a text, and keeps the longest non-overlapping matches. Four passes then
refine the selection, in this order:

1. join: two adjacent absolute dates linked by "to"/"-"/"until" (or "between …
   and") become one INTERVAL;
2. modifiers: a modifier word just before a date sets its `mod` and joins the
   span ("the end of 1923" -> span "end of 1923", mod END); "onwards" after it
   sets AFTER; a preposition before it ("prior to 1917") sets nothing and
   stays outside (DECISIONS D119);
3. noise: a parenthetical made only of digits, dashes and machine-translation
   placeholders that no clean rule explains becomes one DATE with value null
   and `noisy`, or, when one run of eight digits splits into two years in
   increasing order ("(18861934-XNUMX)"), the INTERVAL of those years, noisy
   (DECISIONS D126);
4. parentheses: expressions inside (…) or […] are flagged `parenthetical`, so
   the resolver does not let them move the reference time.

Span boundaries follow guidelines §4: no leading preposition or article.
Values of relative expressions are left to `serge_corpus.dates.resolve`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from serge_corpus.date_object import is_edtf
from serge_corpus.dates.expression import Expression, Relative
from serge_corpus.dates.values import (
    Point,
    format_point,
    holiday_day,
    is_real_day,
    parse_point,
    point_order,
    year_text,
)
from serge_corpus.dates.vocab import Vocabulary, load_vocabulary
from serge_corpus.model import DateValue

_DASH = r"[-–—‐‑]"
_ORD = r"(?:st|nd|rd|th)"
# A rate's time unit ("a day", "per week") and the token before it ("30", "billion", "miles", ")").
_RATE = re.compile(r"(?i:an?|per)\s+(?i:day|week|month|year)")
_LAST_TOKEN = re.compile(r"(?P<t>[\w.,$€£%]+|\))\s*\Z")
# Words before a bare month that name a part of it: no first name follows them.
_MONTH_PARTS = frozenset({"early", "late", "mid", "end of", "beginning of", "middle of", "start of"})
_NUM_LEFT = r"(?<![\w.,$£€#/])"
_NUM_RIGHT = r"(?![\w%]|[.,]\d|\s*%)"
_DAY = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?!\d)"
_PARA_BREAK = re.compile(r"\n[^\S\n]*\n")
_PARENS = re.compile(r"\(([^()\n]*)\)|\[([^\[\]\n]*)\]")
# Days a month can have in any year (February 29 exists in leap years).
_MAX_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
_CAPITALISED_NEXT = re.compile(r"[^\S\n]+[A-Z][a-z]")
_OPEN_LIFESPAN = re.compile(r"(\d{4})\s*[-–—]")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_PUNCT_AFTER = re.compile(r"\s*(?:[,.;:!?)\]]|$)")
_NEXT_WORDS = re.compile(r"[^\S\n]*([\w%]+)(?:[^\S\n]+([\w%]+))?")
_PREV_WORD = re.compile(r"([^\s(\[]+)\s*\Z")
_JOINER = re.compile(r",?\s*(?:[-–—]|(?i:to|until|till|through|and))\s*")
# Words before a bare weekday, in its sentence, that point to the coming one (D158).
_FUTURE_CUE = re.compile(r"(?i:\b(?:will|shall|expected\s+to|plans?\s+to|due|until|till|from)\b)[^.!?]*\Z")
# Tense cues before a day or month without year, read in news (D172): a modal or a plan word says
# future; a past auxiliary, a common irregular past or an -ed verb says past. No POS tagger: a heuristic.
_FUTURE_TENSE = re.compile(
    r"(?i:\b(?:will|shall|would|going\s+to|expected|expects?|plans?\s+to|planned|scheduled|set\s+to|slated|due|until|till)\b)[^.!?]*\Z"
)
_PAST_TENSE = re.compile(
    r"(?i:\b(?:was|were|had|did|said|told|fell|rose|grew|sold|began|took|made|came|went|won|lost|left|held|met|saw|"
    r"gave|got|paid|spent|cut|hit|led|ran|set\s+up|[a-z]+ed)\b)[^.!?]*\Z"
)
# The rule name of expressions only TimeML conventions annotate (D166): kept by
# `conventions="timeml"`, dropped otherwise.
TIMEML_ONLY = "timeml_only"
# A "now" right after one of these is the narrative's past, not the time of writing (D159).
_PAST_AUXILIARIES = frozenset({"was", "were", "had", "been"})
# Duration units from the longest down, for composite durations ("two years and three months").
_UNIT_ORDER = ("ML", "CE", "DE", "Y", "M", "W", "D", "H", "MIN")
_DURATION_PARTS = re.compile(r"^P(?P<n>\d+)(?P<u>ML|CE|DE|Y|M|W|D)$|^PT(?P<tn>\d+)(?P<tu>[HM])$")
_COMPOSITE_GAP = re.compile(r"\s*(?:,\s*(?:(?i:and)\s+)?|\s(?i:and)\s+)")
_BETWEEN_LEFT = re.compile(r"(?<!\w)(?i:between)\s+\Z")
_FROM_LEFT = re.compile(r"(?<!\w)(?i:from)\s+\Z")
# The left context a modifier is looked for in ("the latter half of the" fits).
_MOD_WINDOW = 40


def _alt(words: object, *, ci: bool = False) -> str:
    """A non-capturing alternation of `words`, factored into a trie so each position costs one dispatch.

    Spaces in a word match any whitespace. With `ci` the words match in any case.
    """
    items = {str(w).lower() if ci else str(w) for w in words}  # type: ignore[attr-defined]
    trie: dict[str, dict] = {}
    for word in items:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    body = _trie_regex(trie)
    return f"(?i:{body})" if ci else f"(?:{body})"


def _trie_regex(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if char == " " else "['’]" if char == "'" else re.escape(char)) + _trie_regex(node[char])
        for char in sorted(k for k in node if k)
    ]
    if not branches:
        return ""
    if "" in node:  # a word ends here: the longer continuations are optional (and tried first)
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _norm(words: str) -> str:
    return " ".join(words.lower().split())


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], str], Expression | None]
    whole_only: bool = False


class Detector:
    """Precompiled rules over one vocabulary; `detect(text)` is cheap and pure."""

    def __init__(self, vocab: Vocabulary):
        self.v = vocab
        self._months = {**vocab.months, **{k.upper(): n for k, n in vocab.months.items()}}
        self._months.update(vocab.month_abbreviations)
        self._months.update(vocab.month_misspellings)
        self._weekday_index = {w.lower(): i + 1 for i, w in enumerate(vocab.weekdays)}
        self._seasons = {k.lower(): n for k, n in vocab.seasons.items()}
        self._mods = {_norm(k): m for k, m in vocab.modifiers.items()}
        self._later = {w.lower() for w in vocab.later}
        self._next = {_norm(w) for w in vocab.next}
        self._previous = {_norm(w) for w in vocab.previous}
        self.rules = self._compile()
        self._mod_left = re.compile(r"(?<!\w)(?P<mod>" + _alt(vocab.modifiers, ci=True) + r")\s*(?:(?i:the)\s+)?\Z")
        self._join_left = re.compile(r"(?<!\w)(?P<j>" + _alt(vocab.join_words, ci=True) + r")\s+\Z")
        # D156: "later that month", "Later in the summer": the adverb is part of a relative date, no mod
        self._later_left = re.compile(r"(?<!\w)(?P<j>(?i:later|earlier)(?:\s+(?i:in)(?:\s+(?i:the))?)?)\s+\Z")
        self._duration_lead = re.compile(r"(?<!\w)(?P<w>" + _alt(vocab.duration_lead, ci=True) + r")\s+\Z")
        self._onwards = re.compile(r"\s+(?P<w>" + _alt(vocab.onwards, ci=True) + r")(?!\w)")
        noise = _alt(vocab.noise_tokens)
        self._noise_tokens = re.compile(noise)

    # ------------------------------------------------------------ rules

    def _compile(self) -> list[_Rule]:
        v = self.v
        month = _alt(self._months)
        full_month = _alt(list(v.months) + [m.upper() for m in v.months] + list(v.month_misspellings))
        weekday = _alt(v.weekdays)
        season = _alt(v.seasons, ci=True)
        number = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + _alt(list(v.numbers) + list(v.vague), ci=True) + ")"
        unit = _alt(v.units, ci=True)
        unit_singular = _alt([u for u in v.units if u not in v.unit_plurals], ci=True)
        unit_plural = _alt(v.unit_plurals, ci=True)
        ordinal_word = _alt(v.ordinals, ci=True)
        any_ordinal = rf"(?:\d{{1,2}}{_ORD}|{ordinal_word}|[IVXL]{{1,7}}(?:th)?)"
        later = _alt(list(v.later) + list(v.earlier), ci=True)
        which_year = _alt(list(v.same) + [f"the {w}" for w in v.next + v.previous] + ["the same"], ci=True)
        determiner = _alt(list(v.same) + list(v.next) + list(v.previous), ci=True)
        preps_month = _alt(v.bare_month_prepositions, ci=True)
        preps = _alt(v.prepositions, ci=True)
        season_lower = _alt([w.lower() for w in v.seasons])
        season_lead = _alt(v.season_lead, ci=True)
        season_part = _alt([w for w in v.season_lead + tuple(v.modifiers) if w.endswith(" of")], ci=True)
        season_event = _alt(v.season_event_nouns, ci=True)
        connector = rf"\s*(?:{_DASH}|(?i:to|and|until|till|through))\s*"
        year_tail = rf"(?:,?\s*(?P<y>\d{{4}}))?{_NUM_RIGHT}"
        era = r"(?:B\.C\.E\.|BCE|B\.C\.|BC|A\.D\.|AD|C\.E\.|CE)"
        holiday = _alt(v.holidays)
        present = _alt(v.present_words, ci=True)
        deictic_day = _alt(v.deictic_days, ci=True)
        timeml_ref = _alt(v.timeml_refs, ci=True)
        timeml_set = _alt(v.timeml_sets, ci=True)
        spec: list[tuple[str, str, Callable[[re.Match[str], str], Expression | None], bool]] = [
            ("iso", rf"{_NUM_LEFT}(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})(?![\w-]|[.,]\d)", self._iso, False),
            (
                "numeric",
                rf"{_NUM_LEFT}(?P<a>\d{{1,2}})(?P<sep>[/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}){_NUM_RIGHT}",
                self._numeric,
                False,
            ),
            (
                "mdy",
                rf"(?<![\w.])(?:{weekday},?\s+)?(?P<m>{month})\s*(?P<d>{_DAY}){_ORD}?(?:{connector}(?:(?P<m2>{month})\s*)?(?P<d2>{_DAY}){_ORD}?)?{year_tail}",
                self._mdy,
                False,
            ),
            (
                "dmy",
                rf"(?<![\w.,/$])(?:{weekday},?\s+)?(?P<d>{_DAY}{_ORD}?|{ordinal_word})(?:{connector}(?P<d2>{_DAY}){_ORD}?)?(?P<of>\s+(?i:of))?\s+(?P<m>{month}){year_tail}",
                self._dmy,
                False,
            ),
            (
                "day_of_year",
                rf"(?<![\w.,/$])(?:(?P<d>{_DAY}){_ORD}?\s+(?:(?i:of)\s+)?(?P<m>{month})|(?P<m2>{month})\s+(?P<d2>{_DAY}){_ORD}?,?)\s+(?i:of)\s+(?P<which>{which_year})\s+(?i:year)(?!\w)",
                self._day_of_year,
                False,
            ),
            (
                "month_of_year",
                rf"(?<!\w)(?P<m>{month})\s+(?i:of)\s+(?P<which>{which_year})\s+(?i:year)(?!\w)",
                self._month_of_year,
                False,
            ),
            (
                "month_year",
                rf"(?<!\w)(?P<m>{month})(?:{connector}(?P<m2>{month}))?,?\s+(?:(?i:of)\s+)?(?P<y>\d{{4}}){_NUM_RIGHT}",
                self._month_year,
                False,
            ),
            (
                "season_of_year",
                rf"(?<!\w)(?P<s>{season})\s+(?i:of)\s+(?P<which>{which_year})\s+(?i:year)(?!\w)",
                self._season_of_year,
                False,
            ),
            (
                "season_year",
                rf"(?<!\w)(?P<s>{season})\s+(?:(?i:of)\s+)?(?P<y>\d{{4}})(?:\s*{_DASH}\s*(?P<y2>\d{{4}}|\d{{2}}))?{_NUM_RIGHT}",
                self._season_year,
                False,
            ),
            (
                "century",
                rf"(?<!\w)(?P<c1>{any_ordinal})(?:{connector}(?P<c2>{any_ordinal}))?(?:\s+|\s*{_DASH}\s*)(?i:century|centuries)(?:\s+(?P<era>{era}))?(?!\w)",
                self._century,
                False,
            ),
            ("year_word", rf"(?<!\w)(?i:year)\s+(?P<y>\d{{4}}){_NUM_RIGHT}", self._year_word, False),
            (
                "year_part",
                rf"(?<!\w)(?P<part>(?i:first|second|third|fourth|last|latter|1st|2nd|3rd|4th))\s+(?P<what>(?i:half|quarter))\s+(?i:of)\s+(?P<y>\d{{4}}){_NUM_RIGHT}",
                self._year_part,
                False,
            ),
            # "in the first quarter", "the second half" (no year): of the reference year (D172).
            (
                "year_part_bare",
                r"(?<!\w)(?i:the)\s+(?P<body>(?P<part>(?i:first|second|third|fourth|latter|1st|2nd|3rd|4th))\s+(?P<what>(?i:half|quarter)))(?!\s+(?i:of)\b)(?![\w-])",
                self._year_part_bare,
                False,
            ),
            # "last quarter", "this quarter", "next quarter": from the DCT in news (D172).
            (
                "quarter_deictic",
                r"(?<!\w)(?P<det>(?i:last|this|next))\s+(?i:quarter)(?![\w-])",
                self._quarter_deictic,
                False,
            ),
            (
                "rest_of",
                r"(?<!\w)(?i:rest|remainder|balance)\s+(?i:of)\s+(?i:the|that|this)\s+(?P<u>(?i:year|month))(?!\w)",
                self._same_unit,
                False,
            ),
            (
                "the_year",
                r"(?<!\w)(?i:of|in|during|throughout)\s+(?i:the)\s+(?P<body>(?P<u>(?i:year|month)))(?!\s+(?i:of|before|after|when|that|in|which|\d)\b)(?!\w|-)",
                self._same_unit,
                False,
            ),
            (
                "holiday",
                rf"(?<![\w'’])(?P<h>{holiday})(?:,?\s+(?:(?i:of)\s+)?(?P<y>\d{{4}}))?(?![\w'’-]|\s+[A-Z])",
                self._holiday,
                False,
            ),
            (
                "present",
                rf"(?<![\w-])(?:(?i:at)\s+(?P<body>(?i:present))(?![\w-])|(?P<w>{present})(?![\w-]))",
                self._present,
                False,
            ),
            ("timeml_ref", rf"(?<![\w-])(?P<w>{timeml_ref})(?![\w-])", self._timeml_ref, False),
            ("timeml_set", rf"(?<![\w-])(?P<w>{timeml_set})(?![\w-])", self._timeml_set, False),
            ("deictic_day", rf"(?<![\w-])(?P<w>{deictic_day})(?![\w-])", self._deictic_day, False),
            (
                "weekday",
                rf"(?<!\w)(?:(?P<det>(?i:last|next|this|past|coming))\s+)?(?P<w>{weekday})(?!\w)",
                self._weekday,
                False,
            ),
            (
                "past_unit",
                rf"(?<!\w)(?i:the)\s+(?P<body>(?i:past|last)\s+(?P<u>{unit_singular}))(?!\w)",
                self._past_unit,
                False,
            ),
            (
                "decade",
                rf"(?<![\w.,$])(?P<y>\d{{3}}0)'?s(?:{connector}(?P<y2>\d{{3}}0|\d0)'?s)?(?!\w)",
                self._decade,
                False,
            ),
            (
                "decade_word",
                rf"(?<!\w)(?i:the)\s+(?P<body>['’]?(?P<dd>[1-9]0)['’]?s|(?P<dw>{_alt(v.decade_words, ci=True)}))(?!\w)",
                self._decade_word,
                False,
            ),
            (
                "year_range",
                rf"{_NUM_LEFT}(?P<y>\d{{4}})\s*(?P<sep>{_DASH}|/)\s*(?P<y2>\d{{4}}|\d{{2}}|\d)(?![\w%]|[.,]\d|\s*%|[-–—/]\d)",
                self._year_range,
                False,
            ),
            (
                "era_range",
                rf"{_NUM_LEFT}(?P<y>\d{{1,4}})(?:\s*{_DASH}\s*|\s+(?i:to|until|till)\s+)(?P<y2>\d{{1,4}})\s*(?P<era>{era})(?![\w%])",
                self._era_range,
                False,
            ),
            # "April 480 BC", "12 August 490 BC", "the autumn of 481 BC": a month, day or season in an era.
            (
                "era_dated",
                rf"(?<![\w.,/$])(?:(?P<d>{_DAY}){_ORD}?\s+(?:(?i:of)\s+)?)?(?:(?P<m>{month})(?:\s+(?P<d2>{_DAY}){_ORD}?)?|(?P<s>{season}))(?:,?\s+(?i:of))?,?\s+(?:(?P<y>\d{{1,4}})\s*(?P<era>{era})|(?P<era2>A\.D\.|AD)\s*(?P<y2>\d{{1,4}}))(?![\w%])",
                self._era_dated,
                False,
            ),
            (
                "era",
                rf"{_NUM_LEFT}(?:(?P<y>\d{{1,4}})\s*(?P<era>B\.C\.E\.|BCE|B\.C\.|BC|A\.D\.|AD|C\.E\.|CE)|(?P<era2>A\.D\.|AD)\s*(?P<y2>\d{{1,4}}))(?![\w%])",
                self._era,
                False,
            ),
            (
                "age_old",
                rf"(?<![\w.,])(?P<n>{number})(?:\s*{_DASH}\s*|\s+)(?P<u>{unit})(?:\s*{_DASH}\s*|\s+)(?:(?i:old)|(?i:of\s+age))(?!\w)",
                self._age,
                False,
            ),
            (
                "age_aged",
                rf"(?<!\w)(?i:aged|age\s+of|at\s+age)\s+(?P<body>(?P<n>{number})(?:\s+(?P<u>{unit}))?)(?!\w)",
                self._age,
                False,
            ),
            (
                "relative_shift",
                rf"(?<![\w.,])(?:(?:(?P<n>{number})(?P<half0>\s+(?i:and\s+a\s+half))?|(?P<halfa>(?i:half\s+an?)))\s+)?(?P<u>{unit})(?P<half>\s+(?i:and\s+a\s+half))?\s+(?P<dir>{later})(?!\w)",
                self._relative_shift,
                False,
            ),
            (
                "unit_after",
                rf"(?<!\w)(?i:the)\s+(?P<body>(?P<u>{unit_singular})\s+(?P<dir>(?i:after|before)))(?=\s*(?:[,.;:!?)\]]|$))",
                self._unit_after,
                False,
            ),
            # "the day after the armistice": the event is outside; resolved from the reference (D167).
            (
                "unit_after_event",
                r"(?<!\w)(?i:the)\s+(?P<body>(?P<u>(?i:day|week|month|year))\s+(?P<dir>(?i:after|before)))(?=\s+(?i:the|his|her|their|its|a|an)\s)",
                self._unit_after,
                False,
            ),
            (
                "named_relative",
                rf"(?<!\w)(?P<det>{determiner})\s+(?P<what>{unit_singular}|{full_month}|{season})(?!\w)",
                self._named_relative,
                False,
            ),
            (
                "set_frequency",
                rf"(?<!\w)(?P<f>(?i:once|twice)|(?P<n>{number})\s+(?i:times))\s+(?i:a|an|per|every)\s+(?P<u>{unit_singular})(?!\w)",
                self._set,
                False,
            ),
            (
                "set_every",
                rf"(?<!\w)(?i:every|each)\s+(?:(?P<n>{number})\s+|(?P<halfu>(?i:half\s+(?:an?\s+)?)))?"
                rf"(?P<u>{unit}|{season}|{weekday}|{full_month})(?!\w)",
                self._set,
                False,
            ),
            (
                "duration",
                rf"(?<![\w.,])(?:(?P<n>{number})|(?P<halfa>(?i:half\s+an?)))(?P<half>\s+(?i:and\s+a\s+half))?"
                rf"(?P<scale>\s+(?i:thousand|million|billion))?(?:\s+(?i:entire|whole|full))?"
                rf"(?:\s*{_DASH}\s*|\s+)(?P<u>{unit})(?P<half2>\s+(?i:and\s+a\s+half))?(?!\w)",
                self._duration,
                False,
            ),
            (
                "unit_span",
                rf"(?<!\w)(?i:the)\s+(?P<body>(?i:following|succeeding|subsequent|ensuing|preceding|previous|intervening|coming)\s+(?:(?P<n>{number})\s+)?(?P<u>{unit_plural}))(?!\w)",
                self._unit_span,
                False,
            ),
            ("for_unit", rf"(?<!\w)(?i:for|over|within)\s+(?P<body>(?P<u>{unit_plural}))(?!\w)", self._duration, False),
            ("noise_token", rf"(?<!\w){preps}\s+(?P<body>{_alt(v.noise_tokens)})(?!\w)", self._noise, False),
            # "from October to March": a range of months in the reference year (the end may be in the next).
            (
                "month_range",
                rf"(?<!\w)(?P<lead>(?i:from|between)\s+)?(?P<body>(?P<m>{full_month})\s+(?P<join>(?i:to|until|till|through|and))\s+(?P<m2>{full_month}))(?!\w)(?!,?\s*\d)",
                self._month_range,
                False,
            ),
            (
                "bare_month",
                rf"(?<!\w){preps_month}(?:\s+|-)(?P<body>(?P<m>{full_month}))(?!\w)(?!\s*\d)",
                self._bare_month,
                False,
            ),
            # "In the extreme winter," / "freezing in the winter.": closed by punctuation (dates.toml [seasons]).
            # "During the summer, …", "the spring and summer": the season of the reference year (D165).
            (
                "the_season",
                rf"(?<!\w)(?:{preps_month}|{season_lead})\s+(?i:the)\s+(?:(?i:early|late|mid-?)\s*)?(?P<body>(?P<s>{season_lower}))(?=\s*(?:[,.;:!?)\]]|$)|\s+(?:and|in|on|at|when|as|with|by|to|for|from|the|a|an|he|she|they|it|we|there|both)\b)",
                self._the_season,
                False,
            ),
            # "by the middle of summer", "before the onset of winter": "the" fixes the season (reference year).
            (
                "season_part",
                rf"(?<!\w)(?i:the)\s+(?:{season_part})\s+(?P<body>(?P<s>{season_lower}))(?!\w)",
                self._the_season,
                False,
            ),
            # conventions="timeml" only: "their summer offensive" (D171).
            (
                TIMEML_ONLY,
                rf"(?<![\w-])(?P<body>(?P<s>{season}))\s+(?={season_event}(?!\w))",
                self._season_event,
                False,
            ),
            (
                "bare_season",
                rf"(?<!\w){preps_month}\s+(?:(?i:the)\s+(?:[a-z]+\s+)?)?(?P<body>(?P<s>{season_lower}))(?=\s*(?:[,.;:!?)\]]|$))",
                self._bare_season,
                False,
            ),
            ("year", rf"{_NUM_LEFT}(?P<y>\d{{4}}){_NUM_RIGHT}", self._year, False),
            # Only when the whole string is known to be a date (normalize, NER spans).
            ("any_month", rf"(?<!\w)(?P<m>{full_month})(?!\w)", self._bare_month, True),
            ("any_season", rf"(?<!\w)(?P<s>{season})(?!\w)", self._bare_season, True),
        ]
        return [_Rule(name, re.compile(pattern), build, whole) for name, pattern, build, whole in spec]

    # ------------------------------------------------------------ detection

    def detect(self, text: str, *, whole: bool = False) -> list[Expression]:
        """Every temporal expression of `text`, sorted, non-overlapping, unresolved.

        `whole=True` says the text is known to be a date expression (a NER
        DATE span), which licenses bare months and seasons.
        """
        found: list[tuple[Expression, int]] = []
        for rank, rule in enumerate(self.rules):
            if rule.whole_only and not whole:
                continue
            for m in rule.pattern.finditer(text):
                expr = rule.build(m, text)
                if expr is not None and not _PARA_BREAK.search(text, expr.start, expr.end):
                    found.append((expr, rank))
        chosen = [_to_core(e) for e in _longest_first(found)]
        chosen = self._join(chosen, text)
        chosen = [
            self._modify(
                e,
                text,
                chosen[i - 1].end if i > 0 else 0,
                chosen[i + 1].start if i + 1 < len(chosen) else len(text),
            )
            for i, e in enumerate(chosen)
        ]
        chosen = self._noise_in_parentheses(chosen, text)
        chosen = [self._rate(e, text) for e in chosen]
        return _flag_parenthetical(chosen, text)

    def _rate(self, expr: Expression, text: str) -> Expression:
        """ "30 attacks a day", "$1 billion a year", "20 miles (32 km) a day": a rate, part of a quantity (D148).

        Not a date under the guidelines; TimeML tags it as a SET (P1D …), so it
        becomes a TimeML-only SET (D166, D173).
        """
        date = expr.date
        if date is None or date.type != "DURATION" or not _RATE.fullmatch(text, expr.start, expr.end):
            return expr
        before = _LAST_TOKEN.search(text, max(0, expr.start - 40), expr.start)
        if before is None:
            return expr
        word = before["t"].lower()
        counted = word[0].isdigit() or word in (")", "%") or word in self.v.not_year_scale or word in self.v.numbers
        if not (counted or word in self.v.not_year_after):
            return expr
        return Expression(expr.start, expr.end, TIMEML_ONLY, date=DateValue("SET", date.value))

    # ------------------------------------------------------------ builders

    def _span(self, m: re.Match[str]) -> tuple[int, int]:
        return m.span("body") if m.re.groupindex.get("body") and m.group("body") is not None else m.span()

    def _fixed(self, m: re.Match[str], rule: str, date: DateValue) -> Expression:
        start, end = self._span(m)
        return Expression(start, end, rule, date=date)

    def _relative(self, m: re.Match[str], rule: str, rel: Relative) -> Expression:
        start, end = self._span(m)
        return Expression(start, end, rule, relative=rel)

    def _iso(self, m: re.Match[str], text: str) -> Expression | None:
        month = int(m["m"])
        if not 1 <= month <= 12:
            return None
        return self._fixed(m, "iso", _day(int(m["y"]), month, int(m["d"])))

    def _numeric(self, m: re.Match[str], text: str) -> Expression | None:
        a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
        if a > 12 >= b or a == b:
            day, month = a, b
        elif b > 12 >= a:
            day, month = b, a
        else:  # 02/06/2024: day-month or month-day, the text does not say
            return None
        if not 1 <= month <= 12 or not 1 <= day <= 31:
            return None
        return self._fixed(m, "numeric", _day(year, month, day))

    def _mdy(self, m: re.Match[str], text: str) -> Expression | None:
        month, day = self._months[m["m"]], int(m["d"])
        month2 = self._months[m["m2"]] if m["m2"] else None
        day2 = int(m["d2"]) if m["d2"] else None
        return self._month_day(m, "mdy", month, day, month2, day2)

    def _dmy(self, m: re.Match[str], text: str) -> Expression | None:
        raw = m["d"]
        if raw[0].isdigit():
            day = int(raw.rstrip("stndrh"))
        else:  # "the first of May" needs its "of"
            if not m["of"]:
                return None
            day = self.v.ordinals[_norm(raw)]
            if day > 31:
                return None
        day2 = int(m["d2"]) if m["d2"] else None
        return self._month_day(m, "dmy", self._months[m["m"]], day, None, day2)

    def _month_day(
        self, m: re.Match[str], rule: str, month: int, day: int, month2: int | None, day2: int | None
    ) -> Expression | None:
        if any(day > _MAX_DAYS[mo] for mo, day in ((month, day), (month2 or month, day2 or 1))):
            return self._fixed(m, rule, DateValue("INTERVAL" if day2 else "DATE", None, noisy=True))
        if m["y"] is None:
            end_month = (month2 or month) if day2 is not None else None
            tense = _tense(m.string, m.start())
            rel = Relative("within", month=month, day=day, end_month=end_month, end_day=day2, tense=tense)
            return self._relative(m, rule, rel)
        year = int(m["y"])
        if day2 is None:
            return self._fixed(m, rule, _day(year, month, day))
        return self._fixed(m, rule, _day_interval(year, month, day, month2 or month, day2))

    def _day_of_year(self, m: re.Match[str], text: str) -> Expression | None:
        """ "15 February of that year", "March 3 of the following year"."""
        month, day = self._months[m["m"] or m["m2"]], int(m["d"] or m["d2"])
        if day > _MAX_DAYS[month]:
            return None
        years = self._year_offset(m["which"])
        return self._relative(m, "day_of_year", Relative("within", month=month, day=day, years=years))

    def _month_of_year(self, m: re.Match[str], text: str) -> Expression | None:
        years = self._year_offset(m["which"])
        return self._relative(m, "month_of_year", Relative("within", month=self._months[m["m"]], years=years))

    def _season_of_year(self, m: re.Match[str], text: str) -> Expression | None:
        years = self._year_offset(m["which"])
        return self._relative(
            m, "season_of_year", Relative("within", season=self._seasons[m["s"].lower()], years=years)
        )

    def _year_offset(self, which: str) -> int:
        word = _norm(which)
        word = word[4:] if word.startswith("the ") else word
        if word in self._next:
            return 1
        if word in self._previous:
            return -1
        return 0

    def _month_year(self, m: re.Match[str], text: str) -> Expression | None:
        year, month = int(m["y"]), self._months[m["m"]]
        first = format_point(Point("month", year, month))
        if not m["m2"]:
            return self._fixed(m, "month_year", DateValue("DATE", first))
        month2 = self._months[m["m2"]]
        if month2 <= month:  # "November-February 1921": which year each end is in is unclear
            return self._fixed(m, "month_year", DateValue("INTERVAL", None, noisy=True))
        last = format_point(Point("month", year, month2))
        return self._fixed(m, "month_year", DateValue("INTERVAL", f"{first}/{last}"))

    def _season_year(self, m: re.Match[str], text: str) -> Expression | None:
        season, year = self._seasons[m["s"].lower()], int(m["y"])
        if not self._plausible(year):
            return None
        value = format_point(Point("season", year, season=season))
        if m["y2"] is None:
            return self._fixed(m, "season_year", DateValue("DATE", value))
        year2 = _range_end(year, m["y2"])
        if year2 is None or year2 <= year:
            return None
        if season == 24 and year2 == year + 1:  # "the winter of 1917-18" is one winter
            return self._fixed(m, "season_year", DateValue("DATE", value))
        last = format_point(Point("season", year2, season=season))
        return self._fixed(m, "season_year", DateValue("INTERVAL", f"{value}/{last}"))

    def _century(self, m: re.Match[str], text: str) -> Expression | None:
        first = self._ordinal(m["c1"])
        if first is None or not 1 <= first <= 30:
            return None
        value = format_point(Point("century", (first - 1) * 100))
        if m["era"] and m["era"].replace(".", "") in ("BC", "BCE"):
            # The N-th century BC is astronomical years -(N*100-1)..-(N-1)*100: EDTF "-{N-1:02}XX".
            if m["c2"] is not None:
                return None
            return self._fixed(m, "century", DateValue("DATE", f"-{first - 1:02d}XX"))
        if m["c2"] is None:
            return self._fixed(m, "century", DateValue("DATE", value))
        last = self._ordinal(m["c2"])
        if last is None or not first < last <= 30:
            return None
        end = format_point(Point("century", (last - 1) * 100))
        return self._fixed(m, "century", DateValue("INTERVAL", f"{value}/{end}"))

    def _ordinal(self, raw: str) -> int | None:
        if raw[0].isdigit():
            return int(raw[:-2])
        word = _norm(raw)
        if word in self.v.ordinals:
            return self.v.ordinals[word]
        return _roman(raw[:-2] if raw.endswith("th") else raw)

    def _decade(self, m: re.Match[str], text: str) -> Expression | None:
        year = int(m["y"])
        if not self._plausible(year, slack=10):
            return None
        # "the 1800s" names the century (HeidelTime's reading); "the 1930s" a decade.
        first = Point("century", year) if year % 100 == 0 else Point("decade", year)
        if m["y2"] is None:
            return self._fixed(m, "decade", DateValue("DATE", format_point(first)))
        raw = m["y2"]
        year2 = int(raw) if len(raw) == 4 else (year // 100) * 100 + int(raw)
        if year2 <= year or first.precision == "century":
            return None
        last = format_point(Point("decade", year2))
        return self._fixed(m, "decade", DateValue("INTERVAL", f"{format_point(first)}/{last}"))

    def _decade_word(self, m: re.Match[str], text: str) -> Expression | None:
        digit = int(m["dd"][0]) if m["dd"] else self.v.decade_words[m["dw"].lower()]
        return self._relative(m, "decade_word", Relative("decade", decade=digit))

    def _year_range(self, m: re.Match[str], text: str) -> Expression | None:
        year = int(m["y"])
        if not self._plausible(year) or not self._year_context(text, m.start(), m.end()):
            return None
        if m["sep"] == "/" and len(m["y2"]) == 1:
            return None
        end = _range_end(year, m["y2"])
        if end is None:
            return None
        if end <= year or not self._plausible(end):
            # "1941-1901": the text contradicts itself
            return self._fixed(m, "year_range", DateValue("INTERVAL", None, noisy=True))
        return self._fixed(m, "year_range", DateValue("INTERVAL", f"{year_text(year)}/{year_text(end)}"))

    def _era_range(self, m: re.Match[str], text: str) -> Expression | None:
        """ "499-493 BC", "from 264 to 241 BC": both ends in the era the second names."""
        first, last = int(m["y"]), int(m["y2"])
        if m["era"].replace(".", "") in ("BC", "BCE"):
            if not first > last > 0:
                return None
            value = f"{year_text(1 - first)}/{year_text(1 - last)}"
        else:
            if not 0 < first < last:
                return None
            value = f"{year_text(first)}/{year_text(last)}"
        return self._fixed(m, "era_range", DateValue("INTERVAL", value))

    def _unit_span(self, m: re.Match[str], text: str) -> Expression | None:
        """ "the following days" PXD, "the four previous weeks" P4W: a length of time (D164)."""
        amount = self._number(m["n"]) if m["n"] else None
        return self._fixed(m, "duration", DateValue("DURATION", _duration(amount, self.v.units[m["u"].lower()])))

    def _era(self, m: re.Match[str], text: str) -> Expression | None:
        era = (m["era"] or m["era2"]).replace(".", "")
        year = int(m["y"] or m["y2"])
        if year == 0:
            return None
        # Astronomical numbering: 1 BC is year 0, 44 BC is -0043.
        value = -(year - 1) if era in ("BC", "BCE") else year
        return self._fixed(m, "era", DateValue("DATE", year_text(value)))

    def _era_dated(self, m: re.Match[str], text: str) -> Expression | None:
        """ "April 480 BC" -> -0479-04, "12 August 490 BC" -> -0489-08-12, "autumn of 481 BC" -> -0480-23."""
        year = int(m["y"] or m["y2"])
        if year == 0 or (m["d"] and m["d2"]) or (m["d"] and m["s"]):
            return None
        if (m["era"] or "").replace(".", "") in ("BC", "BCE"):
            year = 1 - year  # astronomical numbering: 1 BC is year 0
        if m["s"]:
            season = Point("season", year, season=self._seasons[m["s"].lower()])
            return self._fixed(m, "era_dated", DateValue("DATE", format_point(season)))
        month = self._months[m["m"]]
        day = m["d"] or m["d2"]
        if day is None:
            return self._fixed(m, "era_dated", DateValue("DATE", format_point(Point("month", year, month))))
        return self._fixed(m, "era_dated", _day(year, month, int(day)))

    def _year(self, m: re.Match[str], text: str) -> Expression | None:
        year = int(m["y"])
        if not self._plausible(year) or not self._year_context(text, m.start(), m.end()):
            return None
        return self._fixed(m, "year", DateValue("DATE", year_text(year)))

    def _plausible(self, year: int, slack: int = 0) -> bool:
        return self.v.year_min <= year <= self.v.year_max + slack

    def _year_context(self, text: str, start: int, end: int) -> bool:
        """False when the words around a 4-digit number say it counts something."""
        after = _NEXT_WORDS.match(text, end)
        if after:
            one = after[1].lower()
            two = f"{one} {after[2].lower()}" if after[2] else one
            if one in self.v.not_year_scale or two in self.v.not_year_scale:
                return False
            if one in self.v.not_year_after and self._previous_word(text, start) not in self.v.prepositions:
                return False
        return self._previous_word(text, start) not in self.v.not_year_before

    def _previous_word(self, text: str, start: int) -> str:
        before = _PREV_WORD.search(text, max(0, start - 24), start)
        return before[1].lower() if before else ""

    def _age(self, m: re.Match[str], text: str) -> Expression | None:
        unit = self.v.units[m["u"].lower()] if m["u"] else "Y"
        amount = self._number(m["n"])
        # The span is only the number, whatever the wording (D117): "23 years old" -> "23".
        return Expression(
            m.start(), m.end(), "age", date=DateValue("DURATION", _duration(amount, unit)), core=m.span("n")
        )

    def _relative_shift(self, m: re.Match[str], text: str) -> Expression | None:
        unit_word, direction_word = m["u"].lower(), m["dir"].lower()
        if m["n"] is None and m["halfa"] is None and unit_word not in self.v.unit_plurals:
            return None  # "year later" without a quantity is not English
        amount = 0.5 if m["halfa"] else self._number(m["n"]) if m["n"] else None
        if amount is not None and (m["half"] or m["half0"]):
            amount += 0.5
        unit = self.v.units[unit_word]
        if direction_word in ("after", "before", "prior") and not _PUNCT_AFTER.match(text, m.end()):
            # "months before the First Moscow Process", "two years after 1917": the
            # preposition and what it governs are outside; the length is a DURATION (D118, D119).
            end = m.end("half") if m["half"] else m.end("u")
            return Expression(m.start(), end, "duration", date=DateValue("DURATION", _duration(amount, unit)))
        whole, step = _whole_units(amount, unit)
        direction = 1 if direction_word in self._later else -1
        # "2.3 years later": no calendar step fits, so it is read as a vague distance.
        rel = Relative("shift", unit=step, amount=whole, direction=direction)
        if direction_word in self.v.to_writing_time:
            # "ten years ago" counts from the date of writing: the DCT, or no value (D158).
            return self._relative(m, "relative_shift", replace(rel, deictic="only"))
        return self._relative(m, "relative_shift", rel)

    def _unit_after(self, m: re.Match[str], text: str) -> Expression | None:
        direction = 1 if m["dir"].lower() == "after" else -1
        unit = self.v.units[m["u"].lower()]
        return self._relative(m, "unit_after", Relative("shift", unit=unit, amount=1, direction=direction))

    def _named_relative(self, m: re.Match[str], text: str) -> Expression | None:
        det, what = _norm(m["det"]), m["what"]
        previous = self._previous_word(text, m.start())
        if previous == "the" and det == "last":
            return None  # "the last year of his life" is his final year, not the previous one
        if previous == "to" and det == "this":
            return None  # "to this day" means until the time of writing
        direction = 1 if det in self._next else -1 if det in self._previous else 0
        # "last year", "this week" (no article, not "that"): the time of writing when a DCT is given (D158).
        deictic = "prefer" if previous != "the" and det in ("this", "last", "next", "coming") else None
        if what.lower() in self.v.units:
            unit = self.v.units[what.lower()]
            if unit == "W":
                return self._relative(m, "named_relative", Relative("week", amount=direction, deictic=deictic))
            if direction == 0:
                return self._relative(m, "named_relative", Relative("same", unit=unit, deictic=deictic))
            rel = Relative("shift", unit=unit, amount=1, direction=direction, deictic=deictic)
            return self._relative(m, "named_relative", rel)
        if what in self._months:
            month = self._months[what]
            if direction == 0:
                return self._relative(m, "named_relative", Relative("within", month=month))
            return self._relative(m, "named_relative", Relative("next_named", month=month, direction=direction))
        season = self._seasons[what.lower()]
        if direction == 0:
            return self._relative(m, "named_relative", Relative("within", season=season))
        return self._relative(m, "named_relative", Relative("next_named", season=season, direction=direction))

    def _year_word(self, m: re.Match[str], text: str) -> Expression | None:
        year = int(m["y"])
        return self._fixed(m, "year_word", DateValue("DATE", year_text(year))) if self._plausible(year) else None

    def _year_part(self, m: re.Match[str], text: str) -> Expression | None:
        """ "the first half of 1920" -> 1920-40; "the third quarter of 1920" -> 1920-35 (EDTF level 1)."""
        year = int(m["y"])
        if not self._plausible(year):
            return None
        part = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}.get(
            m["part"].lower(), 0
        )
        halves = m["what"].lower() == "half"
        count = 2 if halves else 4
        part = count if part == 0 else part
        if part > count:
            return None
        code = (39 if halves else 32) + part
        return self._fixed(m, "year_part", DateValue("DATE", f"{year_text(year)}-{code}"))

    def _year_part_bare(self, m: re.Match[str], text: str) -> Expression | None:
        code = _year_part_code(m["part"], m["what"])
        # a sub-year grouping (EDTF 33-36, 40-41) is read like a season of the reference year
        if code is None:
            return None
        return self._relative(m, "year_part_bare", Relative("within", season=code, tense=_tense(text, m.start())))

    def _quarter_deictic(self, m: re.Match[str], text: str) -> Expression | None:
        amount = {"last": -1, "this": 0, "next": 1}[m["det"].lower()]
        return self._relative(m, "quarter_deictic", Relative("quarter", amount=amount, deictic="prefer"))

    def _same_unit(self, m: re.Match[str], text: str) -> Expression | None:
        return self._relative(m, "same_unit", Relative("same", unit=self.v.units[m["u"].lower()]))

    def _holiday(self, m: re.Match[str], text: str) -> Expression | None:
        rule = self.v.holidays[_holiday_key(m["h"], self.v.holidays)]
        if m["y"] is None:
            fixed = re.fullmatch(r"(\d{2})-(\d{2})", rule)  # a fixed day; "11-4#4+1" and "easter-2" are computed
            month, day = (int(fixed[1]), int(fixed[2])) if fixed else (None, None)
            if month is not None:
                return self._relative(m, "holiday", Relative("within", month=month, day=day))
            return self._relative(m, "holiday", Relative("holiday", holiday=rule))
        year = int(m["y"])
        if not self._plausible(year):
            return None
        p = holiday_day(year, rule)
        return self._fixed(m, "holiday", DateValue("DATE", format_point(p) if p else None))

    def _present(self, m: re.Match[str], text: str) -> Expression | None:
        before = self._previous_word(text, m.start())
        if before == "the":
            return None  # "the now “Father of the Peoples”": an adjective
        if before in _PAST_AUXILIARIES:
            # "was now part of": the narrative's "by then", a vague time word (D122, D159); TimeML tags it
            return self._relative(m, TIMEML_ONLY, Relative("present", unit="now"))
        return self._relative(m, "present", Relative("present", unit="now"))

    def _timeml_set(self, m: re.Match[str], text: str) -> Expression | None:
        start, end = m.span()
        return Expression(start, end, TIMEML_ONLY, date=DateValue("SET", self.v.timeml_sets[m["w"].lower()]))

    def _timeml_ref(self, m: re.Match[str], text: str) -> Expression | None:
        ref = self.v.timeml_refs[_norm(m["w"])]
        return self._relative(m, TIMEML_ONLY, Relative("present", unit=ref.lower()))

    def _deictic_day(self, m: re.Match[str], text: str) -> Expression | None:
        offset = self.v.deictic_days[_norm(m["w"])]
        return self._relative(m, "deictic_day", Relative("present", unit="D", amount=offset))

    def _weekday(self, m: re.Match[str], text: str) -> Expression | None:
        det = (m["det"] or "").lower()
        raw = _PREV_WORD.search(text, max(0, m.start() - 24), m.start())
        before = raw[1] if raw else ""
        if not det and before[:1].isupper() and before.lower() not in self.v.prepositions:
            return None  # "Bloody Sunday", "Black Tuesday": part of a name
        direction = 1 if det in ("next", "coming") else -1 if det in ("last", "past") else 0
        if direction == 0 and _FUTURE_CUE.search(text, max(0, m.start() - 60), m.start()):
            direction = 1  # "will vote on Tuesday", "until Monday": the coming one
        rel = Relative("weekday", weekday=self._weekday_index[m["w"].lower()], direction=direction, deictic="prefer")
        return self._relative(m, "weekday", rel)

    def _past_unit(self, m: re.Match[str], text: str) -> Expression | None:
        """ "the past decade", "the last century" as a length of time: P1DE, P1CE."""
        if self._previous_word(text, m.start()).lower() in ("of", "in", "during", "throughout") and m["u"].lower() in (
            "year",
            "month",
            "week",
        ):
            return None  # "in the last year of the war": which year, not how long
        return self._fixed(m, "duration", DateValue("DURATION", _duration(1.0, self.v.units[m["u"].lower()])))

    def _set(self, m: re.Match[str], text: str) -> Expression | None:
        what = m["u"]
        if what in self._months:
            return self._fixed(m, "set", DateValue("SET", f"XXXX-{self._months[what]:02d}"))
        if what.lower() in self._seasons:
            value = f"XXXX-{self._seasons[what.lower()]}"
        elif what.lower() in self._weekday_index:
            value = f"XXXX-WXX-{self._weekday_index[what.lower()]}"
        else:
            every = self._number(m["n"]) if m["n"] and m.re.groupindex.get("f") is None else None
            unit = self.v.units[what.lower()]
            if m.re.groupindex.get("halfu") is not None and m["halfu"]:  # "every half hour": PT30M
                whole, unit = _whole_units(0.5, unit)
                every = float(whole) if whole is not None else 0.5
            value = _duration(every if every is not None else 1.0, unit)
        extra = {}
        if m.re.groupindex.get("f") is not None:
            times = 1.0 if m["f"].lower() == "once" else 2.0 if m["f"].lower() == "twice" else self._number(m["n"])
            if times is not None:
                extra["freq"] = f"{_quantity(times)}X"
        return self._fixed(m, "set", DateValue("SET", value, extra=extra))

    def _duration(self, m: re.Match[str], text: str) -> Expression | None:
        unit = self.v.units[m["u"].lower()]
        if m.re.groupindex.get("n") is None:  # "for decades"
            return self._fixed(m, "duration", DateValue("DURATION", _duration(None, unit)))
        if m["halfa"]:
            amount: float | None = 0.5
        else:
            amount = self._number(m["n"])
            if amount is not None and (m["half"] or m["half2"]):
                amount += 0.5
        if amount is not None and m["scale"]:  # "four and a half billion years": P4500000000Y
            amount *= _SCALES[m["scale"].strip().lower()]
        if amount is None and m["u"].lower() not in self.v.unit_plurals:
            return None  # "several year" is not a duration
        if amount is not None and amount < 1 and unit in ("CE", "DE"):  # "half a century" -> P50Y
            whole, smaller = _whole_units(amount, unit)
            if whole is not None:
                amount, unit = float(whole), smaller
        return self._fixed(m, "duration", DateValue("DURATION", _duration(amount, unit)))

    def _noise(self, m: re.Match[str], text: str) -> Expression | None:
        return self._fixed(m, "noise", DateValue("DATE", None, noisy=True))

    def _month_range(self, m: re.Match[str], text: str) -> Expression | None:
        first, last = self._months[m["m"]], self._months[m["m2"]]
        if first == last or (m["lead"] is None and m["join"].lower() == "and"):
            return None  # "April and June" alone may be two names; "April to June" is a range
        return self._relative(m, "month_range", Relative("within", month=first, end_month=last))

    def _bare_month(self, m: re.Match[str], text: str) -> Expression | None:
        lead = text[m.start() : self._span(m)[0]].strip().lower()
        in_part_of = lead in _MONTH_PARTS and self._previous_word(text, m.start()) != "the"
        # "by August Bebel" is a name; "in late April Soviet forces" a date ("the late August Bebel" is not)
        if m["m"] in self.v.months_also_names and _CAPITALISED_NEXT.match(text, m.end()) and not in_part_of:
            return None
        rel = Relative("within", month=self._months[m["m"]], tense=_tense(text, m.start()))
        return self._relative(m, "bare_month", rel)

    def _the_season(self, m: re.Match[str], text: str) -> Expression | None:
        return self._relative(m, "the_season", Relative("within", season=self._seasons[m["s"].lower()]))

    def _season_event(self, m: re.Match[str], text: str) -> Expression | None:
        return self._relative(m, TIMEML_ONLY, Relative("within", season=self._seasons[m["s"].lower()]))

    def _bare_season(self, m: re.Match[str], text: str) -> Expression | None:
        # A season with no year and no determiner: the text does not fix which one (D123).
        return self._relative(m, "bare_season", Relative("unfixed", season=self._seasons[m["s"].lower()]))

    def _number(self, raw: str | None) -> float | None:
        """The quantity a number word or numeral says; None for vague words ("several")."""
        if raw is None:
            return None
        if raw[0].isdigit():
            return float(raw.replace(",", ""))
        return self.v.numbers.get(_norm(raw).replace(" - ", "-"))

    # ------------------------------------------------------------ passes

    def _join(self, chosen: list[Expression], text: str) -> list[Expression]:
        out: list[Expression] = []
        i = 0
        while i < len(chosen):
            a = chosen[i]
            b = chosen[i + 1] if i + 1 < len(chosen) else None
            joined = self._join_pair(a, b, text) if b is not None else None
            if joined is not None:
                out.append(joined)
                i += 2
            else:
                out.append(a)
                i += 1
        return out

    def _join_pair(self, a: Expression, b: Expression, text: str) -> Expression | None:
        composite = _composite_duration(a, b, text)
        if composite is not None:
            return composite
        a = _with_year_of(a, b, text) or a
        if not (_is_point(a) and _is_point(b)):
            return None
        gap = _JOINER.fullmatch(text, a.end, b.start)
        if gap is None:
            return None
        if gap.group().strip().lower() == "and" and not _BETWEEN_LEFT.search(text, max(0, a.start - 12), a.start):
            return None
        first, last = parse_point(a.date.value), parse_point(b.date.value)  # type: ignore[union-attr,arg-type]
        if first is None or last is None or point_order(first, last) >= 0:
            return None
        value = f"{a.date.value}/{b.date.value}"  # type: ignore[union-attr]
        return Expression(a.start, b.end, "interval", date=DateValue("INTERVAL", value))

    def _modify(self, expr: Expression, text: str, floor: int, ceiling: int) -> Expression:
        """Attach a modifier word before the expression, or "onwards" after it.

        `floor`/`ceiling` are the ends of the neighbouring expressions, which a
        modifier may not reach into.
        """
        if expr.mod is not None or (expr.date is not None and (expr.date.type == "SET" or expr.date.value is None)):
            return expr
        is_duration = expr.date is not None and expr.date.type == "DURATION"
        if is_duration:  # "the next few days" -> "next few days"; "another two years"
            lead = self._duration_lead.search(text, max(floor, expr.start - 16), expr.start)
            if lead is not None:
                expr = replace(expr, start=lead.start("w"))
        else:
            joined = self._join_left.search(text, max(floor, expr.start - 20), expr.start)
            if joined is None and expr.relative is not None:
                joined = self._later_left.search(text, max(floor, expr.start - 20), expr.start)
            if joined is not None:  # "the rest of 1942" -> "rest of 1942", no mod
                expr = replace(expr, start=joined.start("j"))
        m = self._mod_left.search(text, max(floor, expr.start - _MOD_WINDOW), expr.start)
        if m is not None:
            phrase = _norm(m["mod"])
            mod = self._mods.get(phrase) or self._mods.get(phrase.rstrip("-"))
            ok = mod is not None and (not is_duration or mod == "APPROX")
            if ok and phrase in self.v.approx_duration_only:
                ok = is_duration
            if ok and phrase in self.v.approx_needs_preposition and not is_duration:
                ok = self._previous_word(text, m.start()) in self.v.prepositions
            if ok:
                return _with_mod(expr, mod, start=m.start("mod"))  # type: ignore[arg-type]
        if expr.date is not None and expr.date.type == "DATE" and expr.relative is None:
            after = self._onwards.match(text, expr.end)
            if after is not None and ceiling >= after.end():
                word = after["w"].lower()
                if word not in self.v.onwards_needs_from or _FROM_LEFT.search(text, max(0, expr.start - 8), expr.start):
                    return _with_mod(expr, "AFTER", end=after.end())
        return expr

    def _noise_in_parentheses(self, chosen: list[Expression], text: str) -> list[Expression]:
        """A garbled parenthetical date becomes one noisy DATE with value null; "(1890-)" an open interval."""
        noisy: list[Expression] = []
        for m in _PARENS.finditer(text):
            group = 1 if m.group(1) is not None else 2
            inner = m.group(group)
            lead = len(inner) - len(inner.lstrip())
            start, end = m.start(group) + lead, m.start(group) + len(inner.rstrip())
            if start >= end:
                continue
            open_end = _OPEN_LIFESPAN.fullmatch(text, start, end)
            if open_end is not None and self._plausible(int(open_end[1])):
                # "(1890-)": born 1890, alive when written; EDTF writes the open end "..".
                value = DateValue("INTERVAL", f"{open_end[1]}/..")
                noisy.append(Expression(start, end, "open_interval", date=value))
                continue
            if not self._garbled(text[start:end]):
                continue
            if any(e.start == start and e.end == end and not (e.date and e.date.noisy) for e in chosen):
                continue
            noisy.append(Expression(start, end, "noise", date=self._repair(text[start:end])))
        if not noisy:
            return chosen
        kept = [e for e in chosen if not any(n.start < e.end and e.start < n.end for n in noisy)]
        return sorted(kept + noisy, key=lambda e: e.start)

    def _repair(self, inner: str) -> DateValue:
        """The one certain repair of a garbled parenthetical (D126), else value null; noisy either way.

        Its only digits are one run of eight that splits into two plausible
        years in increasing order: "18861934-XNUMX" -> 1886/1934.
        """
        runs = re.findall(r"\d+", self._noise_tokens.sub("", inner))
        if len(runs) == 1 and len(runs[0]) == 8:
            first, last = int(runs[0][:4]), int(runs[0][4:])
            if self._plausible(first) and self._plausible(last) and first < last:
                return DateValue("INTERVAL", f"{year_text(first)}/{year_text(last)}", noisy=True)
        return DateValue("DATE", None, noisy=True)

    def _garbled(self, inner: str) -> bool:
        has_token = bool(self._noise_tokens.search(inner))
        rest = self._noise_tokens.sub("", inner)
        if any(c not in self.v.parenthetical_chars for c in rest):
            return False
        runs = re.findall(r"\d+", rest)
        if not any(len(r) >= 4 and self._plausible(int(r[:4])) for r in runs):
            return False
        odd_run = any(len(r) not in (1, 2, 4) for r in runs)
        dangling = rest.strip()[:1] in "-–—/" or rest.strip()[-1:] in "-–—/?"
        return has_token or odd_run or dangling


# ---------------------------------------------------------------- helpers


def _holiday_key(written: str, holidays: dict[str, str]) -> str:
    """The table key of a holiday as written (any whitespace, either apostrophe)."""
    plain = " ".join(written.replace("’", "'").split())
    return plain if plain in holidays else next(k for k in holidays if k.lower() == plain.lower())


def _longest_first(found: list[tuple[Expression, int]]) -> list[Expression]:
    """Keep the longest matches that do not overlap; ties go to the earlier rule, then leftmost."""
    found.sort(key=lambda pair: (-pair[0].length, pair[1], pair[0].start))
    starts: list[int] = []
    kept: list[Expression] = []
    for expr, _ in found:
        i = bisect.bisect_right(starts, expr.start)
        if i > 0 and kept[i - 1].end > expr.start:
            continue
        if i < len(kept) and kept[i].start < expr.end:
            continue
        starts.insert(i, expr.start)
        kept.insert(i, expr)
    return kept


def _to_core(e: Expression) -> Expression:
    """The expression reduced to the part it annotates, once it has won the text it claims."""
    return replace(e, start=e.core[0], end=e.core[1], core=None) if e.core is not None else e


def _flag_parenthetical(chosen: list[Expression], text: str) -> list[Expression]:
    """Flag expressions inside (…) or […]; the groups do not nest, so one bisect finds the candidate."""
    groups = [(m.start(), m.end()) for m in _PARENS.finditer(text)]
    if not groups:
        return chosen
    opens = [s for s, _ in groups]
    out = []
    for e in chosen:
        i = bisect.bisect_left(opens, e.start) - 1
        inside = i >= 0 and e.end < groups[i][1]
        out.append(replace(e, parenthetical=True) if inside else e)
    return out


def _composite_duration(a: Expression, b: Expression, text: str) -> Expression | None:
    """ "two years and three months" -> one DURATION P2Y3M (units from the longest down)."""
    if not (a.date and b.date and a.date.type == b.date.type == "DURATION" and not a.date.mod and not b.date.mod):
        return None
    if not _COMPOSITE_GAP.fullmatch(text, a.end, b.start):
        return None
    found = [_DURATION_PARTS.match(d.value or "") for d in (a.date, b.date)]
    parts = [p for p in found if p is not None]
    if len(parts) != 2:
        return None
    units = [p["u"] or ("H" if p["tu"] == "H" else "MIN") for p in parts]
    amounts = [p["n"] or p["tn"] for p in parts]
    if _UNIT_ORDER.index(units[0]) >= _UNIT_ORDER.index(units[1]):
        return None
    date_part = "".join(f"{n}{u}" for n, u in zip(amounts, units) if u not in ("H", "MIN"))
    time_part = "".join(f"{n}{'H' if u == 'H' else 'M'}" for n, u in zip(amounts, units) if u in ("H", "MIN"))
    value = "P" + date_part + (f"T{time_part}" if time_part else "")
    return Expression(a.start, b.end, "duration", date=DateValue("DURATION", value))


def _with_year_of(a: Expression, b: Expression, text: str) -> Expression | None:
    """ "1 May to 3 June 1937": a day or month without a year takes the year of the range's other end."""
    rel = a.relative
    if rel is None or rel.kind != "within" or rel.month is None or rel.years or rel.end_day is not None:
        return None
    if b.date is None or b.date.value is None or not _JOINER.fullmatch(text, a.end, b.start):
        return None
    end = parse_point(b.date.value)
    if end is None or not end.knows("month"):
        return None
    point = Point("day", end.year, rel.month, rel.day) if rel.day is not None else Point("month", end.year, rel.month)
    if rel.day is not None and not is_real_day(end.year, rel.month, rel.day):
        return None
    return replace(a, relative=None, date=DateValue("DATE", format_point(point)))


def _is_point(e: Expression) -> bool:
    d = e.date
    return d is not None and d.type == "DATE" and d.value is not None and d.mod is None and not d.noisy


def _with_mod(expr: Expression, mod: str, start: int | None = None, end: int | None = None) -> Expression:
    if expr.date is not None:
        changed = replace(expr, date=replace(expr.date, mod=mod))
    else:
        assert expr.relative is not None  # an expression has a date or a relative reading
        changed = replace(expr, relative=replace(expr.relative, mod=mod))
    return replace(changed, start=expr.start if start is None else start, end=expr.end if end is None else end)


def _range_end(start: int, raw: str) -> int | None:
    """The end year of "1934-38" / "1936-7" / "1898-02": digits inherit the start's century or decade."""
    if len(raw) == 4:
        return int(raw)
    width = 10 ** len(raw)
    end = (start // width) * width + int(raw)
    if end <= start:
        end += width  # "1898-02" rolls over to 1902
    return end if end - start <= 30 else None


def _year_part_code(part: str, what: str) -> int | None:
    """EDTF level-1 code of "first quarter" (33) … "fourth quarter" (36), "first half" (40), "second half" (41)."""
    rank = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
    halves = what.lower() == "half"
    n = 2 if part.lower() == "latter" and halves else rank.get(part.lower())
    if n is None or n > (2 if halves else 4):
        return None
    return (39 if halves else 32) + n


def _tense(text: str, start: int) -> str | None:
    """ "future", "past" or None: the tense cue in the 80 characters of the sentence before `start`."""
    lo = max(0, start - 80)
    if _FUTURE_TENSE.search(text, lo, start):
        return "future"
    if _PAST_TENSE.search(text, lo, start):
        return "past"
    return None


def _day(year: int, month: int, day: int) -> DateValue:
    """A calendar day as written.

    A day that exists only in leap years, in a common year ("February 29,
    1921"), is the author's error of fact: kept as written, not noisy (D126).
    A day that no calendar has ("June 31") has no EDTF form: null, noisy.
    """
    value = f"{year_text(year)}-{month:02d}-{day:02d}"
    if is_real_day(year, month, day) or (day <= _MAX_DAYS.get(month, 0) and is_edtf(value)):
        return DateValue("DATE", value)
    return DateValue("DATE", None, noisy=True)


def _day_interval(year: int, month: int, day: int, month2: int, day2: int) -> DateValue:
    first, last = _day(year, month, day), _day(year, month2, day2)
    if (month2, day2) <= (month, day):
        return DateValue("INTERVAL", None, noisy=True)
    noisy = first.noisy or last.noisy
    value = f"{first.value}/{last.value}" if first.value and last.value else None
    return DateValue("INTERVAL", value, noisy=noisy)


_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# A fractional amount of a unit as a whole number of a smaller one ("half a century" = 50 years).
_SMALLER_UNIT = {"CE": (100, "Y"), "DE": (10, "Y"), "Y": (12, "M"), "W": (7, "D"), "D": (24, "H"), "H": (60, "MIN")}


def _whole_units(amount: float | None, unit: str) -> tuple[int | None, str]:
    while amount is not None and amount != int(amount) and unit in _SMALLER_UNIT:
        factor, unit = _SMALLER_UNIT[unit]
        amount *= factor
    if amount is None or amount != int(amount):
        return None, unit
    return int(amount), unit


def _quantity(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else f"{amount:g}"


def _duration(amount: float | None, unit: str) -> str:
    """An ISO 8601 / TIMEX3 duration: P5Y, PXDE, PT5M."""
    quantity = "X" if amount is None else _quantity(amount)
    if unit == "H":
        return f"PT{quantity}H"
    if unit == "MIN":
        return f"PT{quantity}M"
    return f"P{quantity}{unit}"


def _roman(raw: str) -> int | None:
    if not raw or any(c not in _ROMAN for c in raw):
        return None
    total = 0
    for i, c in enumerate(raw):
        value = _ROMAN[c]
        total += -value if i + 1 < len(raw) and _ROMAN[raw[i + 1]] > value else value
    return total


@lru_cache(maxsize=1)
def default_detector() -> Detector:
    """The detector over the packaged vocabulary, compiled once per process."""
    return Detector(load_vocabulary())


# Detectors compiled for user vocabularies, keyed by identity; holding the
# vocabulary in the value keeps its id from being reused.
_COMPILED: dict[int, tuple[Vocabulary, Detector]] = {}


def detector_for(vocabulary: Vocabulary | None) -> Detector:
    """The compiled detector of a vocabulary (the packaged one for None), compiled once."""
    if vocabulary is None or vocabulary is load_vocabulary():
        return default_detector()
    hit = _COMPILED.get(id(vocabulary))
    if hit is None:
        if len(_COMPILED) >= 4:
            _COMPILED.pop(next(iter(_COMPILED)))
        hit = _COMPILED[id(vocabulary)] = (vocabulary, Detector(vocabulary))
    return hit[1]
