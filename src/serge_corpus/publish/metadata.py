"""The release's own metadata and the licence table: data files a user edits.

`data/release.json` (or the user's file given with --metadata) says what the
release is called, its description, language, tasks, authors and the
annotations' licence; `data/licences.json` maps each SPDX id a release may name
to its Hub id, URL and the text shipped in `LICENSES/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from serge_corpus.data_files import read_json_data
from serge_corpus.errors import Problem, SergeCorpusError

_STRINGS = ("name", "pretty_name", "description", "annotations_licence")
_LISTS = ("language", "task_categories", "task_ids", "tags")
_OPTIONAL = ("url", "date_released")


@dataclass(frozen=True)
class Licence:
    spdx: str
    name: str
    hub: str
    url: str | None
    text: str


def read_metadata(path: str | Path | None = None) -> dict[str, Any]:
    data, file = read_json_data("release.json", path, "release metadata", "E503")
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E503", "expected a JSON object", file=file))
    problems += [
        Problem("E503", "expected a non-empty string", file=file, field=k)
        for k in _STRINGS
        if not isinstance(data.get(k), str) or not data[k]
    ]
    problems += [
        Problem("E503", "expected a list of strings", file=file, field=k)
        for k in _LISTS
        if not isinstance(data.get(k), list) or not all(isinstance(v, str) for v in data[k])
    ]
    problems += [
        Problem("E503", "expected a string or null", file=file, field=k)
        for k in _OPTIONAL
        if not isinstance(data.get(k), (str, type(None)))
    ]
    authors = data.get("authors")
    if (
        not isinstance(authors, list)
        or not authors
        or not all(isinstance(a, dict) and ("name" in a or "family-names" in a) for a in authors)
    ):
        problems.append(
            Problem(
                "E503", 'a non-empty list of {"name"} or {"given-names", "family-names"}', file=file, field="authors"
            )
        )
    if problems:
        raise SergeCorpusError(problems)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def read_licences() -> dict[str, Licence]:
    data, _ = read_json_data("licences.json", None, "licence table", "E510")
    folder = resources.files("serge_corpus.data").joinpath("licences")
    return {
        spdx: Licence(
            spdx, entry["name"], entry["hub"], entry["url"], folder.joinpath(entry["file"]).read_text("utf-8")
        )
        for spdx, entry in data.items()
        if not spdx.startswith("_")
    }


def licence(licences: dict[str, Licence], spdx: str, where: str) -> Licence:
    if spdx not in licences:
        raise SergeCorpusError(
            Problem("E510", f"{spdx!r} ({where}); known: {', '.join(sorted(licences))}", field="licence_id")
        )
    return licences[spdx]
