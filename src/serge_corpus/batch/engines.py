"""Where batches run: in this process, in local worker processes, or on a Dask cluster.

Every engine runs the same function (`job.process_batch`) on the same batches
and hands results back in submission order, so the output does not depend on
the engine or the number of workers. At most `window` batches are in flight:
the input is read only as fast as it is processed, and memory stays flat.

Worker processes load the models once: local workers are forked from a parent
that annotated a one-line warm-up document (which fills the per-process backend
cache every later document uses), or, where the platform does not fork, run that
warm-up in the pool's initializer; a Dask worker plugin runs it on every worker.

Workers report the words they annotate as they go (`job.report_words_to`), so a
long document moves the driver's progress bar before it is done: local workers
add them to one shared integer, Dask workers log them as events of a topic this
run subscribes to; the driver reads them between waits for the next result, on
its own thread (`Engine.poll`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_for
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast

from serge_corpus.batch.inputs import DocTask
from serge_corpus.batch.job import BatchSettings, Job, Outcome, WordSink, process_batch, report_words_to, warm_up
from serge_corpus.errors import Problem, SergeCorpusError

EngineName = Literal["local", "dask"]
POLL_S = 0.5  # how often the driver passes on the words workers report while it waits for a result


@dataclass(frozen=True)
class EngineSpec:
    name: EngineName = "local"
    workers: int = 1
    scheduler: str | None = None  # a Dask scheduler address; None starts a LocalCluster


class Handle(Protocol):
    def result(self) -> Any: ...


class Engine(Protocol):
    """Submit a batch, get something whose `result()` is its outcomes.

    `done(handle, timeout)`: wait at most `timeout` seconds for it; `poll()`: pass on the words reported since.
    """

    slots: int

    def submit(self, tasks: list[DocTask], job: Job) -> Handle: ...

    def done(self, handle: Handle, timeout: float) -> bool: ...

    def poll(self) -> None: ...

    def close(self) -> None: ...


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


class SerialEngine:
    """Everything in this process: the reference the other engines must equal."""

    slots = 1

    def __init__(self, settings: BatchSettings, on_words: WordSink | None = None) -> None:
        warm_up(settings)
        report_words_to(on_words)  # this process annotates: its words go straight to the bar

    def submit(self, tasks: list[DocTask], job: Job) -> Handle:
        return _Done(process_batch(tasks, job))

    def done(self, handle: Handle, timeout: float) -> bool:
        return True

    def poll(self) -> None:
        pass

    def close(self) -> None:
        report_words_to(None)


class SharedWords:
    """Words the local worker processes annotated, added into one shared 64-bit integer.

    A worker that cannot take its lock within a second (another worker was killed holding it) stops
    adding: nothing waits on a dead process, and the bar shows fewer words than the summary.
    """

    def __init__(self, context: Any, on_words: WordSink) -> None:
        self.total = context.Value("q", 0)
        self.on_words = on_words
        self.seen = 0

    def poll(self) -> None:
        now = int(self.total.get_obj().value)  # an aligned 64-bit read: no lock needed to read it
        if now != self.seen:
            self.on_words(now - self.seen)
            self.seen = now


def _report_into(total: Any) -> None:
    """In a local worker: send the words it annotates into `total` (`SharedWords`)."""
    lock = total.get_lock()
    stuck = False

    def add(words: int) -> None:
        nonlocal stuck
        if stuck or not lock.acquire(timeout=1.0):
            stuck = True
            return
        try:
            total.get_obj().value += words
        finally:
            lock.release()

    report_words_to(add)


def _worker_start(settings: BatchSettings | None, total: Any) -> None:
    """A local worker's initializer: load the models (spawned workers only), report words into `total`."""
    if settings is not None:
        warm_up(settings)
    if total is not None:
        _report_into(total)


class ProcessEngine:
    """`workers` local processes that start with the models already loaded.

    Where the platform forks (Linux), the models load once, here, and the
    workers are forked from this process: they share its pages copy-on-write
    instead of each importing spaCy and building the gazetteer matcher again
    (about 5 CPU-seconds and 300 MiB per process). Elsewhere (macOS, Windows)
    they are spawned and each loads the models in its initializer.
    """

    def __init__(self, settings: BatchSettings, workers: int, on_words: WordSink | None = None) -> None:
        self.slots = workers
        self.settings = settings
        self.method = start_method()
        if self.method == "fork":
            warm_up(settings)
            gc.freeze()  # the loaded models' objects stay out of the collector: fewer pages copied on write
        context = multiprocessing.get_context(self.method)
        self.words = SharedWords(context, on_words) if on_words is not None else None
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=multiprocessing.get_context(self.method),
            initializer=_worker_start,
            initargs=(
                self.settings if self.method == "spawn" else None,  # forked workers have the models already
                self.words.total if self.words is not None else None,
            ),
        )

    def submit(self, tasks: list[DocTask], job: Job) -> Handle:
        try:
            future: Future[list[Outcome]] = self.pool.submit(process_batch, tasks, job)
        except BrokenProcessPool:  # a worker died (its batch is reported lost): start fresh ones
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._start()
            future = self.pool.submit(process_batch, tasks, job)
        return future

    def done(self, handle: Handle, timeout: float) -> bool:
        future = cast("Future[list[Outcome]]", handle)  # what `submit` gave
        wait_for([future], timeout=timeout)
        return future.done()

    def poll(self) -> None:
        if self.words is not None:
            self.words.poll()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.poll()  # the words of the last documents, now that every worker has stopped


class DaskEngine:
    """A `dask.distributed` cluster: the one at `scheduler`, or a LocalCluster of `workers` processes."""

    def __init__(
        self, settings: BatchSettings, workers: int, scheduler: str | None, on_words: WordSink | None = None
    ) -> None:
        self.topic: str | None = None
        self.on_words = on_words
        self.arrived = 0  # words logged by the workers and not yet passed on: the client's thread adds them
        self.passed = 0  # words passed on to `on_words`
        self.arrived_lock = threading.Lock()
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
        if on_words is not None:
            # A topic of this run's own: other clients of a shared scheduler log theirs.
            self.topic = f"serge-corpus-words-{uuid.uuid4().hex}"
            self.client.subscribe_topic(self.topic, self._arrive)

    def _arrive(self, event: tuple[float, Any]) -> None:
        with self.arrived_lock:
            self.arrived += int(event[1])

    def submit(self, tasks: list[DocTask], job: Job) -> Handle:
        from serge_corpus.batch.dask_plugin import LogWords

        words_to = LogWords(self.topic) if self.topic is not None else None
        handle: Handle = self.client.submit(process_batch, tasks, job, words_to, pure=False)
        return handle

    def done(self, handle: Handle, timeout: float) -> bool:
        from distributed import wait

        try:
            wait([handle], timeout=timeout)
        except TimeoutError:
            return False
        return True

    def poll(self) -> None:
        with self.arrived_lock:
            words, self.arrived = self.arrived, 0
        if words and self.on_words is not None:
            self.passed += words
            self.on_words(words)

    def _last_words(self, client: Any, topic: str) -> None:
        """Pass on the words of events still on their way here: the scheduler holds every one logged.

        A worker logs its words before it reports its batch done, on the same stream, so once every
        result is in, the scheduler's log of the topic is complete.
        """
        try:
            logged = sum(int(message) for _, message in client.get_events(topic))
        except (OSError, TimeoutError):
            logged = 0
        client.unsubscribe_topic(topic)
        self.poll()
        if logged > self.passed and self.on_words is not None:
            self.on_words(logged - self.passed)

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            if self.topic is not None:
                self._last_words(client, self.topic)
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


def start_engine(spec: EngineSpec, settings: BatchSettings, on_words: WordSink | None = None) -> Engine:
    """The engine `spec` names; `on_words` receives, on this thread, the words workers report as they go."""
    if spec.workers < 1:
        raise SergeCorpusError(Problem("E556", f"--workers {spec.workers}; give 1 or more", field="workers"))
    if spec.name == "dask":
        return DaskEngine(settings, spec.workers, spec.scheduler, on_words)
    if spec.scheduler is not None:
        raise SergeCorpusError(Problem("E556", "--scheduler needs --engine dask", field="scheduler"))
    if spec.workers == 1:
        return SerialEngine(settings, on_words)
    return ProcessEngine(settings, spec.workers, on_words)


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
        while not engine.done(handle, POLL_S):
            engine.poll()  # a long document moves the bar while it runs
        engine.poll()
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
