"""What runs on Dask workers (imported only with `--engine dask`): the plugin that loads the models once per
worker process, and where a worker sends the words it annotates."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin, get_worker

from serge_corpus.batch.job import BatchSettings, warm_up


class WarmUpPlugin(WorkerPlugin):  # type: ignore[misc]
    """Annotates a one-line document when a worker joins (now, or later), filling its backend cache."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        warm_up(self.settings)


class LogWords:
    """Where a Dask worker sends the words it annotates (`process_batch`'s `words_to`): events of `topic`,
    to which the driver subscribes."""

    def __init__(self, topic: str) -> None:
        self.topic = topic

    def __call__(self, words: int) -> None:
        get_worker().log_event(self.topic, words)
