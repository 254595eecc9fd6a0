"""`publish` and `rehydrate`: make a release of the gold, check it, put a user's own text back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.cli.app import app
from serge_corpus.errors import Problem, SergeCorpusError


@app.command("publish")
def publish_command(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Release folder to write.")] = None,
    version: Annotated[
        str | None, typer.Option(help="Release version X.Y.Z (default: the gold recipe's `version`).")
    ] = None,
    check: Annotated[
        Path | None, typer.Option("--check", help="Check a written release instead: leak check and SHA256SUMS.")
    ] = None,
    previous: Annotated[
        Path | None, typer.Option(help="The previous release: the card and CHANGELOG say what changed since.")
    ] = None,
    recipe: Annotated[Path, typer.Option(help="Gold recipe.")] = Path("annotations/gold.json"),
    gold: Annotated[Path, typer.Option(help="Built gold folder (DOC.jsonl, SPLIT.jsonl).")] = Path("annotations/gold"),
    corpus: Annotated[Path, typer.Option(help="Corpus folder holding manifest.json.")] = Path("corpus"),
    metadata: Annotated[
        Path | None, typer.Option(help="Release metadata JSON (default: the packaged data/release.json).")
    ] = None,
    archive: Annotated[
        bool, typer.Option("--archive", help="Also write OUTPUT.zip beside it (reproducible, for a deposit).")
    ] = False,
) -> None:
    """Write a release of the gold: Parquet + dataset card, Croissant, CITATION.cff, licences, other formats.

    Documents whose licence does not allow it are published stand-off (no text);
    nothing is written if any file would hold 8 consecutive words of such a text.
    """
    from serge_corpus.publish import check_release, publish

    if check is not None:
        typer.echo(str(check_release(check, corpus)))
        return
    if output is None:
        raise SergeCorpusError(Problem("E505", "give -o/--output DIR (or --check DIR)", field="--output"))
    typer.echo(
        str(
            publish(
                output,
                recipe=recipe,
                gold_dir=gold,
                corpus=corpus,
                version=version,
                metadata=metadata,
                previous=previous,
                archive=archive,
            )
        )
    )


@app.command("rehydrate")
def rehydrate_command(
    release: Annotated[Path, typer.Argument(help="Release folder written by `serge-corpus publish`.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder for the full records (DOC.jsonl, SPLIT.jsonl).")
    ],
    source: Annotated[
        list[Path] | None,
        typer.Option("--source", help="Your copy of a withheld text, or a folder of texts (repeatable)."),
    ] = None,
) -> None:
    """Re-attach the text of stand-off documents you own; refuses a text whose sha256 differs."""
    from serge_corpus.publish import rehydrate

    typer.echo(str(rehydrate(release, source or [], output)))


def release_diff(a: Path, b: Path, as_json: bool) -> str:
    """What `diff` prints for two release folders."""
    from serge_corpus.publish import changes_markdown, compare_releases

    changes = compare_releases(a, b)
    return json.dumps(changes.to_dict(), indent=2, ensure_ascii=False) if as_json else changes_markdown(changes)
