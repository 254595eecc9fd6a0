"""Paths and the round-trip fixture of the format tests (records: tests/builders.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from builders import FIXTURES as ALL_FIXTURES

from serge_corpus.formats import FORMATS, export_blocks, import_blocks
from serge_corpus.model import Block

FIXTURES = ALL_FIXTURES / "formats"


def target(tmp_path: Path, fmt: str, name: str = "out") -> Path:
    spec = FORMATS[fmt]
    return tmp_path / (name + spec.suffix if spec.target == "file" else name)


@pytest.fixture
def roundtrip(tmp_path: Path) -> Callable[..., list[Block]]:
    counter = iter(range(10**6))

    def run(blocks: list[Block], fmt: str, **options: object) -> list[Block]:
        out = target(tmp_path, fmt, f"out{next(counter)}")
        export_blocks(blocks, fmt, out, **options)
        return import_blocks(out, fmt)

    return run
