"""One document through the library, wherever it runs: what to do, and what came of it.

`process_batch(tasks, job)` is the only function an engine ships to a worker
(a local process or a Dask worker). It calls the ordinary per-document library
functions (`annotate`, `segment_document`; for records, `batch.records`), so a
batch run writes what the single-document commands write, plus `meta.settings`: the fingerprint of the
settings, which a rerun compares to skip what is already up to date. Models
load once per process (the backends are cached by `annotate.loaded_backend`);
a lock makes a multi-threaded worker run one document at a time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from serge_corpus.batch.inputs import DocTask
from serge_corpus.batch.outputs import write_document
from serge_corpus.corpus import MANIFEST_NAME, Corpus, load_corpus, read_source_text, sha256_text
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Document, word_count

TaskName = Literal["annotate", "segment", "validate", "evaluate", "export"]
RECORD_TASKS = ("validate", "evaluate", "export")  # their documents are records (batch.records)
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

_LOCK = threading.Lock()

WordSink = Callable[[int], None]  # words annotated (negative: taken back), sent towards the driver's progress bar
# Where this process reports words as it annotates them: set by the engine (`report_words_to`), None: nowhere.
_words_sink: WordSink | None = None


def report_words_to(sink: WordSink | None) -> None:
    """Send the words of the documents this process annotates to `sink` as they are done (None: stop)."""
    global _words_sink
    _words_sink = sink


@dataclass(frozen=True)
class BatchSettings:
    """What every document goes through. `options` are passed to `annotate()` as keyword arguments."""

    task: TaskName = "annotate"
    backend: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES

    def fingerprint(self) -> str:
        """A short hash of everything that changes the output (not the size limit)."""
        from serge_corpus.annotate import PIPELINE_VERSION
        from serge_corpus.segment import SEGMENTER_VERSION

        described = {
            "task": self.task,
            "backend": self.backend if self.task == "annotate" else None,
            "options": self.options,
            "pipeline": PIPELINE_VERSION,
            "segmenter": SEGMENTER_VERSION,
        }
        canonical = json.dumps(described, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Job:
    """Settings plus where results go: a folder the worker writes into, or back to the caller (shards)."""

    settings: BatchSettings
    fingerprint: str
    out_dir: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one document. `code` is None when it succeeded."""

    doc_id: str
    origin: str
    code: str | None = None
    detail: str = ""
    sha256: str = ""
    blocks: int = 0
    words: int = 0
    lines: tuple[str, ...] | None = None  # the records as JSON lines, when the caller writes them
    problems: tuple[str, ...] = ()  # validate: every problem of the document, as printed
    counts: Any = None  # evaluate: the document's `evaluate.pooling.EvaluationCounts`
    ids: Any = None  # validate: the 64-bit hashes of its record ids (`record_ids.id_hashes`, a numpy array)
    warnings: tuple[str, ...] = ()  # annotate, segment: what `annotate FILE` would warn of (an oversized block)
    reported: int = 0  # of `words`, how many were already sent to the progress bar while the batch ran

    @property
    def ok(self) -> bool:
        return self.code is None

    def problem(self) -> Problem:
        return Problem(self.code or "E555", self.detail, file=self.origin)


def process_batch(tasks: Sequence[DocTask], job: Job, words_to: WordSink | None = None) -> list[Outcome]:
    """Every task of a batch; a failing document never stops the others.

    Short documents are annotated together (`annotate_together`): one NER call
    over all their blocks lets the model batch across documents, which is most
    of what separated per-document `annotate` from `nlp.pipe` on small files.
    The words annotated go to `words_to` (default: this process's, `report_words_to`) as they are done.
    """
    sink = words_to or _words_sink
    if sink is None or job.settings.task != "annotate":
        return _process_batch(tasks, job, None)
    sent = 0

    def report(words: int) -> None:
        nonlocal sent
        sent += words
        sink(words)

    return _reported(_process_batch(tasks, job, report), sent, sink)


def _reported(outcomes: list[Outcome], sent: int, sink: WordSink) -> list[Outcome]:
    """The outcomes with the words already sent shared among them (`Outcome.reported`, at most each one's words).

    What was sent beyond their words (a document annotated twice: once with the others, then alone after
    they failed together; a document that failed) is taken back, so the bar's words end at the summary's.
    """
    out: list[Outcome] = []
    for outcome in outcomes:
        share = min(outcome.words, sent)
        sent -= share
        out.append(replace(outcome, reported=share))
    if sent:
        sink(-sent)
    return out


def _process_batch(tasks: Sequence[DocTask], job: Job, progress: WordSink | None) -> list[Outcome]:
    with _LOCK:
        if job.settings.task in RECORD_TASKS:
            from serge_corpus.batch.records import process_records

            return [_check(task, job.settings) or process_records(task, job) for task in tasks]
        outcomes: dict[int, Outcome] = {}
        loaded: dict[int, Document] = {}
        for i, task in enumerate(tasks):
            try:
                failed = _check(task, job.settings)
                if failed is not None:
                    outcomes[i] = failed
                else:
                    loaded[i] = load_document(task)
            except Exception as err:  # noqa: BLE001 - reported per document
                outcomes[i] = failed_outcome(task, err)
        together = annotate_together(list(loaded.values()), job.settings, progress)
        for i, document in loaded.items():
            try:
                blocks = together[document.doc_id] if together else run_task(document, job.settings, progress)
                outcomes[i] = _finish(tasks[i], document, blocks, job)
            except Exception as err:  # noqa: BLE001 - reported per document
                outcomes[i] = failed_outcome(tasks[i], err)
        return [outcomes[i] for i in range(len(tasks))]


def own_dct(settings: BatchSettings, dct: str | None) -> str | None:
    """A document's own DCT where it decides its output: annotate without --dct (which overrides it)."""
    return dct if settings.task == "annotate" and "dct" not in settings.options else None


def document_fingerprint(fingerprint: str, settings: BatchSettings, dct: str | None) -> str:
    """The settings fingerprint of one document: its own DCT changes its dates, so a new DCT redoes it.

    Without a DCT (or with --dct, which the run's options hold) it is the run's fingerprint.
    """
    own = own_dct(settings, dct)
    if own is None:
        return fingerprint
    return hashlib.sha256(f"{fingerprint}\0dct={own}".encode()).hexdigest()[:16]


def _finish(task: DocTask, document: Document, blocks: list[Block], job: Job) -> Outcome:
    from serge_corpus.segment import oversized_blocks

    own = document_fingerprint(job.fingerprint, job.settings, document.dct if document.date_mode == "news" else None)
    stamped = [b.with_meta(settings=own) for b in blocks]
    lines = tuple(json.dumps(b.to_dict(), ensure_ascii=False) for b in stamped)
    if job.out_dir is not None:
        write_document(Path(job.out_dir), task.doc_id, lines)
    return Outcome(
        task.doc_id,
        task.origin,
        sha256=document.sha256,
        blocks=len(blocks),
        words=word_count(document.text),
        lines=None if job.out_dir is not None else lines,
        warnings=tuple(oversized_blocks(blocks)),
    )


def failed_outcome(task: DocTask, err: Exception) -> Outcome:
    """The outcome of a document that raised `err`: its first problem, and every problem as printed."""
    if isinstance(err, SergeCorpusError):
        first = err.problems[0]
        more = f" (+{len(err.problems) - 1} more problem(s))" if len(err.problems) > 1 else ""
        where = f"line {first.line}: " if first.line is not None else ""
        detail = f"{where}{first.detail}{more}".strip(": ")
        return Outcome(task.doc_id, task.origin, first.code, detail, problems=tuple(str(p) for p in err.problems))
    return Outcome(task.doc_id, task.origin, "E555", f"{type(err).__name__}: {err}")


def annotate_together(
    documents: Sequence[Document], settings: BatchSettings, progress: WordSink | None = None
) -> dict[str, list[Block]] | None:
    """doc_id -> records of several documents annotated in one `annotate_blocks` call, or None.

    `annotate_blocks` runs the date pass per document, so each document gets
    what `annotate()` gives it alone. None (annotate one by one) for fewer than
    two documents, for settings with extra `annotate()` options (which only
    `annotate()` is known to accept), or when anything fails, so that the
    failing document is found and reported on its own.
    """
    if settings.task != "annotate" or settings.options or len(documents) < 2:
        return None
    from serge_corpus.annotate import annotate_blocks, news_dct
    from serge_corpus.segment import segment_document

    try:
        blocks = [b for document in documents for b in segment_document(document)]
        dcts = {d.doc_id: news_dct(d) for d in documents}  # each its own DCT, as `annotate()` gives it alone
        annotated = annotate_blocks(blocks, ner=settings.backend, dcts=dcts, progress=progress).blocks
    except Exception:  # noqa: BLE001 - retried one document at a time
        return None
    by_document: dict[str, list[Block]] = {d.doc_id: [] for d in documents}
    for block in annotated:
        by_document[block.doc_id].append(block)
    return by_document


def _check(task: DocTask, settings: BatchSettings) -> Outcome | None:
    if task.code is not None:
        return Outcome(task.doc_id, task.origin, task.code, task.detail)
    if task.size > settings.max_bytes:
        return Outcome(task.doc_id, task.origin, "E550", f"{task.size:,} bytes > limit {settings.max_bytes:,}")
    return None


def load_document(task: DocTask) -> Document:
    """The task's document: through the manifest, from its file, or from its text."""
    if task.corpus_root is not None:
        return _corpus(task.corpus_root, _stamp(task.corpus_root)).load(task.doc_id)
    if task.path is not None:
        text = read_source_text(task.path)
        return Document(doc_id=task.doc_id, text=text, sha256=sha256_text(text), path=task.path, dct=task.dct)
    text = checked_text(task.text or "", task.origin)
    return Document(doc_id=task.doc_id, text=text, sha256=sha256_text(text), dct=task.dct)


def checked_text(text: str, origin: str) -> str:
    """A record's text under the rules `read_source_text` applies to files (offsets must not shift)."""
    if not text.strip():
        raise SergeCorpusError(Problem("E005", file=origin))
    if text.startswith("\ufeff"):
        raise SergeCorpusError(Problem("E003", file=origin))
    if "\r\n" in text:
        line = text[: text.index("\r\n")].count("\n") + 1
        raise SergeCorpusError(Problem("E004", f"line {line} of the text", file=origin))
    return text


@lru_cache(maxsize=4)
def _corpus(root: str, stamp: tuple[int, int]) -> Corpus:
    """The corpus, read once per process and manifest version (`stamp`: an edited manifest is read again)."""
    return load_corpus(root)


def _stamp(root: str) -> tuple[int, int]:
    path = Path(root)
    try:
        found = (path if path.is_file() else path / MANIFEST_NAME).stat()
    except OSError:
        return (0, 0)  # load_corpus names the missing manifest
    return (found.st_mtime_ns, found.st_size)


def run_task(document: Document, settings: BatchSettings, progress: WordSink | None = None) -> list[Block]:
    """The library call the settings name, on one document (`progress`: its words as annotated)."""
    if settings.task == "segment":
        from serge_corpus.segment import segment

        return segment(document, paragraphs=settings.options.get("paragraphs"))
    from serge_corpus.annotate import annotate

    return annotate(document, ner=settings.backend, progress=progress, **settings.options).blocks


def warm_up(settings: BatchSettings) -> None:
    """Load the models of a worker process before its first document (errors surface per document)."""
    if settings.task in RECORD_TASKS:
        return  # no model: records are read, checked, scored or converted
    text = "Victor Serge arrived in Paris on 1 May 1925."
    try:
        run_task(Document(doc_id="warm-up", text=text, sha256=sha256_text(text)), settings)
    except Exception:  # noqa: BLE001 - the documents report it with their paths
        pass
