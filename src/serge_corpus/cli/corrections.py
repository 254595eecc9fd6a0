"""`correct apply`, `diff`, `merge` and `serve`: the corrections commands."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.cli.app import app
from serge_corpus.corrections import commands

correct = typer.Typer(help="Apply correction logs to annotations.", no_args_is_help=True)
app.add_typer(correct, name="correct")


@correct.command("apply")
def correct_apply_command(
    pre: Annotated[Path, typer.Argument(help="Pre-annotated records (JSONL).")],
    logs: Annotated[list[Path], typer.Argument(help="Correction logs, replayed in the order given.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Corrected records to write (an existing file is kept as .bak).")
    ],
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail, writing nothing, if any op no longer applies.")
    ] = False,
) -> None:
    """Replay correction logs on a pre-annotation; list every op that no longer fits."""
    result, written = commands.apply_files(pre, logs, output, strict=strict)
    typer.echo(commands.format_apply(result, written))


log_app = typer.Typer(help="Inspect and repair correction logs.", no_args_is_help=True)
app.add_typer(log_app, name="log")


@log_app.command("repair")
def log_repair_command(
    log: Annotated[Path, typer.Argument(help="Correction log whose last line a crash cut short.")],
) -> None:
    """Cut a torn last line (E187) from a log; the old file is kept as LOG.bak."""
    from serge_corpus.corrections.log import repair_log

    repair = repair_log(log)
    if repair.backup is None:
        typer.echo(f"{log}: nothing to repair (every line is complete)")
    else:
        typer.echo(f"{log}:{repair.line}: removed the torn line {repair.removed!r}; old file kept as {repair.backup}")


@app.command("diff")
def diff_command(
    a: Annotated[Path, typer.Argument(help="First version of the records (JSONL), or a release folder.")],
    b: Annotated[Path, typer.Argument(help="Second version of the same records, or a later release folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    as_log: Annotated[
        Path | None, typer.Option("--as-log", help="Append the difference as correction ops to this log.")
    ] = None,
    annotator: Annotated[str | None, typer.Option(help="Annotator named in the ops of --as-log.")] = None,
) -> None:
    """Span-level differences from A to B, per record with context; for two release folders, what changed."""
    if a.is_dir() and b.is_dir():
        from serge_corpus.cli.publish import release_diff

        typer.echo(release_diff(a, b, as_json))
        return
    changes, blocks = commands.diff_files(a, b, as_log=as_log, annotator=annotator)
    typer.echo(commands.format_diff_json(changes) if as_json else commands.format_diff(changes, blocks))
    if as_log is not None:
        typer.echo(f"appended {len(changes)} change(s) as ops to {as_log}", err=True)


@app.command("merge")
def merge_command(
    files: Annotated[list[Path], typer.Argument(help="Two or more annotators' versions of the same records.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Merged records to write.")],
    names: Annotated[
        str | None, typer.Option(help="Comma-separated annotator names, one per file (default: file names).")
    ] = None,
) -> None:
    """Keep spans all annotators agree on; put the rest in meta.conflicts for adjudication."""
    result, written = commands.merge_files(files, output, names.split(",") if names else None)
    typer.echo(commands.format_merge(result, written))


@app.command("serve")
def serve_command(
    annotations: Annotated[Path, typer.Argument(help="Records to correct (JSONL), e.g. annotations/pre/….jsonl.")],
    log: Annotated[Path, typer.Option("--log", help="Correction log to append to (created if missing).")],
    annotator: Annotated[str | None, typer.Option(help="Your name in the log (default: your login name).")] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback exposes the page to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8000,
    root: Annotated[Path, typer.Option(help="Project folder; annotation and log files outside it are refused.")] = Path(
        "."
    ),
    model: Annotated[
        Path | None,
        typer.Option(
            help="Trained model (serge-corpus train): pre-annotates the blocks not yet "
            "reviewed, into a review file that the page then corrects."
        ),
    ] = None,
    order: Annotated[
        str, typer.Option(help="With --model: document | uncertain (committee disagreement first).")
    ] = "uncertain",
    review_file: Annotated[
        Path | None, typer.Option(help="With --model: the review file (default: ANNOTATIONS.review.jsonl).")
    ] = None,
) -> None:
    """Open the browser correction page for ANNOTATIONS; every edit is appended to --log at once."""
    from serge_corpus.corrections.server import serve

    if model is not None:
        annotations = _review_with_model(annotations, log, model, order, review_file)
    serve(annotations, log, annotator or getpass.getuser(), host=host, port=port, root=root, announce=typer.echo)


def _review_with_model(annotations: Path, log: Path, model: Path, order: str, review_file: Path | None) -> Path:
    """`serve --model`: write the review file (train/loop.py) and serve it instead."""
    from serge_corpus.train.loop import prepare_review

    plan = prepare_review(annotations, log, model, order=order, out=review_file)
    typer.echo(
        f"{plan.path}: {plan.pre_annotated} blocks pre-annotated by {model}, {plan.kept} kept as logged; "
        f"order {plan.order}"
        + (f" (disagreement with {', '.join(plan.committee)})" if plan.order == "uncertain" else "")
    )
    return plan.path
