"""Where a batch run's CPU goes, per process and phase: `--workers N` against `--engine dask --workers N`.

Runs `annotate FOLDER` through `run_batch` (one output file per document, under `--work`) for
each configuration, alternately (A B A B), each in a fresh Python process (the "client"), and
reports CPU seconds (user + system):
- `start`: the client until the engine is ready (loading the models, forking the workers;
  with Dask also importing distributed and starting the scheduler and the nannies);
- `client`: the client while the documents run (reading them, collecting outcomes; with Dask
  also the scheduler, the nannies and the client, which live here);
- `tasks`: the workers' threads inside `process_batch` (the annotation itself), and `workers`:
  the worker processes in all (their other threads: Dask's event loop, heartbeats, comms);
- `faults`: the workers' minor page faults inside `process_batch`.
The workers' figures are written by a wrapper of `process_batch` into files under `--work`.

    nice -n 10 .venv/bin/python scripts/batch_cpu_breakdown.py build/bench-scale/1k [--repeat 2] [--ner spacy]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import serge_corpus.batch.engines as engines  # noqa: E402
import serge_corpus.batch.runner as runner  # noqa: E402
from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, SourceSpec  # noqa: E402

STATS = Path(os.environ.get("SERGE_CORPUS_CPU_STATS", "build/cpu-breakdown/stats"))
_process_batch = engines.process_batch


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def counted_batch(tasks: Any, job: Any, words_to: Any = None) -> Any:
    """`process_batch`, adding its thread's CPU and page faults to a per-process file."""
    totals = sys.__dict__.setdefault("_serge_cpu_totals", [0.0, 0])  # one per process, wherever this runs
    before = resource.getrusage(resource.RUSAGE_THREAD)
    outcomes = _process_batch(tasks, job, words_to)
    after = resource.getrusage(resource.RUSAGE_THREAD)
    totals[0] += (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    totals[1] += after.ru_minflt - before.ru_minflt
    process = resource.getrusage(resource.RUSAGE_SELF)
    (STATS / str(os.getpid())).write_text(f"{totals[0]} {totals[1]} {process.ru_utime + process.ru_stime}")
    return outcomes


def measure(folder: Path, out: Path, engine: EngineSpec, ner: str) -> dict[str, Any]:
    shutil.rmtree(STATS, ignore_errors=True)
    STATS.mkdir(parents=True)
    marks: dict[str, float] = {}
    start_engine = runner.start_engine

    def started(spec: EngineSpec, settings: BatchSettings, on_words: Any = None) -> Any:
        made = start_engine(spec, settings, on_words)
        marks["ready"] = cpu_seconds()
        close = made.close

        def closing() -> None:
            marks["done"] = cpu_seconds()
            close()

        made.close = closing
        return made

    runner.start_engine = started  # type: ignore[assignment]
    engines.process_batch = counted_batch  # type: ignore[assignment]
    began, wall = cpu_seconds(), time.perf_counter()
    try:
        documents = sum(1 for _ in folder.glob("*.txt"))
        run = BatchRun(
            SourceSpec(folder, "folder"), out, BatchSettings(backend=ner), engine, force=True, documents=documents
        )
        summary = runner.run_batch(run)
    finally:
        runner.start_engine = start_engine
        engines.process_batch = _process_batch
    seconds = time.perf_counter() - wall
    workers = [[float(x) for x in p.read_text().split()] for p in STATS.iterdir()]
    return {
        "engine": f"{engine.name} {engine.workers}",
        "documents": summary.processed,
        "seconds": round(seconds, 1),
        "start": round(marks["ready"] - began, 2),
        "client": round(marks["done"] - marks["ready"], 2),
        "tasks": round(sum(w[0] for w in workers), 2),
        "workers": round(sum(w[2] for w in workers), 2),
        "faults": int(sum(w[1] for w in workers)),
        "load": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--ner", default="spacy")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "cpu-breakdown")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", choices=("local", "dask"), help="one run of that engine, in this process (JSON)")
    args = parser.parse_args()
    if args.one:
        engine = EngineSpec(args.one, workers=args.workers)
        print(json.dumps(measure(args.folder, args.work / f"out-{args.one}", engine, args.ner)))
        return
    rows = []
    for _ in range(args.repeat):
        for name in ("local", "dask"):
            one = [*sys.argv, "--one", name]
            env = {**os.environ, "SERGE_CORPUS_CPU_STATS": str(args.work / "stats"), "TQDM_DISABLE": "1"}
            done = subprocess.run([sys.executable, *one], env=env, capture_output=True, text=True, check=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    print("| engine | seconds | start CPU s | client CPU s | tasks CPU s | workers CPU s | page faults in tasks |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['engine']} | {r['seconds']} | {r['start']} | {r['client']} | {r['tasks']} | {r['workers']} "
            f"| {r['faults']:,} |"
        )


if __name__ == "__main__":
    main()
