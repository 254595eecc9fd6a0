"""Span helpers every metric shares: what is scored, token alignment, matching.

One place decides which spans count (labels of the guidelines' set, blocks that
carry annotation), how character spans become token spans, and how two lists
of spans are paired one-to-one, so NER, dates, agreement and the error report
never disagree about it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from serge_corpus.model import LABELS, UNANNOTATED_BLOCKS, Block, Span, Token

Tokenizer = Callable[[str], Sequence[Token]]
_LABEL_SET = frozenset(LABELS)


@dataclass(frozen=True)
class ScoredSpans:
    """The spans of one block that a metric scores, and what was left out."""

    spans: tuple[Span, ...]
    dropped: Counter[str]  # label -> spans dropped for a label outside model.LABELS
    ignored: int  # spans in a block kind that carries no annotation (boilerplate)


def span_order(span: Span) -> tuple[int, int, str]:
    return (span.start, span.end, span.label)


def scored_spans(block: Block, kind: str | None = None) -> ScoredSpans:
    """Spans of `block` that are scored, sorted by (start, end, label).

    `kind` is the block kind that decides whether the block is annotated (the
    gold block's kind, so a prediction cannot change it).
    """
    annotated = (kind or block.block) not in UNANNOTATED_BLOCKS
    if not annotated:
        return ScoredSpans((), Counter(), len(block.spans))
    dropped = Counter(s.label for s in block.spans if s.label not in _LABEL_SET)
    kept = sorted((s for s in block.spans if s.label in _LABEL_SET), key=span_order)
    return ScoredSpans(tuple(kept), dropped, 0)


def overlap(a: Span, b: Span) -> int:
    """Characters two spans have in common (0 when disjoint)."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_spans(gold: Sequence[Span], pred: Sequence[Span], same_label: bool) -> list[tuple[int, int]]:
    """Pair overlapping spans one-to-one; returns (gold index, pred index) pairs.

    Pairs are taken best first: identical boundaries, then the same label,
    then the larger overlap, ties broken by position. With `same_label` only
    spans of one label can pair. Greedy best-first is exact for flat
    annotation (each span overlaps few others) and deterministic otherwise.
    """
    candidates: list[tuple[int, int, int, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            common = overlap(g, p)
            if common == 0 or (same_label and g.label != p.label):
                continue
            exact = g.start == p.start and g.end == p.end
            candidates.append((-int(exact), -int(g.label == p.label), -common, gi, pi))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for *_, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi))
    return sorted(pairs)


@dataclass(frozen=True)
class TokenSpans:
    """Spans as token index ranges [first, last] (inclusive) with a label."""

    spans: tuple[tuple[int, int, str], ...]
    unaligned: int  # spans whose edges fell inside a token (snapped outwards)
    lost: int  # spans with no token left to carry them (inside one token taken by another span)


def to_token_spans(spans: Sequence[Span], tokens: Sequence[Token]) -> TokenSpans:
    """Map character spans onto tokens: a span covers every token it overlaps.

    A span whose start or end falls inside a token is snapped outwards to the
    token edges and counted as `unaligned`. Spans are taken in order; a token
    already covered by an earlier span stays with it, so a span that overlaps
    an earlier one only keeps its free tokens, and one with none is `lost`.
    """
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    result: list[tuple[int, int, str]] = []
    unaligned = lost = 0
    taken_until = -1  # last token index already covered
    for span in sorted(spans, key=span_order):
        first = bisect_right(ends, span.start)  # first token ending after span.start
        last = bisect_left(starts, span.end) - 1  # last token starting before span.end
        if first > last:
            lost += 1
            unaligned += 1
            continue
        if starts[first] != span.start or ends[last] != span.end:
            unaligned += 1
        first = max(first, taken_until + 1)
        if first > last:
            lost += 1
            continue
        result.append((first, last, span.label))
        taken_until = last
    return TokenSpans(tuple(result), unaligned, lost)


def token_labels(token_spans: TokenSpans, n_tokens: int, outside: str = "O") -> list[str]:
    """One label per token: the label of the span covering it, else `outside`."""
    labels = [outside] * n_tokens
    for first, last, label in token_spans.spans:
        for i in range(first, last + 1):
            labels[i] = label
    return labels


def iob2_tags(token_spans: TokenSpans, n_tokens: int) -> list[str]:
    """IOB2 tags (B-X on the first token of each span, I-X after, O outside)."""
    tags = ["O"] * n_tokens
    for first, last, label in token_spans.spans:
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags
