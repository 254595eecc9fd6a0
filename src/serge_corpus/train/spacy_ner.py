"""Fine-tune a pretrained spaCy pipeline's NER on the gold (method `spacy`).

The data goes through the project's own DocBin exporter (`formats.docbin`)
into MODEL/training/{train,dev}.spacy, after `pseudo.keep_other_labels` (and,
with rehearsal text, `pseudo.rehearsal_blocks`); spaCy's own `spacy train`
then runs the committed config (`configs/spacy_ner.cfg`) with paths, seed
and base model as overrides. The last model of a fixed number of steps is
kept (the dev set only monitors), and its files become MODEL itself, so
`spacy.load(MODEL)` works. Everything spaCy prints goes to MODEL/training/train.log.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block
from serge_corpus.ner.spacy_backend import load_ner_pipeline, resolve_model
from serge_corpus.train.pseudo import keep_other_labels, rehearsal_blocks, unannotated_labels

DEFAULT_CONFIG = "spacy_ner.cfg"


def fit_spacy(
    train: Sequence[Block],
    dev: Sequence[Block],
    out: Path,
    *,
    config: Path,
    seed: int,
    base_model: str | None = None,
    rehearsal: Sequence[Block] = (),
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train into `out`; returns what the model card records about the run."""
    from spacy.cli.train import train as spacy_train

    from serge_corpus.formats.docbin import export

    base = resolve_model(base_model)
    pretrained = load_ner_pipeline(base)
    others = unannotated_labels()
    train_blocks, kept_train = keep_other_labels(pretrained, train, others)
    dev_blocks, _ = keep_other_labels(pretrained, dev or train, others)
    rehearsed = rehearsal_blocks(pretrained, rehearsal) if rehearsal else []
    data_dir = out / "training"
    data_dir.mkdir(parents=True, exist_ok=True)
    export([b for b in [*train_blocks, *rehearsed] if b.annotated], data_dir / "train.spacy")
    export([b for b in dev_blocks if b.annotated], data_dir / "dev.spacy")
    shutil.copyfile(config, data_dir / "config.cfg")
    settings = {
        "paths.train": str(data_dir / "train.spacy"),
        "paths.dev": str(data_dir / "dev.spacy"),
        "paths.base_model": base,
        "system.seed": seed,
        **(overrides or {}),
    }
    with (
        tempfile.TemporaryDirectory(prefix="serge-train-") as tmp,
        open(data_dir / "train.log", "w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        try:
            spacy_train(config, Path(tmp), use_gpu=-1, overrides=settings)
        except SystemExit as err:  # spaCy's msg.fail exits on a bad config
            raise SergeCorpusError(
                Problem("E455", f"spaCy refused the configuration (see {data_dir / 'train.log'})", file=str(config))
            ) from err
        except Exception as err:  # spaCy/thinc raise many kinds; all mean "this run failed"
            raise SergeCorpusError(Problem("E460", f"{type(err).__name__}: {err}", file=str(config))) from err
        for item in (Path(tmp) / "model-last").iterdir():
            target = out / item.name
            if target.is_dir():
                shutil.rmtree(target)
            shutil.move(str(item), str(target))
    return {
        "base_model": base,
        "base_model_version": str(pretrained.meta.get("version", "")),
        "label_scheme": "ontonotes",
        "kept_unannotated_labels": others,
        "pseudo_spans_added": kept_train,
        "rehearsal_blocks": len(rehearsed),
        "overrides": {k: v for k, v in settings.items() if not k.startswith("paths.")} | {"paths.base_model": base},
    }
