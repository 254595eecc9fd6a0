"""Options shared by the commands that take a large corpus (`annotate`, `segment`), and the progress bar.

The commands declare these options and, when SOURCE is a folder, a JSONL of
documents or a Parquet file, hand them to `serge_corpus.batch.run_batch`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated as Arg

import typer
from tqdm import tqdm

from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, SourceSpec, count_tasks, run_batch
from serge_corpus.batch.inputs import SourceKind
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
    id_field: str = "id"
    text_field: str = "text"
    summary: Path | None = None


def batch_command(source: Path, kind: SourceKind, output: Path, settings: BatchSettings, opts: BatchOptions) -> None:
    """Run the batch with a progress bar (documents, words/s), print the outcome, fail if any document failed."""
    if opts.engine not in ("local", "dask"):
        raise SergeCorpusError(Problem("E556", f"--engine {opts.engine!r}; use local or dask", field="engine"))
    if opts.shard_format not in ("jsonl", "parquet"):
        raise SergeCorpusError(Problem("E556", f"--shard-format {opts.shard_format!r}", field="shard_format"))
    spec = SourceSpec(source, kind, glob=opts.glob, id_field=opts.id_field, text_field=opts.text_field)
    run = BatchRun(
        source=spec,
        out_dir=output,
        settings=settings,
        engine=EngineSpec(opts.engine, opts.workers, opts.scheduler),  # type: ignore[arg-type]
        shard_size=opts.shard_size,
        shard_format=opts.shard_format,  # type: ignore[arg-type]
        force=opts.force,
        summary_path=opts.summary,
    )
    total = count_tasks(spec)
    if total == 0:
        # An empty run is a mistake (a wrong folder, a --glob that matches nothing), not a success.
        looked = f"--glob {opts.glob!r}" if opts.glob else "no .txt/.md file (any case), recursively"
        raise SergeCorpusError(Problem("E626", looked, file=str(source)))
    started = time.perf_counter()
    words = 0
    with tqdm(total=total, desc=source.name, unit="doc", dynamic_ncols=True) as bar:

        def tick(docs: int, new_words: int) -> None:
            nonlocal words
            words += new_words
            bar.update(docs)
            bar.set_postfix_str(f"{words / max(time.perf_counter() - started, 1e-9):,.0f} words/s", refresh=False)

        summary = run_batch(run, progress=tick)
    typer.echo(
        f"{output}: {summary.processed} processed, {summary.skipped} up to date, {summary.failed} failed "
        f"of {summary.documents} documents; {summary.words:,} words in {summary.seconds:.1f} s; "
        f"summary {summary.summary_path}"
    )
    if summary.failed:
        shown = summary.problems()[:20]
        more = f"; {summary.failed - len(shown)} more in the summary" if summary.failed > len(shown) else ""
        raise SergeCorpusError(
            shown + [Problem("E558", f"{summary.failed} of {summary.documents}{more}", file=summary.summary_path)]
        )
