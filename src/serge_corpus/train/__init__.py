"""Train NER models on the gold: spaCy fine-tuning, a CRF, stanza; honest cross-validation.

    from serge_corpus.train import load_gold, FitSettings, config_path, train_model, cross_validate
    gold = load_gold("annotations/gold")
    card = train_model(gold, FitSettings("spacy", config_path("spacy", None)), Path("models/afterword"))
    cv = cross_validate(gold, "crf", 5, settings=FitSettings("crf", config_path("crf", None)))

Modules: `gold_set` (splits, refusals, units), `folds` (folds that never cut a
section or a document), `pseudo` (labels the guidelines do not annotate),
`spacy_ner` / `crf` / `stanza_ner` / `vectors` (the methods), `fitting` (one
entry point), `scoring`, `card`, `baselines` (pretrained and rules under the
same folds), `training` (train a model, cross-validate), `compare` (the
report), `loop` (the trained model in the correction loop). docs/train.md.
"""

from __future__ import annotations

from serge_corpus.train.fitting import METHODS, FitSettings, config_path
from serge_corpus.train.folds import make_folds
from serge_corpus.train.gold_set import GoldSet, load_gold
from serge_corpus.train.training import cross_validate, train_model

__all__ = [
    "METHODS",
    "FitSettings",
    "GoldSet",
    "config_path",
    "cross_validate",
    "load_gold",
    "make_folds",
    "train_model",
]
