"""`train`: train a NER model on the gold, cross-validate, or compare every method."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.cli.app import app


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v for value in values for v in value.split(",") if v]


@app.command("train")
def train_command(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Model folder to write (with --compare: the report folder).")
    ] = None,
    method: Annotated[str, typer.Option(help="spacy | crf | stanza.")] = "spacy",
    config: Annotated[Path | None, typer.Option(help="Configuration file (default: configs/ of the project).")] = None,
    gold: Annotated[Path, typer.Option(help="Gold folder with train/dev/test.jsonl.")] = Path("annotations/gold"),
    docs: Annotated[list[str] | None, typer.Option(help="Documents to train on (default: all not --ood).")] = None,
    ood: Annotated[
        list[str] | None,
        typer.Option(
            help="Out-of-domain documents: never trained on, scored apart (default: the gold documents not in --docs)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    cv: Annotated[
        int | None, typer.Option("--cv", help="K-fold cross-validation (never cuts a section or a document).")
    ] = None,
    cv_by: Annotated[str, typer.Option(help="Fold units: auto | section | document.")] = "auto",
    resume: Annotated[Path | None, typer.Option(help="Continue training this model on the current gold.")] = None,
    rehearsal: Annotated[
        list[Path] | None,
        typer.Option(
            help="spacy: unannotated text (file or segments JSONL) labelled by the pretrained model and mixed in."
        ),
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="Run every method under the same folds; write a report to -o.")
    ] = False,
    methods: Annotated[str, typer.Option(help="--compare: trained methods.")] = "spacy,crf,stanza",
    baselines: Annotated[str, typer.Option(help="--compare: untrained backends.")] = "pretrained,rules,rules-in-sample",
    seeds: Annotated[str, typer.Option(help="--compare: seeds of the fixed-split runs.")] = "0,1,2",
    curve: Annotated[
        str, typer.Option(help="--compare: learning-curve shares of the train split.")
    ] = "0.25,0.5,0.75,1.0",
    curve_methods: Annotated[str, typer.Option(help="--compare: methods with a learning curve.")] = "spacy,crf",
    config_dir: Annotated[
        Path, typer.Option(help="--compare: folder of the methods' configurations, by their default names.")
    ] = Path("configs"),
    report: Annotated[Path | None, typer.Option(help="--cv without -o: write the result as JSON here.")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for CIs (0: none).")] = 1000,
    jobs: Annotated[int, typer.Option(help="--cv / --compare: train this many models at once (processes).")] = 1,
    method_config: Annotated[
        list[str] | None,
        typer.Option(help="--compare: METHOD=FILE, that method's configuration instead of its default (repeatable)."),
    ] = None,
    merge: Annotated[
        list[Path] | None,
        typer.Option(
            help="--compare: add the methods of the report in this folder (same settings) to the report in -o; "
            "trains nothing (repeatable)."
        ),
    ] = None,
    extend: Annotated[
        bool,
        typer.Option(
            "--extend", help="--compare: keep the methods of the report in -o and run only the others (same settings)."
        ),
    ] = False,
) -> None:
    """Train a NER model on the gold (spaCy fine-tuning, CRF, stanza) with a model card; or cross-validate; or
    compare every method. See docs/train.md."""
    from serge_corpus.train import api

    command = "serge-corpus " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if compare:
        written = api.run_compare(
            gold,
            output,
            methods=methods,
            baselines=baselines,
            k=cv or 5,
            by=cv_by,
            docs=_split(docs),
            ood=_split(ood),
            seeds=seeds,
            curve=curve,
            curve_methods=curve_methods,
            config_dir=config_dir,
            bootstrap=bootstrap,
            command=command,
            progress=typer.echo,
            jobs=jobs,
            extend=extend,
            method_configs=method_config or [],
            merge=merge or [],
        )
        for path in written:
            typer.echo(f"wrote {path}")
        return
    result = api.run_train(
        gold,
        output,
        method=method,
        config=config,
        docs=_split(docs),
        ood=_split(ood),
        seed=seed,
        cv=cv,
        cv_by=cv_by,
        resume=resume,
        rehearsal=rehearsal or [],
        bootstrap=bootstrap,
        command=command,
        progress=typer.echo,
        jobs=jobs,
    )
    typer.echo(api.summary(result))
    if report is not None:
        from serge_corpus.jsonl import write_text

        write_text(report, json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        typer.echo(f"wrote {report}")
