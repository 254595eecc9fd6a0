"""The typer application and the one place that turns errors into exit codes."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from serge_corpus.errors import SergeCorpusError


class _ReportingGroup(TyperGroup):
    """Print every problem of a `SergeCorpusError` (file:line: code …) and exit 1."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except SergeCorpusError as err:
            for problem in err.problems:
                typer.echo(str(problem), err=True)
            raise typer.Exit(1) from err


app = typer.Typer(
    name="serge-corpus",
    cls=_ReportingGroup,
    help="Annotated-corpus toolkit: segment, annotate, correct, build gold, evaluate, publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: Rich markup mangles `[[text, label]]` examples and prints `<bool>` metavars for flags.
    rich_markup_mode=None,
)


def _print_version(value: bool) -> None:
    if value:
        from serge_corpus import __version__

        typer.echo(f"serge-corpus {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Annotated-corpus toolkit: segment, annotate, correct, build gold, evaluate, publish."""


def main() -> None:
    app()
