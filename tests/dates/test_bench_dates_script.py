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


def test_error_listing_sorts_errors_by_kind(bench: ModuleType) -> None:
    from serge_corpus.dates.timex3 import Timex3

    text = "The port closed in 1905. Two years later it opened. It fell in May."
    gold = (Timex3(19, 23, "DATE", "1905"), Timex3(25, 40, "DATE", "1908"), Timex3(9, 15, "DATE", "XXXX"))
    doc = bench.BenchDoc("01_test", text, None, gold)
    kinds = bench.error_listing([doc])
    assert [len(kinds[k]) for k in ("value", "type", "missed", "spurious")] == [1, 0, 1, 1]
    assert "gold DATE 1908 | ours DATE 1907" in kinds["value"][0] and "[[Two years later]]" in kinds["value"][0]
    assert "[[closed]]" in kinds["missed"][0] and "[[May]]" in kinds["spurious"][0]
    docs = [bench.BenchDoc(f"{i:02d}_x", "", None, ()) for i in range(1, 6)]
    assert [d.doc_id for d in bench.selected_docs(docs, "odd")] == ["01_x", "03_x", "05_x"]
    assert [d.doc_id for d in bench.selected_docs(docs, "even")] == ["02_x", "04_x"]
    assert [d.doc_id for d in bench.selected_docs(docs, "02_,05_")] == ["02_x", "05_x"]


def test_strict_span_and_value_recall_needs_both_exact(bench: ModuleType) -> None:
    from serge_corpus.dates.timex3 import Timex3

    gold = (Timex3(0, 4, "DATE", "1905"), Timex3(10, 20, "DATE", "1907"), Timex3(30, 35, "DURATION", "P2Y"))
    system = (
        Timex3(0, 4, "DATE", "1905"),  # exact span, right value: counted
        Timex3(8, 20, "DATE", "1907"),  # right value, wider span: not counted (TempEval's value F1 counts it)
        Timex3(30, 35, "DATE", "P2Y"),  # exact span and value, other type: counted
    )
    result = bench.strict_value_recall([(gold, system), ((Timex3(1, 2, "DATE", "1900"),), ())])
    assert (result["matched"], result["gold"]) == (2, 4) and result["r"] == pytest.approx(0.5)
    row = {"benchmark": "b", "system": "s", "docs": 2, "strict_value_recall": result}
    row["scores"] = {
        "gold": 4,
        "relaxed": {"p": 1.0, "r": 0.75, "f1": 0.857},
        "strict": {"f1": 0.5},
        "value_f1": 0.6,
        "value_accuracy": 0.8,
    }
    table = bench.accuracy_markdown({"rows": [row]})
    assert "strict span + value R" in table.splitlines()[0] and "| 50.0 |" in table.splitlines()[2]
