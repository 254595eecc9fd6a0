"""`export` and `import`: records to and from annotation-tool and training formats."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from serge_corpus.batch import BatchSettings
from serge_corpus.cli.app import app
from serge_corpus.cli.batch import (
    EXPORT_OPTIONS,
    BatchOptions,
    ByDocumentOption,
    batch_command,
    batch_options,
    records_kind,
)
from serge_corpus.formats import FORMATS, export_file, import_file
from serge_corpus.formats.convert import default_source_out
from serge_corpus.formats.registry import get_format
from serge_corpus.jsonl import refuse_overwriting_inputs

_NAMES = ", ".join(FORMATS)
OffsetsOption = Annotated[
    str | None,
    typer.Option("--offsets", help="Offset unit: codepoint or utf16 (doccano, labelstudio). Default per format."),
]
CorpusOption = Annotated[Path, typer.Option("--corpus", help="Corpus folder holding manifest.json.")]


@app.command("export")
@batch_options(EXPORT_OPTIONS)
def export_command(
    records: Annotated[
        Path, typer.Argument(help="JSONL records (guidelines §5), or a folder / Parquet file of documents' records.")
    ],
    to: Annotated[str, typer.Option("--to", help=f"Format: {_NAMES}.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File (or folder for brat, hf, and batches).")],
    offsets: OffsetsOption = None,
    form: Annotated[str | None, typer.Option(help="doccano: label (sequence labelling) or entities.")] = None,
    target: Annotated[str | None, typer.Option(help="labelstudio: predictions or annotations.")] = None,
    split: Annotated[str | None, typer.Option(help="hf: save a DatasetDict with this split name.")] = None,
    corpus: CorpusOption = Path("corpus"),
    by_document: ByDocumentOption = False,
    *,
    batch: BatchOptions,
) -> None:
    """Write records in an annotation-tool or training format (lossless round trip).

    A folder of record files, a Parquet file of records, or a JSONL file with --by-document is exported
    one document at a time into the folder OUTPUT: OUTPUT/DOC_ID.SUFFIX each, or shards of --shard-size
    documents (docs/scale.md). A rerun skips documents (or shards) whose export is up to date (--force redoes).
    """
    kind = records_kind(records, by_document)
    if kind is not None:
        get_format(to)  # an unknown format is an error before any document is read
        options = {"to": to, "offsets": offsets, "form": form, "target": target, "split": split}
        settings = BatchSettings(task="export", options=options | {"corpus": str(corpus)}, max_bytes=batch.max_bytes)
        batch_command(records, kind, output, settings, replace(batch, shard_format=_shard_suffix(to)))
        return
    refuse_overwriting_inputs(output, [records])
    summary = export_file(records, to, output, corpus=corpus, offsets=offsets, form=form, target=target, split=split)
    typer.echo(str(summary))


def _shard_suffix(fmt: str) -> str:
    """A shard of an export is a file of the format: shard-00000.conll, .jsonl, .json, .spacy."""
    return get_format(fmt).suffix.lstrip(".")


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="File (or folder for brat, hf) to read.")],
    from_: Annotated[str, typer.Option("--from", help=f"Format: {_NAMES}.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL records to write.")],
    source: Annotated[
        Path | None,
        typer.Option(help="Source text the records come from: checks them, places records without serge metadata."),
    ] = None,
    offsets: OffsetsOption = None,
    stub_dates: Annotated[
        bool, typer.Option("--stub-dates", help="Give DATE spans without a date object a null one (date_stub: true).")
    ] = False,
    drop_unannotated: Annotated[
        bool, typer.Option("--drop-unannotated-labels", help="Drop CARDINAL, ORDINAL, … spans a tool predicted.")
    ] = False,
    label_scheme: Annotated[
        str | None,
        typer.Option(
            help="Map another tool's labels: a scheme of data/ner_label_map.json (conll03, ontonotes, spacy, wnut17)."
        ),
    ] = None,
    label_map: Annotated[Path | None, typer.Option(help="Your own label map file (same shape).")] = None,
    trim: Annotated[
        bool,
        typer.Option(
            "--trim", help="Snap spans to tokens and strip spaces/punctuation at their edges; each change is listed."
        ),
    ] = False,
    normalise_dates: Annotated[
        bool,
        typer.Option(
            "--normalise-dates",
            "--normalize-dates",
            help="Give DATE spans without a date object one from the project's date module (date_normalised: true).",
        ),
    ] = False,
    source_out: Annotated[
        Path | None,
        typer.Option(help="Without --source: where to write the text the file carries (default OUT.source.txt)."),
    ] = None,
    corpus: CorpusOption = Path("corpus"),
) -> None:
    """Read records back from a format, validate them, write JSONL.

    Files from other tools need no --source: the text they carry becomes the
    document, written next to the records (OUT.source.txt).
    """
    refuse_overwriting_inputs(output, [path, source, label_map])
    if source is None:
        refuse_overwriting_inputs(source_out or default_source_out(output), [path, label_map, output])
    summary = import_file(
        path,
        from_,
        output,
        source=source,
        corpus=corpus,
        stub_dates=stub_dates,
        drop_unannotated=drop_unannotated,
        label_scheme=label_scheme,
        label_map=label_map,
        offsets=offsets,
        trim=trim,
        normalise_dates=normalise_dates,
        source_out=source_out,
    )
    typer.echo(str(summary))
    for line in summary.details():
        typer.echo(line)
    for line in summary.warnings():
        typer.echo(line, err=True)
