"""Export records to a format and import them back: the functions the CLI calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from serge_corpus.corpus import Corpus, corpus_sources, document_from_path, load_corpus
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.assemble import ImportSettings, assemble
from serge_corpus.formats.registry import check_options, get_format
from serge_corpus.jsonl import read_records, write_records
from serge_corpus.model import Block, Document
from serge_corpus.ner.labels import LabelMap, load_label_map


@dataclass(frozen=True)
class Summary:
    """What an export or import did, for the CLI to print."""

    fmt: str
    path: Path
    records: int
    spans: int
    dates: int
    notes: tuple[str, ...] = ()  # e.g. TIMEX3 conversions by reason

    def __str__(self) -> str:
        head = f"{self.path}: {self.records} records, {self.spans} spans ({self.dates} dates) [{self.fmt}]"
        return "\n".join([head, *self.notes])


def summarize(fmt: str, path: Path, blocks: Sequence[Block]) -> Summary:
    spans = [s for b in blocks for s in b.spans]
    return Summary(fmt, path, len(blocks), len(spans), sum(s.date is not None for s in spans))


def export_blocks(blocks: Sequence[Block], fmt: str, out: str | Path, **options: Any) -> Summary:
    """Write blocks in a format; options: see docs/formats.md (None = default)."""
    spec = get_format(fmt)
    given = check_options(spec, options, spec.export_options, "export to")
    spec.load().export(list(blocks), Path(out), **given)
    return summarize(fmt, Path(out), blocks)


def import_blocks(
    path: str | Path,
    fmt: str,
    *,
    source: Document | None = None,
    stub_dates: bool = False,
    drop_unannotated: bool = False,
    label_map: LabelMap | None = None,
    **options: Any,
) -> list[Block]:
    """Read a file or folder in a format as validated blocks."""
    spec = get_format(fmt)
    given = check_options(spec, options, spec.import_options, "import from")
    raws = spec.load().read(Path(path), **given)
    return assemble(raws, ImportSettings(fmt, source, stub_dates, drop_unannotated, label_map))


def export_file(
    records: str | Path, fmt: str, out: str | Path, corpus: str | Path = "corpus", **options: Any
) -> Summary:
    """Read and validate a JSONL file (against the corpus sources), write it in `fmt`."""
    sources = corpus_sources(corpus)
    blocks = read_records(records, sources)
    try:
        if fmt == "timeml":
            return _export_timeml(blocks, Path(out), Path(corpus), sources, options)
        return export_blocks(blocks, fmt, out, **options)
    except SergeCorpusError as err:
        # Exporters name the record and span; the file is the JSONL they came from.
        located = [replace(p, file=str(records)) if p.file is None and p.record_id else p for p in err.problems]
        raise SergeCorpusError(located) from err


def import_file(
    path: str | Path,
    fmt: str,
    out: str | Path,
    *,
    source: str | Path | None = None,
    corpus: str | Path = "corpus",
    stub_dates: bool = False,
    drop_unannotated: bool = False,
    label_scheme: str | None = None,
    label_map: str | Path | None = None,
    **options: Any,
) -> Summary:
    """Import `path` and write the records as JSONL to `out`.

    `label_scheme` names a map of `data/ner_label_map.json` (or of the file
    `label_map`) that turns another tool's labels into guideline labels.
    """
    document = None
    known = load_corpus(corpus) if (Path(corpus) / "manifest.json").is_file() else None
    if source is not None:
        document = document_from_path(source, known)
    if fmt == "timeml":
        check_options(get_format(fmt), {"stub_dates": stub_dates or None, "drop_unannotated": drop_unannotated or None,
                                        "label_scheme": label_scheme, "label_map": label_map, **options}, (), "import from")
        return _import_timeml(Path(path), Path(out), known, document)
    labels = load_label_map(label_scheme or "guidelines", label_map) if label_scheme or label_map else None
    blocks = import_blocks(
        path, fmt, source=document, stub_dates=stub_dates, drop_unannotated=drop_unannotated, label_map=labels,
        **options,
    )
    write_records(out, blocks)
    return summarize(fmt, Path(out), blocks)


def _export_timeml(
    blocks: Sequence[Block], out: Path, corpus: Path, sources: dict[str, str], options: dict[str, Any]
) -> Summary:
    """One .tml per document; the DCT comes from the manifest (`dct`)."""
    from serge_corpus.formats import timeml

    spec = get_format("timeml")
    check_options(spec, options, spec.export_options, "export to")
    dct: dict[str, str | None] = {}
    if (corpus / "manifest.json").is_file():
        dct = {e["doc_id"]: e.get("dct") for e in load_corpus(corpus).entries}
    timeml.export(blocks, out, dct=dct, sources=sources)
    return summarize("timeml", out, blocks)


def _import_timeml(path: Path, out: Path, known: Corpus | None, document: Document | None) -> Summary:
    """Each .tml -> records of its corpus document, DATE spans converted to the guidelines."""
    from serge_corpus.formats import timeml
    from serge_corpus.segment import segment_document

    blocks: list[Block] = []
    reports = []
    problems = []
    for file in timeml.timeml_files(path):
        parsed = timeml.read_timeml(file)
        target = document
        if target is None and known is not None:
            doc_id = timeml.find_corpus_document(parsed, known.entries)
            target = known.load(doc_id) if doc_id is not None else None
        if target is None:
            problems.append(Problem("E305", f"DOCID {parsed.doc_id!r} is not a corpus document; pass --source",
                                    file=str(file)))
            continue
        result = timeml.import_document(parsed, target, segment_document, str(file))
        blocks += result.blocks
        reports.append(result.report)
    if problems:
        raise SergeCorpusError(problems)
    write_records(out, blocks)
    notes = tuple(timeml.conversion_markdown(reports).rstrip("\n").split("\n")) if reports else ()
    return replace(summarize("timeml", out, blocks), notes=notes)
