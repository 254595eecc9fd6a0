"""Builders shared by every test package: tokens, spans, blocks, seeded random gold/prediction pairs,
JSONL rows, and a small project with a gold for the publish tests.

`tests/` is on the import path (pyproject: [tool.pytest.ini_options] pythonpath), so any test
imports them with `from builders import make_block, find_span`.

Blocks are built from the model dataclasses. `make_block` gives whitespace tokens by default, so the
metric tests need neither spaCy nor the segmenter; `segmented_block` tokenises and splits sentences like
`segment` does; `full_record` fills every field a format may have to carry.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from serge_corpus.model import Block, DateValue, Sentence, Span, Token

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"  # one folder per test package: FIXTURES / "corrections", …


# ---------------------------------------------------------------- tokens and spans


def whitespace_tokens(text: str) -> tuple[Token, ...]:
    """One token per run of characters between single spaces."""
    tokens, pos = [], 0
    for word in text.split(" "):
        if word:
            tokens.append(Token(pos, pos + len(word), word))
        pos += len(word) + 1
    return tuple(tokens)


def span_at(
    text: str, start: int, end: int, label: str, date: DateValue | None = None, extra: dict | None = None
) -> Span:
    """The span [start, end) of `text`."""
    return Span(start, end, label, text[start:end], date, extra or {})


def find_span(
    where: str | Block,
    phrase: str,
    label: str,
    *,
    nth: int = 0,
    after: int = 0,
    date: DateValue | None = None,
    extra: dict | None = None,
) -> Span:
    """The span of the `nth` occurrence of `phrase` at or after `after` in a text or a block's text."""
    text = where if isinstance(where, str) else where.text
    start = after - 1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return span_at(text, start, start + len(phrase), label, date, extra)


Mark = tuple[str, str] | tuple[str, str, DateValue | None] | tuple[str, str, DateValue | None, dict]


def mark_spans(text: str, marks: Sequence[Mark]) -> list[Span]:
    """Spans given by (surface, label[, date[, extra]]), each found after the previous one."""
    spans: list[Span] = []
    at = 0
    for surface, label, *rest in marks:
        date = rest[0] if rest else None
        extra = rest[1] if len(rest) > 1 else None
        spans.append(find_span(text, surface, label, after=at, date=date, extra=extra))
        at = spans[-1].end
    return spans


def span_with_text(block: Block, text: str) -> Span | None:
    """The block's first span covering exactly `text`, if any."""
    return next((s for s in block.spans if s.text == text), None)


def texts(spans: Sequence[Span]) -> list[tuple[str, str]]:
    """(text, label) of each span: what most NER assertions compare."""
    return [(s.text, s.label) for s in spans]


# ---------------------------------------------------------------- blocks

Tokens = Literal["whitespace", "segmenter", "none"]
Sentences = Literal["whole", "segmenter", "none"] | Sequence[tuple[int, int]]


def make_block(
    text: str,
    spans: Sequence[Span] = (),
    *,
    id: str = "doc:0",
    doc_id: str | None = None,
    kind: str = "body",
    offset: int = 0,
    tokens: Tokens = "whitespace",
    sentences: Sentences = "whole",
    section: int | None = None,
    meta: dict | None = None,
    extra: dict | None = None,
) -> Block:
    """A block of `text` (doc id: the part of `id` before ":").

    `sentences`: "whole" is one sentence over the text of a body block and none elsewhere, "segmenter"
    the project's split, or (start, end) pairs as given.
    """
    toks: tuple[Token, ...] = ()
    if tokens == "whitespace":
        toks = whitespace_tokens(text)
    elif tokens == "segmenter":
        toks = _segmenter_tokens(text)
    if sentences == "whole":
        sents = (Sentence(0, len(text)),) if kind == "body" else ()
    elif sentences == "segmenter":
        from serge_corpus.segment import split_sentences

        sents = tuple(split_sentences(text, list(_segmenter_tokens(text))))
    elif sentences == "none":
        sents = ()
    else:
        sents = tuple(Sentence(s, e) for s, e in sentences)
    return Block(
        id=id,
        doc_id=doc_id if doc_id is not None else id.split(":")[0],
        block=kind,
        offset=offset,
        text=text,
        section=section,
        sentences=sents,
        tokens=toks,
        spans=tuple(sorted(spans, key=lambda s: (s.start, s.end))),
        meta=meta if meta is not None else {},
        extra=extra if extra is not None else {},
    )


def _segmenter_tokens(text: str) -> tuple[Token, ...]:
    from serge_corpus.segment import tokenize  # imported when asked: the metric tests do without it

    return tuple(tokenize(text))


def segmented_block(text: str, spans: Sequence[Span] = (), *, kind: str = "body", n: int = 0) -> Block:
    """A block with the project's tokens and sentences, like `segment` makes (id test:NNNN)."""
    return make_block(text, spans, id=f"test:{n:04d}", kind=kind, tokens="segmenter", sentences="segmenter")


def full_record(
    rid: str,
    text: str,
    marks: Sequence[Mark] = (),
    *,
    tokens: bool = True,
    sentences: bool = True,
    kind: str = "body",
    meta: dict | None = None,
    extra: dict | None = None,
) -> Block:
    """A record with every field set (offset, section, meta, extra, span extras), spans given by surface.

    With `sentences`, one sentence from the first token to the last (none without tokens).
    """
    block = make_block(
        text,
        mark_spans(text, marks),
        id=rid,
        doc_id="doc",
        kind=kind,
        offset=100,
        tokens="segmenter" if tokens else "none",
        sentences="none",
        section=3 if kind == "body" else None,
        meta=meta or {"status": "gold"},
        extra=extra or {},
    )
    if sentences and block.tokens:
        block = replace(block, sentences=(Sentence(block.tokens[0].start, block.tokens[-1].end),))
    return block


def tricky_records() -> list[Block]:
    """Emoji, accents, quotes, possessives, adjacent spans, full date objects, unknown fields."""
    noisy = DateValue("DATE", "1921-03", "START", None, True, {"x_source": "heuristic", "confidence": 0.5})
    return [
        full_record(
            "doc:0001",
            "👨🏻‍🚒 Victor Serge's “War Communism” began in early 1921 😀 in Petrograd.",
            [
                ("Victor Serge", "PERSON", None, {"source": "rules", "token_start": 99}),
                ("War Communism", "EVENT"),
                ("early 1921", "DATE", noisy),
                ("Petrograd", "GPE"),
            ],
            extra={"custom": [1, {"a": None}], "lang": "en"},
            meta={"status": "gold", "prodigy": {"answer": "accept"}, "annotator": "é"},
        ),
        full_record(
            "doc:0002",
            "Élan in 1934-38.\n\nThe “Communist International” (Comintern) lasted 𝔄 twenty-four years.",
            [
                ("1934-38", "DATE", DateValue("INTERVAL", "1934/1938")),
                ("Communist International", "ORG"),
                ("Comintern", "ORG"),
                ("twenty-four years", "DATE", DateValue("DURATION", "P24Y", anchor="1919")),
            ],
            tokens=False,
        ),
        full_record("doc:0003", "Menu • Home • About", kind="boilerplate", sentences=False),
        full_record("doc:0004", "", tokens=False, kind="caption"),
        full_record(
            "doc:0005",
            "Lenin's NEP\tand Trotsky  met\n L. Trotsky's son in 1923.",
            [
                ("Lenin", "PERSON"),
                ("NEP", "LAW"),
                ("Trotsky", "PERSON"),
                ("L. Trotsky", "PERSON"),
                ("1923", "DATE", DateValue("DATE", None, "END", "1922", True), {"note": "value unknown"}),
            ],
            kind="title",
            sentences=False,
        ),
    ]


def mark_blocks(blocks: Sequence[Block], marks: Sequence[Mark], status: str = "gold") -> list[Block]:
    """Spans at the first occurrence of each surface after the previous one, across consecutive blocks;
    every block gets `meta.status`."""
    out: list[Block] = []
    queue = list(marks)
    for block in blocks:
        taken: list[Mark] = []
        at = 0
        while queue and queue[0][0] in block.text[at:]:
            taken.append(queue.pop(0))
            at = block.text.index(taken[-1][0], at) + len(taken[-1][0])
        out.append(replace(block.with_spans(mark_spans(block.text, taken)), meta={**block.meta, "status": status}))
    assert not queue, queue
    return out


# ---------------------------------------------------------------- seeded random gold / prediction pairs

WORDS = ("Lenin", "Serge", "Party", "Moscow", "in", "the", "war", "1921", "Kronstadt", "of", "and", "Belgium")
RANDOM_LABELS = ("PERSON", "ORG", "GPE", "EVENT", "DATE")
OUTSIDE_LABELS = ("CARDINAL", "ORDINAL")  # not in the guidelines' label set
YEAR = DateValue("DATE", "1921")  # the date object of every random DATE span


def random_span(text: str, start: int, end: int, label: str) -> Span:
    """A span whose DATE label carries a date object, as validated records have."""
    return span_at(text, start, end, label, YEAR if label == "DATE" else None)


def random_text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def random_flat_spans(
    rng: random.Random, text: str, density: float, labels: Sequence[str] = RANDOM_LABELS
) -> list[Span]:
    """Non-overlapping token-aligned spans of 1-4 tokens (< 100 characters)."""
    tokens = whitespace_tokens(text)
    spans, i = [], 0
    while i < len(tokens):
        if rng.random() < density:
            j = min(len(tokens) - 1, i + rng.randint(0, 3))
            spans.append(random_span(text, tokens[i].start, tokens[j].end, rng.choice(labels)))
            i = j + 1 + rng.randint(0, 1)
        else:
            i += 1
    return spans


def perturb(rng: random.Random, text: str, gold: Sequence[Span], mode: str) -> list[Span]:
    """A flat prediction derived from gold: each span kept, relabelled, shifted or dropped."""
    tokens = whitespace_tokens(text)
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    pred: list[Span] = []
    for g in gold:
        roll = rng.random()
        if mode == "all_miss" or roll < 0.15:
            continue
        if mode == "wrong_labels" or roll < 0.3:
            other = rng.choice([x for x in RANDOM_LABELS + OUTSIDE_LABELS if x != g.label])
            pred.append(random_span(text, g.start, g.end, other))
        elif mode == "shifted" or roll < 0.5:
            first, last = starts[g.start], ends[g.end]
            if rng.random() < 0.5 and last > first:
                first += 1  # shrink from the left
            elif last + 1 < len(tokens):
                last += 1  # grow to the right (may touch the next gold span)
            pred.append(random_span(text, tokens[first].start, tokens[last].end, g.label))
        else:
            pred.append(g)
    # spurious spans in the gaps
    for extra in random_flat_spans(rng, text, 0.05, RANDOM_LABELS + OUTSIDE_LABELS):
        pred.append(extra)
    return flatten(pred)


def flatten(spans: Sequence[Span]) -> list[Span]:
    """Drop spans that overlap an earlier one (in start order) to keep a list flat."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if not out or s.start >= out[-1].end:
            out.append(s)
    return out


def random_pair(rng: random.Random, n_blocks: int, mode: str = "mixed") -> tuple[list[Block], list[Block]]:
    """Seeded random gold and prediction blocks of the same texts."""
    gold, pred = [], []
    for b in range(n_blocks):
        text = random_text(rng, rng.randint(0, 25))
        g = random_flat_spans(rng, text, 0.3)
        if mode == "independent":
            p = random_flat_spans(rng, text, 0.3, RANDOM_LABELS + OUTSIDE_LABELS)
        elif mode == "empty_pred":
            p = []
        else:
            p = perturb(rng, text, g, mode)
        gold.append(make_block(text, g, id=f"doc:{b}"))
        pred.append(make_block(text, p, id=f"doc:{b}"))
    return gold, pred


def with_spans(blocks: Sequence[Block], spans: Sequence[Sequence[Span]]) -> list[Block]:
    return [replace(b, spans=tuple(s)) for b, s in zip(blocks, spans)]


# ---------------------------------------------------------------- JSONL rows


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file, blank lines skipped (no validation: tests look at raw rows)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- corpora and a project with a gold (publish)


def write_corpus(folder: Path, texts: dict[str, str], fields: dict[str, dict] | None = None) -> Path:
    """A corpus folder: DOC.txt for each doc id -> text, and a manifest.json describing them
    (a CC0 test document unless `fields[doc_id]` says otherwise)."""
    from serge_corpus.corpus import sha256_text

    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for doc_id, text in texts.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        entries.append(
            {
                "doc_id": doc_id,
                "path": f"{doc_id}.txt",
                "title": doc_id,
                "author": "test",
                "language": "en",
                "sha256": sha256_text(text),
                "provenance": "written for the tests",
                "licence": "CC0",
                **(fields or {}).get(doc_id, {}),
            }
        )
    (folder / "manifest.json").write_text(json.dumps({"documents": entries}, indent=2), encoding="utf-8")
    return folder


ESSAY = """The Case of Comrade Tulayev

Victor Serge wrote the novel in Mexico between 1940 and 1942, far from the Paris he had left in June 1940.

The manuscript travelled to New York with friends who kept it safe while publishers hesitated for years.

In 1948 the novel finally appeared in French, a year after the death of its author in Mexico City.
"""

WIKI = """Battle of Verdun

The Battle of Verdun was fought from 21 February to 18 December 1916 on the Western Front in France.

It was one of the longest battles of the First World War and took place on the hills north of Verdun.
"""

# (surface, label, date object) per document, found left to right in the text
MARKS: dict[str, list[Mark]] = {
    "essay": [
        ("Victor Serge", "PERSON", None),
        ("Mexico", "GPE", None),
        ("between 1940 and 1942", "DATE", DateValue("INTERVAL", "1940/1942")),
        ("Paris", "GPE", None),
        ("June 1940", "DATE", DateValue("DATE", "1940-06")),
        ("New York", "GPE", None),
        ("1948", "DATE", DateValue("DATE", "1948")),
        ("French", "LANGUAGE", None),
        ("Mexico City", "GPE", None),
    ],
    "wiki": [
        ("Battle of Verdun", "EVENT", None),
        ("Battle of Verdun", "EVENT", None),
        ("from 21 February to 18 December 1916", "DATE", DateValue("INTERVAL", "1916-02-21/1916-12-18")),
        ("Western Front", "LOC", None),
        ("France", "GPE", None),
        ("First World War", "EVENT", None),
        ("Verdun", "GPE", None),
    ],
}


class Project:
    """A project in a temporary folder: a withheld essay and a CC BY-SA text, their gold, a recipe.

    The publish tests never read the shipped corpus: `write` builds both documents, segments them with
    the project's segmenter, marks `MARKS` (a date with its date object among them) and writes the gold
    the way build-gold lays it out.
    """

    def __init__(self, root: Path):
        self.root = root
        self.corpus = root / "corpus"
        self.recipe = root / "annotations" / "gold.json"
        self.gold = root / "annotations" / "gold"

    def write(
        self, essay: str = ESSAY, wiki: str = WIKI, version: str | None = "0.2.0", essay_rights: dict | None = None
    ) -> None:
        from serge_corpus.corpus import load_corpus
        from serge_corpus.jsonl import write_records
        from serge_corpus.segment import segment_document

        base = {"title": "t", "author": "a", "language": "en", "provenance": "test"}
        write_corpus(
            self.corpus,
            {"essay": essay, "wiki": wiki},
            {
                "essay": {**base, "licence": "all rights reserved", **(essay_rights or {})},
                "wiki": {
                    **base,
                    "licence": "CC BY-SA 3.0",
                    "licence_id": "CC-BY-SA-3.0",
                    "redistributable": True,
                    "attribution": "Wikipedia contributors, “Battle of Verdun”",
                    "source": "https://en.wikipedia.org/",
                },
            },
        )
        corpus = load_corpus(self.corpus)
        splits: dict[str, list[Block]] = {"train": [], "test": []}
        for doc_id in ("essay", "wiki"):
            blocks = mark_blocks(segment_document(corpus.load(doc_id)), MARKS[doc_id])
            write_records(self.gold / f"{doc_id}.jsonl", blocks)
            splits["train"] += blocks[:-1]
            splits["test"] += blocks[-1:]
        for name, blocks in splits.items():
            write_records(self.gold / f"{name}.jsonl", blocks)
        recipe: dict = {
            "documents": [
                {"doc_id": d, "pre": "x", "passes": {}, "adjudication": "x", "splits": {"train": [1], "test": [2]}}
                for d in ("essay", "wiki")
            ]
        }
        if version is not None:
            recipe["version"] = version
        self.recipe.write_text(json.dumps(recipe), encoding="utf-8")

    def options(self) -> dict:
        return {"recipe": self.recipe, "gold_dir": self.gold, "corpus": self.corpus}
