"""All metrics of one gold/prediction comparison in one result, with CIs.

`evaluate` is the whole of `serge-corpus evaluate` as a function: it pairs the
records once, counts the NER, date and sentence outcomes once (`pooling.count_pairs`),
summarises them and bootstraps every headline F1 from the same per-block counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

from serge_corpus.evaluate.bootstrap import (
    DEFAULT_LEVEL,
    DEFAULT_RESAMPLES,
    Interval,
    Intervals,
    check_settings,
)
from serge_corpus.evaluate.dates import DateScores
from serge_corpus.evaluate.ner import (
    NerResult,
)
from serge_corpus.evaluate.pairing import RecordFile, Records, pair_blocks, read_predictions, read_reference
from serge_corpus.evaluate.pooling import count_pairs, summarize_counts
from serge_corpus.evaluate.sentences import (
    SentenceScores,
)
from serge_corpus.evaluate.spans import Tokenizer


class EvaluationMeta(TypedDict):
    gold: str | None  # the files compared, when read from files
    pred: str | None
    records: int


class Evaluation(TypedDict):
    """All metrics of one comparison (`evaluate`); written as JSON by `--json` and report.json."""

    ner: NerResult
    dates: DateScores
    sentences: SentenceScores
    ci: Intervals
    meta: EvaluationMeta


def evaluate(
    gold: Records,
    pred: Records,
    *,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    tokenize: Tokenizer | None = None,
) -> Evaluation:
    """NER, date and sentence metrics of `pred` against `gold`, with bootstrap CIs.

    Records are matched by id. `bootstrap` resamples (0: no CIs), `seed` and
    `level` set the percentile bootstrap; `tokenize` supplies tokens for the
    seqeval numbers where the records have none. Keys: docs/evaluate.md.
    """
    check_settings(bootstrap, level)
    counts = count_pairs(pair_blocks(gold, pred), tokenize)
    meta: EvaluationMeta = {
        "gold": gold.path if isinstance(gold, RecordFile) else None,
        "pred": pred.path if isinstance(pred, RecordFile) else None,
        "records": counts.records,
    }
    return summarize_counts(counts, bootstrap=bootstrap, seed=seed, level=level, meta=meta)


def evaluate_files(
    gold: str | Path,
    pred: str | Path,
    *,
    bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    report_dir: str | Path | None = None,
    tokenize: Tokenizer | None = None,
) -> Evaluation:
    """Read a gold and a prediction file, evaluate, and optionally write a report.

    Without `tokenize`, blocks with spans but no tokens are tokenised with
    `serge_corpus.segment.tokenize` (counted in ner.seqeval.tokenized_blocks).
    """
    from serge_corpus.evaluate.report import write_report
    from serge_corpus.segment import tokenize as default_tokenize

    check_settings(bootstrap, level)
    gold_file = read_reference(gold)
    pred_file = read_predictions(pred)
    result = evaluate(
        gold_file,
        pred_file,
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        tokenize=tokenize or default_tokenize,
    )
    if report_dir is not None:
        write_report(result, pair_blocks(gold_file, pred_file), report_dir)
    return result


def metric_value(result: Evaluation, key: str) -> float | None:
    """A metric by its dotted name, the names of `ci.metrics` ("ner.strict.f1", "dates.value.f1",
    "ner.per_label.PER.strict.f1"); None when the result has no such number."""
    value: object = result
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value if isinstance(value, int | float) else None


def metric_interval(result: Evaluation, key: str) -> Interval | None:
    """The bootstrap interval of a metric (`metric_value` names), None when not bootstrapped."""
    return result["ci"]["metrics"].get(key)
