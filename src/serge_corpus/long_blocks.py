"""Very long blocks annotated in sentence-bounded pieces, then joined back.

A block of 80,000 words (an OCR page run, a paragraph without blank lines)
costs more than its length: a model's document grows with it, and the steps
that compare every span with every token or every other span grow with its
square. `split_long_blocks` cuts each block longer than `max_chars` at sentence
starts (at token starts inside one over-long sentence) into pieces of at most
`max_chars`; the pieces go through NER and the date pass like blocks, in reading
order, so the running reference time flows through them as through the whole
block; `Pieces.join` shifts their spans back into the block. A block no longer
than `max_chars` passes through untouched, so output for ordinary text is the
same as without splitting.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace

from serge_corpus.model import Block, Sentence, Span, Token, word_count

# A few paragraphs' worth: large enough for the model's context, small enough
# that the per-block quadratic steps stay negligible.
MAX_CHARS = 5_000


@dataclass(frozen=True)
class Pieces:
    """Blocks to annotate, and where each came from in the original list."""

    original: tuple[Block, ...]
    blocks: list[Block]
    origin: tuple[tuple[int, int], ...]  # per piece: (index of its block in `original`, start in its text)

    def words(self) -> list[int]:
        """Each piece's words (`word_count`), a word cut by a piece boundary counted once, in the piece it starts:
        they sum to the original blocks' words, so a progress bar fed them ends at its total."""
        counts: list[int] = []
        for (index, start), piece in zip(self.origin, self.blocks):
            text = self.original[index].text
            inside_a_word = 0 < start < len(text) and not text[start - 1].isspace() and not text[start].isspace()
            counts.append(word_count(piece.text) - inside_a_word)
        return counts

    def join(self, annotated: Sequence[Block]) -> list[Block]:
        """The original blocks with the annotated pieces' spans and meta (pieces in `blocks` order)."""
        if len(self.blocks) == len(self.original):
            return list(annotated)  # nothing was split
        spans: list[list[Span]] = [[] for _ in self.original]
        first: list[Block | None] = [None] * len(self.original)
        for (index, start), piece in zip(self.origin, annotated):
            if first[index] is None:
                first[index] = piece
            spans[index].extend(_shifted(s, start) for s in piece.spans)
        out: list[Block] = []
        for block, head, found in zip(self.original, first, spans):
            assert head is not None
            out.append(replace(block, spans=tuple(found), meta=head.meta, extra=head.extra))
        return out


def split_long_blocks(blocks: Sequence[Block], max_chars: int | None = None) -> Pieces:
    """Cut every block longer than `max_chars` (default `MAX_CHARS`) into sentence-bounded pieces."""
    max_chars = max_chars or MAX_CHARS
    pieces: list[Block] = []
    origin: list[tuple[int, int]] = []
    for index, block in enumerate(blocks):
        if len(block.text) <= max_chars:
            pieces.append(block)
            origin.append((index, 0))
            continue
        token_starts = [t.start for t in block.tokens]
        sentence_starts = [s.start for s in block.sentences]
        for k, (start, end) in enumerate(cut_points(block, max_chars)):
            tokens = block.tokens[bisect_left(token_starts, start) : bisect_left(token_starts, end)]
            sentences = block.sentences[bisect_left(sentence_starts, start) : bisect_left(sentence_starts, end)]
            pieces.append(_piece(block, k, start, end, tokens, sentences))
            origin.append((index, start))
    return Pieces(original=tuple(blocks), blocks=pieces, origin=tuple(origin))


def cut_points(block: Block, max_chars: int) -> list[tuple[int, int]]:
    """[start, end) ranges covering the block text, each at most `max_chars` where a boundary allows.

    Cuts fall at sentence starts; inside a sentence longer than `max_chars`,
    at token starts; a stretch with neither (one 5,000-character token) stays whole.
    """
    text = block.text
    sentence_starts = [s.start for s in block.sentences]
    token_starts = [t.start for t in block.tokens] or [m for m in range(len(text)) if text[m - 1 : m].isspace()]
    ranges: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > max_chars:
        limit = start + max_chars
        cut = _last_between(sentence_starts, start, limit) or _last_between(token_starts, start, limit)
        if cut is None:
            cut = _first_after(token_starts, limit) or len(text)
        ranges.append((start, cut))
        start = cut
    if start < len(text):
        ranges.append((start, len(text)))
    return ranges


def _last_between(starts: list[int], low: int, high: int) -> int | None:
    """The largest start in (low, high], or None."""
    i = bisect_left(starts, high + 1) - 1
    return starts[i] if i >= 0 and starts[i] > low else None


def _first_after(starts: list[int], low: int) -> int | None:
    i = bisect_left(starts, low + 1)
    return starts[i] if i < len(starts) else None


def _piece(block: Block, k: int, start: int, end: int, tokens: Sequence[Token], sentences: Sequence[Sentence]) -> Block:
    return replace(
        block,
        id=f"{block.id}~{k}",
        offset=block.offset + start,
        text=block.text[start:end],
        tokens=tuple(Token(t.start - start, t.end - start, t.text) for t in tokens),
        sentences=tuple(Sentence(s.start - start, min(s.end, end) - start) for s in sentences),
        spans=tuple(_shifted(s, -start) for s in block.spans if start <= s.start and s.end <= end),
    )


def _shifted(span: Span, by: int) -> Span:
    return replace(span, start=span.start + by, end=span.end + by)
