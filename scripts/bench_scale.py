"""Batch annotation at scale: words/s and peak memory for 1 and 2 workers, Dask, and spaCy's own ceiling.

Builds seeded corpora from the shipped texts in corpus/ (not committed; under --work):
- `1k`, `10k`: 1,000 / 10,000 short documents, each one paragraph of a shipped text (20 words or more);
- `100mb`: a folder of about 100 MB, files of about 40 KB of shuffled paragraphs.

For each corpus, each configuration runs in its own process tree, end to end (start-up and model
loading included), writing one output file per document:
- `workers1`, `workers2`: `serge-corpus annotate FOLDER -o OUT --ner spacy --workers N` (`--ner` chooses);
- `dask2`: the same with `--engine dask --workers 2` (a LocalCluster of 2 worker processes);
- `pipe1`, `pipe2`: spaCy's `nlp.pipe(n_process=N)` over the same paragraphs, the same model and
  components (NER only), nothing written: the ceiling.
Peak RSS is the largest sum of resident memory over the process tree, sampled every 0.1 s;
CPU seconds are user + system time of the whole tree (it does not depend on what else the
machine runs, wall time does). Per-document overhead = (workers1 - pipe1) / documents, in wall
and in CPU time: everything that is not the model (start-up included, segmentation, dates, writing).

    nice -n 10 .venv/bin/python scripts/bench_scale.py [--sizes 1k,10k] [--configs ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"1k": 1_000, "10k": 10_000}
CONFIGS = ("workers1", "workers2", "dask2", "pipe1", "pipe2")
PIPE = """
import sys, time
from pathlib import Path
from serge_corpus.ner.spacy_backend import load_ner_pipeline, resolve_model
nlp = load_ner_pipeline(resolve_model(None))
paragraphs = [p.strip() for f in sorted(Path(sys.argv[1]).glob("*.txt"))
              for p in f.read_text(encoding="utf-8").split("\\n\\n") if p.strip()]
for doc in nlp.pipe(paragraphs, batch_size=64, n_process=int(sys.argv[2])):
    pass
print(sum(len(p.split()) for p in paragraphs))
"""


def paragraphs() -> list[str]:
    """Prose paragraphs (20 words or more) of every shipped text."""
    out: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        out += [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) >= 20]
    return out


def build(folder: Path, size: str, seed: int) -> Path:
    """The seeded corpus `size` in `folder` (kept between runs: same seed, same files)."""
    if (folder / ".complete").is_file():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    paras = paragraphs()
    if size == "100mb":
        written, i = 0, 0
        while written < 100 * 1024 * 1024:
            text = "\n\n".join(rng.sample(paras, k=min(len(paras), 40))) + "\n"
            (folder / f"doc{i:06d}.txt").write_text(text, encoding="utf-8")
            written += len(text.encode("utf-8"))
            i += 1
    else:
        for i in range(SIZES[size]):
            text = rng.choice(paras) + "\n"
            (folder / f"doc{i:06d}.txt").write_text(text, encoding="utf-8")
    (folder / ".complete").write_text("")
    return folder


def command(config: str, folder: Path, out: Path, ner: str) -> list[str]:
    if config.startswith("pipe"):
        return [sys.executable, "-c", PIPE, str(folder), config[-1]]
    cli = [
        sys.executable,
        "-c",
        "from serge_corpus.cli import main; main()",
        "annotate",
        str(folder),
        "-o",
        str(out),
        "--ner",
        ner,
        "--force",
    ]
    if config == "dask2":
        return cli + ["--engine", "dask", "--workers", "2"]
    return cli + ["--workers", config[-1]]


def measure(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of the process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "TQDM_DISABLE": "1"}
    started = time.perf_counter()
    process = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}… failed with exit status {process.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, peak


def words_of(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k, 10k, 100mb")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--work", type=Path, default=Path("/tmp/serge-bench-scale"))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--ner", default="spacy", help="the backend the annotate configurations use")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for size in args.sizes.split(","):
        folder = build(args.work / size, size, args.seed)
        documents = sum(1 for _ in folder.glob("*.txt"))
        words = words_of(folder)
        for config in args.configs.split(","):
            out = args.work / f"out-{size}-{config}"
            shutil.rmtree(out, ignore_errors=True)
            seconds, cpu, peak = measure(command(config, folder, out, args.ner))
            rows.append(
                {
                    "corpus": size,
                    "documents": documents,
                    "words": words,
                    "config": config,
                    "ner": "spacy" if config.startswith("pipe") else args.ner,
                    "seconds": round(seconds, 1),
                    "cpu_seconds": round(cpu, 1),
                    "words_per_s": round(words / seconds),
                    "peak_rss_mib": round(peak / 2**20),
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            shutil.rmtree(out, ignore_errors=True)
    print("| corpus | documents | words | configuration | NER | seconds | CPU seconds | words/s | peak RSS (MiB) |")
    print("|---|---:|---:|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['corpus']} | {r['documents']:,} | {r['words']:,} | {r['config']} | {r['ner']} | {r['seconds']} | "
            f"{r['cpu_seconds']} | {r['words_per_s']:,} | {r['peak_rss_mib']} |"
        )
    for size in dict.fromkeys(r["corpus"] for r in rows):
        by = {r["config"]: r for r in rows if r["corpus"] == size}
        if "workers1" in by and "workers2" in by:
            print(
                f"\n{size}: workers2 / workers1 = {by['workers1']['seconds'] / by['workers2']['seconds']:.2f}x", end=""
            )
        if "dask2" in by and "workers2" in by:
            print(f"; dask2 / workers2 time = {by['dask2']['seconds'] / by['workers2']['seconds']:.2f}", end="")
        if "workers1" in by and "pipe1" in by:
            n = by["workers1"]["documents"]
            wall = (by["workers1"]["seconds"] - by["pipe1"]["seconds"]) / n * 1000
            cpu = (by["workers1"]["cpu_seconds"] - by["pipe1"]["cpu_seconds"]) / n * 1000
            print(f"; per-document overhead over nlp.pipe = {wall:.1f} ms wall, {cpu:.1f} ms CPU", end="")
    print()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
