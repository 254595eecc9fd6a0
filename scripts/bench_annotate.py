"""Time every stage of `serge-corpus annotate` on the same text, in one run.

Stages: segmentation, each NER backend's `predict`, the date pass
(`apply_dates`), the whole `annotate` with the spaCy backend and with the
default backend (the generic pipeline a user's own text gets, and with the
corpus patterns, as a corpus document gets), and spaCy's own `nlp.pipe` (NER
only, the same loaded model) as the yardstick: the whole annotate run
(segmentation included) with the spaCy backend must stay within 1.25x of it,
and the default within 1.5x of `--ner spacy`. Each stage runs in a fresh subprocess so its peak
memory (max RSS) is its own; time is the best of `--repeats` runs after one
warm-up, model loading excluded.

    .venv/bin/python scripts/bench_annotate.py [--repeat-text 5] [--repeats 3] [--json OUT]

Prints a Markdown table: words/second and peak RSS per stage.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STAGES = (
    "segment",
    "spacy_nlp_pipe",
    "ner_spacy",
    "ner_gazetteer",
    "ner_ensemble",
    "dates",
    "annotate_spacy",
    "annotate_default",
    "annotate_default_patterns",
)


def load_text(repeat: int) -> str:
    text = (ROOT / "corpus" / "serge-afterword.txt").read_text(encoding="utf-8")
    return "\n\n\n".join([text] * repeat)


def prepare(stage: str, text: str) -> Callable[[], Any]:
    """Set up a stage (untimed) and return the call to time."""
    from serge_corpus.corpus import sha256_text
    from serge_corpus.model import Document
    from serge_corpus.segment import segment

    document = Document(doc_id="bench", text=text, sha256=sha256_text(text))
    if stage == "segment":
        return lambda: segment(document)
    blocks = segment(document)
    if stage == "spacy_nlp_pipe":
        from serge_corpus.ner.base import annotatable
        from serge_corpus.ner.spacy_backend import SpacyBackend

        backend = SpacyBackend()
        texts = [b.text for b in blocks if annotatable(b)]
        return lambda: list(backend.nlp.pipe(texts, batch_size=backend.batch_size))
    if stage.startswith("ner_"):
        from serge_corpus.ner import get_backend

        backend = get_backend(stage.removeprefix("ner_"))
        return lambda: backend.predict(blocks)
    if stage == "dates":
        from serge_corpus.dates import apply_dates

        return lambda: apply_dates(blocks)
    if stage.startswith("annotate_"):
        from serge_corpus.annotate import annotate, annotate_blocks, default_backend

        name = "spacy" if stage == "annotate_spacy" else default_backend()
        patterns = ROOT / "annotations" / "patterns.jsonl" if stage == "annotate_default_patterns" else None
        annotate_blocks(blocks[:4], ner=name, patterns=patterns)  # loads the model outside the timing
        return lambda: annotate(document, ner=name, patterns=patterns)  # segmentation included
    raise SystemExit(f"unknown stage {stage!r}; known: {', '.join(STAGES)}")


def run_stage(stage: str, repeat_text: int, repeats: int) -> dict[str, Any]:
    text = load_text(repeat_text)
    call = prepare(stage, text)
    call()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    best = min(times)
    words = len(text.split())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "stage": stage,
        "words": words,
        "seconds": round(best, 4),
        "words_per_second": round(words / best),
        "peak_rss_mib": round(peak_mib, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat-text", type=int, default=5, help="afterword copies in the input")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.repeat_text, args.repeats)))
        return
    rows = []
    for stage in STAGES:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--stage",
                stage,
                "--repeat-text",
                str(args.repeat_text),
                "--repeats",
                str(args.repeats),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{stage}: done", file=sys.stderr)
    by = {r["stage"]: r for r in rows}
    ratio = by["annotate_spacy"]["seconds"] / by["spacy_nlp_pipe"]["seconds"]
    print(f"Input: the afterword x{args.repeat_text} ({rows[0]['words']:,} words), best of {args.repeats}.\n")
    print("| stage | seconds | words/s | peak RSS (MiB) |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['stage']} | {r['seconds']} | {r['words_per_second']:,} | {r['peak_rss_mib']} |")
    default_ratio = by["annotate_default"]["seconds"] / by["annotate_spacy"]["seconds"]
    patterns_ratio = by["annotate_default_patterns"]["seconds"] / by["annotate_spacy"]["seconds"]
    print(f"\nannotate (spacy backend) / spaCy nlp.pipe = {ratio:.2f} (target <= 1.25)")
    print(
        f"annotate (default) / annotate --ner spacy = {default_ratio:.2f}; with the corpus patterns "
        f"{patterns_ratio:.2f} (target <= 1.5)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": rows,
                    "annotate_over_pipe": ratio,
                    "default_over_spacy": default_ratio,
                    "default_patterns_over_spacy": patterns_ratio,
                },
                indent=2,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
