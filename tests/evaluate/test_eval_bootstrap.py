"""Bootstrap CIs: deterministic, consistent with re-scoring resampled blocks."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from builders import random_pair

from serge_corpus.errors import SergeCorpusError
from serge_corpus.evaluate import bootstrap_f1, evaluate, score_ner
from serge_corpus.evaluate.bootstrap import f1_from_sums
from serge_corpus.evaluate.ner import ner_f1_counts, ner_tables
from serge_corpus.evaluate.pairing import pair_blocks

HEADLINE = (
    "ner.strict.f1",
    "ner.exact.f1",
    "ner.partial.f1",
    "ner.type.f1",
    "ner.seqeval.f1",
    "ner.macro.strict.f1",
    "dates.strict.f1",
    "dates.relaxed.f1",
    "dates.value.f1",
    "sentences.f1",
)


@pytest.fixture(scope="module")
def data() -> tuple[list, list]:
    return random_pair(random.Random("bootstrap"), 60)


def test_same_seed_same_interval_other_seed_other_interval(data) -> None:
    gold, pred = data
    first = evaluate(gold, pred, bootstrap=300, seed=5)["ci"]
    again = evaluate(gold, pred, bootstrap=300, seed=5)["ci"]
    other = evaluate(gold, pred, bootstrap=300, seed=6)["ci"]
    assert first == again
    assert first["metrics"]["ner.strict.f1"] != other["metrics"]["ner.strict.f1"]


def test_every_headline_f1_has_an_interval_around_its_point(data) -> None:
    gold, pred = data
    result = evaluate(gold, pred, bootstrap=1000, seed=0)
    metrics = result["ci"]["metrics"]
    labels = list(result["ner"]["per_label"])
    assert set(HEADLINE) | {f"ner.per_label.{label}.strict.f1" for label in labels} == set(metrics)
    for name, ci in metrics.items():
        assert ci["low"] <= ci["point"] <= ci["high"], name
    assert metrics["ner.strict.f1"]["point"] == pytest.approx(result["ner"]["strict"]["f1"])
    assert metrics["ner.partial.f1"]["point"] == pytest.approx(result["ner"]["partial"]["f1"])
    assert metrics["ner.seqeval.f1"]["point"] == pytest.approx(result["ner"]["seqeval"]["f1"])
    assert metrics["ner.macro.strict.f1"]["point"] == pytest.approx(result["ner"]["macro"]["strict"]["f1"])
    assert metrics["sentences.f1"]["point"] == pytest.approx(result["sentences"]["f1"])
    assert 0 < metrics["ner.strict.f1"]["high"] - metrics["ner.strict.f1"]["low"] < 0.5


def test_weighted_counts_equal_rescoring_the_resampled_blocks(data) -> None:
    """The vectorised resample is the same as scoring a resampled file."""
    gold, pred = data
    counts = ner_f1_counts(ner_tables(pair_blocks(gold, pred)))
    rng = np.random.default_rng(1)
    for _ in range(5):
        picks = rng.integers(0, len(gold), size=len(gold))
        weights = np.bincount(picks, minlength=len(gold)).astype(float)
        g = [replace(gold[i], id=f"r:{k}") for k, i in enumerate(picks)]
        p = [replace(pred[i], id=f"r:{k}") for k, i in enumerate(picks)]
        rescored = score_ner(g, p)
        for schema in ("strict", "exact", "partial", "type"):
            fast = f1_from_sums(weights @ counts[f"ner.{schema}.f1"])
            assert fast == pytest.approx(rescored[schema]["f1"], abs=1e-12), schema
        assert f1_from_sums(weights @ counts["ner.seqeval.f1"]) == pytest.approx(rescored["seqeval"]["f1"], abs=1e-12)


def test_resample_count_zero_turns_intervals_off(data) -> None:
    gold, pred = data
    ci = evaluate(gold, pred, bootstrap=0)["ci"]
    assert ci["resamples"] == 0 and ci["metrics"] == {}


def test_bad_settings_are_user_errors() -> None:
    with pytest.raises(SergeCorpusError) as err:
        bootstrap_f1({"x": np.zeros((2, 3))}, n=-1, level=1.5)
    assert [p.code for p in err.value.problems] == ["E145", "E145"]


def test_no_blocks_gives_degenerate_intervals() -> None:
    ci = bootstrap_f1({"x": np.zeros((0, 3))}, n=10)
    assert ci["metrics"]["x"] == {"point": 0.0, "low": 0.0, "high": 0.0}
