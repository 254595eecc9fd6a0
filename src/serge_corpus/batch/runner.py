"""A batch run: every document of a source through one library call, streamed, resumable, in parallel.

    run_batch(BatchRun(source=SourceSpec(Path("archive"), "folder"), out_dir=Path("out"),
                       settings=BatchSettings(backend="spacy"), engine=EngineSpec("local", workers=2)))

Documents are read lazily and grouped into small batches; an engine processes
the batches (at most a few in flight) and hands outcomes back in input order.
A document whose output is up to date is skipped before it is read by a
worker; a failing document is recorded with its path and reason and the run
goes on. The summary (`run-summary.json` in the output folder) lists every
failure; `RunSummary.failed` tells the caller whether to exit non-zero.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from serge_corpus.batch.engines import EngineSpec, ordered_results, start_engine
from serge_corpus.batch.inputs import DocTask, SourceSpec, iter_tasks, paired_tasks, source_sha256
from serge_corpus.batch.job import BatchSettings, Job, Outcome, document_fingerprint, own_dct
from serge_corpus.batch.outputs import (
    POOLED_NAME,
    SUMMARY_NAME,
    ShardEntry,
    ShardFormat,
    ShardWriter,
    current_shard,
    current_state,
    document_is_current,
    remove_stale_temps,
    state_path,
    write_summary,
)
from serge_corpus.errors import Problem, SergeCorpusError

if TYPE_CHECKING:  # evaluate is imported lazily (only evaluate runs need it): its types at check time only
    from serge_corpus.evaluate.evaluation import Evaluation, EvaluationMeta

# (documents finished, words processed): words also while a document runs (0 documents), on the calling thread
Progress = Callable[[int, int], None]

# Failures that only a change of the input can cure: a shard holding only these stays done.
INPUT_PROBLEMS = frozenset({"E002", "E003", "E004", "E005", "E010", "E550", "E551", "E552", "E554"})


@dataclass(frozen=True)
class BatchRun:
    """Everything a batch run needs to know."""

    source: SourceSpec
    out_dir: Path
    settings: BatchSettings = field(default_factory=BatchSettings)
    engine: EngineSpec = field(default_factory=EngineSpec)
    shard_size: int | None = None  # None: one output file per document
    shard_format: ShardFormat = "jsonl"
    force: bool = False
    summary_path: Path | None = None  # default: OUT/run-summary.json
    batch_docs: int | None = None  # documents per task sent to a worker; None: `batch_size` chooses
    batch_bytes: int = 256 * 1024  # …or fewer, when they are long
    documents: int | None = None  # how many documents the source holds, when known (sizes Dask's batches)
    pred: SourceSpec | None = None  # evaluate: the predictions (`source` is the gold)


@dataclass
class RunSummary:
    """Counts, speed, and every failure with its origin and reason."""

    documents: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    words: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)  # documents done, with a warning (oversized block)
    summary_path: str = ""
    pooled: Evaluation | None = None  # evaluate: the result of every document's records together
    pooled_path: str = ""
    counts: Any = None  # evaluate: the documents' counts added up so far (evaluate.pooling)
    ids: Any = None  # validate: every document's record id hashes (record_ids.IdRegister)
    recorded: int = 0  # outcomes recorded so far: the input index of the next document

    def add_failure(self, doc_id: str, origin: str, code: str, detail: str, problems: tuple[str, ...] = ()) -> None:
        self.failed += 1
        message = str(Problem(code, detail, file=origin))
        failure: dict[str, Any] = {
            "doc_id": doc_id,
            "origin": origin,
            "code": code,
            "detail": detail,
            "message": message,
        }
        if problems:
            failure["problems"] = list(problems)  # every problem of the document as printed (file:line)
        self.failures.append(failure)

    def problems(self) -> list[Problem]:
        """Every failure as a catalogue problem naming the document's path."""
        return [Problem(f["code"], f["detail"], file=f["origin"]) for f in self.failures]


def run_batch(run: BatchRun, progress: Progress | None = None) -> RunSummary:
    """Process every document of `run.source`; write outputs and the summary; return the summary."""
    settings = _resolved(run.settings)
    _check_options(run)
    fingerprint = settings.fingerprint()
    run.out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(run.out_dir)
    summary = RunSummary()
    tick: Progress = progress or (lambda docs, words: None)
    started = time.perf_counter()
    engine = start_engine(run.engine, settings, on_words=lambda words: tick(0, words))
    if settings.task == "evaluate":
        from serge_corpus.evaluate.pooling import empty_counts

        summary.counts = empty_counts()
        # Written again at the end: until then (and after an interrupted run) there is none to mistake for this run's.
        (run.out_dir / POOLED_NAME).unlink(missing_ok=True)
    if settings.task == "validate":
        from serge_corpus.batch.record_ids import IdRegister

        summary.ids = IdRegister()
    try:
        if run.shard_size is None:
            job = Job(settings, fingerprint, out_dir=str(run.out_dir))
            _per_document(run, job, engine, summary, tick)
        else:
            _sharded(run, Job(settings, fingerprint), engine, summary, tick)
    finally:
        engine.close()
    if summary.ids is not None:
        _check_ids_across_documents(run, summary)
    summary.seconds = time.perf_counter() - started
    if summary.counts is not None:
        _write_pooled(run, summary)
    path = run.summary_path or run.out_dir / SUMMARY_NAME
    summary.summary_path = str(path)
    write_summary(path, _summary_dict(run, settings, fingerprint, summary))
    return summary


def _resolved(settings: BatchSettings) -> BatchSettings:
    """Name the backend now (the default one depends on the machine) and check it can run."""
    if settings.task != "annotate":
        return settings
    from dataclasses import replace

    from serge_corpus.annotate import default_backend
    from serge_corpus.ner import unavailable_reason

    name = settings.backend or default_backend()
    reason = unavailable_reason(name)
    if reason is not None:
        raise SergeCorpusError(Problem("E070", f"backend {name!r}: {reason}", field="ner"))
    return replace(settings, backend=name)


def _write_pooled(run: BatchRun, summary: RunSummary) -> None:
    """OUT/pooled.json: every evaluated document's records scored together (as one file would be)."""
    from serge_corpus.evaluate.pooling import summarize_counts
    from serge_corpus.jsonl import write_text

    options = run.settings.options
    meta: EvaluationMeta = {
        "gold": str(run.source.path),
        "pred": str(run.pred.path) if run.pred else None,
        "records": summary.counts.records,
    }
    summary.pooled = summarize_counts(
        summary.counts, bootstrap=options.get("bootstrap", 0), seed=options.get("seed", 0), meta=meta
    )
    path = run.out_dir / POOLED_NAME
    write_text(path, json.dumps(summary.pooled, indent=2, ensure_ascii=False) + "\n")
    summary.pooled_path = str(path)


def _check_options(run: BatchRun) -> None:
    if run.shard_size is not None and run.shard_size < 1:
        raise SergeCorpusError(Problem("E556", f"--shard-size {run.shard_size}; give 1 or more", field="shard_size"))
    task = run.settings.task
    if run.shard_size is not None and task in ("validate", "evaluate"):
        raise SergeCorpusError(Problem("E556", f"--shard-size: {task} writes no records", field="shard_size"))
    if run.shard_size is not None and task == "export" and _export_spec(run).target == "directory":
        name = run.settings.options["to"]
        raise SergeCorpusError(Problem("E556", f"--shard-size: {name} writes folders, not files", field="shard_size"))
    if (task == "evaluate") != (run.pred is not None):
        raise SergeCorpusError(Problem("E556", "evaluate needs the predictions, and only evaluate", field="pred"))
    if run.batch_docs is not None and run.batch_docs < 1:
        raise SergeCorpusError(Problem("E556", f"batch_docs {run.batch_docs}; give 1 or more", field="batch_docs"))
    if run.settings.max_bytes < 1:
        raise SergeCorpusError(Problem("E556", f"--max-bytes {run.settings.max_bytes}", field="max_bytes"))


LOCAL_BATCH_DOCS = 16
DASK_BATCH_DOCS = (16, 64)  # the smallest and the largest batch sent to Dask
DASK_BATCHES_PER_SLOT = 16


def batch_size(run: BatchRun, slots: int) -> int:
    """Documents per task: `run.batch_docs`, or 16 for local workers, or 16 to 64 for Dask.

    A Dask task costs about 15 ms of CPU in the client, scheduler and worker
    (`scripts/dask_overhead.py`: about what annotating one short document costs), a local
    worker's task little; so Dask gets larger batches, but at least 16 per worker thread when
    the number of documents is known (the last batches decide when the run ends).
    """
    if run.batch_docs is not None:
        return run.batch_docs
    if run.engine.name != "dask":
        return LOCAL_BATCH_DOCS
    smallest, largest = DASK_BATCH_DOCS
    if run.documents is None:
        return largest
    return max(smallest, min(largest, run.documents // (DASK_BATCHES_PER_SLOT * max(slots, 1))))


def batches(tasks: Iterable[DocTask], max_docs: int, max_bytes: int) -> Iterator[list[DocTask]]:
    """Consecutive tasks grouped by count and size, so a worker's call is neither tiny nor huge."""
    batch: list[DocTask] = []
    size = 0
    for task in tasks:
        if batch and (len(batch) >= max_docs or size + task.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append(task)
        size += task.size
    if batch:
        yield batch


def _lost(tasks: list[DocTask], err: BaseException) -> list[Outcome]:
    reason = f"the worker running this batch was lost ({type(err).__name__}: {err})"
    return [Outcome(t.doc_id, t.origin, "E555", reason) for t in tasks]


def _record(summary: RunSummary, outcome: Outcome, tick: Progress) -> None:
    if outcome.ids is not None and summary.ids is not None:
        summary.ids.add(summary.recorded, outcome.ids)
    summary.recorded += 1
    summary.warnings += [{"doc_id": outcome.doc_id, "origin": outcome.origin, "warning": w} for w in outcome.warnings]
    if outcome.ok:
        summary.processed += 1
        summary.words += outcome.words
        if outcome.counts is not None and summary.counts is not None:
            from serge_corpus.evaluate.pooling import add_counts

            add_counts(summary.counts, outcome.counts)
    else:
        summary.add_failure(outcome.doc_id, outcome.origin, outcome.code or "E555", outcome.detail, outcome.problems)
    tick(1, outcome.words - outcome.reported)  # the rest was counted while the document ran


def _check_ids_across_documents(run: BatchRun, summary: RunSummary) -> None:
    """validate: an id reused by another document fails the later one (E568), both places named.

    The documents that share an id hash are read again (only they), in input order.
    """
    from serge_corpus.batch.record_ids import IdPlace, reused_ids
    from serge_corpus.batch.records import task_rows

    shared = summary.ids.shared()
    summary.ids = None  # the hashes are no longer needed
    if not shared:
        return
    wanted = set().union(*shared.values())

    def places() -> Iterator[tuple[str, IdPlace]]:
        from serge_corpus.batch.record_ids import id_hashes

        for index, task in enumerate(_tasks(run)):
            if index not in wanted:
                continue
            try:
                file, rows = task_rows(task)
            except SergeCorpusError:
                continue  # its own failure is already reported
            for line, obj in rows:
                record_id = obj.get("id") if isinstance(obj, dict) else None
                if isinstance(record_id, str) and int(id_hashes([record_id])[0]) in shared:
                    yield record_id, IdPlace(index, task.doc_id, file, line)

    failures = {f["doc_id"]: f for f in summary.failures}
    for place, problem in reused_ids(places()):
        failure = failures.get(place.doc_id)
        if failure is None:
            summary.processed -= 1  # it passed its own checks: it fails this one
            summary.add_failure(place.doc_id, f"{place.file}:{place.line}", problem.code, problem.detail)
            failure = failures[place.doc_id] = summary.failures[-1]
            failure["problems"] = []
        failure.setdefault("problems", [failure["message"]]).append(str(problem))


def _tasks(run: BatchRun) -> Iterator[DocTask]:
    return paired_tasks(run.source, run.pred) if run.pred is not None else iter_tasks(run.source)


def _export_spec(run: BatchRun) -> Any:
    from serge_corpus.formats.registry import get_format

    return get_format(run.settings.options.get("to", ""))


def _per_document(run: BatchRun, job: Job, engine: Any, summary: RunSummary, tick: Progress) -> None:
    # Input order: None for a document sent to the engine, a Skipped for one up to date that
    # waits for the documents before it: evaluate pools counts in document order (the bootstrap
    # resamples blocks in that order). Other tasks count a skipped document at once, so that a
    # long run of them behind one document in flight holds nothing.
    waiting: deque[Skipped | None] = deque()
    in_order = job.settings.task == "evaluate"

    def todo() -> Iterator[DocTask]:
        for task in _tasks(run):
            summary.documents += 1
            done = None if run.force or task.code is not None else _up_to_date(run, job, task)
            if done is None:
                waiting.append(None)
                yield task
            elif waiting and in_order:
                waiting.append(done)
            else:
                _skip(summary, done, tick)

    work = batches(todo(), batch_size(run, engine.slots), run.batch_bytes)
    for outcomes in ordered_results(engine, work, job, on_lost=_lost):
        for outcome in outcomes:
            while waiting[0] is not None:
                _skip(summary, waiting.popleft(), tick)  # type: ignore[arg-type]
            waiting.popleft()
            _record(summary, outcome, tick)
        while waiting and waiting[0] is not None:
            _skip(summary, waiting.popleft(), tick)  # type: ignore[arg-type]
    for done in waiting:
        assert done is not None, "every document sent came back"
        _skip(summary, done, tick)


@dataclass(frozen=True)
class Skipped:
    """A document whose output is up to date; `state`: where its counts lie (evaluate)."""

    doc_id: str
    origin: str
    state: Path | None = None


def _up_to_date(run: BatchRun, job: Job, task: DocTask) -> Skipped | None:
    """The document as skipped when its output is complete and records this source and these settings."""
    task_name = job.settings.task
    if task_name in ("annotate", "segment"):  # their records carry source and settings (meta)
        own = document_fingerprint(job.fingerprint, job.settings, task.dct)
        current = document_is_current(run.out_dir, task.doc_id, source_sha256(task), own)
        return Skipped(task.doc_id, task.origin) if current else None
    if task_name not in ("evaluate", "export") or (task.pair is not None and task.pair.code is not None):
        return None  # validate writes nothing; a document without predictions fails again
    from serge_corpus.batch.records import record_identity

    state = current_state(run.out_dir, task.doc_id, record_identity(task, job.fingerprint))
    if state is None or (task_name == "evaluate" and "counts" not in state):
        return None
    return Skipped(task.doc_id, task.origin, state_path(run.out_dir, task.doc_id) if task_name == "evaluate" else None)


def _skip(summary: RunSummary, done: Skipped, tick: Progress) -> None:
    """Count an up-to-date document; evaluate adds its counts from its state (read now, in document order)."""
    if done.state is not None and summary.counts is not None:
        from serge_corpus.evaluate.pooling import add_counts, counts_from_dict

        try:
            counts = counts_from_dict(json.loads(done.state.read_text(encoding="utf-8"))["counts"])
        except (OSError, ValueError, KeyError, TypeError) as err:
            detail = f"its state {done.state} could not be read again ({type(err).__name__}); rerun with --force"
            summary.add_failure(done.doc_id, done.origin, "E555", detail)
            tick(1, 0)
            return
        add_counts(summary.counts, counts)
    summary.skipped += 1
    tick(1, 0)


@dataclass
class _OpenShard:
    index: int
    expected: list[tuple[str, str, str | None]]
    writer: ShardWriter | None = None
    seen: int = 0


def _sharded(run: BatchRun, job: Job, engine: Any, summary: RunSummary, tick: Progress) -> None:
    assert run.shard_size is not None
    fmt = run.shard_format
    exporter = _shard_exporter(run) if job.settings.task == "export" else None
    opened: deque[_OpenShard] = deque()  # shards handed to the engine, in order; the generator runs ahead

    def work() -> Iterator[list[DocTask]]:
        tasks = _tasks(run)
        index = 0
        while group := list(islice(tasks, run.shard_size)):
            summary.documents += len(group)
            expected = [(t.doc_id, source_sha256(t), own_dct(job.settings, t.dct)) for t in group]
            entries = None if run.force else current_shard(run.out_dir, index, fmt, expected, job.fingerprint)
            if entries is not None and all(e.code is None or e.code in INPUT_PROBLEMS for e in entries):
                for entry in entries:
                    if entry.code is None:
                        summary.skipped += 1
                    else:
                        summary.add_failure(entry.doc_id, entry.origin, entry.code, entry.detail)
                    tick(1, 0)
            else:
                opened.append(_OpenShard(index, expected))
                yield from batches(group, batch_size(run, engine.slots), run.batch_bytes)
            index += 1

    try:
        for outcomes in ordered_results(engine, work(), job, on_lost=_lost):
            for outcome in outcomes:
                shard = opened[0]
                if shard.writer is None:
                    shard.writer = ShardWriter(run.out_dir, shard.index, fmt, job.fingerprint, exporter=exporter)
                _, sha, dct = shard.expected[shard.seen]
                entry = ShardEntry(outcome.doc_id, sha, outcome.origin, outcome.code, outcome.detail, dct)
                shard.writer.add(entry, outcome.lines or ())
                shard.seen += 1
                _record(summary, outcome, tick)
                if shard.seen == len(shard.expected):
                    shard.writer.commit()
                    opened.popleft()
    finally:
        for shard in opened:
            if shard.writer is not None:
                shard.writer.abort()


def _shard_exporter(run: BatchRun) -> Callable[[list[str], Path], None]:
    """Export a shard's records (JSON lines) into a file: what `export` writes for them as one file."""
    from serge_corpus.batch.records import export_options
    from serge_corpus.corpus import corpus_sources
    from serge_corpus.formats.convert import export_records
    from serge_corpus.model import Block

    options = run.settings.options
    corpus = options.get("corpus", "corpus")
    sources = corpus_sources(corpus)

    def export(lines: list[str], path: Path) -> None:
        blocks = [Block.from_dict(json.loads(line)) for line in lines]
        export_records(blocks, options["to"], path, str(run.source.path), corpus, sources, **export_options(options))

    return export


def _summary_dict(run: BatchRun, settings: BatchSettings, fingerprint: str, s: RunSummary) -> dict[str, Any]:
    return {
        "source": str(run.source.path),
        "source_kind": run.source.kind,
        "output": str(run.out_dir),
        "layout": "per-document" if run.shard_size is None else f"shards of {run.shard_size} ({run.shard_format})",
        "engine": asdict(run.engine),
        "settings": {
            "task": settings.task,
            "backend": settings.backend,
            "options": settings.options,
            "max_bytes": settings.max_bytes,
        },
        "fingerprint": fingerprint,
        "documents": s.documents,
        "processed": s.processed,
        "skipped": s.skipped,
        "failed": s.failed,
        "words": s.words,
        "seconds": round(s.seconds, 3),
        "words_per_second": round(s.words / s.seconds, 1) if s.seconds > 0 else None,
        "failures": s.failures,
        "warnings": s.warnings,
    } | ({"pooled": s.pooled_path} if s.pooled_path else {})
