"""Paths of the tiny gold and configs, and a CLI runner, shared by the train tests (rows: tests/builders.py)."""

from __future__ import annotations

from pathlib import Path

from builders import FIXTURES as ALL_FIXTURES
from typer.testing import CliRunner

from serge_corpus.cli import app

FIXTURES = ALL_FIXTURES / "train"
GOLD = FIXTURES / "gold"
CONFIGS = FIXTURES / "configs"  # tiny configurations under the default names
TINY = {"spacy": CONFIGS / "spacy_ner.cfg", "crf": CONFIGS / "crf.json", "stanza": CONFIGS / "stanza_ner.json"}
runner = CliRunner()


def train_cli(*args: str) -> object:
    return runner.invoke(app, ["train", *args], catch_exceptions=False)


def train_tiny(method: str, out: Path, *options: str) -> object:
    """`train --method METHOD` with its tiny configuration on the tiny gold, into `out`."""
    return train_cli("--method", method, "--config", str(TINY[method]), "--gold", str(GOLD), *options, "-o", str(out))
