"""`python -m serge_corpus` runs the `serge-corpus` command."""

from serge_corpus.cli import main

main()
