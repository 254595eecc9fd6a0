"""Shared fixtures of the corrections tests: the toy records and logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import FIXTURES as ALL_FIXTURES

from serge_corpus.jsonl import read_records
from serge_corpus.model import Block

FIXTURES = ALL_FIXTURES / "corrections"


@pytest.fixture()
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture()
def pre() -> list[Block]:
    return read_records(FIXTURES / "pre.jsonl")


@pytest.fixture()
def pre_v2() -> list[Block]:
    return read_records(FIXTURES / "pre_v2.jsonl")
