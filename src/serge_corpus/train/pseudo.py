"""Labels the guidelines do not annotate, kept so a fine-tuned model does not forget them.

The pretrained pipeline predicts eighteen OntoNotes labels; the guidelines
annotate eleven (§3). A gold block is silent about CARDINAL, MONEY, TIME…:
trained on it as it is, the model would learn that "three hundred" is no
entity and unlearn those labels (its other knowledge drifts with them). So
before fine-tuning, every training block gets the pretrained model's own
predictions for the labels the label map sends to null (`data/ner_label_map.json`,
scheme `ontonotes`) wherever they do not overlap a gold span: the gold
decides everything the guidelines define, the pretrained model the rest.

*Pseudo-rehearsal* (option `rehearsal`) goes further: extra unannotated text
(any text file or segments JSONL) is annotated entirely by the pretrained
model (all eighteen labels) and mixed into training, which keeps more of the
model's general knowledge on texts unlike the gold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from serge_corpus.model import Block, Span
from serge_corpus.ner.base import annotatable, flatten
from serge_corpus.ner.boundaries import snap_to_tokens
from serge_corpus.ner.labels import load_label_map


def unannotated_labels(scheme: str = "ontonotes") -> list[str]:
    """Model labels the guidelines do not annotate: those the label map drops."""
    mapping = load_label_map(scheme).mapping
    return sorted(label for label, target in mapping.items() if target is None)


def _raw_ents(nlp: Any, blocks: Sequence[Block]) -> list[list[tuple[int, int, str]]]:
    todo = [i for i, b in enumerate(blocks) if annotatable(b)]
    out: list[list[tuple[int, int, str]]] = [[] for _ in blocks]
    for i, doc in zip(todo, nlp.pipe((blocks[i].text for i in todo), batch_size=64)):
        out[i] = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    return out


def _snapped(block: Block, start: int, end: int) -> tuple[int, int]:
    return snap_to_tokens(start, end, block.tokens) if block.tokens else (start, end)


def keep_other_labels(nlp: Any, blocks: Sequence[Block], labels: Sequence[str]) -> tuple[list[Block], int]:
    """Blocks with the pretrained model's `labels` spans added where no gold span is; and how many."""
    wanted = set(labels)
    out: list[Block] = []
    added = 0
    for block, ents in zip(blocks, _raw_ents(nlp, blocks)):
        extra: list[Span] = []
        for start, end, label in ents:
            if label not in wanted:
                continue
            s, e = _snapped(block, start, end)
            if s >= e or any(s < g.end and g.start < e for g in [*block.spans, *extra]):
                continue
            extra.append(Span(s, e, label, block.text[s:e], extra={"source": "pretrained"}))
        added += len(extra)
        out.append(block.with_spans([*block.spans, *extra]) if extra else block)
    return out, added


def rehearsal_blocks(nlp: Any, blocks: Sequence[Block]) -> list[Block]:
    """Unannotated blocks labelled entirely by the pretrained model (pseudo-rehearsal data)."""
    out: list[Block] = []
    for block, ents in zip(blocks, _raw_ents(nlp, blocks)):
        if not annotatable(block):
            continue
        kept = flatten([(*_snapped(block, s, e), label) for s, e, label in ents])
        spans = [Span(s, e, label, block.text[s:e], extra={"source": "pretrained"}) for s, e, label in kept if s < e]
        out.append(block.with_spans(spans))
    return out
