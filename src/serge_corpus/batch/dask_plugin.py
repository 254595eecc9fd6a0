"""What runs on Dask workers (imported only with `--engine dask`): the plugin that loads the models once per
worker process, and the batch function that logs the words it annotates."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin, get_worker

from serge_corpus.batch.inputs import DocTask
from serge_corpus.batch.job import BatchSettings, Job, Outcome, process_batch, report_words_to, warm_up


class WarmUpPlugin(WorkerPlugin):  # type: ignore[misc]
    """Annotates a one-line document when a worker joins (now, or later), filling its backend cache."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        warm_up(self.settings)


def process_batch_reporting(tasks: list[DocTask], job: Job, topic: str) -> list[Outcome]:
    """`process_batch`, logging the words it annotates as events of `topic` (the driver subscribes to it)."""
    worker = get_worker()
    report_words_to(lambda words: worker.log_event(topic, words))
    try:
        return process_batch(tasks, job)
    finally:
        report_words_to(None)
