"""The one interface every NER backend obeys, and the post-processing they share.

A backend is "blocks in, spans out": `predict(blocks)` returns one list of
`Span`s per block, labelled with the guidelines' labels only, flat (no
overlaps), trimmed to the guidelines' boundaries. Backends differ only in how
they find candidate `(start, end, label)` triples; `finalize_spans` turns
candidates into spans the same way for all of them, so a boundary rule is
fixed in one place (`boundaries.py`).

A backend class also provides, for the registry:
- `name: str` (class attribute),
- `unavailable_reason() -> str | None` (classmethod; None when it can run),
- keyword-only options in `__init__` (the registry rejects unknown ones),
- optionally `info: dict[str, str]` describing the model it loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

from serge_corpus.model import Block, Span, Token
from serge_corpus.ner.boundaries import BoundaryPolicy, adjust_span, snap_to_tokens


@runtime_checkable
class NerBackend(Protocol):
    """Text + tokens in, spans out."""

    name: str

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        """One list of spans per block, in block order (empty for boilerplate)."""
        ...


Candidate = tuple[int, int, str]
"""A raw prediction: character offsets relative to the block text, guidelines label."""


def annotatable(block: Block) -> bool:
    """Blocks a backend should look at: not boilerplate, some text."""
    return block.annotated and bool(block.text.strip())


def finalize_spans(
    block: Block,
    candidates: Iterable[Candidate],
    policy: BoundaryPolicy,
    source: str,
    tokens: Sequence[Token] | None = None,
) -> list[Span]:
    """Snap to tokens, apply the boundary rules, and flatten.

    `tokens` defaults to the block's own tokens; with none, offsets are kept
    as the backend gave them. Overlaps left after trimming (a model's nested
    or duplicated guesses) are resolved longest-first, then leftmost, then
    first-predicted.
    """
    toks = block.tokens if tokens is None else tokens
    trimmed: list[Candidate] = []
    for start, end, label in candidates:
        if toks:
            start, end = snap_to_tokens(start, end, toks)
        for s, e in adjust_span(block.text, start, end, label, policy):
            if label in policy.require_capital_labels and not any(c.isupper() for c in block.text[s:e]):
                continue  # `soviets`, `communists`: lowercase generic words are not entities (guidelines §3)
            trimmed.append((s, e, label))
    kept = flatten(trimmed)
    return [make_span(block, s, e, label, {"source": source}) for s, e, label in kept]


def flatten(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Keep a non-overlapping subset: longer first, then leftmost, then input order."""
    order = sorted(range(len(candidates)), key=lambda i: (-(candidates[i][1] - candidates[i][0]), candidates[i][0], i))
    kept: list[Candidate] = []
    for i in order:
        s, e, _ = candidates[i]
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append(candidates[i])
    return sorted(kept)


def make_span(block: Block, start: int, end: int, label: str, extra: dict[str, Any] | None = None) -> Span:
    return Span(start=start, end=end, label=label, text=block.text[start:end], extra=dict(extra or {}))


def backend_info(backend: NerBackend) -> dict[str, str]:
    """What a backend says about itself (model name, version…), for record metadata."""
    info = getattr(backend, "info", None)
    return dict(info) if info else {"backend": backend.name}
