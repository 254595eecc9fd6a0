"""One entry point over the three methods: configuration, seed, resume, fit.

Configurations are files (users edit them, code never holds them): the
default for each method is under `configs/` of the project folder
(`spacy_ner.cfg`, `crf.json`, `stanza_ner.json`), relative to the working
directory like `annotations/patterns.jsonl`; `--config FILE` replaces it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block

Method = Literal["spacy", "crf", "stanza"]
METHODS: tuple[str, ...] = ("spacy", "crf", "stanza")
CONFIG_DIR = Path("configs")
DEFAULT_CONFIGS: dict[str, str] = {"spacy": "spacy_ner.cfg", "crf": "crf.json", "stanza": "stanza_ner.json"}


@dataclass(frozen=True)
class FitSettings:
    """How to train: method, configuration file, seed, what to start from, extra text."""

    method: str
    config: Path
    seed: int = 0
    resume: Path | None = None
    rehearsal: tuple[Block, ...] = ()
    overrides: dict[str, Any] = field(default_factory=dict)


def check_method(method: str) -> str:
    if method not in METHODS:
        raise SergeCorpusError(Problem("E454", f"{method!r}; methods: {', '.join(METHODS)}", field="method"))
    return method


def config_path(method: str, config: str | Path | None, config_dir: Path = CONFIG_DIR) -> Path:
    """The configuration file to use (`config`, else the method's default in `config_dir`); E455 if missing."""
    check_method(method)
    path = Path(config) if config is not None else config_dir / DEFAULT_CONFIGS[method]
    if not path.is_file():
        hint = "" if config is not None else " (run from the project folder, or pass --config)"
        raise SergeCorpusError(Problem("E455", f"no configuration file{hint}", file=str(path), field="config"))
    return path


def read_json_config(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise SergeCorpusError(Problem("E455", f"not JSON: {err}", file=str(path))) from err
    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E455", "expected a JSON object", file=str(path)))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def sha256_file(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fit(settings: FitSettings, train: Sequence[Block], dev: Sequence[Block], out: Path) -> dict[str, Any]:
    """Train one model into `out` (a model directory without its card); what the card records."""
    # One thread per process keeps results reproducible and leaves the other core to the machine.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    method = check_method(settings.method)
    if method == "spacy":
        from serge_corpus.train.spacy_ner import fit_spacy

        return fit_spacy(
            train,
            dev,
            out,
            config=settings.config,
            seed=settings.seed,
            base_model=None if settings.resume is None else str(settings.resume),
            rehearsal=settings.rehearsal,
            overrides=settings.overrides,
        )
    if method == "crf":
        from serge_corpus.train.crf import fit_crf

        # A CRF cannot continue training: --resume retrains it on the current gold (seconds).
        return fit_crf(train, out, config=read_json_config(settings.config) | settings.overrides, seed=settings.seed)
    import torch

    from serge_corpus.train.stanza_ner import fit_stanza

    torch.set_num_threads(1)
    return fit_stanza(
        train,
        dev,
        out,
        config=read_json_config(settings.config) | settings.overrides,
        seed=settings.seed,
        resume=settings.resume,
    )
