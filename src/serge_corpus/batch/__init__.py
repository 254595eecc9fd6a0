"""Large corpora: every document of a folder, JSONL, Parquet file or corpus manifest through one
library call (annotate or segment), streamed, resumable, on local processes or a Dask cluster;
and every document's records of a folder, JSONL or Parquet file through validate, evaluate or
export the same way (`records`; evaluate's pooled counts in `serge_corpus.evaluate.pooling`).

See `runner.run_batch` and docs/scale.md.
"""

from __future__ import annotations

from serge_corpus.batch.engines import EngineSpec
from serge_corpus.batch.inputs import DocTask, SourceSpec, count_tasks, iter_tasks, source_kind
from serge_corpus.batch.job import BatchSettings, Outcome
from serge_corpus.batch.outputs import document_path, read_shard_lines
from serge_corpus.batch.runner import BatchRun, RunSummary, run_batch

__all__ = [
    "BatchRun",
    "BatchSettings",
    "DocTask",
    "EngineSpec",
    "Outcome",
    "RunSummary",
    "SourceSpec",
    "count_tasks",
    "document_path",
    "iter_tasks",
    "read_shard_lines",
    "run_batch",
    "source_kind",
]
