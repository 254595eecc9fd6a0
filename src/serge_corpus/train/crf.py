"""A linear-chain CRF baseline (method `crf`, sklearn-crfsuite).

One sequence per sentence of the project's tokens, BIOES tags from the gold
spans, features from `ner.trained.token_features` (the backend computes the
same ones at prediction time). L-BFGS training is deterministic; the model
is python-crfsuite's own file, MODEL/crf.crfsuite (no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block
from serge_corpus.ner.base import annotatable
from serge_corpus.ner.bioes import spans_to_bioes
from serge_corpus.ner.trained import CRF_FILE, block_sentences, crfsuite_items, sentence_features

_ALLOWED = {
    "algorithm",
    "c1",
    "c2",
    "max_iterations",
    "all_possible_transitions",
    "all_possible_states",
    "min_freq",
    "epsilon",
    "period",
    "delta",
}


def sequences(blocks: Sequence[Block]) -> tuple[list[list[dict[str, Any]]], list[list[str]]]:
    """Features and BIOES tags, one sequence per sentence of every annotatable block."""
    xs: list[list[dict[str, Any]]] = []
    ys: list[list[str]] = []
    for block in blocks:
        if not annotatable(block):
            continue
        keys = [s.key for s in block.spans]
        for group in block_sentences(block):
            xs.append(crfsuite_items(sentence_features([t.text for t in group])))
            ys.append(spans_to_bioes([(t.start, t.end) for t in group], keys))
    return xs, ys


def fit_crf(train: Sequence[Block], out: Path, *, config: dict[str, Any], seed: int) -> dict[str, Any]:
    """Train into out/crf.crfsuite; `seed` is recorded (L-BFGS has no randomness)."""
    import sklearn_crfsuite

    unknown = sorted(set(config) - _ALLOWED)
    if unknown:
        raise SergeCorpusError(
            [
                Problem("E455", f"crf has no option {key!r}; options: {', '.join(sorted(_ALLOWED))}", field=key)
                for key in unknown
            ]
        )
    xs, ys = sequences(train)
    out.mkdir(parents=True, exist_ok=True)
    crf = sklearn_crfsuite.CRF(model_filename=str(out / CRF_FILE), keep_tempfiles=True, **config)
    try:
        crf.fit(xs, ys)
    except Exception as err:  # crfsuite raises ValueError/RuntimeError on bad settings
        raise SergeCorpusError(Problem("E460", f"{type(err).__name__}: {err}", field="crf")) from err
    return {
        "sequences": len(xs),
        "features": len(crf.attributes_),
        "labels": sorted(crf.classes_),
        "label_scheme": "guidelines",
    }
