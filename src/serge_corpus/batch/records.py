"""The documents of `validate`, `evaluate` and `export` batches: a document's records, one at a time.

Each function takes one task (a record file, or a run of lines of a large
JSONL / Parquet file; see `inputs`) and calls the library function the
single-file command calls (`validate_rows`, `evaluate.pooling`, `export_records`),
so a document gets what the command gives its file alone. Outputs:

- validate: nothing but the outcome (every problem, file:line, in the summary); a corpus
  document (a text of a manifest) is read and checked as `annotate` reads it;
- export: `OUT/DOC_ID.SUFFIX` (or the folder `OUT/DOC_ID/` for brat, hf, timeml),
  written to a hidden temp beside it and renamed; with shards the records go
  back to the caller, which exports each shard whole;
- evaluate: `OUT/DOC_ID.json` (the document's evaluation) and its counts back
  to the caller, which adds them up into the pooled result.

After its outputs, an evaluated or exported document's state is written
(`outputs.write_state`: settings fingerprint, each input file and its sha256,
the outputs' names, and for evaluate the counts), so a rerun skips it while
it is up to date and pools its counts from disk.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from serge_corpus.batch.inputs import DocTask, source_sha256
from serge_corpus.batch.job import Job, Outcome, failed_outcome, load_document
from serge_corpus.batch.outputs import read_shard_lines, write_state
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import parse_lines, read_raw, target_mode, validate_rows
from serge_corpus.model import Block, word_count

Rows = list[tuple[int, Any]]


def process_records(task: DocTask, job: Job) -> Outcome:
    """One document of a validate / evaluate / export batch; a failure is its outcome, never an exception."""
    try:
        if job.settings.task == "validate":
            return _validate(task, job)
        if job.settings.task == "export":
            return _export(task, job)
        return _evaluate(task, job)
    except Exception as err:  # noqa: BLE001 - reported per document
        return failed_outcome(task, err)


def record_identity(task: DocTask, fingerprint: str) -> dict[str, Any]:
    """What a document's evaluate / export outputs are made from: the settings, each input file and its sha256."""
    given = [task] if task.pair is None else [task, task.pair]
    return {"settings": fingerprint, "sources": [[t.path or t.file, source_sha256(t)] for t in given]}


def task_rows(task: DocTask) -> tuple[str, Rows]:
    """(file, parsed rows numbered as in the file) of a task's records; lines that are not JSON raise."""
    if task.path is not None:
        if task.path.endswith(".parquet"):
            return task.path, parse_lines(read_shard_lines(Path(task.path)), task.path)
        return task.path, read_raw(task.path)
    return task.file, parse_lines((task.text or "").split("\n"), task.file, task.first_line)


def _words(rows: Rows) -> int:
    return sum(word_count(obj["text"]) for _, obj in rows if isinstance(obj, dict) and isinstance(obj.get("text"), str))


@lru_cache(maxsize=4)
def _sources(corpus: str) -> dict[str, str]:
    """The corpus's source texts (doc_id -> text), loaded once per worker process."""
    from serge_corpus.corpus import corpus_sources

    return corpus_sources(corpus)


def _validate(task: DocTask, job: Job) -> Outcome:
    from serge_corpus.batch.record_ids import id_hashes

    if task.corpus_root is not None:  # a corpus document: its text as `annotate` would read it, sha256-checked
        document = load_document(task)
        return Outcome(task.doc_id, task.origin, sha256=document.sha256, words=word_count(document.text))
    try:
        file, rows = task_rows(task)
    except SergeCorpusError as err:
        return failed_outcome(task, err)
    problems = validate_rows(rows, file=file, sources=_sources(job.settings.options.get("corpus", "corpus")))
    ids = id_hashes(record_ids(rows))  # for the check across documents (runner, record_ids)
    if problems:
        return replace(failed_outcome(task, SergeCorpusError(problems)), ids=ids)
    return Outcome(task.doc_id, task.origin, blocks=len(rows), words=_words(rows), ids=ids)


def record_ids(rows: Rows) -> list[str]:
    return [obj["id"] for _, obj in rows if isinstance(obj, dict) and isinstance(obj.get("id"), str)]


def _valid_blocks(task: DocTask, job: Job) -> tuple[str, Rows, list[Block]]:
    file, rows = task_rows(task)
    problems = validate_rows(rows, file=file, sources=_sources(job.settings.options.get("corpus", "corpus")))
    if problems:
        raise SergeCorpusError(problems)
    return file, rows, [Block.from_dict(obj) for _, obj in rows]


def export_options(options: dict[str, Any]) -> dict[str, Any]:
    """The format's own options among a batch's settings (None: the format's default)."""
    return {k: v for k, v in options.items() if k in ("offsets", "form", "target", "split") and v is not None}


def _export(task: DocTask, job: Job) -> Outcome:
    file, rows, blocks = _valid_blocks(task, job)
    options = job.settings.options
    if job.out_dir is None:  # shards: the caller exports each shard whole
        lines = tuple(json.dumps(obj, ensure_ascii=False) for _, obj in rows)
        return Outcome(task.doc_id, task.origin, blocks=len(blocks), words=_words(rows), lines=lines)
    from serge_corpus.formats.convert import export_records
    from serge_corpus.formats.registry import get_format

    spec = get_format(options["to"])
    target = Path(job.out_dir) / (task.doc_id + spec.suffix)
    corpus = options.get("corpus", "corpus")

    def write(tmp: Path) -> None:
        export_records(blocks, spec.name, tmp, file, corpus, _sources(corpus), **export_options(options))

    replace_atomically(target, write, directory=spec.target == "directory")
    state = record_identity(task, job.fingerprint) | {"outputs": [target.relative_to(job.out_dir).as_posix()]}
    write_state(Path(job.out_dir), task.doc_id, state)
    return Outcome(task.doc_id, task.origin, blocks=len(blocks), words=_words(rows))


def replace_atomically(target: Path, write: Callable[[Path], object], directory: bool = False) -> None:
    """`write(tmp)` into a hidden temp file (or folder) beside `target`, then rename it onto `target`.

    A folder cannot replace a folder in one rename: the old one is moved aside
    first, so a reader sees the old folder, then (for an instant) none, then the new one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if directory:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    else:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, target_mode(target, directory=directory))  # mkstemp/mkdtemp make it private
        if directory and target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
            os.replace(target, old / "old")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        raise


def _evaluate(task: DocTask, job: Job) -> Outcome:
    from serge_corpus.evaluate.pairing import PREDICTION_TOLERATED, pair_blocks, record_file
    from serge_corpus.evaluate.pooling import count_pairs, counts_to_dict, summarize_counts
    from serge_corpus.segment import tokenize

    if task.pair is None:
        raise SergeCorpusError(Problem("E559", "no predictions were paired with it", file=task.origin))
    if task.pair.code is not None:
        return Outcome(task.doc_id, task.pair.origin, task.pair.code, task.pair.detail)
    gold_path, gold_rows = task_rows(task)
    pred_path, pred_rows = task_rows(task.pair)
    gold = record_file(gold_rows, gold_path)
    pred = record_file(pred_rows, pred_path, PREDICTION_TOLERATED)
    counts = count_pairs(pair_blocks(gold, pred), tokenize)
    options = job.settings.options
    if job.out_dir is not None:
        result = summarize_counts(
            counts,
            bootstrap=options.get("bootstrap", 0),
            seed=options.get("seed", 0),
            meta={"gold": gold_path, "pred": pred_path, "records": counts.records},
        )
        text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        # Renamed into place, not fsync'ed (like per-document records: see outputs.write_document).
        replace_atomically(
            Path(job.out_dir) / f"{task.doc_id}.json", lambda tmp: tmp.write_text(text, encoding="utf-8")
        )
        # The counts too: a rerun that skips this document pools them from here.
        state = record_identity(task, job.fingerprint) | {
            "outputs": [f"{task.doc_id}.json"],
            "counts": counts_to_dict(counts),
        }
        write_state(Path(job.out_dir), task.doc_id, state)
    return Outcome(task.doc_id, task.origin, blocks=len(gold_rows), words=_words(gold_rows), counts=counts)
