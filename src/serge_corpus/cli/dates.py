"""`dates`: find and normalise the temporal expressions of a text."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.cli.app import app
from serge_corpus.dates import find_dates, load_vocabulary
from serge_corpus.dates.find import Conventions


@app.command("dates")
def dates_command(
    text: Annotated[str, typer.Argument(help="The text to scan; '-' reads standard input.")],
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="Reference time (EDTF) for relative expressions, e.g. 1923.")
    ] = None,
    dct: Annotated[
        str | None,
        typer.Option(
            "--dct", metavar="DATE", help="Document creation time (EDTF): news mode, fixes 'today', 'last week'."
        ),
    ] = None,
    vocabulary: Annotated[
        Path | None, typer.Option("--vocabulary", help="Your own vocabulary (TOML, like data/dates.toml).")
    ] = None,
    conventions: Annotated[
        Conventions,
        typer.Option(
            "--conventions",
            help="guidelines (the corpus's DATE spans) or timeml (also PAST_REF/PRESENT_REF words, SETs, clock times "
            "next to a day: what TimeML gold tags; DECISIONS D166, D190).",
        ),
    ] = "guidelines",
) -> None:
    """Print the temporal expressions of TEXT as JSON: a list of DATE spans with date objects."""
    source = sys.stdin.read() if text == "-" else text
    vocab = load_vocabulary(vocabulary) if vocabulary else None
    spans = find_dates(source, anchor, dct, vocabulary=vocab, conventions=conventions)
    typer.echo(json.dumps([s.to_dict() for s in spans], ensure_ascii=False, indent=2))
