"""The `serge-corpus` command: each subcommand module registers on `app`.

Command modules parse arguments, call one library function and print; they
hold no logic of their own. Adding a command is adding a module here and one
import line below.
"""

from __future__ import annotations

from serge_corpus.cli.app import app, main

# Command modules register themselves on import.
from serge_corpus.cli import foundation  # noqa: F401,E402
from serge_corpus.cli import annotate  # noqa: F401,E402
from serge_corpus.cli import ner  # noqa: F401,E402
from serge_corpus.cli import gold  # noqa: F401,E402
from serge_corpus.cli import corrections  # noqa: F401,E402
from serge_corpus.cli import evaluate  # noqa: F401,E402
from serge_corpus.cli import formats  # noqa: F401,E402
from serge_corpus.cli import dates  # noqa: F401,E402
from serge_corpus.cli import publish  # noqa: F401,E402
from serge_corpus.cli import train  # noqa: F401,E402

__all__ = ["app", "main"]
