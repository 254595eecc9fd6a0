"""`annotate` and `run`: pre-annotate texts with NER and normalised dates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated as Arg

import typer
from tqdm import tqdm

from serge_corpus.annotate import Annotated, annotate_blocks, corpus_dct, corpus_patterns, load_blocks, text_files
from serge_corpus.batch import BatchSettings, source_kind
from serge_corpus.cli.app import app
from serge_corpus.cli.batch import TEXT_OPTIONS, BatchOptions, batch_command, batch_options
from serge_corpus.corpus import Corpus, load_corpus
from serge_corpus.jsonl import refuse_overwriting_inputs, write_records
from serge_corpus.model import Block, word_count

NerOption = Arg[
    str | None,
    typer.Option("--ner", help="spacy | stanza | rules | ensemble (default: the best available)."),
]
CorpusOption = Arg[Path, typer.Option("--corpus", help="Corpus folder holding manifest.json.")]
ParagraphsOption = Arg[
    str | None,
    typer.Option("--paragraphs", help="auto | blank-line | line: how paragraphs are cut (default: the cues, auto)."),
]
PatternsOption = Arg[
    Path | None,
    typer.Option(
        "--patterns",
        help="Rules patterns file (JSONL) for these files. Without it, a document of the "
        "corpus manifest gets the corpus's annotations/patterns.jsonl and any other file the generic "
        "pipeline (model + generic gazetteer), wherever the command runs.",
    ),
]


def _corpus(root: Path) -> Corpus | None:
    return load_corpus(root) if (root / "manifest.json").is_file() else None


def _annotate_with_bar(
    blocks: list[Block], ner: str | None, label: str, patterns: Path | None = None, dct: str | None = None
) -> Annotated:
    words = sum(word_count(b.text) for b in blocks)  # what the progress calls add up to
    with tqdm(total=words, desc=label, unit="word", unit_scale=True, disable=words < 2000) as bar:
        return annotate_blocks(blocks, ner=ner, progress=bar.update, patterns=patterns, dct=dct)


def _batch_corpus_patterns(source: Path, kind: str) -> Path | None:
    """A corpus folder's own patterns (annotations/patterns.jsonl beside it) apply to its documents only.

    SOURCE is the corpus folder or its manifest file (the folder is then the manifest's).
    """
    if kind != "corpus":
        return None
    folder = source.resolve() if source.is_dir() else source.resolve().parent
    path = folder.parent / "annotations" / "patterns.jsonl"
    return path if path.is_file() else None


@app.command("annotate")
@batch_options(TEXT_OPTIONS)
def annotate_command(
    source: Arg[
        Path,
        typer.Argument(help="Text file, segments JSONL, a folder of text files, a corpus folder or manifest (.json)."),
    ],
    output: Arg[Path, typer.Option("-o", "--output", help="JSONL file (or folder when SOURCE is a folder).")],
    ner: NerOption = None,
    corpus: CorpusOption = Path("corpus"),
    paragraphs: ParagraphsOption = None,
    patterns: PatternsOption = None,
    dct: Arg[
        str | None,
        typer.Option("--dct", metavar="DATE", help="Document creation time (EDTF, e.g. 2013-03-15): news mode."),
    ] = None,
    *,
    batch: BatchOptions,
) -> None:
    """Pre-annotate SOURCE: entity spans and normalised DATE spans (guidelines §5).

    Corpus knowledge stays with its corpus: the patterns in annotations/patterns.jsonl apply to documents of the
    corpus manifest only; your own file gets the generic pipeline unless you pass --patterns. The records' meta
    says which backends and pattern files ran. A folder (recursive), a corpus (folder or manifest file: each
    document with its manifest dct and date_mode), a JSONL of {id, text[, dct, date_mode]} documents or a
    Parquet file runs as a batch: streamed, resumable, in parallel (docs/scale.md).
    """
    from serge_corpus.segment import load_cues, oversized_blocks, with_paragraphs

    kind = source_kind(source)
    if kind is not None:
        options: dict[str, str] = {}
        chosen = patterns if patterns is not None else _batch_corpus_patterns(source, kind)
        if chosen is not None:
            options["patterns"] = str(chosen)
        if dct is not None:
            options["dct"] = dct
        if paragraphs is not None:
            with_paragraphs(load_cues(), paragraphs)  # a wrong mode fails here, not once per document
            options["paragraphs"] = paragraphs
        settings = BatchSettings(task="annotate", backend=ner, options=options, max_bytes=batch.max_bytes)
        batch_command(source, kind, output, settings, batch)
        return
    known = _corpus(corpus)
    sources = text_files(source) if source.is_dir() else [source]
    for path in sources:
        target = output / f"{path.stem}.jsonl" if source.is_dir() else output
        refuse_overwriting_inputs(target, [path])
        blocks = load_blocks(path, known, paragraphs)
        for warning in oversized_blocks(blocks):
            typer.echo(f"warning: {path}: {warning}", err=True)
        chosen = patterns if patterns is not None else corpus_patterns(known, blocks)
        result = _annotate_with_bar(blocks, ner, path.name, chosen, dct or corpus_dct(known, blocks))
        write_records(target, result.blocks)
        spans = sum(len(b.spans) for b in result.blocks)
        typer.echo(f"{target}: {len(result.blocks)} blocks, {spans} spans ({result.backend})")


def _corpus_annotator(known: Corpus, doc_id: str) -> Callable[[list[Block], str], Annotated]:
    """Annotate one corpus document's blocks with a backend: its patterns and DCT, a progress bar."""

    def annotator(blocks: list[Block], name: str) -> Annotated:
        return _annotate_with_bar(
            blocks, name, f"{doc_id} [{name}]", corpus_patterns(known, blocks), corpus_dct(known, blocks)
        )

    return annotator


@app.command("run")
def run_command(
    corpus: CorpusOption = Path("corpus"),
    out: Arg[Path, typer.Option(help="Folder for the machine output.")] = Path("annotations"),
    backends: Arg[str, typer.Option(help="Comma-separated backends to run; the first is the pre-annotation.")] = "",
    bootstrap: Arg[int, typer.Option(help="Bootstrap resamples for the confidence intervals.")] = 1000,
) -> None:
    """The main job: segment, pre-annotate with every backend, evaluate against the gold.

    See `serge_corpus.pipeline` for the files written under OUT.
    """
    from serge_corpus.annotate import default_backend
    from serge_corpus.ner import available_backends
    from serge_corpus.pipeline import corpus_summary, run_document

    known = load_corpus(corpus)
    best = default_backend()
    names = [n for n in backends.split(",") if n] or [best] + [n for n in available_backends() if n != best]
    runs = []
    for doc_id in known.doc_ids:
        run = run_document(
            known,
            doc_id,
            out,
            names,
            annotator=_corpus_annotator(known, doc_id),
            bootstrap=bootstrap,
        )
        runs.append(run)
        for path in run.written:
            typer.echo(f"wrote {path}")
        for name, result in run.scores.items():
            ner = result["ner"]
            typer.echo(
                f"{doc_id} [{name}] vs gold: strict F1 {ner['strict']['f1']:.3f}, "
                f"DATE value F1 {result['dates']['value']['f1']:.3f}"
            )
    summary = corpus_summary(known, runs, out, bootstrap)
    if summary is not None:
        typer.echo(f"wrote {summary}")
