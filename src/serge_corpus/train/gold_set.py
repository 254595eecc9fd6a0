"""The gold as training data: splits, documents, units that folds never cut.

A gold folder (written by `serge-corpus build-gold`) holds `train.jsonl`,
`dev.jsonl` and `test.jsonl` (all documents together) and one `DOC.jsonl`
per document. Training reads the three splits; every record is validated by
`jsonl.read_records` (labels E032, overlaps E033, offsets…) and checked again
here, so blocks given through the Python API are refused the same way.

A *unit* is what cross-validation never cuts: a body section of a document
(`(doc_id, section)`) or, for blocks outside the body sections (title,
caption, notes…), the block kind within its document. `--cv` by document
uses the document as the unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import read_records
from serge_corpus.model import LABELS, Block

SPLITS: tuple[str, ...] = ("train", "dev", "test")


@dataclass(frozen=True)
class GoldSet:
    """The gold's blocks by split, in file order; `files` maps split -> path read."""

    splits: dict[str, list[Block]]
    files: dict[str, str] = field(default_factory=dict)

    @property
    def blocks(self) -> list[Block]:
        return [b for name in SPLITS for b in self.splits.get(name, [])]

    @property
    def doc_ids(self) -> list[str]:
        """Documents in first-seen order."""
        return list(dict.fromkeys(b.doc_id for b in self.blocks))

    def of_docs(self, doc_ids: Iterable[str]) -> GoldSet:
        """The same splits restricted to `doc_ids` (E458 for an unknown one)."""
        wanted = list(doc_ids)
        check_doc_ids(wanted, self.doc_ids)
        keep = set(wanted)
        return GoldSet(
            {name: [b for b in blocks if b.doc_id in keep] for name, blocks in self.splits.items()}, dict(self.files)
        )


def check_doc_ids(wanted: Sequence[str], known: Sequence[str]) -> None:
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise SergeCorpusError(
            [Problem("E458", f"{d!r}; the gold holds {', '.join(known) or 'nothing'}", field="docs") for d in unknown]
        )


def load_gold(gold_dir: str | Path) -> GoldSet:
    """Read and check the three splits of a gold folder; every problem at once."""
    root = Path(gold_dir)
    missing = [name for name in SPLITS if not (root / f"{name}.jsonl").is_file()]
    if missing:
        raise SergeCorpusError(
            [Problem("E451", f"no {name}.jsonl", file=str(root / f"{name}.jsonl")) for name in missing]
        )
    problems: list[Problem] = []
    splits: dict[str, list[Block]] = {}
    files: dict[str, str] = {}
    for name in SPLITS:
        path = root / f"{name}.jsonl"
        files[name] = str(path)
        try:
            splits[name] = read_records(path)
        except SergeCorpusError as err:
            problems.extend(err.problems)
    if problems:
        raise SergeCorpusError(problems)
    gold = GoldSet(splits, files)
    check_training_blocks(gold.splits["train"], files["train"])
    return gold


def check_training_blocks(blocks: Sequence[Block], file: str | None = None) -> None:
    """Refuse data a model must not learn from: nothing annotated, foreign labels, overlaps."""
    problems: list[Problem] = []
    for block in blocks:
        for span in block.spans:
            if span.label not in LABELS:
                problems.append(
                    Problem(
                        "E452",
                        f"{span.label!r} on {span.text!r}; guidelines labels: {', '.join(LABELS)}",
                        file=file,
                        record_id=block.id,
                        field="spans.label",
                    )
                )
        ordered = sorted(block.spans, key=lambda s: (s.start, s.end))
        for a, b in zip(ordered, ordered[1:]):
            if a.overlaps(b):
                problems.append(
                    Problem(
                        "E453",
                        f"{a.text!r} [{a.start}, {a.end}) and {b.text!r} [{b.start}, {b.end})",
                        file=file,
                        record_id=block.id,
                        field="spans",
                    )
                )
    if not any(block.spans for block in blocks if block.annotated):
        problems.append(Problem("E450", f"{len(blocks)} records, no span to learn from", file=file))
    if problems:
        raise SergeCorpusError(problems)


Unit = tuple[str, str]
"""(doc_id, section number or block kind): a stretch of text folds never cut."""


def unit_of(block: Block, by: str = "section") -> Unit:
    if by == "document":
        return (block.doc_id, "*")
    if block.section is not None and block.block == "body":
        return (block.doc_id, str(block.section))
    return (block.doc_id, block.block)
