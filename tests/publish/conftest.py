"""Fixtures of the publish tests (the Project builder is in tests/builders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    built = Project(tmp_path / "project")
    built.write()
    return built


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path]:
    """One project and its release, shared by the read-only tests of a module."""
    from serge_corpus.publish import publish

    root = tmp_path_factory.mktemp("released")
    built = Project(root / "project")
    built.write()
    publish(root / "release", **built.options())
    return built, root / "release"
