"""What each document's licence allows: read from the corpus manifest, strictly.

A manifest entry may carry `licence_id` (SPDX), `redistributable` (bool),
`attribution` (string or null), `source` (URL or null) and `dct` (the document
creation time, EDTF, or null). A missing `redistributable` means false: a document is
published stand-off unless its entry says otherwise, so forgetting the field
never leaks a text. A field of the wrong type is an error, not a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serge_corpus.corpus import MANIFEST_NAME, load_corpus
from serge_corpus.errors import Problem, SergeCorpusError

UNSPECIFIED_LICENCE = "LicenseRef-All-Rights-Reserved"


@dataclass(frozen=True)
class DocumentRights:
    """A corpus document as a release describes it."""

    doc_id: str
    sha256: str
    licence_id: str
    redistributable: bool
    attribution: str | None = None
    source: str | None = None
    title: str = ""
    author: str = ""
    language: str = "en"
    licence_note: str = ""
    dct: str | None = None  # document creation time (EDTF)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "sha256": self.sha256,
            "licence_id": self.licence_id,
            "redistributable": self.redistributable,
            "attribution": self.attribution,
            "source": self.source,
            "author": self.author,
            "language": self.language,
            "dct": self.dct,
        }


def read_rights(corpus_root: str | Path) -> dict[str, DocumentRights]:
    """doc_id -> rights of every manifest entry; every bad field at once (E500)."""
    corpus = load_corpus(corpus_root)
    file = str(Path(corpus_root) / MANIFEST_NAME)
    problems: list[Problem] = []
    out: dict[str, DocumentRights] = {}
    for index, entry in enumerate(corpus.entries):
        raw: dict[str, Any] = dict(entry)

        # Defaults bind this entry: the helper is called only within this iteration.
        def typed(
            name: str, kinds: tuple[type, ...], default: Any, raw: dict[str, Any] = raw, index: int = index
        ) -> Any:
            value = raw.get(name, default)
            if not isinstance(value, kinds):
                problems.append(
                    Problem(
                        "E500",
                        f"documents[{index}] ({raw['doc_id']}): {name} is {type(value).__name__}",
                        file=file,
                        field=name,
                    )
                )
                return default
            return value

        redistributable = typed("redistributable", (bool,), False)
        licence_id = typed("licence_id", (str, type(None)), None)
        if redistributable and not licence_id:
            problems.append(
                Problem(
                    "E500",
                    f"documents[{index}] ({raw['doc_id']}): redistributable without a licence_id",
                    file=file,
                    field="licence_id",
                )
            )
        out[raw["doc_id"]] = DocumentRights(
            doc_id=raw["doc_id"],
            sha256=raw["sha256"],
            licence_id=licence_id or UNSPECIFIED_LICENCE,
            redistributable=redistributable,
            attribution=typed("attribution", (str, type(None)), None),
            source=typed("source", (str, type(None)), None),
            title=raw.get("title", ""),
            author=raw.get("author", ""),
            language=raw.get("language", "en"),
            licence_note=raw.get("licence", ""),
            dct=typed("dct", (str, type(None)), None),
        )
    if problems:
        raise SergeCorpusError(problems)
    return out
