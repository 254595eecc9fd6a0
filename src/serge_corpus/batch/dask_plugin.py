"""The Dask worker plugin that loads the models once per worker process (imported only with `--engine dask`)."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from serge_corpus.batch.job import BatchSettings, warm_up


class WarmUpPlugin(WorkerPlugin):  # type: ignore[misc]
    """Annotates a one-line document when a worker joins (now, or later), filling its backend cache."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        warm_up(self.settings)
