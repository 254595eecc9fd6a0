"""Options shared by the commands that take a large corpus, and the progress bar.

The options are declared once (OPTIONS); `@batch_options(...)` gives them to a
command (`annotate`, `segment`: texts; `validate`, `evaluate`, `export`: records),
which hands them, when its input is a batch source, to `serge_corpus.batch.run_batch`.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated as Arg
from typing import Any, TypeVar

import typer
from tqdm import tqdm

from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, RunSummary, SourceSpec, count_tasks, run_batch
from serge_corpus.batch.inputs import SourceKind, source_kind
from serge_corpus.batch.job import DEFAULT_MAX_BYTES
from serge_corpus.errors import Problem, SergeCorpusError

GlobOption = Arg[
    str | None,
    typer.Option(
        "--glob", help="Folder SOURCE: files to take, e.g. '**/*.txt' (default: every .txt and .md, recursively)."
    ),
]
WorkersOption = Arg[
    int, typer.Option("--workers", help="Processes (or, with --engine dask and no --scheduler, LocalCluster workers).")
]
EngineOption = Arg[str, typer.Option("--engine", help="local | dask")]
SchedulerOption = Arg[
    str | None,
    typer.Option("--scheduler", help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (--engine dask)."),
]
ShardSizeOption = Arg[
    int | None,
    typer.Option(
        "--shard-size", help="Write shards of N documents (shard-00000.jsonl…) instead of one file per document."
    ),
]
ShardFormatOption = Arg[str, typer.Option("--shard-format", help="jsonl | parquet (with --shard-size).")]
ForceOption = Arg[bool, typer.Option("--force", help="Redo documents whose output is already up to date.")]
MaxBytesOption = Arg[
    int,
    typer.Option("--max-bytes", help="Documents larger than this fail (reported in the summary) instead of running."),
]
IdFieldOption = Arg[str, typer.Option("--id-field", help="JSONL/Parquet SOURCE: the field holding the document id.")]
TextFieldOption = Arg[str, typer.Option("--text-field", help="JSONL/Parquet SOURCE: the field holding the text.")]
SummaryOption = Arg[
    Path | None, typer.Option("--summary", help="Where to write the run summary (default: OUTPUT/run-summary.json).")
]


@dataclass(frozen=True)
class BatchOptions:
    """The batch options of a command, as parsed."""

    glob: str | None = None
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    shard_size: int | None = None
    shard_format: str = "jsonl"
    force: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    id_field: str = "id"
    text_field: str = "text"
    summary: Path | None = None


# Declared once: parameter name -> (annotation, default). `batch_options` adds them to a command.
OPTIONS: dict[str, tuple[Any, Any]] = {
    "glob": (GlobOption, None),
    "workers": (WorkersOption, 1),
    "engine": (EngineOption, "local"),
    "scheduler": (SchedulerOption, None),
    "shard_size": (ShardSizeOption, None),
    "shard_format": (ShardFormatOption, "jsonl"),
    "force": (ForceOption, False),
    "max_bytes": (MaxBytesOption, DEFAULT_MAX_BYTES),
    "id_field": (IdFieldOption, "id"),
    "text_field": (TextFieldOption, "text"),
    "summary": (SummaryOption, None),
}
TEXT_OPTIONS = tuple(OPTIONS)  # annotate, segment: documents are texts
RECORD_OPTIONS = ("glob", "workers", "engine", "scheduler", "summary")  # validate: records in, nothing out
EVALUATE_OPTIONS = RECORD_OPTIONS + ("force",)  # evaluate -o: one result per document, resumable
EXPORT_OPTIONS = RECORD_OPTIONS + ("shard_size", "max_bytes", "force")

Command = TypeVar("Command", bound=Callable[..., Any])


def batch_options(names: tuple[str, ...] = TEXT_OPTIONS) -> Callable[[Command], Command]:
    """Give a command the batch options `names` (declared once, in OPTIONS) as one `batch: BatchOptions`.

    The command declares a keyword parameter `batch: BatchOptions`; typer sees
    the options in its place, and the command receives them parsed.
    """

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "batch"]
        added = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=OPTIONS[name][1], annotation=OPTIONS[name][0]
            )
            for name in names
        ]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            given = {name: kwargs.pop(name) for name in names}
            return command(*args, batch=BatchOptions(**given), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in own + added}
        return wrapper  # type: ignore[return-value]

    return decorate


def batch_command(
    source: Path,
    kind: SourceKind,
    output: Path,
    settings: BatchSettings,
    opts: BatchOptions,
    pred: Path | None = None,
    scratch: bool = False,
) -> RunSummary:
    """Run the batch with a progress bar (documents, words/s), print the outcome, fail if any document failed.

    `scratch`: OUTPUT is a temporary folder (validate writes nothing): the summary is kept only with --summary.
    """
    if opts.engine not in ("local", "dask"):
        raise SergeCorpusError(Problem("E556", f"--engine {opts.engine!r}; use local or dask", field="engine"))
    if opts.shard_format not in ("jsonl", "parquet") and settings.task != "export":  # export: the format's own
        raise SergeCorpusError(Problem("E556", f"--shard-format {opts.shard_format!r}", field="shard_format"))
    if kind == "records":
        for given in (source, pred):
            if given is not None and source_kind(given) == "corpus":
                raise SergeCorpusError(Problem("E569", "a corpus manifest lists texts", file=str(given)))
    spec = SourceSpec(source, kind, glob=opts.glob, id_field=opts.id_field, text_field=opts.text_field)
    pred_spec = SourceSpec(pred, kind, glob=opts.glob) if pred is not None else None
    total = count_tasks(spec)
    run = BatchRun(
        pred=pred_spec,
        source=spec,
        out_dir=output,
        settings=settings,
        engine=EngineSpec(opts.engine, opts.workers, opts.scheduler),  # type: ignore[arg-type]
        shard_size=opts.shard_size,
        shard_format=opts.shard_format,  # type: ignore[arg-type]
        force=opts.force,
        summary_path=opts.summary,
        documents=total,
    )
    if total == 0 and kind == "records":
        looked = f"--glob {opts.glob!r}" if opts.glob else "no .jsonl or .parquet file, recursively"
        raise SergeCorpusError(Problem("E561", looked, file=str(source)))
    if total == 0:
        # An empty run is a mistake (a wrong folder, a --glob that matches nothing), not a success.
        looked = f"--glob {opts.glob!r}" if opts.glob else "no .txt/.md file (any case), recursively"
        raise SergeCorpusError(Problem("E626", looked, file=str(source)))
    started = drawn = time.perf_counter()
    words = 0
    with tqdm(total=total, desc=source.name, unit="doc", dynamic_ncols=True) as bar:

        def tick(docs: int, new_words: int) -> None:
            # docs == 0: words of documents still running (a long one): the rate moves, redrawn twice a second
            nonlocal words, drawn
            words += new_words
            now = time.perf_counter()
            bar.set_postfix_str(f"{words / max(now - started, 1e-9):,.0f} words/s", refresh=False)
            if docs:
                bar.update(docs)
            elif now - drawn >= 0.5:
                bar.refresh()
                drawn = now

        summary = run_batch(run, progress=tick)
    where = "(no summary kept: give --summary PATH)" if scratch and opts.summary is None else summary.summary_path
    typer.echo(
        f"{source if scratch else output}: {summary.processed} processed, {summary.skipped} up to date, {summary.failed} failed "
        f"of {summary.documents} documents; {summary.words:,} words in {summary.seconds:.1f} s; "
        f"summary {where}"
    )
    if summary.pooled_path:
        typer.echo(f"pooled result of every document: {summary.pooled_path}")
    for warning in summary.warnings[:20]:
        typer.echo(f"warning: {warning['origin']}: {warning['warning']}", err=True)
    if len(summary.warnings) > 20:
        typer.echo(f"warning: {len(summary.warnings) - 20} more in the summary {summary.summary_path}", err=True)
    if summary.failed:
        kept = not scratch or opts.summary is not None
        shown = [] if settings.task == "validate" else summary.problems()[:20]
        more = f"; {summary.failed - len(shown)} more in the summary" if kept and summary.failed > len(shown) else ""
        hint = "" if kept else "; give --summary PATH to keep the list"
        tail = Problem("E558", f"{summary.failed} of {summary.documents}{more}{hint}", file=where if kept else None)
        if settings.task == "validate":
            _print_every_problem(summary, where)
        raise SergeCorpusError(shown + [tail])
    return summary


def _print_every_problem(summary: RunSummary, where: str, limit: int = 200) -> None:
    """validate: each problem of each failed document, file:line, like `validate FILE` (the rest: the summary)."""
    printed = 0
    for failure in summary.failures:
        for message in failure.get("problems") or [failure["message"]]:
            if printed == limit:
                typer.echo(f"… more problems in the summary {where}", err=True)
                return
            typer.echo(message, err=True)
            printed += 1


ByDocumentOption = Arg[
    bool,
    typer.Option(
        "--by-document",
        help="A JSONL file of many documents' records: read it one document at a time, as a batch (docs/scale.md).",
    ),
]


def records_kind(path: Path, by_document: bool) -> SourceKind | None:
    """ "records" when PATH is read as a batch of documents' records (a folder, Parquet, --by-document), else None."""
    return "records" if by_document or path.is_dir() or path.suffix == ".parquet" else None
