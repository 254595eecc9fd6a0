"""The main job over the whole corpus: segment, pre-annotate, evaluate against gold.

For every corpus document it writes
- OUT/segments/DOC.jsonl                 the segmented records,
- OUT/pre/DOC.jsonl                      the pre-annotation by the best backend,
- OUT/pre/DOC.BACKEND.jsonl              the same by each other backend,
- OUT/reports/DOC.annotate.md            entity counts per backend and every DATE span,
and, when a gold file OUT/gold/DOC.jsonl exists,
- OUT/reports/DOC.eval.BACKEND/          `evaluate` report (JSON, Markdown, PNG),
- OUT/reports/DOC.evaluation.md          backends side by side with 95% CIs.
It sits at the end of the data flow, so it may use every other module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from serge_corpus.annotate import Annotated, annotate_blocks, corpus_patterns, load_blocks, report_markdown
from serge_corpus.corpus import Corpus
from serge_corpus.jsonl import write_records, write_text
from serge_corpus.model import Block

# Annotates blocks with one backend; the CLI passes one with a progress bar.
Annotator = Callable[[list[Block], str], Annotated]


@dataclass
class DocumentRun:
    doc_id: str
    written: list[Path] = field(default_factory=list)
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)


def run_document(
    corpus: Corpus, doc_id: str, out: Path, backends: Sequence[str],
    annotator: Annotator | None = None, bootstrap: int = 1000,
) -> DocumentRun:
    """Segment, annotate with every backend, evaluate each against gold if present."""
    annotate_with = annotator or (
        lambda blocks, name: annotate_blocks(blocks, ner=name, patterns=corpus_patterns(corpus, blocks)))
    run = DocumentRun(doc_id)
    blocks = load_blocks(corpus.load(doc_id))
    run.written.append(_records(out / "segments" / f"{doc_id}.jsonl", blocks))
    results = [annotate_with(blocks, name) for name in backends]
    preds = {results[0].backend: _records(out / "pre" / f"{doc_id}.jsonl", results[0].blocks)}
    for result in results[1:]:
        preds[result.backend] = _records(out / "pre" / f"{doc_id}.{result.backend}.jsonl", result.blocks)
    run.written += preds.values()
    report = out / "reports" / f"{doc_id}.annotate.md"
    write_text(report, report_markdown(doc_id, results))
    run.written.append(report)
    gold = out / "gold" / f"{doc_id}.jsonl"
    if gold.is_file():
        from serge_corpus.evaluate import evaluate_files

        for name, pred in preds.items():
            folder = out / "reports" / f"{doc_id}.eval.{name}"
            run.scores[name] = evaluate_files(gold, pred, bootstrap=bootstrap, seed=0, report_dir=folder)
            run.written.append(folder)
        comparison = out / "reports" / f"{doc_id}.evaluation.md"
        write_text(comparison, comparison_markdown(doc_id, gold, run.scores))
        run.written.append(comparison)
    return run


def _records(path: Path, blocks: Sequence[Block]) -> Path:
    write_records(path, blocks)
    return path


HEADLINES = (
    ("NER strict F1", "ner.strict.f1"),
    ("NER exact F1", "ner.exact.f1"),
    ("NER partial F1", "ner.partial.f1"),
    ("NER type F1", "ner.type.f1"),
    ("seqeval F1", "ner.seqeval.f1"),
    ("DATE extraction strict F1", "dates.strict.f1"),
    ("DATE value F1 (span + value)", "dates.value.f1"),
)


def comparison_markdown(doc_id: str, gold: Path, scores: dict[str, dict[str, Any]]) -> str:
    """Headline metrics per backend, each with its bootstrap 95% interval."""
    names = list(scores)
    lines = [
        f"# Backends against the gold: {doc_id}",
        "",
        f"Reference: `{gold}`. Point estimate [95% bootstrap CI, blocks resampled, seed 0].",
        "Made by `serge-corpus run`; per-backend reports with error lists and plots are in the",
        f"`{doc_id}.eval.BACKEND/` folders beside this file.",
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for title, key in HEADLINES:
        lines.append(f"| {title} | " + " | ".join(_with_ci(scores[n], key) for n in names) + " |")
    lines += ["", "Per-label strict F1:", "", "| label | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    labels = next(iter(scores.values()))["ner"]["per_label"]
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(_with_ci(scores[n], f"ner.per_label.{label}.strict.f1") for n in names) + " |")
    return "\n".join(lines) + "\n"


def _with_ci(result: dict[str, Any], key: str) -> str:
    ci = result.get("ci", {}).get("metrics", {}).get(key)
    value: Any = result
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return "n/a"
    if ci and ci.get("low") is not None:
        return f"{value:.3f} [{ci['low']:.3f}, {ci['high']:.3f}]"
    return f"{value:.3f}"
