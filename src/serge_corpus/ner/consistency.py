"""One sense per discourse: a document's confident labels lend themselves to its other mentions.

Two passes over one document's predicted spans (dates are the dates module's
business and are left alone):

1. A PERSON with a full name lends PERSON to the bare surname elsewhere in the
   document (`Venustiano Carranza` … `Carranza`): a differently labelled span
   of the surname is relabelled, an unlabelled capitalised mention is added.
2. A string labelled the same way in at least `share` of its labelled
   mentions (and at least twice) lends that label to its other labelled
   mentions and to its unlabelled ones (`Chiang` PERSON ×4, GPE ×1 → PERSON ×5),
   unless the generic gazetteer gives that string another label.

Surnames must be capitalised words the document never writes in lowercase,
not Roman numerals, not gazetteer names. Only running prose (body, author
notes) lends and receives.

Added spans never overlap an existing one and sit on word boundaries. It runs
after all blocks of a document are predicted (`annotate` calls it for
backends whose `consistency` is on), since a document may be larger than one
prediction batch.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from serge_corpus.model import Block, Span

SKIP_LABELS = frozenset({"DATE"})
# Running prose only: titles and bibliographic lines are where models mis-cut names (`Maria S. Letters`).
PROSE = frozenset({"body", "author_note"})
MIN_SHARE = 2 / 3


def word_occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every whole-word occurrence of `needle` (exact case)."""
    pattern = re.escape(needle)
    if needle[:1].isalnum():
        pattern = r"(?<![\w-])" + pattern
    if needle[-1:].isalnum():
        pattern += r"(?![\w-])"
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


ROMAN = re.compile(r"^[IVXLC]+$")


def surname(span: Span, lowercase_words: frozenset[str], places: frozenset[str]) -> str | None:
    """The last word of a multi-word PERSON name, if it can stand alone (`Carranza`; not `I.`, `III`,
    a word the document also writes in lowercase (`The`), nor a place name (`Omsk` of a mis-cut name))."""
    words = span.text.split()
    if span.label != "PERSON" or len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    last = words[-1]
    if len(last) < 3 or not last[0].isupper() or not last.replace("-", "").isalpha() or ROMAN.match(last):
        return None
    if last.lower() in lowercase_words or last in places:
        return None
    return last


def loose(text: str, start: int, end: int) -> bool:
    """Not a piece of a longer name: no hyphen glued on, no capitalised word right beside it
    (`Pacific` of `Pacific Fleet`), a word opening a sentence excepted."""
    before = text[:start].rstrip()
    after = text[end:].lstrip()
    if text[start - 1 : start] == "-" or text[end : end + 1] == "-":
        return False
    if after[:1].isupper() and end < len(text) and text[end] == " ":
        return False
    prev = before.split()[-1] if before.split() else ""
    opens_sentence = not prev or prev[-1] in '.!?:;"“(' or prev in {"—", "–"}
    return opens_sentence or not (prev[:1].isupper() and start > 0 and text[start - 1] == " ")


def _free(spans: Sequence[Span], start: int, end: int) -> bool:
    return all(end <= s.start or start >= s.end for s in spans)


def _with(spans: list[Span], start: int, end: int, label: str, text: str, rule: str) -> list[Span]:
    """`spans` with the span (start, end) labelled `label`: relabelled if present, else added when free
    and not part of a longer name. A span the surname pass set is not relabelled again."""
    for i, span in enumerate(spans):
        if (span.start, span.end) == (start, end):
            if span.label in SKIP_LABELS or span.label == label or span.extra.get("consistency") == "surname":
                return spans
            extra = {**span.extra, "consistency": rule, "was": span.label}
            spans[i] = Span(start, end, label, span.text, span.date, extra)
            return spans
    if _free(spans, start, end) and loose(text, start, end):
        spans.append(Span(start, end, label, text[start:end], None, {"source": "consistency", "consistency": rule}))
    return spans


def document_consistency(
    blocks: Sequence[Block], predicted: Mapping[str, Sequence[Span]], share: float = MIN_SHARE
) -> dict[str, list[Span]]:
    """The predicted spans (block id -> spans) after both passes, document by document."""
    out = {block_id: list(spans) for block_id, spans in predicted.items()}
    by_doc: dict[str, list[Block]] = defaultdict(list)
    for block in blocks:
        if block.id in out:
            by_doc[block.doc_id].append(block)
    for doc_blocks in by_doc.values():
        _one_document(doc_blocks, out, share)
    for block_id in out:
        out[block_id].sort(key=lambda s: s.start)
    return out


def _one_document(blocks: Sequence[Block], out: dict[str, list[Span]], share: float) -> None:
    from serge_corpus.ner.learned import gazetteer_labels

    blocks = [b for b in blocks if b.block in PROSE]
    spans = [s for b in blocks for s in out[b.id] if s.label not in SKIP_LABELS]
    lowercase = frozenset(w for b in blocks for w in re.findall(r"\b[a-z][a-z-]+\b", b.text))
    known = gazetteer_labels()
    places = frozenset(known)
    surnames = {name for s in spans if (name := surname(s, lowercase, places))}
    for block in blocks:
        for name in sorted(surnames):
            for start, end in word_occurrences(block.text, name):
                out[block.id] = _with(out[block.id], start, end, "PERSON", block.text, "surname")
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for block in blocks:
        for span in out[block.id]:
            if span.label not in SKIP_LABELS:
                votes[span.text][span.label] += 1
    confident: dict[str, str] = {}
    for text, counts in votes.items():
        label, n = counts.most_common(1)[0]
        # A name the gazetteer knows never lends another label (`Vladivostok` is no PERSON however often
        # a model says so).
        if text in known and known[text] != label:
            continue
        if n >= 2 and n / sum(counts.values()) >= share and len(text) >= 2 and text[0].isupper():
            confident[text] = label
    for block in blocks:
        for text in sorted(confident, key=lambda t: (-len(t), t)):
            for start, end in word_occurrences(block.text, text):
                out[block.id] = _with(out[block.id], start, end, confident[text], block.text, "majority")
