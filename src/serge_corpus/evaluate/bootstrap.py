"""Percentile bootstrap confidence intervals for F1 scores, resampling blocks.

Every F1 here is a function of three sums over blocks — credit (correct, plus
half the partials where a schema gives half credit), predicted and gold — as
F1 = 2·credit / (predicted + gold). So a resample needs no re-matching: draw
how often each block occurs (a multinomial draw is the same as drawing blocks
with replacement), multiply those weights with the per-block counts, and
compute all F1s of all resamples at once with numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict

import numpy as np

from serge_corpus.errors import Problem, SergeCorpusError

DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.95
_CHUNK = 500  # resamples per matrix product, bounds memory to chunk x blocks
_CELLS = 1 << 18  # …and chunk x blocks to this many weights (2 MiB as float)
METHOD = "percentile bootstrap, blocks resampled with replacement"


class Interval(TypedDict):
    """A metric's value on all blocks and its percentile bootstrap interval."""

    point: float
    low: float
    high: float


class Intervals(TypedDict):
    """The `ci` section of an evaluation result: the settings, then metric name -> interval."""

    method: str
    resamples: int
    seed: int
    level: float
    blocks: int
    metrics: dict[str, Interval]  # e.g. "ner.strict.f1", "ner.per_label.PER.strict.f1", "dates.value.f1"


def f1_from_sums(sums: np.ndarray) -> np.ndarray:
    """F1 from (..., 3) arrays of (credit, predicted, gold); 0 where undefined."""
    credit, predicted, gold = sums[..., 0], sums[..., 1], sums[..., 2]
    denominator = predicted + gold
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where((credit > 0) & (denominator > 0), 2 * credit / denominator, 0.0)
    return f1


def check_settings(n: int, level: float) -> None:
    problems = []
    if not isinstance(n, int) or n < 0:
        problems.append(Problem("E145", f"resamples {n!r}", field="bootstrap"))
    if not 0 < level < 1:
        problems.append(Problem("E145", f"level {level!r}", field="level"))
    if problems:
        raise SergeCorpusError(problems)


def bootstrap_f1(
    counts: Mapping[str, np.ndarray],
    *,
    n: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    level: float = DEFAULT_LEVEL,
    macros: Mapping[str, Sequence[str]] | None = None,
) -> Intervals:
    """Percentile CIs of F1s given per-block (credit, predicted, gold) arrays.

    `counts` maps a metric name to an (n_blocks, 3) array; all arrays describe
    the same blocks in the same order, so one resample is applied to every
    metric alike. `macros` maps a name to the metric names it averages (a
    macro F1 is the mean of their F1s within each resample). Returns the `ci`
    section of the result: settings and {name: {point, low, high}}.
    """
    check_settings(n, level)
    macros = dict(macros or {})
    names = list(counts)
    n_blocks = len(next(iter(counts.values()))) if names else 0
    result: Intervals = {
        "method": METHOD,
        "resamples": n,
        "seed": seed,
        "level": level,
        "blocks": n_blocks,
        "metrics": {},
    }
    if n == 0 or not names:
        return result
    stacked = np.stack([np.asarray(counts[name], dtype=float) for name in names], axis=1)  # (blocks, k, 3)
    point = f1_from_sums(stacked.sum(axis=0))  # (k,)
    samples = _resampled_f1(stacked, n, seed)  # (n, k)
    index = {name: i for i, name in enumerate(names)}
    columns = {name: (point[i], samples[:, i]) for name, i in index.items()}
    for macro, members in macros.items():
        cols = [index[m] for m in members]
        if cols:
            columns[macro] = (float(point[cols].mean()), samples[:, cols].mean(axis=1))
    tail = (1 - level) / 2 * 100
    for name, (value, draws) in columns.items():
        low, high = np.percentile(draws, [tail, 100 - tail])
        result["metrics"][name] = {"point": float(value), "low": float(low), "high": float(high)}
    return result


def _resampled_f1(stacked: np.ndarray, n: int, seed: int) -> np.ndarray:
    n_blocks, k, _ = stacked.shape
    if n_blocks == 0:
        return np.zeros((n, k))
    rng = np.random.default_rng(seed)
    flat = stacked.reshape(n_blocks, k * 3)
    probabilities = np.full(n_blocks, 1.0 / n_blocks)
    out = np.empty((n, k))
    # Fewer resamples per product when there are many blocks, so the weights stay within _CELLS
    # (a corpus of 100,000 blocks would otherwise hold 500 x 100,000 weights: 800 MB). The draws
    # are the same whatever the chunk: the generator fills the rows one after another.
    chunk = max(1, min(_CHUNK, _CELLS // n_blocks))
    for begin in range(0, n, chunk):
        size = min(chunk, n - begin)
        weights = rng.multinomial(n_blocks, probabilities, size=size).astype(float)  # (size, blocks)
        sums = (weights @ flat).reshape(size, k, 3)
        out[begin : begin + size] = f1_from_sums(sums)
    return out
