"""The `serge-corpus` command: each subcommand module registers on `app`.

Command modules parse arguments, call one library function and print; they
hold no logic of their own. Adding a command is adding a module here and one
import line below.
"""

from __future__ import annotations

# Command modules register themselves on import.
from serge_corpus.cli import (
    annotate,  # noqa: F401,E402
    corrections,  # noqa: F401,E402
    dates,  # noqa: F401,E402
    evaluate,  # noqa: F401,E402
    formats,  # noqa: F401,E402
    foundation,  # noqa: F401,E402
    gold,  # noqa: F401,E402
    ner,  # noqa: F401,E402
    publish,  # noqa: F401,E402
    train,  # noqa: F401,E402
)
from serge_corpus.cli.app import app, main

__all__ = ["app", "main"]
