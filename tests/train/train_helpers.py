"""Paths of the tiny gold and configs, and a CLI runner, shared by the train tests."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from serge_corpus.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "train"
GOLD = FIXTURES / "gold"
CONFIGS = FIXTURES / "configs"  # tiny configurations under the default names
TINY = {"spacy": CONFIGS / "spacy_ner.cfg", "crf": CONFIGS / "crf.json", "stanza": CONFIGS / "stanza_ner.json"}
runner = CliRunner()


def train_cli(*args: str) -> object:
    return runner.invoke(app, ["train", *args], catch_exceptions=False)


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_rows(path: Path, data: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
