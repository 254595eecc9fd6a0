"""`build-gold`: rebuild annotations/gold/ from committed pre-annotations and logs."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.cli.app import app
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.gold import build_recipe, load_config, write_gold


@app.command("build-gold")
def build_gold_command(
    config: Annotated[Path, typer.Option(help="Gold recipe: per document, pre-annotation, logs, splits.")] = Path(
        "annotations/gold.json"
    ),
    out: Annotated[Path, typer.Option(help="Folder to write the gold into.")] = Path("annotations/gold"),
    corpus: Annotated[Path, typer.Option(help="Corpus folder holding manifest.json.")] = Path("corpus"),
    check: Annotated[
        bool, typer.Option("--check", help="Rebuild elsewhere and fail if OUT differs from the rebuild.")
    ] = False,
) -> None:
    """Per document: apply every pass log, merge, apply the adjudication and later logs; write gold + splits."""
    recipe = load_config(config)
    results = build_recipe(recipe, corpus)
    if not check:
        for path in write_gold(results, out):
            typer.echo(f"wrote {path}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        differing = [
            Problem("E202", f"{path.name} differs", file=str(out / path.name))
            for path in write_gold(results, Path(tmp))
            if not (out / path.name).is_file() or (out / path.name).read_bytes() != path.read_bytes()
        ]
    if differing:
        raise SergeCorpusError(differing)
    typer.echo(f"{out}: identical to its rebuild ({len(results)} documents)")
