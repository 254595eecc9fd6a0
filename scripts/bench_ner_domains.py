"""NER backends in-domain (the afterword) and out of domain, strict F1 with bootstrap CIs.

    python scripts/bench_ner_domains.py [--wikiwars-gold DIR] [--bootstrap 1000] [--out reports/ner_domains]

Sets (DATE spans dropped on both sides: dates are the dates module's, scored by scripts/bench_dates.py):
- `afterword`: annotations/gold/serge-afterword.jsonl. The corpus patterns (annotations/patterns.jsonl) and the
  old vote policy were written reading this text: every row that uses them is in-sample there (marked `*`).
- `dev_ood`: annotations/dev_ood/ (8 WikiWars paragraphs, hand-annotated, single annotator; the generic layer
  was tuned while looking at it, so it is a development set, not a held-out one).
- `wikiwars4`: the gold of the four WikiWars corpus documents (`--wikiwars-gold`, a folder of gold JSONL files;
  skipped when absent). Nothing here was fitted on them.

Rows: each backend as a user gets it. `rules` and the ensembles get the corpus patterns on corpus documents
(afterword, wikiwars4), as `annotate`/`run` do, and none on dev_ood; `default` is `annotate`'s default
(ensemble, augment policy, document consistency). Writes JSON and Markdown.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from serge_corpus.evaluate import evaluate  # noqa: E402
from serge_corpus.jsonl import read_records, write_text  # noqa: E402
from serge_corpus.mentions import read_mentions, spans_from_mentions  # noqa: E402
from serge_corpus.model import Block  # noqa: E402
from serge_corpus.ner import get_backend  # noqa: E402
from serge_corpus.ner.consistency import document_consistency  # noqa: E402
from serge_corpus.ner.learned import ensemble_rows, fit, leave_one_document_out  # noqa: E402

PATTERNS = ROOT / "annotations" / "patterns.jsonl"
VOTE_POLICY = ROOT / "src" / "serge_corpus" / "data" / "ner_ensemble_vote.json"
# (row, backend, options, corpus patterns?, document consistency?)
ROWS = [
    ("spacy", "spacy", {}, False, False),
    ("gazetteer (generic)", "gazetteer", {}, False, False),
    ("rules (gazetteer + corpus patterns)", "rules", {}, True, False),
    ("ensemble, vote policy (the old default)", "ensemble", {"policy": str(VOTE_POLICY)}, True, False),
    ("ensemble, augment policy, no consistency", "ensemble", {}, True, False),
    ("default (ensemble, augment + consistency)", "ensemble", {}, True, True),
]


def no_dates(blocks: list[Block]) -> list[Block]:
    return [b.with_spans([s for s in b.spans if s.label != "DATE"]) for b in blocks]


def load_sets(wikiwars_gold: Path | None) -> dict[str, tuple[list[Block], bool]]:
    """name -> (gold blocks, is the set made of corpus documents)."""
    sets: dict[str, tuple[list[Block], bool]] = {
        "afterword": (read_records(ROOT / "annotations" / "gold" / "serge-afterword.jsonl"), True)
    }
    from serge_corpus.annotate import load_blocks

    texts = sorted(glob.glob(str(ROOT / "annotations" / "dev_ood" / "*.txt")))
    blocks = [b for f in texts for b in load_blocks(f)]
    sets["dev_ood"] = (
        spans_from_mentions(blocks, read_mentions(ROOT / "annotations" / "dev_ood" / "mentions.json")),
        False,
    )
    if wikiwars_gold is not None and wikiwars_gold.is_dir():
        files = [
            p
            for p in sorted(wikiwars_gold.glob("*.jsonl"))
            if p.stem not in {"serge-afterword", "train", "dev", "test"}
        ]
        if files:
            sets["wikiwars4"] = ([b for p in files for b in read_records(p)], True)
    return sets


def predict(row: tuple, gold: list[Block], corpus_doc: bool) -> tuple[list[Block], float]:
    _, name, options, with_patterns, consistency = row
    opts = dict(options)
    if with_patterns and corpus_doc:
        opts["patterns"] = str(PATTERNS)
    backend = get_backend(name, **opts)
    bare = [b.with_spans([]) for b in gold]
    start = time.perf_counter()
    spans = backend.predict(bare)
    predicted = {b.id: s for b, s in zip(bare, spans)}
    if consistency:
        predicted = document_consistency(bare, predicted)
    seconds = time.perf_counter() - start
    return [b.with_spans(predicted[b.id]) for b in bare], seconds


LEARNED_ROWS = [
    ("learned ensemble, leave-one-document-out", False),
    ("learned ensemble + consistency, leave-one-document-out", True),
]


class Learned:
    """Leave-one-document-out models over every gold document of every set: no figure is in-sample for them."""

    def __init__(self, sets: dict[str, tuple[list[Block], bool]]) -> None:
        self.generic = get_backend("ensemble")
        self.with_patterns = get_backend("ensemble", patterns=str(PATTERNS))
        self.corpus_docs = {b.doc_id for gold, corpus in sets.values() if corpus for b in gold}
        everything = [b for gold, _ in sets.values() for b in gold]
        self.rows = ensemble_rows(everything, self.runner_for)
        self.models = leave_one_document_out(self.rows)
        print(f"learned: {len(self.rows)} contested candidates, {len(self.models)} folds", flush=True)

    def runner_for(self, doc_id: str):  # type: ignore[no-untyped-def]
        return self.with_patterns if doc_id in self.corpus_docs else self.generic

    def predict(self, gold: list[Block], consistency: bool) -> tuple[list[Block], float]:
        bare = [b.with_spans([]) for b in gold]
        start = time.perf_counter()
        predicted: dict[str, list] = {}
        for doc_id in dict.fromkeys(b.doc_id for b in bare):
            blocks = [b for b in bare if b.doc_id == doc_id]
            backend = self.runner_for(doc_id)
            backend.learned = self.models.get(doc_id) or fit([r for r in self.rows if r.doc_id != doc_id])
            predicted.update({b.id: s for b, s in zip(blocks, backend.predict(blocks))})
            backend.learned = None
        if consistency:
            predicted = document_consistency(bare, predicted)
        return [b.with_spans(predicted[b.id]) for b in bare], time.perf_counter() - start


def write_model(learned: Learned, sets: dict[str, tuple[list[Block], bool]], args: argparse.Namespace) -> None:
    """The shipped model: the same rows as the folds, all documents at once."""
    from serge_corpus.ner.learned import model_json, model_sha256, training_meta

    sources = {b.doc_id: name for name, (gold, _) in sets.items() for b in gold}
    command = (
        f"python scripts/bench_ner_domains.py --wikiwars-gold {args.wikiwars_gold} --write-model {args.write_model}"
    )
    model = fit(learned.rows, meta=training_meta(learned.rows, sources, command))
    write_text(args.write_model, model_json(model))
    print(f"{args.write_model}: {len(model.features)} features, sha256 {model_sha256(model)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wikiwars-gold", type=Path, default=None)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "ner_domains")
    parser.add_argument(
        "--write-model",
        type=Path,
        default=None,
        help="fit the learned ensemble on every gold document of every set, write it, and stop",
    )
    args = parser.parse_args()
    sets = load_sets(args.wikiwars_gold)
    results: dict[str, dict[str, dict]] = {}
    learned = Learned(sets)
    if args.write_model is not None:
        write_model(learned, sets, args)
        return
    runs = [(row[0], row[3], (lambda g, c, row=row: predict(row, g, c))) for row in ROWS] + [
        (name, True, (lambda g, c, cons=cons: learned.predict(g, cons))) for name, cons in LEARNED_ROWS
    ]
    for row_name, uses_patterns, run in runs:
        results[row_name] = {}
        for set_name, (gold, corpus_doc) in sets.items():
            pred, seconds = run(gold, corpus_doc)
            r = evaluate(no_dates(gold), no_dates(pred), bootstrap=args.bootstrap, seed=0)
            strict = r["ner"]["strict"]
            ci = r["ci"]["metrics"]["ner.strict.f1"]
            in_sample = set_name == "afterword" and uses_patterns
            results[row_name][set_name] = {
                "precision": strict["precision"],
                "recall": strict["recall"],
                "f1": strict["f1"],
                "ci_low": ci["low"],
                "ci_high": ci["high"],
                "in_sample": in_sample,
                "gold_spans": strict["possible"],
                "seconds": round(seconds, 3),
            }
            print(
                f"{row_name:<55} {set_name:<10} F1 {strict['f1']:.3f} [{ci['low']:.3f}, {ci['high']:.3f}]"
                f"{' *in-sample' if in_sample else ''}",
                flush=True,
            )
    args.out.mkdir(parents=True, exist_ok=True)
    write_text(args.out / "ner_domains.json", json.dumps(results, indent=2) + "\n")
    names = list(sets)
    lines = [
        "| backend | " + " | ".join(f"{n} ({len(sets[n][0])} blocks)" for n in names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for row_name, per_set in results.items():
        cells = []
        for n in names:
            v = per_set[n]
            cells.append(f"{v['f1']:.3f} [{v['ci_low']:.3f}, {v['ci_high']:.3f}]{'*' if v['in_sample'] else ''}")
        lines.append(f"| {row_name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "Strict F1 (exact span and label), DATE excluded, [95% bootstrap CI over blocks, 1000 resamples, "
        "seed 0]. `*` in-sample: the corpus patterns were written reading the afterword."
    )
    write_text(args.out / "ner_domains.md", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
