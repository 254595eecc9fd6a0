"""`evaluate` and `agree`: metrics against gold, agreement between annotators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.batch import BatchSettings
from serge_corpus.cli.app import app
from serge_corpus.cli.batch import EVALUATE_OPTIONS, BatchOptions, batch_command, batch_options
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.evaluate import agreement_files, agreement_markdown, evaluate_files, summary_markdown
from serge_corpus.evaluate.bootstrap import DEFAULT_RESAMPLES
from serge_corpus.jsonl import refuse_overwriting_inputs


@app.command("evaluate")
@batch_options(EVALUATE_OPTIONS)
def evaluate_command(
    gold: Annotated[Path, typer.Option("--gold", help="Gold JSONL records, or a folder of DOC.jsonl files.")],
    pred: Annotated[Path, typer.Option("--pred", help="Predicted JSONL records (same ids and texts), or a folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Folder for report.json, report.md and PNG plots.")
    ] = None,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples for the 95% CIs (0: none).")
    ] = DEFAULT_RESAMPLES,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Stream: one DOC_ID.json per document and pooled.json in this folder (docs/scale.md).",
        ),
    ] = None,
    *,
    batch: BatchOptions,
) -> None:
    """Score predictions against gold: NER (SemEval schemas, seqeval), dates, sentences.

    With two folders (e.g. `--gold annotations/gold --pred annotations/pre`), every DOC.jsonl both hold is
    scored on its own and all of them pooled. With -o OUT, documents are read and scored one at a time
    (two folders, two Parquet files, or two JSONL files of many documents in the same order), each
    result written to OUT as it comes, and the pooled result from counts that add up (no full load).
    A rerun skips documents whose result is up to date and pools their counts from OUT/.state (--force redoes).
    """
    if output is not None:
        if report is not None:
            raise SergeCorpusError(Problem("E556", "--report is for one pair of files, not with -o", field="report"))
        settings = BatchSettings(task="evaluate", options={"bootstrap": bootstrap, "seed": seed})
        done = batch_command(gold, "records", output, settings, batch, pred=pred)
        if done.pooled is not None:
            pooled = done.pooled
            typer.echo(json.dumps(pooled, indent=2, ensure_ascii=False) if as_json else summary_markdown(pooled))
        return
    if gold.is_dir() and pred.is_dir():
        from serge_corpus.pipeline import evaluate_folders, folders_markdown

        scores = evaluate_folders(gold, pred, bootstrap=bootstrap, seed=seed)
        typer.echo(json.dumps(scores, indent=2, ensure_ascii=False) if as_json else folders_markdown(scores))
        return
    result = evaluate_files(gold, pred, bootstrap=bootstrap, seed=seed, report_dir=report)
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else summary_markdown(result))
    if report is not None and not as_json:
        typer.echo(f"Report written to {report}/ (report.md, report.json, per_label_f1.png, confusion.png)")


@app.command("agree")
def agree_command(
    files: Annotated[list[Path], typer.Argument(help="Two or more annotators' JSONL files of the same records.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON.")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Write the Markdown tables to this file.")] = None,
    common_only: Annotated[
        bool, typer.Option("--common-only", help="Compare only the records every file has.")
    ] = False,
) -> None:
    """Inter-annotator agreement: span F1, token Cohen's kappa, Krippendorff's alpha."""
    from serge_corpus.segment import tokenize

    result = agreement_files(files, tokenize=tokenize, common_only=common_only)
    markdown = agreement_markdown(result)
    if report is not None:
        refuse_overwriting_inputs(report, files)
        try:
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(markdown, encoding="utf-8")
        except OSError as err:
            raise SergeCorpusError(Problem("E147", str(err), file=str(report))) from err
    typer.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else markdown)
