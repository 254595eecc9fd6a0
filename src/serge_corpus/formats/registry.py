"""The formats: one registry entry each, the module imported only when used.

Adding a format is adding a module with `export(blocks, out, **options)` and
`read(path, **options) -> list[RawRecord]`, and one entry here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError


@dataclass(frozen=True)
class FormatSpec:
    name: str
    summary: str
    target: str  # "file" or "directory"
    suffix: str  # usual file suffix ("" for a directory)
    module: str
    export_options: tuple[str, ...] = ()
    import_options: tuple[str, ...] = ()
    # Records -> format -> records gives the same records (timeml holds only dates, and converts them).
    lossless: bool = True

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


FORMATS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("prodigy", "Prodigy tasks (ner_manual), JSONL", "file", ".jsonl", "serge_corpus.formats.prodigy"),
        FormatSpec(
            "doccano",
            "doccano sequence labelling / entities, JSONL",
            "file",
            ".jsonl",
            "serge_corpus.formats.doccano",
            export_options=("form", "offsets"),
            import_options=("offsets",),
        ),
        FormatSpec(
            "labelstudio",
            "Label Studio tasks with regions and date attributes, JSON",
            "file",
            ".json",
            "serge_corpus.formats.labelstudio",
            export_options=("target", "offsets"),
            import_options=("offsets",),
        ),
        FormatSpec(
            "brat", "brat standoff .txt/.ann pairs, one per record", "directory", "", "serge_corpus.formats.brat"
        ),
        FormatSpec(
            "conll",
            "CoNLL token<TAB>IOB2 tag with # key = value headers",
            "file",
            ".conll",
            "serge_corpus.formats.conll",
        ),
        FormatSpec(
            "docbin", "spaCy DocBin, ents + spans['sc'] + user_data", "file", ".spacy", "serge_corpus.formats.docbin"
        ),
        FormatSpec(
            "hf",
            "HuggingFace datasets, save_to_disk folder",
            "directory",
            "",
            "serge_corpus.formats.hf",
            export_options=("split",),
        ),
        FormatSpec(
            "timeml",
            "TimeML .tml (TIMEX3), one per document: TempEval-3 toolkit, WikiWars",
            "directory",
            "",
            "serge_corpus.formats.timeml",
            lossless=False,
        ),
    )
}


def get_format(name: str) -> FormatSpec:
    spec = FORMATS.get(name)
    if spec is None:
        raise SergeCorpusError(Problem("E160", f"{name!r}; known: {', '.join(FORMATS)}", field="format"))
    return spec


def check_options(spec: FormatSpec, options: dict[str, Any], allowed: tuple[str, ...], verb: str) -> dict[str, Any]:
    """Options that are set (not None); refuse one the format does not take."""
    given = {k: v for k, v in options.items() if v is not None}
    wrong = sorted(set(given) - set(allowed))
    if wrong:
        takes = ", ".join(allowed) or "no options"
        raise SergeCorpusError(
            Problem("E161", f"{verb} {spec.name} takes {takes}; got {', '.join(wrong)}", field=wrong[0])
        )
    return given


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """E161 unless the option `name` is one of `choices`."""
    if value not in choices:
        raise SergeCorpusError(Problem("E161", f"{name} {value!r}; use {' or '.join(choices)}", field=name))
