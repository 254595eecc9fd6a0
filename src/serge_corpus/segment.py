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
from typing import Any, Literal, get_args

from serge_corpus.corpus import Corpus, document_from_path
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import SENTENCE_BLOCKS, Block, Document, Sentence, Token, word_count

ParagraphMode = Literal["auto", "blank-line", "line"]
PARAGRAPH_MODES: tuple[str, ...] = get_args(ParagraphMode)

SEGMENTER_VERSION = "2"  # 2: heading/meta blocks, line paragraphs, numeral and elision tokens


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
    # How paragraphs are delimited (D009): "blank-line", "line", or "auto"
    # (lines when most line breaks inside blank-line chunks follow a sentence end).
    paragraphs: ParagraphMode = "auto"
    line_paragraph_min_ratio: float = 0.75
    # A header at the very start of a text that becomes one `meta` block (D010).
    meta: tuple[re.Pattern[str], ...] = ()
    heading_max_words: int = 12
    # A block longer than this is reported as implausible (a missed paragraph break?).
    max_block_words: int = 5000


def cues_from_dict(data: dict[str, Any], source: str = "<cues>") -> Cues:
    """Cues from parsed JSON; a missing key, bad regex or bad value is E300 naming the key."""
    problems: list[Problem] = []

    def compile_all(key: str) -> tuple[re.Pattern[str], ...]:
        out = []
        for i, pattern in enumerate(data.get(key, [])):
            try:
                out.append(re.compile(pattern))
            except (re.error, TypeError) as err:
                problems.append(Problem("E300", f"{key}[{i}] {pattern!r}: {err}", file=source, field=key))
        return tuple(out)

    def number(key: str, default: float | None = None) -> Any:
        value = data.get(key, default)
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(Problem("E300", f"{key} = {value!r}: expected a number >= 0", file=source, field=key))
            return 0
        return value

    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E300", "expected a JSON object", file=source))
    mode = data.get("paragraphs", "auto")
    if mode not in PARAGRAPH_MODES:
        problems.append(
            Problem(
                "E300",
                f"paragraphs = {mode!r}; expected one of {', '.join(PARAGRAPH_MODES)}",
                file=source,
                field="paragraphs",
            )
        )
    cues = Cues(
        body_min_words=int(number("body_min_words")),
        front_matter_max_words=int(number("front_matter_max_words")),
        boilerplate=compile_all("boilerplate_patterns"),
        author_note=compile_all("author_note_patterns"),
        reference=compile_all("reference_patterns"),
        reference_min_cues=int(number("reference_min_cues")),
        never_final=frozenset(data.get("abbreviations_never_final", [])),
        maybe_final=frozenset(data.get("abbreviations_maybe_final", [])),
        starters_after_acronym=frozenset(data.get("sentence_starters_after_acronym", [])),
        paragraphs=mode if mode in PARAGRAPH_MODES else "auto",
        line_paragraph_min_ratio=float(number("line_paragraph_min_ratio", 0.75)),
        meta=compile_all("meta_patterns"),
        heading_max_words=int(number("heading_max_words", 12)),
        max_block_words=int(number("max_block_words", 5000)),
    )
    if problems:
        raise SergeCorpusError(problems)
    return cues


@lru_cache(maxsize=8)
def load_cues(path: str | None = None) -> Cues:
    """The packaged cues, or a user's own file."""
    if path is None:
        text = resources.files("serge_corpus.data").joinpath("segmentation.json").read_text("utf-8")
    else:
        if not Path(path).is_file():
            raise SergeCorpusError(Problem("E001", "segmentation cues", file=path))
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        where = path or "data/segmentation.json"
        raise SergeCorpusError(Problem("E300", str(err), file=where, line=err.lineno)) from err
    return cues_from_dict(data, path or "data/segmentation.json")


def with_paragraphs(cues: Cues, paragraphs: str | None) -> Cues:
    """The cues with another paragraph mode (the `--paragraphs` option); None keeps them."""
    if paragraphs is None:
        return cues
    if paragraphs not in PARAGRAPH_MODES:
        raise SergeCorpusError(
            Problem("E300", f"--paragraphs {paragraphs!r}; expected one of {', '.join(PARAGRAPH_MODES)}")
        )
    return replace(cues, paragraphs=paragraphs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- tokens

# Characters split off the front and back of a whitespace-delimited chunk.
_OPENERS = "\"“‘'([{«„¿¡*•–—-"
_CLOSERS = "\"”’')]}»,;:!?…"
_DASHES = "–—"
_POSSESSIVE = re.compile(r"['’][sS]$")
# Inside a chunk: dashes always split; a hyphen, slash or colon splits when a
# letter follows it (spaCy's rule: `anti-Tsarist` splits, `1934-38` does not).
# An elided French/Italian article before a capital splits after its
# apostrophe (`d'Italia` -> `d` `'` `Italia`, D015); `O'Brien` does not.
_INFIX = re.compile(r"[–—]|(?<=[^\W_])[-/:](?=[^\W\d_])|\.{3}|…|(?<=\b[dl])['’](?=[A-ZÀ-Ý])")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_STRAIGHT_QUOTES = frozenset({'"', "'"})


def tokenize(text: str, cues: Cues | None = None) -> list[Token]:
    """Split text into tokens with offsets (spaCy-like rules, no model needed)."""
    cues = cues or load_cues()
    tokens: list[Token] = []
    previous = ""
    for match in re.finditer(r"\S+", text):
        numeral = bool(_ROMAN_AFTER_NAME.match(match.group())) and bool(_NAME_WORD.match(previous))
        for start, end in _split_chunk(match.group(), cues, numeral):
            offset = match.start()
            tokens.append(Token(offset + start, offset + end, text[offset + start : offset + end]))
        previous = match.group()
    return tokens


# `War I.`, `Alexander I.`: a Roman numeral after a capitalised word is a
# numeral and its full stop, not an initial (`by L. Trotsky`, D015).
_ROMAN_AFTER_NAME = re.compile(r"^[IVX]\.$")
_NAME_WORD = re.compile(r"^[A-Z][a-z]+$")


def _split_chunk(chunk: str, cues: Cues, numeral: bool = False) -> list[tuple[int, int]]:
    prefix: list[tuple[int, int]] = []
    suffix: list[tuple[int, int]] = []
    start, end = 0, len(chunk)
    while start < end and chunk[start] in _OPENERS and not _is_word_initial_quote(chunk, start, end):
        prefix.append((start, start + 1))
        start += 1
    while start < end:
        core = chunk[start:end]
        if _is_abbreviation(core, cues) and not numeral:
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
        core in cues.never_final or core in cues.maybe_final or bool(_INITIAL.match(core)) or bool(_ACRONYM.match(core))
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
_TRAILING_CLOSERS = {'"', "”", "’", "'", ")", "]", "}", "»"}
_SENTENCE_OPENERS = {'"', "“", "‘", "'", "(", "[", "«", "¿", "¡"}


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
    while last + 1 < len(tokens) and tokens[last + 1].text in _TRAILING_CLOSERS and not _opens(tokens, last + 1):
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
    kind: str | None = None  # set by the splitter for a `meta` header


@dataclass(frozen=True)
class Paragraphs:
    """The paragraphs of a text and the mode that cut them (`auto` resolved)."""

    blocks: list[RawBlock]
    mode: Literal["blank-line", "line"]


_BLANK = re.compile(r"[ \t]*")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]»]*$")


def _lines(text: str, begin: int) -> list[tuple[int, int]]:
    """[start, end) of every line from `begin`, without its newline; linear."""
    out: list[tuple[int, int]] = []
    start = begin
    while True:
        end = text.find("\n", start)
        if end < 0:
            out.append((start, len(text)))
            return out
        out.append((start, end))
        start = end + 1


def _chunks(text: str, lines: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Runs of lines between blank lines (a blank line holds only spaces and tabs)."""
    chunks: list[list[tuple[int, int]]] = [[]]
    for start, end in lines:
        if _BLANK.fullmatch(text, start, end):
            if chunks[-1]:
                chunks.append([])
        else:
            chunks[-1].append((start, end))
    return [c for c in chunks if c]


def _stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    core = piece.strip()
    if not core:
        return None
    lead = len(piece) - len(piece.lstrip())
    return start + lead, start + lead + len(core)


def line_break_ratio(text: str, chunks: list[list[tuple[int, int]]]) -> float | None:
    """Share of line breaks inside chunks that follow a sentence end; None without any."""
    breaks = [line for chunk in chunks for line in chunk[:-1]]
    if not breaks:
        return None
    ends = sum(1 for start, end in breaks if _SENTENCE_END.search(text[start:end].rstrip()))
    return ends / len(breaks)


def _meta_header(text: str, cues: Cues) -> tuple[int, int] | None:
    """[start, end) of a header a `meta_patterns` cue matches at the first non-space character."""
    first = len(text) - len(text.lstrip())
    for pattern in cues.meta:
        m = pattern.match(text, first)
        if m and m.end() > first:
            return _stripped(text, first, m.end())
    return None


def split_paragraphs(text: str, cues: Cues | None = None) -> list[RawBlock]:
    """Paragraphs of `text`, stripped of surrounding whitespace (see `paragraphs_of`)."""
    return paragraphs_of(text, cues or load_cues()).blocks


def paragraphs_of(text: str, cues: Cues) -> Paragraphs:
    """Paragraphs by the cues' mode, in one pass over the text (linear time).

    `blank-line`: runs of lines between blank lines. `line`: every non-blank
    line. `auto`: `line` when at least `line_paragraph_min_ratio` of the line
    breaks inside blank-line runs follow a sentence end (a text with one
    paragraph per line), else `blank-line` (hard-wrapped prose, bullet lists).
    A header matched by a `meta_patterns` cue is one `meta` block first.
    """
    blocks: list[RawBlock] = []
    begin = 0
    header = _meta_header(text, cues)
    if header is not None:
        blocks.append(RawBlock(header[0], header[1], 0, kind="meta"))
        begin = header[1]
    chunks = _chunks(text, _lines(text, begin))
    mode: Literal["blank-line", "line"]
    if cues.paragraphs == "auto":
        ratio = line_break_ratio(text, chunks)
        mode = "line" if ratio is not None and ratio >= cues.line_paragraph_min_ratio else "blank-line"
    else:
        mode = cues.paragraphs
    pieces = (
        [line for chunk in chunks for line in chunk]
        if mode == "line"
        else [(chunk[0][0], chunk[-1][1]) for chunk in chunks]
    )
    for start, end in pieces:
        cut = _stripped(text, start, end)
        if cut is None:
            continue
        previous_end = blocks[-1].end if blocks else None
        blank = max(text.count("\n", previous_end, cut[0]) - 1, 0) if previous_end is not None else 0
        blocks.append(RawBlock(cut[0], cut[1], blank))
    return Paragraphs(blocks, mode)


def classify_blocks(text: str, raw: list[RawBlock], cues: Cues, mode: str = "blank-line") -> list[str]:
    """A block kind for every paragraph.

    Position matters: in a blank-line text, front matter is what comes before
    the first body paragraph (first = title, last = headline, one ending in a
    full stop = caption, others = kicker); in a line text (one paragraph per
    line, blank lines around headings) there is no front matter and a short
    block there is a heading (D009). Between body paragraphs, a short block
    that ends no sentence is a heading. After the last body paragraph, cues
    decide between author_note, reference and boilerplate.
    """
    texts = [text[b.start : b.end] for b in raw]
    preset = [b.kind for b in raw]
    looks_body = [p is None and _looks_like_body(t, cues) for p, t in zip(preset, texts)]
    cue_kind = [p or _cue_kind(t, cues) for p, t in zip(preset, texts)]
    body_indices = [i for i, (body, cue) in enumerate(zip(looks_body, cue_kind)) if body and cue is None]
    if not body_indices:
        return [cue or "body" for cue in cue_kind]
    first_body, last_body = body_indices[0], body_indices[-1]
    first_front = next((i for i, p in enumerate(preset) if p is None), 0)
    isolated = _isolated(raw)
    kinds: list[str] = []
    for i, t in enumerate(texts):
        cue = cue_kind[i]
        if cue is not None:
            kinds.append(cue)
        elif mode == "line" and _line_heading(t, isolated[i], cues):
            kinds.append("heading")
        elif mode == "line":
            kinds.append("body" if i <= last_body or _ends_sentence(t) else "boilerplate")
        elif i < first_body:
            kinds.append(_front_kind(i - first_front, first_body - first_front, t))
        elif i <= last_body:
            kinds.append("body" if looks_body[i] or _ends_sentence(t) else _heading_or(t, cues, "body"))
        else:
            kinds.append("body" if _ends_sentence(t) else "boilerplate")
    return kinds


def _isolated(raw: list[RawBlock]) -> list[bool]:
    """Blocks with a blank line (or the text's edge) on both sides."""
    before = [b.blank_lines_before >= 1 or i == 0 or raw[i - 1].kind == "meta" for i, b in enumerate(raw)]
    after = [raw[i + 1].blank_lines_before >= 1 if i + 1 < len(raw) else True for i in range(len(raw))]
    return [b and a for b, a in zip(before, after)]


def _line_heading(t: str, isolated: bool, cues: Cues) -> bool:
    """In a line text, a heading is a short line alone between blank lines that does not end with a full stop.

    `?` and `!` may end one (`Italian perspective: "Will you be worthy of it?"`).
    """
    ends_with_stop = t.rstrip("\"”’')»").endswith((".", "…"))
    return isolated and not ends_with_stop and len(t.split()) <= cues.heading_max_words


def _heading_or(t: str, cues: Cues, other: str) -> str:
    return "heading" if len(t.split()) <= cues.heading_max_words and "\n" not in t else other


def _looks_like_body(t: str, cues: Cues) -> bool:
    """Long prose, or a short paragraph of at least two full sentences."""
    if len(t.split()) >= cues.body_min_words:
        return True
    return _ends_sentence(t) and len(split_sentences(t, tokenize(t, cues), cues)) >= 2


def _ends_sentence(t: str) -> bool:
    return t.rstrip("\"”’')»").endswith((".", "!", "?", "…"))


def _cue_kind(t: str, cues: Cues) -> str | None:
    # Boilerplate and author-note cues are anchored at the block's start
    # (`match`, not `search`): a footer phrase inside a long paragraph must not
    # turn the whole paragraph into boilerplate.
    if any(p.match(t) for p in cues.boilerplate):
        return "boilerplate"
    if any(p.match(t) for p in cues.author_note):
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
    paragraphs = paragraphs_of(text, cues)
    raw = paragraphs.blocks
    kinds = classify_blocks(text, raw, cues, paragraphs.mode)
    sections = number_sections(raw, kinds)
    blocks: list[Block] = []
    width = max(4, len(str(len(raw))))
    for index, (para, kind, section) in enumerate(zip(raw, kinds, sections)):
        block_text = text[para.start : para.end]
        tokens = tuple(tokenize(block_text, cues))
        sentences = tuple(split_sentences(block_text, list(tokens), cues)) if kind in SENTENCE_BLOCKS else ()
        blocks.append(
            Block(
                id=f"{document.doc_id}:{index:0{width}d}",
                doc_id=document.doc_id,
                block=kind,
                section=section,
                offset=para.start,
                text=block_text,
                sentences=sentences,
                tokens=tokens,
                spans=(),
                meta={"source_sha256": document.sha256, "status": "segmented", "segmenter": SEGMENTER_VERSION},
            )
        )
    return blocks


def number_sections(raw: list[RawBlock], kinds: list[str]) -> list[int | None]:
    """Section numbers of body paragraphs and headings (D003, D011); None for other blocks.

    A heading opens a section (a run of headings opens one); without a
    heading, a body paragraph after two or more blank lines opens one.
    """
    out: list[int | None] = []
    section = 0
    pending_break = True  # the first body paragraph opens section 1
    after_heading = False
    for para, kind in zip(raw, kinds):
        # A section break (two or more blank lines) may fall before a
        # sub-heading: it opens a section at the next body paragraph.
        pending_break = pending_break or (section > 0 and para.blank_lines_before >= 2)
        if kind == "heading":
            if not after_heading:
                section += 1
            pending_break = False
            out.append(section)
        elif kind == "body":
            if pending_break and not after_heading:
                section += 1
            pending_break = False
            out.append(section)
        else:
            out.append(None)
        after_heading = kind == "heading"
    return out


def oversized_blocks(blocks: list[Block], cues: Cues | None = None) -> list[str]:
    """A warning for each block longer than `max_block_words` (a missed paragraph break?)."""
    limit = (cues or load_cues()).max_block_words
    return [
        f"{b.id}: {b.block} block of {word_count(b.text):,} words (more than max_block_words = {limit:,}); "
        "check the paragraph mode (--paragraphs line|blank-line) or the boilerplate cues"
        for b in blocks
        if limit and word_count(b.text) > limit
    ]


def segment(
    source: str | Path | Document,
    corpus: Corpus | None = None,
    cues_path: str | None = None,
    paragraphs: str | None = None,
) -> list[Block]:
    """Segment a Document, or a text file (a corpus entry or any UTF-8 text file)."""
    document = source if isinstance(source, Document) else document_from_path(source, corpus)
    return segment_document(document, with_paragraphs(load_cues(cues_path), paragraphs))


def retokenize(blocks: list[Block], cues: Cues | None = None) -> list[Block]:
    """The same records with tokens and sentences of this segmenter version; text, offsets and spans unchanged.

    For a frozen pre-annotation written by an older version: correction logs
    address spans by offsets and text, so they still apply.
    """
    cues = cues or load_cues()
    out = []
    for b in blocks:
        tokens = tuple(tokenize(b.text, cues))
        sentences = tuple(split_sentences(b.text, list(tokens), cues)) if b.block in SENTENCE_BLOCKS else ()
        out.append(replace(b, tokens=tokens, sentences=sentences, meta={**b.meta, "segmenter": SEGMENTER_VERSION}))
    return out
