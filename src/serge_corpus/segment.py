"""Segmentation: blocks (classified), sections, tokens and sentences.

All offsets are Python code-point indices. Block offsets point into the source
document; token and sentence offsets are relative to the block's text, so
`source[block.offset + t.start : block.offset + t.end] == t.text`.

The cues that classify blocks and the abbreviation lists the sentence splitter
uses are data (`data/segmentation.json`), not code, so a user adapts them to
another source without touching the segmenter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from serge_corpus.corpus import Corpus, document_from_path
from serge_corpus.model import SENTENCE_BLOCKS, Block, Document, Sentence, Token

SEGMENTER_VERSION = "1"


# ---------------------------------------------------------------- cues


@dataclass(frozen=True)
class Cues:
    """What the segmenter reads from `segmentation.json`."""

    body_min_words: int
    front_matter_max_words: int
    boilerplate: tuple[re.Pattern[str], ...]
    author_note: tuple[re.Pattern[str], ...]
    reference: tuple[re.Pattern[str], ...]
    reference_min_cues: int
    never_final: frozenset[str]
    maybe_final: frozenset[str]
    # Words that open a new sentence after a dotted acronym (`in the U.S. He died` but `the U.S. Army`).
    starters_after_acronym: frozenset[str] = frozenset()


def cues_from_dict(data: dict[str, Any]) -> Cues:
    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in data.get(key, []))

    return Cues(
        body_min_words=int(data["body_min_words"]),
        front_matter_max_words=int(data["front_matter_max_words"]),
        boilerplate=compile_all("boilerplate_patterns"),
        author_note=compile_all("author_note_patterns"),
        reference=compile_all("reference_patterns"),
        reference_min_cues=int(data["reference_min_cues"]),
        never_final=frozenset(data.get("abbreviations_never_final", [])),
        maybe_final=frozenset(data.get("abbreviations_maybe_final", [])),
        starters_after_acronym=frozenset(data.get("sentence_starters_after_acronym", [])),
    )


@lru_cache(maxsize=8)
def load_cues(path: str | None = None) -> Cues:
    """The packaged cues, or a user's own file."""
    if path is None:
        text = resources.files("serge_corpus.data").joinpath("segmentation.json").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return cues_from_dict(json.loads(text))


# ---------------------------------------------------------------- tokens

# Characters split off the front and back of a whitespace-delimited chunk.
_OPENERS = "\"“‘'([{«„¿¡*•–—-"
_CLOSERS = "\"”’')]}»,;:!?…"
_DASHES = "–—"
_POSSESSIVE = re.compile(r"['’][sS]$")
# Inside a chunk: dashes always split; a hyphen, slash or colon splits when a
# letter follows it (spaCy's rule: `anti-Tsarist` splits, `1934-38` does not).
_INFIX = re.compile(r"[–—]|(?<=[^\W_])[-/:](?=[^\W\d_])|\.{3}|…")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_STRAIGHT_QUOTES = frozenset({'"', "'"})


def tokenize(text: str, cues: Cues | None = None) -> list[Token]:
    """Split text into tokens with offsets (spaCy-like rules, no model needed)."""
    cues = cues or load_cues()
    tokens: list[Token] = []
    for match in re.finditer(r"\S+", text):
        for start, end in _split_chunk(match.group(), cues):
            offset = match.start()
            tokens.append(Token(offset + start, offset + end, text[offset + start : offset + end]))
    return tokens


def _split_chunk(chunk: str, cues: Cues) -> list[tuple[int, int]]:
    prefix: list[tuple[int, int]] = []
    suffix: list[tuple[int, int]] = []
    start, end = 0, len(chunk)
    while start < end and chunk[start] in _OPENERS and not _is_word_initial_quote(chunk, start, end):
        prefix.append((start, start + 1))
        start += 1
    while start < end:
        core = chunk[start:end]
        if _is_abbreviation(core, cues):
            break
        if core.endswith("..."):
            suffix.append((end - 3, end))
            end -= 3
        elif chunk[end - 1] in _CLOSERS or chunk[end - 1] == ".":
            suffix.append((end - 1, end))
            end -= 1
        elif _POSSESSIVE.search(core) and len(core) > 2:
            suffix.append((end - 2, end))
            end -= 2
        else:
            break
    middle = _split_infixes(chunk, start, end) if start < end else []
    return prefix + middle + list(reversed(suffix))


def _is_word_initial_quote(chunk: str, start: int, end: int) -> bool:
    # An apostrophe that starts a word ('s, 'tis) is not an opening quote when
    # it is the whole rest of a possessive.
    return chunk[start] in "'’" and chunk[start:end].lower() in {"'s", "’s"}


def _is_abbreviation(core: str, cues: Cues) -> bool:
    return (
        core in cues.never_final
        or core in cues.maybe_final
        or bool(_INITIAL.match(core))
        or bool(_ACRONYM.match(core))
    )


def _split_infixes(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    cursor = start
    for m in _INFIX.finditer(chunk, start, end):
        if m.start() > cursor:
            pieces.append((cursor, m.start()))
        pieces.append((m.start(), m.end()))
        cursor = m.end()
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


# ---------------------------------------------------------------- sentences

_FINAL = {".", "!", "?", "…", "..."}
_TRAILING_CLOSERS = {"\"", "”", "’", "'", ")", "]", "}", "»"}
_SENTENCE_OPENERS = {"\"", "“", "‘", "'", "(", "[", "«", "¿", "¡"}


def split_sentences(text: str, tokens: list[Token], cues: Cues | None = None) -> list[Sentence]:
    """Sentences as token-aligned [start, end) offsets.

    A sentence ends at `.`, `!`, `?` or an ellipsis (plus any closing quotes or
    brackets) when the next word starts with a capital letter or a digit. An
    initial (`L.`) or a never-final abbreviation (`Dr.`) never ends one; a
    maybe-final abbreviation (`etc.`) ends one only before a capital.
    """
    cues = cues or load_cues()
    if not tokens:
        return []
    sentences: list[Sentence] = []
    first = 0
    i = 0
    while i < len(tokens):
        end_index = _sentence_end_at(tokens, i, cues)
        if end_index is not None:
            sentences.append(Sentence(tokens[first].start, tokens[end_index].end))
            first = end_index + 1
            i = end_index + 1
        else:
            i += 1
    if first < len(tokens):
        sentences.append(Sentence(tokens[first].start, tokens[-1].end))
    return sentences


def _sentence_end_at(tokens: list[Token], i: int, cues: Cues) -> int | None:
    """Index of the last token of a sentence ending at token i, or None."""
    word = tokens[i].text
    if _ACRONYM.match(word) and word not in cues.never_final and word not in cues.maybe_final:
        following = _next_word(tokens, i + 1)
        return i if following is not None and following in cues.starters_after_acronym else None
    if word in cues.maybe_final:
        pass
    elif word not in _FINAL:
        return None
    if _INITIAL.match(word) or word in cues.never_final:
        return None
    last = i
    while (
        last + 1 < len(tokens) and tokens[last + 1].text in _TRAILING_CLOSERS and not _opens(tokens, last + 1)
    ):
        last += 1
    if last + 1 >= len(tokens):
        return last
    following = _next_word(tokens, last + 1)
    if following is None or not (following[0].isupper() or following[0].isdigit()):
        return None
    if word in {".", "…", "..."} and i > 0 and tokens[i - 1].text == "(":
        return None  # an elision mark "(…)" inside a sentence
    return last


def _opens(tokens: list[Token], j: int) -> bool:
    """A straight quote with a space before it and none after opens the next sentence (`ended. "Then`)."""
    if tokens[j].text not in _STRAIGHT_QUOTES or j + 1 >= len(tokens):
        return False
    return tokens[j].start > tokens[j - 1].end and tokens[j + 1].start == tokens[j].end


def _next_word(tokens: list[Token], j: int) -> str | None:
    while j < len(tokens) and tokens[j].text in _SENTENCE_OPENERS:
        j += 1
    return tokens[j].text if j < len(tokens) else None


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class RawBlock:
    """A paragraph of the source: stripped offsets and the blank lines before it."""

    start: int
    end: int
    blank_lines_before: int


def split_paragraphs(text: str) -> list[RawBlock]:
    """Paragraphs separated by blank lines, stripped of surrounding whitespace."""
    blocks: list[RawBlock] = []
    for m in re.finditer(r"[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", text):
        chunk = m.group()
        if not chunk.strip():
            continue
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        before = text[: m.start() + lead]
        gap = before[len(before.rstrip()) :]
        blank = max(gap.count("\n") - 1, 0) if blocks else 0
        blocks.append(RawBlock(m.start() + lead, m.end() - trail, blank))
    return blocks


def classify_blocks(text: str, raw: list[RawBlock], cues: Cues) -> list[str]:
    """A block kind for every paragraph.

    Position matters: front matter is what comes before the first body
    paragraph (first = title, last = headline, one ending in a full stop =
    caption, others = kicker); after the last body paragraph, cues decide
    between author_note, reference and boilerplate.
    """
    texts = [text[b.start : b.end] for b in raw]
    looks_body = [_looks_like_body(t, cues) for t in texts]
    cue_kind = [_cue_kind(t, cues) for t in texts]
    body_indices = [i for i, (body, cue) in enumerate(zip(looks_body, cue_kind)) if body and cue is None]
    if not body_indices:
        return [cue or "body" for cue in cue_kind]
    first_body, last_body = body_indices[0], body_indices[-1]
    kinds: list[str] = []
    for i, t in enumerate(texts):
        if cue_kind[i] is not None:
            kinds.append(cue_kind[i])  # type: ignore[arg-type]
        elif i < first_body:
            kinds.append(_front_kind(i, first_body, t))
        elif i <= last_body:
            kinds.append("body" if looks_body[i] or _ends_sentence(t) else "headline")
        else:
            kinds.append("body" if _ends_sentence(t) else "boilerplate")
    return kinds


def _looks_like_body(t: str, cues: Cues) -> bool:
    """Long prose, or a short paragraph of at least two full sentences."""
    if len(t.split()) >= cues.body_min_words:
        return True
    return _ends_sentence(t) and len(split_sentences(t, tokenize(t, cues), cues)) >= 2


def _ends_sentence(t: str) -> bool:
    return t.rstrip("\"”’')»").endswith((".", "!", "?", "…"))


def _cue_kind(t: str, cues: Cues) -> str | None:
    if any(p.search(t) for p in cues.boilerplate):
        return "boilerplate"
    if any(p.search(t) for p in cues.author_note):
        return "author_note"
    hits = sum(1 for p in cues.reference if p.search(t))
    if hits >= cues.reference_min_cues and len(t.split()) < cues.body_min_words:
        return "reference"
    return None


def _front_kind(i: int, first_body: int, t: str) -> str:
    if i == 0:
        return "title"
    if i == first_body - 1:
        return "headline"
    return "caption" if t.endswith(".") else "kicker"


def segment_document(document: Document, cues: Cues | None = None) -> list[Block]:
    """Blocks with kinds, sections, tokens and sentences; spans are empty."""
    cues = cues or load_cues()
    text = document.text
    raw = split_paragraphs(text)
    kinds = classify_blocks(text, raw, cues)
    blocks: list[Block] = []
    section = 0
    pending_break = True  # the first body paragraph opens section 1
    width = max(4, len(str(len(raw))))
    for index, (para, kind) in enumerate(zip(raw, kinds)):
        # A section break (two or more blank lines) may fall before a
        # sub-heading: it opens a section at the next body paragraph.
        pending_break = pending_break or (section > 0 and para.blank_lines_before >= 2)
        if kind == "body" and pending_break:
            section += 1
            pending_break = False
        block_text = text[para.start : para.end]
        tokens = tuple(tokenize(block_text, cues))
        sentences = tuple(split_sentences(block_text, list(tokens), cues)) if kind in SENTENCE_BLOCKS else ()
        blocks.append(
            Block(
                id=f"{document.doc_id}:{index:0{width}d}",
                doc_id=document.doc_id,
                block=kind,
                section=section if kind == "body" else None,
                offset=para.start,
                text=block_text,
                sentences=sentences,
                tokens=tokens,
                spans=(),
                meta={"source_sha256": document.sha256, "status": "segmented", "segmenter": SEGMENTER_VERSION},
            )
        )
    return blocks


def segment(
    source: str | Path | Document, corpus: Corpus | None = None, cues_path: str | None = None
) -> list[Block]:
    """Segment a Document, or a text file (a corpus entry or any UTF-8 file)."""
    document = source if isinstance(source, Document) else document_from_path(source, corpus)
    return segment_document(document, load_cues(cues_path))


def with_status(blocks: list[Block], status: str) -> list[Block]:
    return [replace(b, meta={**b.meta, "status": status}) for b in blocks]
