"""What a release holds: the version, documents and splits of the gold recipe, and the gold records.

`annotations/gold.json` is either one document (`doc_id`, `splits`, …) or
several (`"version"` and `"documents": [{"doc_id", "splits", …}]`). The
records are the built gold: `annotations/gold/DOC.jsonl` per document and
`annotations/gold/SPLIT.jsonl` per split, validated against the corpus sources
(sha256-checked), so a release is only ever made from a gold that matches its
texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serge_corpus.corpus import load_corpus
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records
from serge_corpus.model import Block
from serge_corpus.publish.rights import DocumentRights, read_rights

# Semantic versioning, with an optional pre-release part (0.2.0, 1.0.0-rc.1).
VERSION = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$")
SPLIT_ORDER = ("train", "validation", "dev", "test")


@dataclass(frozen=True)
class Recipe:
    """The parts of the gold recipe a release needs."""

    version: str | None
    doc_ids: tuple[str, ...]
    split_names: tuple[str, ...]


@dataclass(frozen=True)
class GoldRelease:
    """Everything a release is made from, read and checked."""

    version: str
    documents: dict[str, DocumentRights]
    records: dict[str, list[Block]]
    splits: dict[str, list[Block]]
    # doc_id -> text of every corpus document that may NOT be redistributed (for the leak check),
    # in the recipe or not: a shared text that quotes any of them is refused too.
    withheld: dict[str, str]

    @property
    def redistributable(self) -> set[str]:
        return {d for d, rights in self.documents.items() if rights.redistributable}


def read_recipe(path: str | Path) -> Recipe:
    path = Path(path)
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", "gold recipe", file=str(path)))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E501", f"not valid JSON: {err.msg}", file=str(path), line=err.lineno)) from err
    return parse_recipe(data, str(path))


def parse_recipe(data: Any, file: str) -> Recipe:
    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E501", "expected a JSON object", file=file))
    documents = data.get("documents", [data] if "doc_id" in data else None)
    if not isinstance(documents, list) or not documents:
        raise SergeCorpusError(Problem("E501", "no `doc_id` and no `documents` list", file=file, field="documents"))
    problems: list[Problem] = []
    doc_ids: list[str] = []
    splits: set[str] = set()
    for index, doc in enumerate(documents):
        where = f"documents[{index}]" if "documents" in data else "recipe"
        if not isinstance(doc, dict) or not isinstance(doc.get("doc_id"), str):
            problems.append(Problem("E501", f"{where} has no string doc_id", file=file, field="doc_id"))
            continue
        if not isinstance(doc.get("splits"), dict) or not doc["splits"]:
            problems.append(Problem("E501", f"{where} has no `splits` object", file=file, field="splits"))
            continue
        doc_ids.append(doc["doc_id"])
        splits.update(str(name) for name in doc["splits"])
    problems += [
        Problem("E501", f"doc_id {d!r} is also a split name; their files would collide", file=file, field="doc_id")
        for d in doc_ids
        if d in splits
    ]
    version = data.get("version")
    if version is not None and (not isinstance(version, str) or not VERSION.match(version)):
        problems.append(Problem("E502", f"version {version!r}", file=file, field="version"))
    if problems:
        raise SergeCorpusError(problems)
    ordered = sorted(splits, key=lambda s: (SPLIT_ORDER.index(s) if s in SPLIT_ORDER else len(SPLIT_ORDER), s))
    return Recipe(version, tuple(doc_ids), tuple(ordered))


def choose_version(recipe: Recipe, given: str | None, file: str) -> str:
    """--version wins (a pre-release of the recipe's version, say); else the recipe's."""
    version = given if given is not None else recipe.version
    if version is None:
        raise SergeCorpusError(
            Problem("E502", "the recipe has no `version` and --version was not given", file=file, field="version")
        )
    if not VERSION.match(version):
        raise SergeCorpusError(Problem("E502", f"--version {version!r}", field="version"))
    return version


def read_gold(
    recipe_path: str | Path, gold_dir: str | Path, corpus_root: str | Path, version: str | None = None
) -> GoldRelease:
    """The recipe's documents and splits, their built gold records and each document's rights."""
    recipe = read_recipe(recipe_path)
    chosen = choose_version(recipe, version, str(recipe_path))
    rights = read_rights(corpus_root)
    corpus = load_corpus(corpus_root)
    missing = [d for d in recipe.doc_ids if d not in rights]
    if missing:
        raise SergeCorpusError([Problem("E061", d, file=str(recipe_path), field="doc_id") for d in missing])
    sources = {d: corpus.load(d).text for d in recipe.doc_ids}
    gold = Path(gold_dir)
    records = {d: read_records(gold / f"{d}.jsonl", sources) for d in recipe.doc_ids}
    splits = {name: read_records(gold / f"{name}.jsonl", sources) for name in recipe.split_names}
    check_partition(records, splits, str(gold))
    return GoldRelease(
        version=chosen,
        documents={d: rights[d] for d in recipe.doc_ids},
        records=records,
        splits=splits,
        withheld=withheld_texts(corpus_root),
    )


def withheld_texts(corpus_root: str | Path) -> dict[str, str]:
    """doc_id -> sha256-checked text of every corpus document whose text may not be published."""
    rights = read_rights(corpus_root)
    corpus = load_corpus(corpus_root)
    return {d: corpus.load(d).text for d in sorted(rights) if not rights[d].redistributable}


def check_partition(records: Mapping[str, list[Block]], splits: Mapping[str, list[Block]], where: str) -> None:
    """The splits hold every gold record exactly once, and nothing else."""
    all_ids = {b.id for blocks in records.values() for b in blocks}
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for name, blocks in splits.items():
        for block in blocks:
            if block.id in seen:
                problems.append(
                    Problem("E501", f"in splits {seen[block.id]} and {name}", file=where, record_id=block.id)
                )
            elif block.id not in all_ids:
                problems.append(
                    Problem(
                        "E501", f"split {name} holds a record of no recipe document", file=where, record_id=block.id
                    )
                )
            seen[block.id] = name
    problems += [Problem("E501", "in no split file", file=where, record_id=rid) for rid in sorted(all_ids - set(seen))]
    if problems:
        raise SergeCorpusError(problems)
