"""Dask's own CPU cost on a LocalCluster of 2 one-thread workers: idle, and per task.

Compares Dask's defaults with what `--engine dask` starts (`engines.LOCAL_CLUSTER_CONFIG` and no
memory limit), alternately (A B A B), each cluster forked from this process like `--engine dask`'s:
- idle: CPU seconds per second that the workers and this process (scheduler, nannies, client)
  spend while no task runs (sampled over `--idle` seconds);
- per task: CPU milliseconds per trivial task (it returns its argument) in the workers and in
  this process, with 5 tasks in flight as the batch runner keeps them (2 x workers + 1).
CPU time is user + system (`getrusage`), less dependent on what else the machine runs than wall time.

    nice -n 10 .venv/bin/python scripts/dask_overhead.py [--repeat 2] [--idle 10] [--tasks 500] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def echo(x: int) -> int:
    return x


def measure(tuned: bool, idle: float, tasks: int) -> dict[str, Any]:
    import dask
    from distributed import Client, LocalCluster

    from serge_corpus.batch.engines import LOCAL_CLUSTER_CONFIG

    config = {**(LOCAL_CLUSTER_CONFIG if tuned else {}), "distributed.worker.multiprocessing-method": "fork"}
    options: dict[str, Any] = {"memory_limit": 0} if tuned else {}
    with dask.config.set(config):
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50, **options
        )
        client = Client(cluster)
    try:
        client.run(cpu_seconds)
        workers0, main0 = sum(client.run(cpu_seconds).values()), cpu_seconds()
        time.sleep(idle)
        workers1, main1 = sum(client.run(cpu_seconds).values()), cpu_seconds()
        pending: deque[Any] = deque()
        started = time.perf_counter()
        for i in range(tasks):
            pending.append(client.submit(echo, i, pure=False))
            while len(pending) >= 5:
                pending.popleft().result()
        while pending:
            pending.popleft().result()
        wall = time.perf_counter() - started
        workers2, main2 = sum(client.run(cpu_seconds).values()), cpu_seconds()
    finally:
        client.close()
        cluster.close()
    return {
        "settings": "serge-corpus" if tuned else "dask defaults",
        "idle_cpu_per_s_workers": round((workers1 - workers0) / idle, 4),
        "idle_cpu_per_s_main": round((main1 - main0) / idle, 4),
        "task_cpu_ms_workers": round((workers2 - workers1) / tasks * 1000, 2),
        "task_cpu_ms_main": round((main2 - main1) / tasks * 1000, 2),
        "task_wall_ms": round(wall / tasks * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds idle")
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for _ in range(args.repeat):
        for tuned in (False, True):
            rows.append(measure(tuned, args.idle, args.tasks))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    print(
        "| settings | idle CPU s/s, workers | idle CPU s/s, client process | task CPU ms, workers "
        "| task CPU ms, client process | task wall ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['settings']} | {r['idle_cpu_per_s_workers']} | {r['idle_cpu_per_s_main']} | "
            f"{r['task_cpu_ms_workers']} | {r['task_cpu_ms_main']} | {r['task_wall_ms']} |"
        )


if __name__ == "__main__":
    main()
