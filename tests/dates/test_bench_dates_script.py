"""scripts/bench_dates.py: the hand-annotated news set parses into exact offsets, and the project scores on it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "bench_dates.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_dates_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_dates_script"] = module
    spec.loader.exec_module(module)
    return module


def test_news_set_offsets_and_values(bench: ModuleType) -> None:
    docs = bench.news_docs(bench.NEWS)
    assert len(docs) >= 10 and all(d.dct for d in docs)
    raw = bench.NEWS.read_text(encoding="utf-8")
    marked = re.findall(r"<T (\w+) ([^>\s]+)>(.*?)</T>", raw)
    found = [(t.type, t.value, d.text[t.start : t.end]) for d in docs for t in d.gold]
    assert found == [(a, b, c) for a, b, c in marked]
    assert not any("<T" in d.text for d in docs)


def test_project_scores_on_the_news_set(bench: ModuleType) -> None:
    from serge_corpus.evaluate.tempeval import tempeval_scores

    docs = bench.news_docs(bench.NEWS)
    mentions, _ = bench.project_timexes(docs)
    scores = tempeval_scores([(d.gold, m) for d, m in zip(docs, mentions)])
    assert scores["gold"] == sum(len(d.gold) for d in docs)
    assert scores["relaxed"]["f1"] > 0.8  # a floor, far below what docs/dates.md reports


def test_missing_timeml_reader_is_a_clear_message(bench: ModuleType, tmp_path: Path) -> None:
    try:
        import serge_corpus.formats.timeml  # noqa: F401
    except ImportError:
        with pytest.raises(SystemExit, match="serge_corpus.formats.timeml"):
            bench.tml_docs(tmp_path)
    else:
        with pytest.raises(SystemExit, match="no .tml files"):
            bench.tml_docs(tmp_path)
