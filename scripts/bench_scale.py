"""Batch runs at scale: words/s, CPU time and peak memory for 1 and 2 workers, Dask, and spaCy's own ceiling.

Builds seeded corpora from the shipped texts in corpus/ (not committed; under --work, default build/bench-scale):
- `1k`, `10k`: 1,000 / 10,000 short documents, each 2 to 5 consecutive sentences of a paragraph of a
  shipped text (about 90 words; the texts' paragraphs average 244 words, too long to be "short");
- `100mb`: a folder of about 100 MB (1,705 files of 40 shuffled paragraphs, about 60 KB each).

For each corpus, each configuration runs in its own process tree, end to end (start-up and model
loading included), writing one output file per document:
- `workers1`, `workers2`: `serge-corpus annotate FOLDER -o OUT --ner spacy --workers N` (`--ner` chooses;
  `--task segment` runs `segment` instead; `--validate` then also times `validate OUT`, streamed, same workers);
- `dask2`: the same with `--engine dask --workers 2` (a LocalCluster of 2 worker processes);
- `pipe1`, `pipe2`: spaCy's `nlp.pipe(n_process=N)` over the same paragraphs, the same model and
  components (NER only), nothing written: the ceiling.
Peak RSS is the largest sum of resident memory over the process tree, sampled every 0.2 s; peak
PSS the same for proportional set size (pages shared by forked workers counted once, so it is the
memory the tree really holds). CPU seconds are user + system time of the whole tree (less
dependent on what else the machine runs than wall time). The load average (1 min) before and
after each configuration is recorded with it. Per-document overhead = (workers1 - pipe1) /
documents, in wall and in CPU time: everything that is not the model (start-up included,
segmentation, dates, writing).

    nice -n 10 .venv/bin/python scripts/bench_scale.py [--sizes 1k,10k] [--configs ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"100": 100, "1k": 1_000, "10k": 10_000}  # 100: a smoke test of the script
PIPE_CONFIGS = ("pipe1", "pipe2")
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


def sentence_runs(paras: list[str]) -> list[list[str]]:
    """Each paragraph cut into sentences (at . ! ? followed by a space and a capital or a quote)."""
    return [re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", p) for p in paras]


RECIPE = "v2: short = 2-5 consecutive sentences; 100mb = files of 40 shuffled paragraphs"


def build(folder: Path, size: str, seed: int) -> Path:
    """The seeded corpus `size` in `folder` (kept between runs: same seed and recipe, same files)."""
    stamp = f"{RECIPE}; seed {seed}"
    if (folder / ".complete").is_file() and (folder / ".complete").read_text() == stamp:
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
        runs = [r for r in sentence_runs(paras) if len(r) >= 2]
        for i in range(SIZES[size]):
            sentences = rng.choice(runs)
            k = rng.randint(2, min(5, len(sentences)))
            start = rng.randint(0, len(sentences) - k)
            text = " ".join(sentences[start : start + k]) + "\n"
            (folder / f"doc{i:06d}.txt").write_text(text, encoding="utf-8")
    (folder / ".complete").write_text(stamp)
    return folder


def command(config: str, task: str, folder: Path, out: Path, ner: str) -> list[str]:
    """The command line of a configuration: `task` (annotate, segment, validate) over `folder`."""
    if config.startswith("pipe"):
        return [sys.executable, "-c", PIPE, str(folder), config[-1]]
    cli = [sys.executable, "-c", "from serge_corpus.cli import main; main()", task, str(folder)]
    if task == "annotate":
        cli += ["-o", str(out), "--ner", ner, "--force"]
    elif task == "segment":
        cli += ["-o", str(out), "--force"]
    if config == "dask2":
        return cli + ["--engine", "dask", "--workers", "2"]
    return cli + ["--workers", config[-1]]


def _tree_memory(process: psutil.Process) -> tuple[int, int]:
    """(RSS, PSS) summed over the process and its descendants; PSS falls back to RSS where it is unknown."""
    rss = pss = 0
    for p in [process, *process.children(recursive=True)]:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except psutil.Error:
            pass
    return rss, pss


def measure(cmd: list[str]) -> dict[str, Any]:
    """Wall seconds, CPU seconds, peak RSS and PSS (bytes) of the process tree, and the load around it."""
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "TQDM_DISABLE": "1"}
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a chatty child never blocks on it
        started = time.perf_counter()
        process = psutil.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        peak_rss = peak_pss = 0
        while process.poll() is None:
            rss, pss = _tree_memory(process)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(cmd[3:6])}… failed with exit status {process.returncode}\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mib": round(peak_rss / 2**20),
        "peak_pss_mib": round(peak_pss / 2**20),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def words_of(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in folder.glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k, 10k, 100mb")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench-scale")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--task", default="annotate", choices=("annotate", "segment"))
    parser.add_argument("--validate", action="store_true", help="after each run, time `validate OUT` (streamed)")
    parser.add_argument("--ner", default="spacy", help="the backend the annotate configurations use")
    parser.add_argument("--build-only", action="store_true", help="build the corpora and stop")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for size in args.sizes.split(","):
        folder = build(args.work / size, size, args.seed)
        if args.build_only:
            print(f"{folder}: {sum(1 for _ in folder.glob('*.txt')):,} files, {words_of(folder):,} words")
            continue
        documents = sum(1 for _ in folder.glob("*.txt"))
        words = words_of(folder)
        for config in args.configs.split(","):
            out = args.work / f"out-{size}-{config}"
            shutil.rmtree(out, ignore_errors=True)
            steps = [("pipe" if config in PIPE_CONFIGS else args.task, folder)]
            if args.validate and config not in PIPE_CONFIGS:
                steps.append(("validate", out))
            for task, source in steps:
                measured = measure(command(config, task, source, out, args.ner))
                rows.append(
                    {
                        "corpus": size,
                        "documents": documents,
                        "words": words,
                        "task": task,
                        "config": config,
                        "ner": "spacy" if config in PIPE_CONFIGS else args.ner if task == "annotate" else None,
                        **measured,
                        "words_per_s": round(words / measured["seconds"]),
                    }
                )
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
                if args.json:  # written after every row: an interrupted run keeps what it measured
                    args.json.write_text(json.dumps(rows, indent=1) + "\n")
            shutil.rmtree(out, ignore_errors=True)
    if rows:
        print(markdown(rows))


def markdown(rows: list[dict[str, Any]]) -> str:
    """The table and the ratios the targets are about."""
    lines = [
        "| corpus | documents | words | task | configuration | seconds | CPU s | words/s | peak RSS MiB "
        "| peak PSS MiB | load before/after |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['corpus']} | {r['documents']:,} | {r['words']:,} | {r['task']}"
            f"{' (' + r['ner'] + ')' if r['ner'] else ''} | {r['config']} | {r['seconds']} | {r['cpu_seconds']} | "
            f"{r['words_per_s']:,} | {r['peak_rss_mib']} | {r['peak_pss_mib']} | {r['load_before']}/{r['load_after']} |"
        )
    for size, task in dict.fromkeys((r["corpus"], r["task"]) for r in rows):
        by = {r["config"]: r for r in rows if r["corpus"] == size and r["task"] in (task, "pipe")}
        notes = []
        if "workers1" in by and "workers2" in by:
            notes.append(f"workers2 speed-up {by['workers1']['seconds'] / by['workers2']['seconds']:.2f}x")
        if "dask2" in by and "workers2" in by:
            notes.append(f"dask2 / workers2 time {by['dask2']['seconds'] / by['workers2']['seconds']:.2f}")
        if task == "annotate" and "workers1" in by and "pipe1" in by:
            n = by["workers1"]["documents"]
            wall = (by["workers1"]["seconds"] - by["pipe1"]["seconds"]) / n * 1000
            cpu = (by["workers1"]["cpu_seconds"] - by["pipe1"]["cpu_seconds"]) / n * 1000
            notes.append(f"per-document overhead over nlp.pipe {wall:.1f} ms wall, {cpu:.1f} ms CPU")
        if notes and task != "pipe":
            lines.append(f"\n{size} {task}: " + "; ".join(notes))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
