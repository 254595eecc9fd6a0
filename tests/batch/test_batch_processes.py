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
from batch_corpus import ROOT, cli_command, cli_env, run_cli, tree, write_folder, write_jsonl

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


def test_a_local_cluster_started_here_writes_what_one_process_writes_and_names_failures(tmp_path):
    pytest.importorskip("distributed")
    folder = write_folder(tmp_path / "in", 40)
    (folder / "doc00005.txt").write_bytes("Serge à Paris\n".encode("latin-1"))
    source = SourceSpec(folder, "folder")
    local = run_batch(BatchRun(source=source, out_dir=tmp_path / "local", settings=RULES))
    engine = EngineSpec("dask", workers=2)  # 40 documents, 2 workers: batches of 16, the first with the failure
    dask = run_batch(BatchRun(source=source, out_dir=tmp_path / "dask", settings=RULES, engine=engine, documents=40))
    assert (dask.processed, dask.failed) == (local.processed, local.failed) == (39, 1)
    assert dask.failures == local.failures
    assert Path(dask.failures[0]["origin"]).name == "doc00005.txt"
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_local_cluster_workers_run_without_profiler_or_memory_limit():
    pytest.importorskip("distributed")
    from serge_corpus.batch.engines import DaskEngine

    engine = DaskEngine(RULES, 2, None)
    try:
        profiling = engine.client.run(lambda: __import__("dask").config.get("distributed.worker.profile.enabled"))
        limits = [w["memory_limit"] for w in engine.client.scheduler_info()["workers"].values()]
        stealing = engine.client.run_on_scheduler(lambda dask_scheduler: "stealing" in dask_scheduler.extensions)
    finally:
        engine.close()
    assert list(profiling.values()) == [False, False]
    assert limits == [0, 0]
    assert stealing is False


def kill_once_written(command: list[str], out: Path, pattern: str, count: int) -> None:
    """Start a CLI run and SIGKILL its whole process group once `count` outputs matching `pattern` exist."""
    process = subprocess.Popen(
        command, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if out.is_dir() and sum(1 for _ in out.glob(pattern)) >= count:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_a_run_killed_with_sigkill_resumes_and_equals_a_clean_run(tmp_path):
    folder = write_folder(tmp_path / "in", 600)
    out = tmp_path / "out"
    kill_once_written(cli_command("annotate", str(folder), "-o", str(out), "--ner", "rules"), out, "*.jsonl", 20)
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


def span_records(folder: Path, out: Path, keep_every: int) -> Path:
    """The segment records of `folder` with a PERSON span on each block's first token, kept on every
    `keep_every`-th block only (1: all): gold and predictions that differ."""
    out.mkdir()
    for path in sorted(folder.glob("*.jsonl")):
        lines = []
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            start, end = record["tokens"][0]
            if i % keep_every == 0:
                record["spans"] = [{"start": start, "end": end, "label": "PERSON", "text": record["text"][start:end]}]
            lines.append(json.dumps(record, ensure_ascii=False))
        (out / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_an_evaluation_killed_with_sigkill_resumes_and_equals_a_clean_run(tmp_path):
    folder = write_folder(tmp_path / "in", 400)
    segments = tmp_path / "segments"
    run_batch(BatchRun(source=SourceSpec(folder, "folder"), out_dir=segments, settings=BatchSettings(task="segment")))
    gold, pred = span_records(segments, tmp_path / "gold", 1), span_records(segments, tmp_path / "pred", 3)
    out = tmp_path / "out"
    args = ("evaluate", "--gold", str(gold), "--pred", str(pred), "--bootstrap", "50")
    kill_once_written(cli_command(*args, "-o", str(out)), out, "doc*.json", 20)
    written, states = tree(out, "doc*.json"), tree(out / ".state", "*.json")
    assert 20 <= len(written) < 400 and not (out / "pooled.json").exists()
    clean = tmp_path / "clean"
    assert run_cli(*args, "-o", str(clean)).returncode == 0
    expected = tree(clean, "doc*.json")
    assert all(written[name] == expected[name] for name in written)  # every result that exists is complete
    assert all(json.loads(data)["outputs"] == [name] for name, data in states.items())  # a state only after

    resumed = run_cli(*args, "-o", str(out))
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads((out / "run-summary.json").read_text())
    assert report["skipped"] == len(states) and report["processed"] == 400 - len(states)
    results = {name: data for name, data in tree(out, "*.json").items() if name != "run-summary.json"}
    assert results == {name: tree(clean, "*.json")[name] for name in results} and "pooled.json" in results
    assert len(results) == 401
    assert tree(out / ".state", "*.json") == tree(clean / ".state", "*.json")
    assert not [p for p in out.rglob(".*.tmp")]  # no temp file left behind


# This process's own peak (VmHWM): ru_maxrss would also count the parent's peak, which a child inherits at fork.
PEAK_KIB = """
import resource
def peak_kib():
    try:
        with open("/proc/self/status") as fp:
            return next(int(line.split()[1]) for line in fp if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
PEAK_RSS = (
    PEAK_KIB
    + """
import sys
from pathlib import Path
from serge_corpus.batch import BatchRun, BatchSettings, SourceSpec, run_batch
summary = run_batch(BatchRun(source=SourceSpec(Path(sys.argv[1]), "jsonl"), out_dir=Path(sys.argv[2]),
                             settings=BatchSettings(task=sys.argv[3], backend=sys.argv[4] or None)))
assert summary.failed == 0 and summary.processed > 0
print(peak_kib())
"""
)


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


PEAK_RSS_RECORDS = (
    PEAK_KIB
    + """
import sys
from pathlib import Path
from serge_corpus.batch import BatchRun, BatchSettings, SourceSpec, run_batch
records, out, task = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
options = {"to": "conll"} if task == "export" else {"bootstrap": 100} if task == "evaluate" else {}
summary = run_batch(BatchRun(source=SourceSpec(records, "records"), out_dir=out,
                             settings=BatchSettings(task=task, options=options),
                             pred=SourceSpec(records, "records") if task == "evaluate" else None))
assert summary.failed == 0 and summary.processed > 0, summary.failures[:3]
print(peak_kib())
"""
)


def records_of(n: int, tmp_path: Path) -> Path:
    """One JSONL file holding the segmented records of n tiny documents, document after document."""
    out = tmp_path / f"segmented-{n}"
    source = write_jsonl(tmp_path / f"docs-{n}.jsonl", n, seed=1)
    run_batch(
        BatchRun(source=SourceSpec(source, "jsonl"), out_dir=out, settings=BatchSettings(task="segment"), shard_size=n)
    )
    return out / "shard-00000.jsonl"


@pytest.mark.parametrize("task", ["validate", "evaluate", "export"])
def test_streamed_records_commands_keep_peak_memory_flat(tmp_path, task):
    peaks = []
    for n in (400, 4000):
        done = subprocess.run(
            [sys.executable, "-c", PEAK_RSS_RECORDS, str(records_of(n, tmp_path)), str(tmp_path / f"{task}-{n}"), task],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        peaks.append(int(done.stdout.split()[-1]))
    print(f"{task} peak RSS: 400 documents {peaks[0]} KiB, 4,000 documents {peaks[1]} KiB")
    # Loading the 4,000 documents' records at once would take tens of MiB more (the file alone is ~10 MiB
    # of JSON; its Block objects several times that). evaluate keeps per-block bootstrap counts: ~0.5 KB a block.
    assert peaks[1] <= peaks[0] + 15 * 1024, peaks
