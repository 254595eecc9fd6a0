"""`apply_dates`: the pipeline hook that puts dates into NER-annotated blocks.

For every annotated block, in reading order:

1. detect the block's temporal expressions (no NER needed);
2. settle conflicts with the NER's non-DATE spans (guidelines §1, "the larger
   named unit wins"):
   - a WORK_OF_ART overlapping a date wins (the date belongs to the title);
   - any other named span that contains the date and is longer wins
     ("Revolution of 1917" as EVENT);
   - but a named span that swallowed a parenthetical date is cut before the
     "(" and the date kept ("G. Zinoviev (1883-1936)" -> PERSON + DATE);
   - otherwise the date wins and the shorter named span is dropped; labels
     the guidelines do not annotate (CARDINAL, …) always lose to a date;
3. NER DATE spans overlapping a detected date are replaced by the detector's
   boundaries; the others ("NER-only") are trimmed of leading articles and
   prepositions, then (DECISIONS D114, D117, D122, D123):
   - a vague time word ("Afterwards", "daily": `not_dates.vague`) is dropped;
   - when the detector, told the span is a date, reads one expression in it,
     the span is cut to that expression ("extreme winter" -> "winter") and
     resolved against the reference (with a DCT, by the news rules of a
     detected date, D189); a bare month after "the" is attributive
     ("the October insurrection") and dropped;
   - when it reads nothing, a span holding a linking word (`not_dates.links`,
     "end of the Civil War") or a unit without a quantity ("Civil War years",
     "century") is dropped; anything else ("Christmas") is kept, value null;
   - a NER DATE that already carries a date object is kept as it is;
4. every date is resolved against the running reference time, which flows
   from block to block; only `body` blocks move it (a caption, note or
   bibliographic reference is not the narrative);
5. the result is flat: no overlapping spans.

Boilerplate blocks are returned unchanged. The function is pure and
deterministic: the same blocks give the same result, and running it on its own
output changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from serge_corpus.dates.detect import detector_for
from serge_corpus.dates.expression import Expression
from serge_corpus.dates.find import check_anchor, core_bounds, keep_conventions
from serge_corpus.dates.news import with_news_readings, with_news_tense
from serge_corpus.dates.resolve import ReferenceTime
from serge_corpus.dates.timeline import Lookahead, lookaheads_of, opens_sentence
from serge_corpus.dates.vocab import Vocabulary, load_vocabulary
from serge_corpus.model import UNANNOTATED_LABELS, Block, DateValue, Span

# Blocks whose dates are the story's time; the others resolve without moving it.
NARRATIVE_BLOCKS: frozenset[str] = frozenset({"body"})
TITLE_LABEL = "WORK_OF_ART"
_WORD = re.compile(r"[^\W\d_]+")
_LAST_WORD = re.compile(r"(\w+)\W*\Z")


@dataclass(frozen=True)
class _DateItem:
    """A DATE span to be resolved: a detected expression or a NER-only span."""

    start: int
    end: int
    expression: Expression | None = None
    ner: Span | None = None
    # What the detector reads in a NER-only span (offsets into the span's text).
    reading: Expression | None = None


def apply_dates(
    blocks: Sequence[Block],
    *,
    anchor: str | None = None,
    dct: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Block]:
    """Blocks with normalised, reference-resolved DATE spans merged into their NER spans.

    `dct` (document creation time, EDTF) fixes deictic expressions and starts
    the reference time when no `anchor` is given (DECISIONS D158). The
    reference follows the narrative's main timeline across blocks (D170).
    """
    check_anchor(anchor)
    check_anchor(dct, "dct")
    vocab = vocabulary or load_vocabulary()
    plans = [_plan(block, vocab, dct) if block.annotated else None for block in blocks]
    ahead = _lookahead(blocks, plans, vocab)
    time = ReferenceTime(anchor or dct, dct)
    out: list[Block] = []
    for block, plan in zip(blocks, plans):
        if plan is None:
            out.append(block)
            continue
        out.append(block.with_spans(_resolve_block(block, plan, time, ahead)))
    return out


@dataclass(frozen=True)
class _BlockPlan:
    """One block's date items (detected or NER-only, flat, in order) and the named spans kept beside them."""

    items: list[_DateItem]
    named: list[Span]


def _plan(block: Block, vocab: Vocabulary, dct: str | None = None) -> _BlockPlan:
    """Detect a block's dates and settle them with its NER spans (steps 1-3 of the module docstring)."""
    text = block.text
    expressions = keep_conventions(detector_for(vocab).detect(text), "guidelines", dct)
    if dct is not None:
        expressions = with_news_readings(expressions, text)
    named = [s for s in block.spans if s.label != "DATE"]
    ner_dates = [s for s in block.spans if s.label == "DATE"]
    expressions, named = _settle(expressions, named, text)
    items = [_DateItem(e.start, e.end, expression=e) for e in expressions]
    for span in ner_dates:
        if any(span.overlaps(n) for n in named) or any(e.start < span.end and span.start < e.end for e in expressions):
            continue
        item = _ner_only(span, text, vocab, dct)
        if item is not None:
            items.append(item)
    items.sort(key=lambda i: (i.start, i.end))
    return _BlockPlan(_flat(items), named)


def _lookahead(blocks: Sequence[Block], plans: Sequence[_BlockPlan | None], vocab: Vocabulary) -> dict[int, Lookahead]:
    """The timeline's lookahead (D170) of every detected expression of the narrative blocks, by id()."""
    exprs: list[Expression] = []
    scenes: list[bool] = []
    for block, plan in zip(blocks, plans):
        if plan is None or block.block not in NARRATIVE_BLOCKS:
            continue
        for item in plan.items:
            if item.expression is not None:
                exprs.append(item.expression)
                scenes.append(opens_sentence(block.text, item.start, vocab.scene_words))
    return {id(e): a for e, a in zip(exprs, lookaheads_of(exprs, scenes))}


def _resolve_block(block: Block, plan: _BlockPlan, time: ReferenceTime, ahead: dict[int, Lookahead]) -> list[Span]:
    """The spans of one block after the date pass; `time` moves along with its narrative dates."""
    text = block.text
    narrative = block.block in NARRATIVE_BLOCKS
    dates: list[Span] = []
    for item in plan.items:
        if item.expression is not None:
            date = time.step(item.expression, ahead.get(id(item.expression)), narrative)
            dates.append(Span(item.start, item.end, "DATE", text[item.start : item.end], date))
        else:
            ner_span = item.ner
            assert ner_span is not None
            reading = item.reading
            date = ner_span.date or (time.step(reading, narrative=False) if reading else DateValue("DATE", None))
            dates.append(replace(ner_span, date=date))
    return _flatten_named(plan.named, dates)


def _settle(expressions: list[Expression], named: list[Span], text: str) -> tuple[list[Expression], list[Span]]:
    """Resolve overlaps between detected dates and named spans (rules in the module docstring)."""
    kept: list[Expression] = []
    named = list(named)
    for expr in expressions:
        wins = True
        for i, span in enumerate(named):
            if span is None or not (span.start < expr.end and expr.start < span.end):
                continue
            if span.label in UNANNOTATED_LABELS:
                named[i] = None  # type: ignore[call-overload]
                continue
            cut = _cut_before_parenthesis(span, expr, text)
            if cut is not None:
                named[i] = cut  # type: ignore[call-overload]
                continue
            span_longer = span.end - span.start > expr.end - expr.start
            contains = span.start <= expr.start and expr.end <= span.end
            if span.label == TITLE_LABEL or (contains and span_longer) or (span_longer and not contains):
                wins = False
                break
            named[i] = None  # type: ignore[call-overload]
        if wins:
            kept.append(expr)
    return kept, [s for s in named if s is not None]


def _cut_before_parenthesis(span: Span, expr: Expression, text: str) -> Span | None:
    """The named span cut before the "(" of the parenthetical date it swallowed, or None."""
    if not expr.parenthetical or not (span.start < expr.start and expr.end <= span.end):
        return None
    open_at = text.rfind("(", span.start, expr.start)
    if open_at < 0:
        open_at = text.rfind("[", span.start, expr.start)
    if open_at <= span.start:
        return None
    end = open_at
    while end > span.start and text[end - 1].isspace():
        end -= 1
    if end <= span.start:
        return None
    return replace(span, end=end, text=text[span.start : end])


def _ner_only(span: Span, text: str, vocab: Vocabulary, dct: str | None = None) -> _DateItem | None:
    """A NER DATE span that the detector did not find, as a date item, or None to drop it (rules above)."""
    trimmed = _trim(span, text, vocab)
    if trimmed is None:
        return None
    if span.date is not None:
        return _DateItem(trimmed.start, trimmed.end, ner=trimmed)
    if " ".join(trimmed.text.lower().split()) in vocab.not_dates_vague:
        return None
    reading = _reading(trimmed.text, vocab)
    if reading is None:
        words = set(_WORD.findall(trimmed.text.lower()))
        if words & vocab.not_dates_links or words & set(vocab.units):
            return None
        return _DateItem(trimmed.start, trimmed.end, ner=trimmed)
    start, end = trimmed.start + reading.start, trimmed.start + reading.end
    if reading.rule == "bare_month" and _previous_word(text, start) in vocab.month_attributive_after:
        return None  # "the October insurrection": part of a name (D114)
    cut = replace(trimmed, start=start, end=end, text=text[start:end])
    if dct is not None:  # news: the same tense rules as a detected date, read in the block's sentence (D189)
        reading = with_news_tense(replace(reading, start=start, end=end), text)
    return _DateItem(start, end, ner=cut, reading=replace(reading, start=0, end=end - start))


def _reading(text: str, vocab: Vocabulary) -> Expression | None:
    """The one expression the detector reads in a text known to be a date: the one covering it, else the only one."""
    expressions = detector_for(vocab).detect(text, whole=True)
    for expr in expressions:
        if expr.start == 0 and expr.end == len(text):
            return expr
    return expressions[0] if len(expressions) == 1 else None


def _previous_word(text: str, start: int) -> str:
    m = _LAST_WORD.search(text, max(0, start - 32), start)
    return m[1].lower() if m else ""


def _trim(span: Span, text: str, vocab: Vocabulary) -> Span | None:
    """A NER DATE span without leading articles/prepositions and edge punctuation."""
    start, end = core_bounds(span.text, vocab)
    if start >= end:
        return None
    start, end = span.start + start, span.start + end
    if (start, end) == (span.start, span.end):
        return span
    return replace(span, start=start, end=end, text=text[start:end])


def _flat(items: list[_DateItem]) -> list[_DateItem]:
    """Drop NER-only dates that overlap an earlier kept item (detected ones never overlap)."""
    out: list[_DateItem] = []
    for item in items:
        if out and item.start < out[-1].end:
            if item.expression is not None and out[-1].expression is None:
                out[-1] = item
            continue
        out.append(item)
    return out


def _flatten_named(named: list[Span], dates: list[Span]) -> list[Span]:
    """Dates plus the named spans that overlap nothing kept; among named spans, the longer wins."""
    kept: list[Span] = list(dates)
    for span in sorted(named, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(span.overlaps(k) for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))
