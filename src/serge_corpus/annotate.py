"""The annotation pipeline: segments -> NER backend -> dates -> pre-annotation records.

`annotate(source, ner=...)` accepts a corpus document, any UTF-8 text file, a
segments JSONL file, or a `Document`, and returns `Block`s whose spans follow
the guidelines, every DATE span carrying its normalised `date` object.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from serge_corpus.corpus import Corpus, document_from_path
from serge_corpus.jsonl import read_records
from serge_corpus.long_blocks import split_long_blocks
from serge_corpus.model import LABELS, Block, Document
from serge_corpus.segment import segment_document

if TYPE_CHECKING:
    from serge_corpus.ner import NerBackend

PIPELINE_VERSION = "1"
# Blocks per NER call: big enough for spaCy's batching, small enough for a
# progress bar that moves.
CHUNK = 64

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Annotated:
    """The records of one document and the backend that produced them."""

    doc_id: str
    backend: str
    blocks: list[Block]


def default_backend() -> str:
    """The best backend this machine can run: the ensemble when it has members."""
    from serge_corpus.ner import available_backends

    available = available_backends()
    for name in ("ensemble", "spacy", "rules"):
        if name in available:
            return name
    return available[0]


@lru_cache(maxsize=8)
def loaded_backend(name: str) -> NerBackend:
    """A backend loaded once per process: loading a model costs more than using it."""
    from serge_corpus.ner import get_backend

    return get_backend(name)


def load_blocks(source: str | Path | Document, corpus: Corpus | None = None) -> list[Block]:
    """Blocks to annotate: from a Document, a segments JSONL file, or a text file."""
    if isinstance(source, Document):
        return segment_document(source)
    path = Path(source)
    if path.suffix == ".jsonl":
        sources = {}
        if corpus is not None:
            sources = {d: corpus.load(d).text for d in corpus.doc_ids}
        return read_records(path, sources)
    return segment_document(document_from_path(path, corpus))


def annotate_blocks(
    blocks: Sequence[Block], ner: str | None = None, progress: Progress | None = None
) -> Annotated:
    """NER on every annotatable block, then date detection and normalisation."""
    from serge_corpus.dates import apply_dates

    name = ner or default_backend()
    backend = loaded_backend(name)
    pieces = split_long_blocks(blocks)  # very long blocks in sentence-bounded pieces: linear time and memory
    blocks = pieces.blocks
    todo = [b for b in blocks if b.annotated]
    predicted: dict[str, list] = {}
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        for block, spans in zip(chunk, backend.predict(chunk)):
            predicted[block.id] = list(spans)
        if progress:
            progress(sum(len(b.tokens) for b in chunk))  # words, so one huge block still moves the bar
    with_ner = [
        b.with_spans(predicted.get(b.id, [])).with_meta(
            status="pre", ner=name, pipeline=PIPELINE_VERSION
        )
        for b in blocks
    ]
    doc_id = blocks[0].doc_id if blocks else ""
    # The date pass per document: a reference time never flows from one document into the next.
    dated = [b for _, group in groupby(with_ner, key=lambda b: b.doc_id) for b in apply_dates(list(group))]
    return Annotated(doc_id=doc_id, backend=name, blocks=pieces.join(dated))


def annotate(
    source: str | Path | Document,
    ner: str | None = None,
    corpus: Corpus | None = None,
    progress: Progress | None = None,
) -> Annotated:
    """Annotate one source (see module docstring)."""
    return annotate_blocks(load_blocks(source, corpus), ner=ner, progress=progress)


def text_files(folder: Path) -> list[Path]:
    """The text files of a folder, in a stable order."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in {".txt", ".md"})


# ---------------------------------------------------------------- report


def label_counts(blocks: Sequence[Block]) -> Counter[str]:
    return Counter(s.label for b in blocks for s in b.spans)


def report_markdown(doc_id: str, runs: Sequence[Annotated]) -> str:
    """Entity counts per label per backend, and every DATE span with its value."""
    lines = [f"# Pre-annotation report: {doc_id}", ""]
    lines.append("Entity counts per label for each NER backend (after date normalisation).")
    lines.append("")
    lines.append("| label | " + " | ".join(r.backend for r in runs) + " |")
    lines.append("|---|" + "---:|" * len(runs))
    counts = [label_counts(r.blocks) for r in runs]
    for label in LABELS:
        lines.append(f"| {label} | " + " | ".join(str(c[label]) for c in counts) + " |")
    lines.append("| **total** | " + " | ".join(str(sum(c.values())) for c in counts) + " |")
    best = runs[0]
    lines += ["", f"## DATE spans ({best.backend})", ""]
    lines.append("| block | text | type | value | mod | anchor | noisy |")
    lines.append("|---|---|---|---|---|---|---|")
    for block in best.blocks:
        for span in block.spans:
            if span.label != "DATE" or span.date is None:
                continue
            d = span.date
            lines.append(
                f"| {block.id} | {_cell(span.text)} | {d.type} | {_cell(d.value)} | "
                f"{_cell(d.mod)} | {_cell(d.anchor)} | {'yes' if d.noisy else ''} |"
            )
    return "\n".join(lines) + "\n"


def _cell(value: str | None) -> str:
    return "" if value is None else value.replace("|", "\\|")

