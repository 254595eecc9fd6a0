"""`segment` and `validate`: the commands over the data contract."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.batch import BatchSettings, source_kind
from serge_corpus.cli.app import app
from serge_corpus.cli.batch import (
    RECORD_OPTIONS,
    TEXT_OPTIONS,
    BatchOptions,
    ByDocumentOption,
    batch_command,
    batch_options,
    records_kind,
)
from serge_corpus.corpus import corpus_sources, load_corpus
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_raw, read_records, refuse_overwriting_inputs, validate_file, write_records
from serge_corpus.mentions import read_mentions, spans_from_mentions
from serge_corpus.segment import load_cues, oversized_blocks, segment, with_paragraphs

CorpusOption = Annotated[Path, typer.Option("--corpus", help="Corpus folder holding manifest.json.")]


@app.command("segment")
@batch_options(TEXT_OPTIONS)
def segment_command(
    source: Annotated[Path, typer.Argument(help="A corpus document or any UTF-8 text file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write.")],
    corpus: CorpusOption = Path("corpus"),
    cues: Annotated[
        Path | None, typer.Option(help="Your own segmentation cues (JSON, like data/segmentation.json).")
    ] = None,
    paragraphs: Annotated[
        str | None, typer.Option(help="auto | blank-line | line: how paragraphs are cut (default: the cues, auto).")
    ] = None,
    *,
    batch: BatchOptions,
) -> None:
    """Split a text into classified blocks, sections, sentences and tokens.

    A folder, corpus folder, JSONL of {id, text} documents or Parquet file runs
    as a batch into the folder OUTPUT (docs/scale.md).
    """
    kind = source_kind(source)
    if kind is not None:
        if cues is not None:
            raise SergeCorpusError(Problem("E556", "--cues is not available for batch sources yet", field="cues"))
        options = {} if paragraphs is None else {"paragraphs": paragraphs}
        if paragraphs is not None:
            with_paragraphs(load_cues(), paragraphs)  # a wrong mode fails here, not once per document
        settings = BatchSettings(task="segment", options=options, max_bytes=batch.max_bytes)
        batch_command(source, kind, output, settings, batch)
        return
    refuse_overwriting_inputs(output, [source, cues])
    known = load_corpus(corpus) if (corpus / "manifest.json").is_file() else None
    cues_path = str(cues) if cues else None
    blocks = segment(source, corpus=known, cues_path=cues_path, paragraphs=paragraphs)
    for warning in oversized_blocks(blocks, load_cues(cues_path)):
        typer.echo(f"warning: {warning}", err=True)
    write_records(output, blocks)
    kinds: dict[str, int] = {}
    for b in blocks:
        kinds[b.block] = kinds.get(b.block, 0) + 1
    summary = ", ".join(f"{k} {n}" for k, n in kinds.items())
    typer.echo(f"{output}: {len(blocks)} blocks ({summary}), {sum(len(b.sentences) for b in blocks)} sentences")


@app.command("validate")
@batch_options(RECORD_OPTIONS)
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="JSONL record files, or one folder / Parquet file of records, or a corpus (folder, manifest)."
        ),
    ],
    corpus: CorpusOption = Path("corpus"),
    by_document: ByDocumentOption = False,
    *,
    batch: BatchOptions,
) -> None:
    """Check records (or correction logs) against the guidelines; list every problem with file:line.

    A file whose first object has `op` and `record` fields is checked as a
    correction log; one with `label` and `pattern` as rules-backend patterns.
    A folder of record files, a Parquet file of records, or a JSONL file with
    --by-document is checked one document at a time, as a batch (docs/scale.md).
    A corpus (its folder, or its manifest file) is checked itself: the manifest,
    and every text as `annotate` reads it (UTF-8, no BOM or CRLF, its sha256).
    """
    if len(files) > 1 and any(path.is_dir() or path.suffix == ".parquet" for path in files):
        raise SergeCorpusError(Problem("E556", "a folder or Parquet file is validated on its own", field="files"))
    streamed = records_kind(files[0], by_document) if len(files) == 1 else None
    if len(files) == 1 and source_kind(files[0]) == "corpus":
        streamed = "corpus"  # a corpus folder or manifest: its manifest and every text, as a batch
    if streamed is not None:
        settings = BatchSettings(task="validate", options={"corpus": str(corpus)})
        with tempfile.TemporaryDirectory() as scratch:  # nothing is written but the summary (--summary)
            done = batch_command(files[0], streamed, Path(scratch), settings, batch, scratch=True)
        typer.echo(f"{files[0]}: {done.processed} document(s) valid")
        return
    sources = corpus_sources(corpus)
    failed = False
    for path in files:
        kind = _file_kind(path)
        problems = validate_file(path, sources) if kind == "records" else _other_problems(path, kind)
        if problems:
            failed = True
            for problem in problems:
                typer.echo(str(problem), err=True)
            typer.echo(f"{path}: {len(problems)} problem(s)", err=True)
        else:
            typer.echo(f"{path}: valid")
    if failed:
        raise typer.Exit(1)


@app.command("from-mentions")
def from_mentions_command(
    segments: Annotated[Path, typer.Argument(help="Segmented records (JSONL).")],
    mentions: Annotated[
        Path, typer.Argument(help='JSON {"RECORD_ID": [[text, label(, date)], ...]} in reading order.')
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write.")],
    corpus: CorpusOption = Path("corpus"),
) -> None:
    """Turn a hand-written list of mentions into validated records."""
    refuse_overwriting_inputs(output, [segments, mentions])
    sources = corpus_sources(corpus)
    blocks = spans_from_mentions(read_records(segments, sources), read_mentions(mentions), str(mentions))
    write_records(output, blocks)
    problems = validate_file(output, sources)
    if problems:
        raise SergeCorpusError(problems)
    typer.echo(f"{output}: {sum(len(b.spans) for b in blocks)} spans in {len(blocks)} records")


def _file_kind(path: Path) -> str:
    """records, log or patterns, from the keys of the first object."""
    try:
        rows = read_raw(path)
    except SergeCorpusError:
        return "records"  # validate_file reports what is wrong with it
    first = rows[0][1] if rows else None
    if isinstance(first, dict) and {"op", "record"} <= first.keys():
        return "log"
    if isinstance(first, dict) and {"label", "pattern"} <= first.keys():
        return "patterns"
    return "records"


def _other_problems(path: Path, kind: str) -> list:
    from serge_corpus.corrections import read_log
    from serge_corpus.ner.rules import load_patterns

    try:
        (read_log if kind == "log" else load_patterns)(path)
    except SergeCorpusError as err:
        return err.problems
    return []
