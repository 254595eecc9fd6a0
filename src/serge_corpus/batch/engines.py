"""Where batches run: in this process, in local worker processes, or on a Dask cluster.

Every engine runs the same function (`job.process_batch`) on the same batches
and hands results back in submission order, so the output does not depend on
the engine or the number of workers. At most `window` batches are in flight:
the input is read only as fast as it is processed, and memory stays flat.

Worker processes load the models once: local workers are forked from a parent
that annotated a one-line warm-up document (which fills the per-process backend
cache every later document uses), or, where the platform does not fork, run that
warm-up in the pool's initializer; a Dask worker plugin runs it on every worker.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from serge_corpus.batch.inputs import DocTask
from serge_corpus.batch.job import BatchSettings, Job, Outcome, process_batch, warm_up
from serge_corpus.errors import Problem, SergeCorpusError

EngineName = Literal["local", "dask"]


@dataclass(frozen=True)
class EngineSpec:
    name: EngineName = "local"
    workers: int = 1
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster


class Handle(Protocol):
    def result(self) -> Any: ...


class Engine(Protocol):
    """Submit a batch, get something whose `result()` is its outcomes."""

    slots: int

    def submit(self, tasks: list[DocTask], job: Job) -> Handle: ...

    def close(self) -> None: ...


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class SerialEngine:
    """Everything in this process: the reference the other engines must equal."""

    slots = 1

    def __init__(self, settings: BatchSettings) -> None:
        warm_up(settings)

    def submit(self, tasks: list[DocTask], job: Job) -> Handle:
        return _Done(process_batch(tasks, job))

    def close(self) -> None:
        pass


class ProcessEngine:
    """`workers` local processes that start with the models already loaded.

    Where the platform forks (Linux), the models load once, here, and the
    workers are forked from this process: they share its pages copy-on-write
    instead of each importing spaCy and building the gazetteer matcher again
    (about 5 CPU-seconds and 300 MiB per process). Elsewhere (macOS, Windows)
    they are spawned and each loads the models in its initializer.
    """

    def __init__(self, settings: BatchSettings, workers: int) -> None:
        self.slots = workers
        self.settings = settings
        self.method = start_method()
        if self.method == "fork":
            warm_up(settings)
            gc.freeze()  # the loaded models' objects stay out of the collector: fewer pages copied on write
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        if self.method == "fork":
            return ProcessPoolExecutor(max_workers=self.slots, mp_context=multiprocessing.get_context("fork"))
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=warm_up,
            initargs=(self.settings,),
        )

    def submit(self, tasks: list[DocTask], job: Job) -> Handle:
        try:
            future: Future[list[Outcome]] = self.pool.submit(process_batch, tasks, job)
        except BrokenProcessPool:  # a worker died (its batch is reported lost): start fresh ones
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._start()
            future = self.pool.submit(process_batch, tasks, job)
        return future

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """A `dask.distributed` cluster: the one at `scheduler`, or a LocalCluster of `workers` processes."""

    def __init__(self, settings: BatchSettings, workers: int, scheduler: str | None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as err:
            raise SergeCorpusError(Problem("E557", str(err))) from err
        self.cluster: Any = None
        try:
            if scheduler is None:
                self.cluster = _local_cluster(LocalCluster, settings, workers)
                self.client = Client(self.cluster)
            else:
                self.client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError) as err:
            self.close()
            raise SergeCorpusError(Problem("E557", f"{scheduler or 'LocalCluster'}: {err}")) from err
        threads = sum(self.client.nthreads().values())
        self.slots = max(threads, 1)
        from serge_corpus.batch.dask_plugin import WarmUpPlugin

        self.client.register_plugin(WarmUpPlugin(settings), name="serge-corpus-warm-up")

    def submit(self, tasks: list[DocTask], job: Job) -> Handle:
        handle: Handle = self.client.submit(process_batch, tasks, job, pure=False)
        return handle

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()


# Dask's own background work, which on a machine the workers fill takes CPU from them: per second idle,
# 0.17 CPU-seconds with the defaults, 0.02 with these and no memory limit (docs/scale.md). They are read
# when the scheduler, nannies and workers start, so they hold for the LocalCluster only.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,  # a thread sampling the running task's stack every 10 ms
    "distributed.admin.tick.interval": "500ms",  # every server's event-loop health check, every 20 ms
    "distributed.admin.system-monitor.interval": "2s",  # psutil readings in every server, every 500 ms
    "distributed.admin.system-monitor.disk": False,
    "distributed.scheduler.work-stealing": False,  # one-thread workers fed from the scheduler's queue
}


def _local_cluster(make: Any, settings: BatchSettings, workers: int) -> Any:
    """A LocalCluster of `workers` processes; forked, like local workers, from this process with the models
    loaded where the platform forks (the warm-up plugin then finds them loaded).

    No memory limit, as with `--workers`: a nanny polls its worker's memory every 100 ms to enforce one.
    """
    import dask

    method = start_method()
    if method == "fork":
        warm_up(settings)
        gc.freeze()
    with dask.config.set({**LOCAL_CLUSTER_CONFIG, "distributed.worker.multiprocessing-method": method}):
        return make(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            memory_limit=0,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # a worker that loses the scheduler as the cluster closes logs a traceback
        )


def start_method() -> Literal["fork", "spawn"]:
    """fork on Linux (set SERGE_CORPUS_START_METHOD=spawn to refuse it), spawn elsewhere.

    Forking is safe here: the pool forks its workers before it starts its own
    thread, and the models run on numpy (thinc's CPU ops), with no OpenMP
    pool started in the parent.
    """
    wanted = os.environ.get("SERGE_CORPUS_START_METHOD", "")
    if wanted == "spawn" or not sys.platform.startswith("linux"):
        return "spawn"
    return "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


def start_engine(spec: EngineSpec, settings: BatchSettings) -> Engine:
    if spec.workers < 1:
        raise SergeCorpusError(Problem("E556", f"--workers {spec.workers}; give 1 or more", field="workers"))
    if spec.name == "dask":
        return DaskEngine(settings, spec.workers, spec.scheduler)
    if spec.scheduler is not None:
        raise SergeCorpusError(Problem("E556", "--scheduler needs --engine dask", field="scheduler"))
    if spec.workers == 1:
        return SerialEngine(settings)
    return ProcessEngine(settings, spec.workers)


def ordered_results(
    engine: Engine,
    batches: Iterable[list[DocTask]],
    job: Job,
    window: int | None = None,
    on_lost: Callable[[list[DocTask], BaseException], list[Outcome]] | None = None,
) -> Iterator[list[Outcome]]:
    """Outcomes batch by batch, in submission order, with at most `window` batches in flight.

    A batch whose worker died (killed for memory, crashed) comes back through
    `on_lost`, so its documents are reported as failed and the run goes on.
    """
    limit = window or 2 * engine.slots + 1
    pending: deque[tuple[list[DocTask], Handle]] = deque()

    def collect() -> list[Outcome]:
        tasks, handle = pending.popleft()
        try:
            outcomes: list[Outcome] = handle.result()
            return outcomes
        except Exception as err:  # noqa: BLE001 - a lost worker fails its batch, not the run
            if on_lost is None:
                raise
            return on_lost(tasks, err)

    for batch in batches:
        pending.append((batch, engine.submit(batch, job)))
        while len(pending) >= limit:
            yield collect()
    while pending:
        yield collect()
