"""The annotation pipeline: segments -> NER backend -> dates -> pre-annotation records.

`annotate(source, ner=...)` accepts a corpus document, any UTF-8 text file, a
segments JSONL file, or a `Document`, and returns `Block`s whose spans follow
the guidelines, every DATE span carrying its normalised `date` object.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from serge_corpus.corpus import Corpus, document_from_path
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records
from serge_corpus.long_blocks import split_long_blocks
from serge_corpus.model import LABELS, Block, Document
from serge_corpus.segment import load_cues, oversized_blocks, segment_document, with_paragraphs

if TYPE_CHECKING:
    from serge_corpus.ner import NerBackend

PIPELINE_VERSION = "1"
# Blocks per NER call: big enough for spaCy's batching, small enough for a
# progress bar that moves; and fewer once they hold CHUNK_WORDS words, so that a
# very long block (annotated in pieces of `long_blocks.MAX_CHARS`) moves it every
# few seconds. The models predict each block on its own: the chunks change no output.
CHUNK = 64
CHUNK_WORDS = 4_000

Progress = Callable[[int], None]  # words done since the last call (`model.word_count`)


@dataclass(frozen=True)
class Annotated:
    """The records of one document and the backend that produced them."""

    doc_id: str
    backend: str
    blocks: list[Block]


def corpus_patterns(corpus: Corpus | None, blocks: Sequence[Block]) -> Path | None:
    """The corpus's own patterns file, for blocks of a corpus document; None for anything else.

    Corpus knowledge stays with its corpus: `annotations/patterns.jsonl` beside
    the corpus folder applies to the documents of its manifest only; any other
    text gets the generic pipeline, wherever the command runs.
    """
    if corpus is None or not blocks or blocks[0].doc_id not in corpus.doc_ids:
        return None
    path = corpus.root.parent / "annotations" / "patterns.jsonl"
    return path if path.is_file() else None


def corpus_dct(corpus: Corpus | None, blocks: Sequence[Block]) -> str | None:
    """The manifest DCT of a corpus document in news mode; None for narrative documents and other texts."""
    if corpus is None or not blocks or blocks[0].doc_id not in corpus.doc_ids:
        return None
    entry = corpus.entry(blocks[0].doc_id)
    return entry.get("dct") if entry.get("date_mode", "news") == "news" else None


def news_dct(source: object) -> str | None:
    """The DCT a Document's dates resolve against: its own, in news mode only."""
    if isinstance(source, Document) and source.date_mode == "news":
        return source.dct
    return None


def default_backend() -> str:
    """The best backend this machine can run: the ensemble when it has members."""
    from serge_corpus.ner import available_backends

    available = available_backends()
    for name in ("ensemble", "spacy", "rules"):
        if name in available:
            return name
    return available[0]


@lru_cache(maxsize=8)
def loaded_backend(name: str, patterns: str | None = None) -> NerBackend:
    """A backend loaded once per process: loading a model costs more than using it.

    `patterns` (a patterns file) goes to the backends that read patterns
    (rules, ensemble); the models ignore it.
    """
    from serge_corpus.ner import get_backend

    if patterns is not None and name in ("rules", "ensemble"):
        return get_backend(name, patterns=patterns)
    return get_backend(name)


def ner_meta(name: str, backend: NerBackend) -> dict[str, str]:
    """What actually ran, for the records: backend, its members, the pattern files (name and sha256)."""
    from serge_corpus.ner import backend_info

    info = backend_info(backend)
    meta = {"ner": name, "ner_backends": info.get("members", name)}
    if info.get("patterns"):
        meta["ner_patterns"] = ",".join(Path(p).name for p in info["patterns"].split(","))
        meta["ner_patterns_sha256"] = info.get("patterns_sha256", "")
    return meta


def load_blocks(
    source: str | Path | Document, corpus: Corpus | None = None, paragraphs: str | None = None
) -> list[Block]:
    """Blocks to annotate: from a Document, a segments JSONL file, or a text file.

    `paragraphs` overrides the cues' paragraph mode (auto, blank-line, line) for text input.
    """
    cues = with_paragraphs(load_cues(), paragraphs)
    if isinstance(source, Document):
        return segment_document(source, cues)
    path = Path(source)
    if path.suffix == ".jsonl":
        sources = {}
        if corpus is not None:
            sources = {d: corpus.load(d).text for d in corpus.doc_ids}
        return read_records(path, sources)
    return segment_document(document_from_path(path, corpus), cues)


def annotate_blocks(
    blocks: Sequence[Block],
    ner: str | None = None,
    progress: Progress | None = None,
    patterns: str | Path | None = None,
    dct: str | None = None,
    dcts: Mapping[str, str | None] | None = None,
) -> Annotated:
    """NER on every annotatable block, then date detection and normalisation.

    `patterns`: a patterns file for the rules (see `corpus_patterns`); without
    it the generic pipeline runs. `dct`: the document creation time (news mode).
    `dcts`: doc_id -> DCT when the blocks are several documents' (a batch); a document it does not name gets `dct`.
    """
    from serge_corpus.dates import apply_dates
    from serge_corpus.ner.consistency import document_consistency

    name = ner or default_backend()
    backend = loaded_backend(name, None if patterns is None else str(patterns))
    pieces = split_long_blocks(blocks)  # very long blocks in sentence-bounded pieces: linear time and memory
    blocks = pieces.blocks
    words = pieces.words()
    todo = [b for b in blocks if b.annotated]
    if progress and len(todo) < len(blocks):
        progress(sum(n for b, n in zip(blocks, words) if not b.annotated))  # nothing to predict: done now
    predicted: dict[str, list] = {}
    for chunk, chunk_words in ner_chunks([(b, n) for b, n in zip(blocks, words) if b.annotated]):
        for block, spans in zip(chunk, backend.predict(chunk)):
            predicted[block.id] = list(spans)
        if progress:
            progress(chunk_words)  # words, so one huge block still moves the bar
    if getattr(backend, "consistency", False):
        predicted = document_consistency(todo, predicted)
    meta = ner_meta(name, backend)
    with_ner = [
        b.with_spans(predicted.get(b.id, [])).with_meta(status="pre", pipeline=PIPELINE_VERSION, **meta) for b in blocks
    ]
    doc_id = blocks[0].doc_id if blocks else ""
    # The date pass per document: a reference time never flows from one document into the next.
    chosen = dcts or {}
    dated = [
        b
        for doc, group in groupby(with_ner, key=lambda b: b.doc_id)
        for b in apply_dates(list(group), dct=chosen.get(doc, dct))
    ]
    return Annotated(doc_id=doc_id, backend=name, blocks=pieces.join(dated))


def ner_chunks(todo: Sequence[tuple[Block, int]]) -> Iterator[tuple[list[Block], int]]:
    """Consecutive (block, words) in NER calls of at most CHUNK blocks, closed once they reach CHUNK_WORDS words."""
    chunk: list[Block] = []
    words = 0
    for block, n in todo:
        chunk.append(block)
        words += n
        if len(chunk) == CHUNK or words >= CHUNK_WORDS:
            yield chunk, words
            chunk, words = [], 0
    if chunk:
        yield chunk, words


def annotate(
    source: str | Path | Document,
    ner: str | None = None,
    corpus: Corpus | None = None,
    progress: Progress | None = None,
    patterns: str | Path | None = None,
    dct: str | None = None,
    paragraphs: str | None = None,
) -> Annotated:
    """Annotate one source (see module docstring). A corpus document gets its corpus's patterns
    unless `patterns` names others; any other source only the `patterns` given. `dct` (EDTF) fixes
    "today", "last week" (news mode); without it a corpus document in news mode uses its manifest `dct`.
    `paragraphs` (auto, blank-line, line) overrides the cues' paragraph mode for text input."""
    blocks = load_blocks(source, corpus, paragraphs)
    chosen = patterns if patterns is not None else corpus_patterns(corpus, blocks)
    return annotate_blocks(blocks, ner=ner, progress=progress, patterns=chosen, dct=dct or news_dct(source))


TEXT_SUFFIXES = frozenset({".txt", ".md"})


def text_files(folder: Path) -> list[Path]:
    """The text files of a folder (`.txt`/`.md` in any case: `CURIE.TXT` too), in a stable order.

    A folder with none is an error, not a silent run over nothing.
    """
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
    if not found:
        raise SergeCorpusError(Problem("E626", f"looked for {', '.join(sorted(TEXT_SUFFIXES))}", file=str(folder)))
    return found


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
    kinds = Counter(b.block for b in best.blocks)
    lines += ["", "Blocks: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) + "."]
    warnings = oversized_blocks(list(best.blocks))
    if warnings:
        lines += ["", "**Segmentation warnings:**", ""] + [f"- {w}" for w in warnings]
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
