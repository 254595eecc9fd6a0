"""Export records to a format and import them back: the functions the CLI calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from serge_corpus.corpus import Corpus, corpus_sources, document_from_path, load_corpus
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats.assemble import Assembled, ImportSettings, assemble_report
from serge_corpus.formats.registry import check_options, get_format
from serge_corpus.formats.trim import SpanFix
from serge_corpus.jsonl import read_records, write_records, write_text
from serge_corpus.model import UNANNOTATED_LABELS, Block, Document
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

    # Import only: what the import changed or left out on the way.
    source_written: Path | None = None  # the document built from the file's own text
    fixes: list[SpanFix] = field(default_factory=list)
    dropped: dict[str, list[str]] = field(default_factory=dict)
    normalised: int = 0
    stubbed: int = 0

    def __str__(self) -> str:
        head = f"{self.path}: {self.records} records, {self.spans} spans ({self.dates} dates) [{self.fmt}]"
        return "\n".join([head, *self.notes])

    def details(self) -> list[str]:
        """Lines for people: the source written, each span trimmed, labels dropped, dates filled."""
        lines: list[str] = []
        if self.source_written is not None:
            carried = "the text the file carries; its sha256 is in meta.source_sha256"
            lines.append(f"source: {self.source_written} ({carried})")
        if self.fixes:
            lines.append(f"trimmed {len(self.fixes)} span(s):")
            lines += [f"  {fix}" for fix in self.fixes]
        for label, texts in sorted(self.dropped.items()):
            examples = ", ".join(repr(t) for t in list(dict.fromkeys(texts))[:5])
            lines.append(f"dropped {len(texts)} {label} span(s) the label map sends to null, e.g. {examples}")
        if self.normalised:
            lines.append(f"{self.normalised} DATE span(s) normalised by serge_corpus.dates (date_normalised: true)")
        if self.stubbed:
            lines.append(f"{self.stubbed} DATE span(s) without a value (date_stub: true)")
        return lines

    def warnings(self) -> list[str]:
        """Spans dropped that the guidelines may annotate (CoNLL MISC holds NORP, EVENT, WORK_OF_ART…)."""
        return [
            f"warning: {len(texts)} {label} span(s) dropped; {label} is not a label the guidelines exclude, "
            f"so some may be mentions this corpus annotates (NORP, EVENT, WORK_OF_ART…): relabel them in the tool, "
            f"or map {label} with your own --label-map"
            for label, texts in sorted(self.dropped.items())
            if label not in UNANNOTATED_LABELS
        ]


def summarize(fmt: str, path: Path, blocks: Sequence[Block]) -> Summary:
    spans = [s for b in blocks for s in b.spans]
    return Summary(fmt, path, len(blocks), len(spans), sum(s.date is not None for s in spans))


def import_summary(fmt: str, path: Path, result: Assembled, source_written: Path | None) -> Summary:
    return replace(
        summarize(fmt, path, result.blocks),
        source_written=source_written,
        fixes=list(result.fixes),
        dropped=dict(result.dropped),
        normalised=result.normalised,
        stubbed=result.stubbed,
    )


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
    trim: bool = False,
    normalise_dates: bool = False,
    doc_id: str = "imported",
    **options: Any,
) -> list[Block]:
    """Read a file or folder in a format as validated blocks (see `import_report`)."""
    return import_report(
        path,
        fmt,
        source=source,
        stub_dates=stub_dates,
        drop_unannotated=drop_unannotated,
        label_map=label_map,
        trim=trim,
        normalise_dates=normalise_dates,
        doc_id=doc_id,
        **options,
    ).blocks


def import_report(
    path: str | Path,
    fmt: str,
    *,
    source: Document | None = None,
    stub_dates: bool = False,
    drop_unannotated: bool = False,
    label_map: LabelMap | None = None,
    trim: bool = False,
    normalise_dates: bool = False,
    doc_id: str = "imported",
    **options: Any,
) -> Assembled:
    """Validated blocks of a file or folder, and what the import changed.

    Without `source`, records without serge metadata are placed in a document
    made of their own text (`Assembled.document`, doc_id `doc_id`).
    """
    spec = get_format(fmt)
    given = check_options(spec, options, spec.import_options, "import from")
    raws = spec.load().read(Path(path), **given)
    settings = ImportSettings(
        fmt,
        source,
        stub_dates,
        drop_unannotated,
        label_map,
        trim=trim,
        normalise_dates=normalise_dates,
        doc_id=doc_id,
    )
    return assemble_report(raws, settings)


def default_source_out(out: str | Path) -> Path:
    """Where an import writes the text a foreign file carries: OUT.source.txt next to OUT."""
    out = Path(out)
    return out.with_name(f"{out.stem}.source.txt")


def export_file(
    records: str | Path, fmt: str, out: str | Path, corpus: str | Path = "corpus", **options: Any
) -> Summary:
    """Read and validate a JSONL file (against the corpus sources), write it in `fmt`."""
    sources = corpus_sources(corpus)
    blocks = read_records(records, sources)
    return export_records(blocks, fmt, out, str(records), corpus, sources, **options)


def export_records(
    blocks: Sequence[Block],
    fmt: str,
    out: str | Path,
    records: str,
    corpus: str | Path,
    sources: dict[str, str],
    **options: Any,
) -> Summary:
    """Write validated blocks read from `records` in `fmt` (timeml takes the DCTs from the corpus manifest)."""
    try:
        if fmt == "timeml":
            return _export_timeml(blocks, Path(out), Path(corpus), sources, options)
        return export_blocks(blocks, fmt, out, **options)
    except SergeCorpusError as err:
        # Exporters name the record and span; the file is the JSONL they came from.
        located = [replace(p, file=records) if p.file is None and p.record_id else p for p in err.problems]
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
    trim: bool = False,
    normalise_dates: bool = False,
    source_out: str | Path | None = None,
    **options: Any,
) -> Summary:
    """Import `path` and write the records as JSONL to `out`.

    `label_scheme` names a map of `data/ner_label_map.json` (or of the file
    `label_map`) that turns another tool's labels into guideline labels.
    Without `source`, the text a foreign file carries is written to
    `source_out` (default OUT.source.txt) and is the records' document.
    """
    document = None
    known = load_corpus(corpus) if (Path(corpus) / "manifest.json").is_file() else None
    if source is not None:
        document = document_from_path(source, known)
    if fmt == "timeml":
        check_options(
            get_format(fmt),
            {
                "stub_dates": stub_dates or None,
                "drop_unannotated": drop_unannotated or None,
                "label_scheme": label_scheme,
                "label_map": label_map,
                **options,
            },
            (),
            "import from",
        )
        return _import_timeml(Path(path), Path(out), known, document)
    labels = load_label_map(label_scheme or "guidelines", label_map) if label_scheme or label_map else None
    result = import_report(
        path,
        fmt,
        source=document,
        stub_dates=stub_dates,
        drop_unannotated=drop_unannotated,
        label_map=labels,
        trim=trim,
        normalise_dates=normalise_dates,
        doc_id=Path(out).stem,
        **options,
    )
    written = None
    if result.document is not None:
        written = Path(source_out) if source_out is not None else default_source_out(out)
        write_source(written, result.document.text)
    write_records(out, result.blocks)
    return import_summary(fmt, Path(out), result, written)


def write_source(path: Path, text: str) -> None:
    """Write the built document; never replace a different text (a user's file, or another import's)."""
    if path.is_dir():
        raise SergeCorpusError(Problem("E628", "is a folder", file=str(path)))
    if path.is_file():
        if path.read_bytes() == text.encode("utf-8"):
            return
        raise SergeCorpusError(Problem("E628", "the file holds another text", file=str(path)))
    write_text(path, text)


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
            problems.append(
                Problem("E305", f"DOCID {parsed.doc_id!r} is not a corpus document; pass --source", file=str(file))
            )
            continue
        result = timeml.import_document(parsed, target, segment_document, str(file))
        blocks += result.blocks
        reports.append(result.report)
    if problems:
        raise SergeCorpusError(problems)
    write_records(out, blocks)
    notes = tuple(timeml.conversion_markdown(reports).rstrip("\n").split("\n")) if reports else ()
    return replace(summarize("timeml", out, blocks), notes=notes)
