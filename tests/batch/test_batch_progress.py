"""Progress in words: a long document moves the batch bar while it runs, and every bar ends at the word count."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_corpus import tree, write_folder

from serge_corpus import annotate as annotate_module
from serge_corpus import long_blocks
from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, SourceSpec, run_batch
from serge_corpus.batch.job import Outcome, _reported
from serge_corpus.model import word_count

RULES = BatchSettings(backend="rules")
SENTENCES = (
    "Victor Serge arrived in Paris on 1 May 1925. He wrote for Clarté in the spring of 1926. "
    "The Left Opposition met in Moscow in 1927. Two years later he was expelled. "
)


@pytest.fixture
def small_chunks(monkeypatch):
    """Pieces of 700 characters, an NER call per piece: a 2,000-word paragraph gives some 15 steps."""
    monkeypatch.setattr(long_blocks, "MAX_CHARS", 700)
    monkeypatch.setattr(annotate_module, "CHUNK_WORDS", 100)


def folder_with_a_long_document(root: Path) -> tuple[Path, int]:
    """Four short documents and one paragraph of 1,920 words; the words of them all."""
    folder = write_folder(root, 4)
    (folder / "doc00002-long.txt").write_text((SENTENCES * 60).strip() + "\n", encoding="utf-8")
    return folder, sum(word_count(p.read_text(encoding="utf-8")) for p in folder.iterdir())


def run_with_ticks(folder: Path, out: Path, engine: EngineSpec) -> tuple[list[tuple[int, int]], int]:
    ticks: list[tuple[int, int]] = []
    summary = run_batch(
        BatchRun(source=SourceSpec(folder, "folder"), out_dir=out, settings=RULES, engine=engine),
        progress=lambda docs, words: ticks.append((docs, words)),
    )
    assert (summary.processed, summary.failed) == (5, 0)
    return ticks, summary.words


@pytest.mark.parametrize("workers", [1, 2])
def test_words_reach_the_bar_while_documents_run_and_add_up_to_the_summary(tmp_path, small_chunks, workers):
    folder, words = folder_with_a_long_document(tmp_path / "in")
    ticks, summary_words = run_with_ticks(folder, tmp_path / f"out{workers}", EngineSpec("local", workers))
    assert summary_words == words
    assert sum(w for _, w in ticks) == words  # the bar's words end at the summary's: none twice, none lost
    assert sum(d for d, _ in ticks) == 5
    running = [w for d, w in ticks if d == 0]
    assert sum(running) == words  # every annotated word was counted while its document ran…
    assert all(w == 0 for d, w in ticks if d)  # …so a finished document adds none again
    if workers == 1:  # in this process, each NER call of the long paragraph is a step
        assert len(running) >= 15 and max(running) < 1920


def test_two_workers_reporting_words_write_what_one_process_writes(tmp_path, small_chunks):
    folder, _ = folder_with_a_long_document(tmp_path / "in")
    run_with_ticks(folder, tmp_path / "one", EngineSpec("local", 1))
    run_with_ticks(folder, tmp_path / "two", EngineSpec("local", 2))
    run_batch(BatchRun(source=SourceSpec(folder, "folder"), out_dir=tmp_path / "quiet", settings=RULES))
    assert tree(tmp_path / "one") == tree(tmp_path / "two") == tree(tmp_path / "quiet")


def test_words_sent_beyond_the_documents_are_taken_back():
    outcomes = [Outcome("a", "a.txt", words=5), Outcome("b", "b.txt", "E555"), Outcome("c", "c.txt", words=7)]
    sent: list[int] = []
    shared = _reported(outcomes, 15, sent.append)  # "a" and "c" annotated twice in part: 3 words too many
    assert [o.reported for o in shared] == [5, 0, 7] and sent == [-3]
    assert [o.reported for o in _reported(outcomes, 4, sent.append)] == [4, 0, 0] and sent == [-3]


@pytest.mark.slow
def test_dask_workers_report_words_while_documents_run(tmp_path, small_chunks):
    pytest.importorskip("distributed")
    folder, words = folder_with_a_long_document(tmp_path / "in")
    ticks, summary_words = run_with_ticks(folder, tmp_path / "dask", EngineSpec("dask", workers=2))
    run_with_ticks(folder, tmp_path / "local", EngineSpec("local", 1))
    assert summary_words == words and sum(w for _, w in ticks) == words
    assert sum(w for d, w in ticks if d == 0) == words and all(w == 0 for d, w in ticks if d)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
