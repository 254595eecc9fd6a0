"""The detector's vocabulary, read from `data/dates.toml` (or a user's copy).

The file is data a user edits; this module checks it and turns it into plain
mappings. A malformed file raises `SergeCorpusError` (E100) naming the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from serge_corpus.dates.values import expand_holiday_rules
from serge_corpus.errors import Problem, SergeCorpusError

DEFAULT_VOCABULARY = "dates.toml"


@dataclass(frozen=True)
class Vocabulary:
    """Every word list the date detector uses; see `data/dates.toml` for their meaning."""

    year_min: int
    year_max: int
    months: dict[str, int]
    month_abbreviations: dict[str, int]
    bare_month_prepositions: tuple[str, ...]
    month_misspellings: dict[str, int]
    months_also_names: frozenset[str]
    month_attributive_after: frozenset[str]
    weekdays: tuple[str, ...]
    seasons: dict[str, int]
    numbers: dict[str, float]
    vague: tuple[str, ...]
    ordinals: dict[str, int]
    decade_words: dict[str, int]
    units: dict[str, str]
    unit_plurals: frozenset[str]
    modifiers: dict[str, str]
    approx_needs_preposition: frozenset[str]
    approx_duration_only: frozenset[str]
    join_words: tuple[str, ...]
    duration_lead: tuple[str, ...]
    present_words: tuple[str, ...]
    deictic_days: dict[str, int]
    timeml_refs: dict[str, str]
    timeml_sets: dict[str, str]
    timeml_news_sets: dict[str, str]
    holidays: dict[str, str]
    onwards: tuple[str, ...]
    onwards_needs_from: frozenset[str]
    later: tuple[str, ...]
    earlier: tuple[str, ...]
    to_writing_time: frozenset[str]
    next: tuple[str, ...]
    previous: tuple[str, ...]
    same: tuple[str, ...]
    prepositions: frozenset[str]
    not_year_scale: frozenset[str]
    not_year_after: frozenset[str]
    not_year_before: frozenset[str]
    noise_tokens: tuple[str, ...]
    parenthetical_chars: frozenset[str]
    trim_leading: tuple[str, ...]
    not_dates_vague: frozenset[str]
    not_dates_links: frozenset[str]
    scene_words: frozenset[str]
    season_lead: tuple[str, ...]
    season_event_nouns: tuple[str, ...]


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """Read and check a vocabulary file; the packaged one when `path` is None."""
    if path is None:
        return _packaged()
    where = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SergeCorpusError(Problem("E001", where, file=where)) from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SergeCorpusError(Problem("E100", str(err), file=where)) from err
    return vocabulary_from_dict(data, where)


@lru_cache(maxsize=1)
def _packaged() -> Vocabulary:
    source = resources.files("serge_corpus.data").joinpath(DEFAULT_VOCABULARY)
    return vocabulary_from_dict(tomllib.loads(source.read_text(encoding="utf-8")), DEFAULT_VOCABULARY)


def vocabulary_from_dict(data: dict[str, Any], where: str = "<vocabulary>") -> Vocabulary:
    reader = _Reader(data, where)
    numbers: dict[str, float] = {}
    units = reader.int_map("numbers.units")
    tens = reader.int_map("numbers.tens")
    numbers.update(units)
    numbers.update(tens)
    for ten_word, ten in tens.items():
        for unit_word, unit in units.items():
            if unit < 10:
                numbers[f"{ten_word}-{unit_word}"] = ten + unit
                numbers[f"{ten_word} {unit_word}"] = ten + unit
    numbers.update(reader.int_map("numbers.phrases"))
    ordinals = dict(reader.int_map("ordinals.units"))
    ordinal_tens = reader.int_map("ordinals.tens")
    ordinals.update(ordinal_tens)
    for ten_word, ten in tens.items():
        for unit_word, unit in reader.int_map("ordinals.units").items():
            if unit < 10:
                ordinals[f"{ten_word}-{unit_word}"] = ten + unit
                ordinals[f"{ten_word} {unit_word}"] = ten + unit
    modifiers: dict[str, str] = {}
    for mod in ("START", "MID", "END", "APPROX", "BEFORE", "AFTER"):
        for phrase in reader.words(f"modifiers.{mod}"):
            modifiers[phrase] = mod
    unit_map = reader.str_map("units")
    plurals = reader.str_map("plurals")
    units_all: dict[str, str] = {}
    for word, code in unit_map.items():
        units_all[word] = code
        units_all[plurals.get(word, word + "s")] = code
    vocab = Vocabulary(
        year_min=reader.integer("years.min"),
        year_max=reader.integer("years.max"),
        months=reader.int_map("months.names"),
        month_abbreviations=reader.int_map("months.abbreviations"),
        bare_month_prepositions=reader.words("months.bare_month_prepositions"),
        month_misspellings=reader.int_map("months.misspellings"),
        months_also_names=frozenset(reader.words("months.also_names")),
        month_attributive_after=frozenset(w.lower() for w in reader.words("months.attributive_after")),
        weekdays=reader.words("weekdays.names"),
        seasons=reader.int_map("seasons"),
        numbers={k.lower(): float(v) for k, v in numbers.items()},
        vague=reader.words("numbers.vague"),
        ordinals={k.lower(): v for k, v in ordinals.items()},
        decade_words=reader.int_map("decades.words"),
        units=units_all,
        unit_plurals=frozenset(w for w in units_all if w not in unit_map),
        modifiers=modifiers,
        approx_needs_preposition=frozenset(reader.words("modifiers.approx_needs_preposition")),
        approx_duration_only=frozenset(reader.words("modifiers.approx_duration_only")),
        join_words=reader.words("modifiers.join"),
        duration_lead=reader.words("numbers.duration_lead"),
        present_words=reader.words("deixis.present"),
        deictic_days=reader.int_map("deixis.days"),
        timeml_sets={k.lower(): v for k, v in reader.str_map("deixis.timeml_sets").items()},
        timeml_news_sets={k.lower(): v for k, v in reader.str_map("deixis.timeml_news_sets").items()},
        timeml_refs={
            **{w.lower(): "PAST" for w in reader.words("deixis.timeml_past")},
            **{w.lower(): "PRESENT" for w in reader.words("deixis.timeml_present")},
            **{w.lower(): "FUTURE" for w in reader.words("deixis.timeml_future")},
        },
        holidays=reader.str_map("holidays"),
        onwards=reader.words("modifiers.onwards"),
        onwards_needs_from=frozenset(reader.words("modifiers.onwards_needs_from")),
        later=reader.words("relative.later"),
        earlier=reader.words("relative.earlier"),
        to_writing_time=frozenset(reader.words("relative.to_writing_time")),
        next=reader.words("relative.next"),
        previous=reader.words("relative.previous"),
        same=reader.words("relative.same"),
        prepositions=frozenset(w.lower() for w in reader.words("relative.prepositions")),
        not_year_scale=frozenset(w.lower() for w in reader.words("not_a_year.scale")),
        not_year_after=frozenset(w.lower() for w in reader.words("not_a_year.after")),
        not_year_before=frozenset(w.lower() for w in reader.words("not_a_year.before")),
        noise_tokens=reader.words("noise.tokens"),
        parenthetical_chars=frozenset(reader.text("noise.parenthetical_chars")),
        trim_leading=reader.words("trim.leading"),
        not_dates_vague=frozenset(" ".join(w.lower().split()) for w in reader.words("not_dates.vague")),
        not_dates_links=frozenset(w.lower() for w in reader.words("not_dates.links")),
        scene_words=frozenset(w.lower() for w in reader.words("timeline.scene")),
        season_lead=reader.words("season_words.lead"),
        season_event_nouns=reader.words("season_words.timeml_events"),
    )
    holidays, bad_rules = expand_holiday_rules(vocab.holidays)
    vocab = replace(vocab, holidays=holidays)
    for name in bad_rules:
        detail = f"{name!r}: expected MM-DD, easter+N or MM-W#N (each + or - N days), or a holiday's name+N"
        reader.problems.append(Problem("E100", detail, file=where, field="holidays"))
    reader.raise_if_problems()
    if vocab.year_min >= vocab.year_max:
        raise SergeCorpusError(
            Problem("E100", f"years.min {vocab.year_min} >= years.max {vocab.year_max}", file=where, field="years")
        )
    return vocab


def _missing_key_detail(key: str, where: str) -> str:
    """Say where the key is: a copy made before a release added a table fails here, and the fix is to copy it over."""
    if where == DEFAULT_VOCABULARY:
        return "missing key"
    table = key.rsplit(".", 1)[0] if "." in key else key
    packaged = resources.files("serge_corpus.data").joinpath(DEFAULT_VOCABULARY)
    return f"missing key; copy the [{table}] table from the packaged vocabulary {packaged} (newer than this copy?)"


class _Reader:
    """Typed access to nested TOML keys that collects every problem before raising."""

    def __init__(self, data: dict[str, Any], where: str):
        self.data = data
        self.where = where
        self.problems: list[Problem] = []

    def _get(self, key: str, kind: type, default: Any) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                self.problems.append(Problem("E100", _missing_key_detail(key, self.where), file=self.where, field=key))
                return default
            node = node[part]
        if not isinstance(node, kind) or isinstance(node, bool):
            self.problems.append(Problem("E100", f"expected {kind.__name__}", file=self.where, field=key))
            return default
        return node

    def integer(self, key: str) -> int:
        return self._get(key, int, 0)

    def text(self, key: str) -> str:
        return self._get(key, str, "")

    def words(self, key: str) -> tuple[str, ...]:
        value = self._get(key, list, [])
        if not all(isinstance(w, str) and w.strip() for w in value):
            self.problems.append(Problem("E100", "expected a list of non-empty strings", file=self.where, field=key))
            return ()
        return tuple(value)

    def int_map(self, key: str) -> dict[str, int]:
        value = self._get(key, dict, {})
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            self.problems.append(Problem("E100", "expected word = integer pairs", file=self.where, field=key))
            return {}
        return dict(value)

    def str_map(self, key: str) -> dict[str, str]:
        value = self._get(key, dict, {})
        if not all(isinstance(v, str) for v in value.values()):
            self.problems.append(Problem("E100", 'expected word = "text" pairs', file=self.where, field=key))
            return {}
        return dict(value)

    def raise_if_problems(self) -> None:
        if self.problems:
            raise SergeCorpusError(self.problems)
