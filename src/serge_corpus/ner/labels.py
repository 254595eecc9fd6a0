"""Model labels -> guidelines labels, read from a data file.

`data/ner_label_map.json` holds one map per label scheme (`ontonotes` for
spaCy's and stanza's English models, `conll03`, `guidelines` for models
trained on this project's own data). A map sends each label a model can
predict to a guidelines label, or to null to drop it (CARDINAL, ORDINAL…,
guidelines §3). A label missing from the map is an error (E123) raised when
the model is loaded, never a silent drop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from serge_corpus.data_files import read_json_data
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import LABELS

DEFAULT_LABEL_MAP_NAME = "ner_label_map.json"


@dataclass(frozen=True)
class LabelMap:
    """One scheme's map; `file` says where it came from, for error messages."""

    scheme: str
    mapping: Mapping[str, str | None]
    file: str

    def map(self, label: str) -> str | None:
        if label not in self.mapping:
            raise SergeCorpusError(
                Problem("E123", f"{label!r} in scheme {self.scheme!r}", file=self.file, field=f"{self.scheme}.{label}")
            )
        return self.mapping[label]

    def check_covers(self, labels: Iterable[str], model: str) -> None:
        """Raise E123 naming every label of `model` that the map does not cover."""
        missing = sorted(set(labels) - set(self.mapping))
        if missing:
            raise SergeCorpusError(
                [
                    Problem(
                        "E123",
                        f"{label!r} predicted by {model}, scheme {self.scheme!r}",
                        file=self.file,
                        field=f"{self.scheme}.{label}",
                    )
                    for label in missing
                ]
            )


def label_maps_from_dict(data: object, file: str) -> dict[str, LabelMap]:
    """Validate every scheme of a label map file (E122 for each bad entry)."""
    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E122", "expected a JSON object of schemes", file=file))
    problems: list[Problem] = []
    maps: dict[str, LabelMap] = {}
    for scheme, mapping in data.items():
        if scheme.startswith("_"):  # comments
            continue
        if not isinstance(mapping, dict):
            problems.append(Problem("E122", "expected an object label -> label|null", file=file, field=scheme))
            continue
        for source, target in mapping.items():
            if target is not None and target not in LABELS:
                problems.append(
                    Problem(
                        "E122",
                        f"{target!r} is not a guidelines label ({', '.join(LABELS)}) or null",
                        file=file,
                        field=f"{scheme}.{source}",
                    )
                )
        maps[scheme] = LabelMap(scheme=scheme, mapping=dict(mapping), file=file)
    if problems:
        raise SergeCorpusError(problems)
    return maps


@lru_cache(maxsize=8)
def load_label_maps(path: str | None = None) -> dict[str, LabelMap]:
    data, file = read_json_data(DEFAULT_LABEL_MAP_NAME, path, "label map", "E122")
    return label_maps_from_dict(data, file)


def load_label_map(scheme: str = "ontonotes", path: str | Path | None = None) -> LabelMap:
    """The map of one scheme from the packaged file or `path`."""
    maps = load_label_maps(None if path is None else str(path))
    if scheme not in maps:
        file = next(iter(maps.values())).file if maps else str(path)
        raise SergeCorpusError(
            Problem("E122", f"no scheme {scheme!r}; the file has: {', '.join(sorted(maps))}", file=file, field=scheme)
        )
    return maps[scheme]
