"""Fixtures: a writable tiny gold, and models trained once per session with tiny configs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from train_helpers import GOLD, train_tiny


@pytest.fixture
def gold_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny gold, to break in tests."""
    target = tmp_path / "gold"
    shutil.copytree(GOLD, target)
    return target


@pytest.fixture(scope="session")
def crf_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "crf"
    result = train_tiny("crf", out, "--ood", "other-doc", "--bootstrap", "50")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def spacy_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "spacy"
    result = train_tiny("spacy", out, "--ood", "other-doc", "--bootstrap", "50", "--seed", "3")
    assert result.exit_code == 0, result.output
    return out
