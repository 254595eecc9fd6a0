"""Batch runs across processes: a Dask LocalCluster, a kill -9 mid-run, and memory over thousands of documents."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_corpus import ROOT, cli_command, cli_env, tree, write_folder, write_jsonl

from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, SourceSpec, run_batch

RULES = BatchSettings(backend="rules")
pytestmark = pytest.mark.slow


def test_dask_local_cluster_of_two_workers_writes_what_one_process_writes(tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = write_folder(tmp_path / "in", 12)
    source = SourceSpec(folder, "folder")
    run_batch(BatchRun(source=source, out_dir=tmp_path / "local", settings=RULES))
    run_batch(BatchRun(source=source, out_dir=tmp_path / "local-shards", settings=RULES, shard_size=5))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        engine = EngineSpec("dask", scheduler=cluster.scheduler_address)
        summary = run_batch(BatchRun(source=source, out_dir=tmp_path / "dask", settings=RULES, engine=engine))
        shards = run_batch(
            BatchRun(source=source, out_dir=tmp_path / "dask-shards", settings=RULES, engine=engine, shard_size=5)
        )
    assert (summary.processed, summary.failed, shards.processed) == (12, 0, 12)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert tree(tmp_path / "dask-shards", "shard-*") == tree(tmp_path / "local-shards", "shard-*")


def test_a_run_killed_with_sigkill_resumes_and_equals_a_clean_run(tmp_path):
    folder = write_folder(tmp_path / "in", 600)
    out = tmp_path / "out"
    process = subprocess.Popen(
        cli_command("annotate", str(folder), "-o", str(out), "--ner", "rules"),
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and sum(1 for _ in out.glob("*.jsonl")) >= 20:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = tree(out)
    assert 20 <= len(written) < 600
    clean = tmp_path / "clean"
    run_batch(BatchRun(source=SourceSpec(folder, "folder"), out_dir=clean, settings=RULES))
    expected = tree(clean)
    assert all(written[name] == expected[name] for name in written)  # every file that exists is complete

    resumed = subprocess.run(
        cli_command("annotate", str(folder), "-o", str(out), "--ner", "rules"),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads((out / "run-summary.json").read_text())
    assert report["skipped"] == len(written) and report["processed"] == 600 - len(written)
    assert tree(out) == expected
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp file left behind


PEAK_RSS = """
import resource, sys
from pathlib import Path
from serge_corpus.batch import BatchRun, BatchSettings, SourceSpec, run_batch
summary = run_batch(BatchRun(source=SourceSpec(Path(sys.argv[1]), "jsonl"), out_dir=Path(sys.argv[2]),
                             settings=BatchSettings(task=sys.argv[3], backend=sys.argv[4] or None)))
assert summary.failed == 0 and summary.processed > 0
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_kib(source: Path, out: Path, task: str = "segment", backend: str = "") -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(source), str(out), task, backend],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_peak_memory_does_not_grow_with_the_number_of_documents(tmp_path):
    # Keeping the records of 4,000 documents (about 270,000 token objects and their JSON)
    # would take about 45 MiB more; streaming keeps the peak within a few MiB of a 400-document run.
    small = peak_rss_kib(write_jsonl(tmp_path / "small.jsonl", 400, seed=1), tmp_path / "small")
    large = peak_rss_kib(write_jsonl(tmp_path / "large.jsonl", 4000, seed=1), tmp_path / "large")
    print(f"peak RSS: 400 documents {small} KiB, 4,000 documents {large} KiB")
    assert large <= small + 15 * 1024, (small, large)
