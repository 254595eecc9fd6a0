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
from typing import Literal, TypedDict

from serge_corpus.annotate import Annotated, annotate_blocks, corpus_patterns, load_blocks, report_markdown
from serge_corpus.corpus import Corpus
from serge_corpus.evaluate.bootstrap import Interval
from serge_corpus.evaluate.evaluation import Evaluation, EvaluationMeta, metric_interval, metric_value
from serge_corpus.jsonl import write_records, write_text
from serge_corpus.model import Block

# Annotates blocks with one backend; the CLI passes one with a progress bar.
Annotator = Callable[[list[Block], str], Annotated]


@dataclass
class DocumentRun:
    doc_id: str
    written: list[Path] = field(default_factory=list)
    scores: dict[str, Evaluation] = field(default_factory=dict)  # backend -> evaluation against gold
    preds: dict[str, Path] = field(default_factory=dict)
    gold: Path | None = None


def run_document(
    corpus: Corpus,
    doc_id: str,
    out: Path,
    backends: Sequence[str],
    annotator: Annotator | None = None,
    bootstrap: int = 1000,
) -> DocumentRun:
    """Segment, annotate with every backend, evaluate each against gold if present."""
    annotate_with = annotator or (
        lambda blocks, name: annotate_blocks(blocks, ner=name, patterns=corpus_patterns(corpus, blocks))
    )
    run = DocumentRun(doc_id)
    blocks = load_blocks(corpus.load(doc_id))
    run.written.append(_records(out / "segments" / f"{doc_id}.jsonl", blocks))
    results = [annotate_with(blocks, name) for name in backends]
    preds = {results[0].backend: _records(out / "pre" / f"{doc_id}.jsonl", results[0].blocks)}
    for result in results[1:]:
        preds[result.backend] = _records(out / "pre" / f"{doc_id}.{result.backend}.jsonl", result.blocks)
    run.written += preds.values()
    run.preds = dict(preds)
    report = out / "reports" / f"{doc_id}.annotate.md"
    write_text(report, report_markdown(doc_id, results))
    run.written.append(report)
    gold = out / "gold" / f"{doc_id}.jsonl"
    if gold.is_file():
        run.gold = gold
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


@dataclass
class CorpusRun:
    documents: list[DocumentRun]
    groups: dict[str, list[str]]  # "in-sample" / "out-of-sample" -> doc ids
    pooled: dict[str, dict[str, Evaluation]] = field(default_factory=dict)  # group -> backend -> scores
    written: list[Path] = field(default_factory=list)


def sample_groups(corpus: Corpus) -> dict[str, list[str]]:
    """Documents the rules and date decisions were fitted to (manifest `in_sample: true`) and the others."""
    groups: dict[str, list[str]] = {"in-sample": [], "out-of-sample": []}
    for entry in corpus.entries:
        groups["in-sample" if entry.get("in_sample") else "out-of-sample"].append(entry["doc_id"])
    return groups


def pooled_scores(runs: Sequence[DocumentRun], bootstrap: int = 1000) -> dict[str, Evaluation]:
    """Each backend against the gold of several documents at once (records pooled; blocks resampled)."""
    import tempfile

    from serge_corpus.evaluate import evaluate_files
    from serge_corpus.jsonl import read_records

    scored = [r for r in runs if r.gold is not None]
    if not scored:
        return {}
    out: dict[str, Evaluation] = {}
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold.jsonl"
        write_records(gold, [b for r in scored for b in read_records(r.gold)])  # type: ignore[arg-type]
        for name in scored[0].preds:
            pred = Path(tmp) / f"{name}.jsonl"
            write_records(pred, [b for r in scored for b in read_records(r.preds[name])])
            out[name] = evaluate_files(gold, pred, bootstrap=bootstrap, seed=0)
    return out


def corpus_markdown(run: CorpusRun) -> str:
    """Every backend per document, and pooled in-sample vs out-of-sample, with 95% CIs."""
    names = list(run.documents[0].scores) if run.documents and run.documents[0].scores else []
    lines = [
        "# Backends against the gold, per document and pooled",
        "",
        "Made by `serge-corpus run`. Point estimate [95% bootstrap CI, blocks resampled, seed 0].",
        "**In-sample**: documents the rules backend's gazetteer and the date decisions were written on",
        "(manifest `in_sample: true`): their figures measure fit, not accuracy. **Out-of-sample**: the others.",
        "",
    ]
    for title, key in (
        ("NER strict F1", "ner.strict.f1"),
        ("DATE value F1 (span + value)", "dates.value.f1"),
        ("DATE extraction strict F1", "dates.strict.f1"),
    ):
        lines += [
            f"## {title}",
            "",
            "| document | group | " + " | ".join(names) + " |",
            "|---|---|" + "---|" * len(names),
        ]
        for group, doc_ids in run.groups.items():
            for doc in run.documents:
                if doc.doc_id in doc_ids and doc.scores:
                    cells = " | ".join(_with_ci(doc.scores[n], key) for n in names)
                    lines.append(f"| {doc.doc_id} | {group} | {cells} |")
        for group, scores in run.pooled.items():
            if scores:
                lines.append(
                    f"| **all {group} ({len(run.groups[group])} docs, pooled)** | {group} | "
                    + " | ".join(_with_ci(scores[n], key) for n in names)
                    + " |"
                )
        lines.append("")
    return "\n".join(lines)


class FolderEvaluation(TypedDict):
    """`evaluate` on two folders: each document both hold, then all of them pooled."""

    documents: dict[str, Evaluation]  # doc id -> its evaluation
    pooled: Evaluation


def evaluate_folders(gold_dir: Path, pred_dir: Path, bootstrap: int = 1000, seed: int = 0) -> FolderEvaluation:
    """Every DOC.jsonl that both folders hold, evaluated per document and pooled (`evaluate` on folders).

    The pooled result adds up each document's counts (`evaluate.pooling`): equal to scoring all the
    records as one file, without writing one; its `meta` names the two folders.
    """
    from serge_corpus.errors import Problem, SergeCorpusError
    from serge_corpus.evaluate import evaluate_files
    from serge_corpus.evaluate.pairing import pair_blocks, read_predictions, read_reference
    from serge_corpus.evaluate.pooling import add_counts, count_pairs, empty_counts, summarize_counts
    from serge_corpus.segment import tokenize

    names = sorted(p.name for p in gold_dir.glob("*.jsonl") if (pred_dir / p.name).is_file())
    if not names:
        raise SergeCorpusError(Problem("E140", f"no DOC.jsonl file is in both {gold_dir} and {pred_dir}"))
    documents = {
        name[: -len(".jsonl")]: evaluate_files(gold_dir / name, pred_dir / name, bootstrap=bootstrap, seed=seed)
        for name in names
    }
    total = empty_counts()
    for name in names:
        pairs = pair_blocks(read_reference(gold_dir / name), read_predictions(pred_dir / name))
        add_counts(total, count_pairs(pairs, tokenize))
    meta: EvaluationMeta = {"gold": str(gold_dir), "pred": str(pred_dir), "records": total.records}
    pooled = summarize_counts(total, bootstrap=bootstrap, seed=seed, meta=meta)
    return {"documents": documents, "pooled": pooled}


def folders_markdown(result: FolderEvaluation) -> str:
    """Headline metrics per document and pooled, with 95% CIs."""
    rows = {**result["documents"], "**pooled**": result["pooled"]}
    lines = ["| document | " + " | ".join(title for title, _ in HEADLINES) + " |", "|---|" + "---|" * len(HEADLINES)]
    for doc_id, scores in rows.items():
        lines.append(f"| {doc_id} | " + " | ".join(_with_ci(scores, key) for _, key in HEADLINES) + " |")
    return "\n".join(lines) + "\n"


def corpus_summary(corpus: Corpus, runs: Sequence[DocumentRun], out: Path, bootstrap: int = 1000) -> Path | None:
    """OUT/reports/corpus.evaluation.md (+ .json) when some document has a gold; else None."""
    import json

    if not any(r.scores for r in runs):
        return None
    groups = sample_groups(corpus)
    run = CorpusRun(list(runs), groups)
    run.pooled = {
        group: pooled_scores([r for r in runs if r.doc_id in ids], bootstrap) for group, ids in groups.items()
    }
    path = out / "reports" / "corpus.evaluation.md"
    write_text(path, corpus_markdown(run))
    summary = {
        "groups": groups,
        "documents": {r.doc_id: {n: _headline(s) for n, s in r.scores.items()} for r in runs if r.scores},
        "pooled": {g: {n: _headline(s) for n, s in scores.items()} for g, scores in run.pooled.items()},
    }
    write_text(path.with_suffix(".json"), json.dumps(summary, indent=2) + "\n")
    return path


class Headline(TypedDict):
    value: float | None
    low: float | None
    high: float | None


def _headline(result: Evaluation) -> dict[str, Headline]:
    out: dict[str, Headline] = {}
    for _title, key in HEADLINES:
        ci = metric_interval(result, key)
        out[key] = {"value": metric_value(result, key), "low": _bound(ci, "low"), "high": _bound(ci, "high")}
    return out


def _bound(ci: Interval | None, side: Literal["low", "high"]) -> float | None:
    return None if ci is None else ci[side]


HEADLINES = (
    ("NER strict F1", "ner.strict.f1"),
    ("NER exact F1", "ner.exact.f1"),
    ("NER partial F1", "ner.partial.f1"),
    ("NER type F1", "ner.type.f1"),
    ("seqeval F1", "ner.seqeval.f1"),
    ("DATE extraction strict F1", "dates.strict.f1"),
    ("DATE value F1 (span + value)", "dates.value.f1"),
)


def comparison_markdown(doc_id: str, gold: Path, scores: dict[str, Evaluation]) -> str:
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
        lines.append(
            f"| {label} | " + " | ".join(_with_ci(scores[n], f"ner.per_label.{label}.strict.f1") for n in names) + " |"
        )
    return "\n".join(lines) + "\n"


def _with_ci(result: Evaluation, key: str) -> str:
    value = metric_value(result, key)
    if value is None:
        return "n/a"
    ci = metric_interval(result, key)
    if ci is not None:
        return f"{value:.3f} [{ci['low']:.3f}, {ci['high']:.3f}]"
    return f"{value:.3f}"
