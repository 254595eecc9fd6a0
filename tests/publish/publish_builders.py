"""Builders for the publish tests: a project in tmp with a withheld essay, a CC BY-SA text, their gold, a recipe.

The tests never read the shipped corpus: they build both documents, segment
them with the project's segmenter, mark a few spans (a date with its date
object among them) and write the gold the way build-gold lays it out.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from serge_corpus.corpus import load_corpus, sha256_text
from serge_corpus.jsonl import write_records
from serge_corpus.model import Block, DateValue, Span
from serge_corpus.segment import segment_document

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
MARKS = {
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


def mark(blocks: list[Block], marks: list[tuple[str, str, DateValue | None]]) -> list[Block]:
    """Spans at the first occurrence of each surface after the previous one (offsets relative to blocks)."""
    out: list[Block] = []
    queue = list(marks)
    for block in blocks:
        spans: list[Span] = []
        at = 0
        while queue and queue[0][0] in block.text[at:]:
            surface, label, date = queue.pop(0)
            start = block.text.index(surface, at)
            spans.append(Span(start, start + len(surface), label, surface, date))
            at = start + len(surface)
        out.append(replace(block.with_spans(spans), meta={**block.meta, "status": "gold"}))
    assert not queue, queue
    return out


class Project:
    """Paths of the tmp project, and helpers to write its gold."""

    def __init__(self, root: Path):
        self.root = root
        self.corpus = root / "corpus"
        self.recipe = root / "annotations" / "gold.json"
        self.gold = root / "annotations" / "gold"

    def write(
        self, essay: str = ESSAY, wiki: str = WIKI, version: str | None = "0.2.0", essay_rights: dict | None = None
    ) -> None:
        self.corpus.mkdir(parents=True, exist_ok=True)
        (self.corpus / "essay.txt").write_text(essay, encoding="utf-8")
        (self.corpus / "wiki.txt").write_text(wiki, encoding="utf-8")
        base = {"title": "t", "author": "a", "language": "en", "provenance": "test"}
        manifest = {
            "documents": [
                {
                    "doc_id": "essay",
                    "path": "essay.txt",
                    "sha256": sha256_text(essay),
                    **base,
                    "licence": "all rights reserved",
                    **(essay_rights or {}),
                },
                {
                    "doc_id": "wiki",
                    "path": "wiki.txt",
                    "sha256": sha256_text(wiki),
                    **base,
                    "licence": "CC BY-SA 3.0",
                    "licence_id": "CC-BY-SA-3.0",
                    "redistributable": True,
                    "attribution": "Wikipedia contributors, “Battle of Verdun”",
                    "source": "https://en.wikipedia.org/",
                },
            ]
        }
        (self.corpus / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        corpus = load_corpus(self.corpus)
        splits: dict[str, list[Block]] = {"train": [], "test": []}
        for doc_id in ("essay", "wiki"):
            blocks = mark(segment_document(corpus.load(doc_id)), MARKS[doc_id])
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
