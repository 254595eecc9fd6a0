"""Train stanza's NER tagger offline (method `stanza`).

Data: `ner.stanza_backend.blocks_to_stanza_sentences` (the project's tokens
and sentences, BIOES tags) as stanza's JSON. Word vectors: `vectors.build_pretrain`
over the training sentences (MODEL/pretrain.pt). Training: stanza's own
trainer, `stanza.models.ner_tagger.main`, on CPU with the config's options;
stanza keeps the checkpoint that scores best on its eval file, which is the
dev split here, or the training data itself when no dev split is given (in
cross-validation, so the held-out fold never selects the model). With
`resume`, training continues from that model (`--finetune`) and its vectors.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block
from serge_corpus.ner.stanza_backend import blocks_to_stanza_sentences
from serge_corpus.ner.trained import STANZA_MODEL, STANZA_PRETRAIN
from serge_corpus.train.vectors import build_pretrain

_VECTOR_KEYS = {"dim", "window", "min_count"}


def _tagger_args(options: dict[str, Any]) -> list[str]:
    args: list[str] = []
    for key, value in options.items():
        if isinstance(value, bool):
            if value:
                args.append(f"--{key}")
        else:
            args += [f"--{key}", str(value)]
    return args


def fit_stanza(
    train: Sequence[Block],
    dev: Sequence[Block],
    out: Path,
    *,
    config: dict[str, Any],
    seed: int,
    resume: Path | None = None,
) -> dict[str, Any]:
    options = {k: v for k, v in config.items() if not k.startswith("_")}
    vector_options = dict(options.pop("vectors", {}) or {})
    unknown = sorted(set(vector_options) - _VECTOR_KEYS)
    if unknown:
        raise SergeCorpusError(
            [
                Problem("E455", f"vectors has no option {k!r}; options: dim, window, min_count", field=f"vectors.{k}")
                for k in unknown
            ]
        )
    reserved = sorted(
        set(options)
        & {
            "train_file",
            "eval_file",
            "save_dir",
            "save_name",
            "seed",
            "wordvec_pretrain_file",
            "shorthand",
            "mode",
            "finetune",
        }
    )
    if reserved:
        raise SergeCorpusError([Problem("E455", f"{k!r} is set by serge-corpus train", field=k) for k in reserved])
    out.mkdir(parents=True, exist_ok=True)
    data_dir = out / "training"
    data_dir.mkdir(exist_ok=True)
    train_data = blocks_to_stanza_sentences(train)
    dev_data = blocks_to_stanza_sentences(dev) or train_data
    (data_dir / "train.json").write_text(json.dumps(train_data, ensure_ascii=False), encoding="utf-8")
    (data_dir / "dev.json").write_text(json.dumps(dev_data, ensure_ascii=False), encoding="utf-8")
    pretrain = out / STANZA_PRETRAIN
    stanza_logger = logging.getLogger("stanza")
    level = stanza_logger.level
    stanza_logger.setLevel(logging.WARNING)  # its per-step log would drown the progress messages
    try:
        return _run_tagger(train_data, data_dir, pretrain, out, options, vector_options, seed, resume)
    finally:
        stanza_logger.setLevel(level)


def _run_tagger(
    train_data: list[Any],
    data_dir: Path,
    pretrain: Path,
    out: Path,
    options: dict[str, Any],
    vector_options: dict[str, Any],
    seed: int,
    resume: Path | None,
) -> dict[str, Any]:
    from stanza.models import ner_tagger

    if resume is not None:
        shutil.copyfile(resume / STANZA_PRETRAIN, pretrain)
        vectors: dict[str, Any] = {"from": str(resume / STANZA_PRETRAIN)}
    else:
        vectors = build_pretrain([[t["text"] for t in s] for s in train_data], pretrain, **vector_options)
    args = [
        "--train_file",
        str(data_dir / "train.json"),
        "--eval_file",
        str(data_dir / "dev.json"),
        "--wordvec_pretrain_file",
        str(pretrain),
        "--shorthand",
        "en_serge",
        "--seed",
        str(seed),
        "--cpu",
        "--save_dir",
        str(out),
        "--save_name",
        STANZA_MODEL,
        *_tagger_args(options),
    ]
    if resume is not None:
        args += ["--finetune", "--finetune_load_name", str(resume / STANZA_MODEL)]
    with (
        open(data_dir / "train.log", "w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        try:
            ner_tagger.main(args)
        except SystemExit as err:  # argparse: an unknown option
            raise SergeCorpusError(
                Problem(
                    "E455", f"stanza's ner_tagger refused the options (see {data_dir / 'train.log'})", field="stanza"
                )
            ) from err
        except Exception as err:  # torch/stanza raise many kinds; all mean "this run failed"
            raise SergeCorpusError(Problem("E460", f"{type(err).__name__}: {err}", field="stanza")) from err
    if not (out / STANZA_MODEL).is_file():
        raise SergeCorpusError(Problem("E460", f"stanza saved no model (see {data_dir / 'train.log'})", file=str(out)))
    return {"vectors": vectors, "sentences": len(train_data), "label_scheme": "guidelines", "tagger_args": options}
