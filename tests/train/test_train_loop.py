"""The trained model in the correction loop: review file, uncertainty order, logged blocks kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from train_helpers import GOLD

from serge_corpus.corrections import append_ops, make_op
from serge_corpus.corrections.server import CorrectionSession
from serge_corpus.jsonl import read_records
from serge_corpus.model import Span
from serge_corpus.train.loop import disagreement, prepare_review


def test_disagreement_is_one_minus_mean_strict_f1():
    a, b, c = Span(0, 5, "PERSON", "Serge"), Span(10, 16, "GPE", "Moscow"), Span(10, 16, "ORG", "Moscow")
    assert disagreement([a, b], [[a, b]]) == 0.0
    assert disagreement([a, b], [[a, c]]) == pytest.approx(0.5)  # F1 = 2*1/4
    assert disagreement([a], [[c]]) == 1.0
    assert disagreement([], [[], []]) == 0.0
    assert disagreement([a, b], [[a, b], [c]]) == pytest.approx(0.5)  # mean of 0 and 1


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    annotations = tmp_path / "pre.jsonl"
    shutil.copyfile(GOLD / "train.jsonl", annotations)
    ids = [b.id for b in read_records(annotations)]
    return annotations, tmp_path / "log.jsonl", ids


def test_review_file_pre_annotates_untouched_blocks_most_uncertain_first(project, crf_model: Path):
    annotations, log, ids = project
    original = {b.id: b for b in read_records(annotations)}
    touched = ids[2]
    append_ops(log, [make_op("mark_reviewed", touched, "ana", reviewed=True)])
    plan = prepare_review(annotations, log, crf_model, order="uncertain", committee=["rules"])
    assert plan.path == annotations.with_name("pre.review.jsonl") and plan.kept == 1
    blocks = read_records(plan.path)
    assert sorted(b.id for b in blocks) == sorted(ids)
    by_id = {b.id: b for b in blocks}
    assert by_id[touched].spans == original[touched].spans and "review" not in by_id[touched].meta
    assert blocks[-1].id == touched  # worked-on blocks come after the ones to review
    reviewed = [b for b in blocks if "review" in b.meta]
    assert len(reviewed) == plan.pre_annotated == len(ids) - 1
    scores = [b.meta["review"]["uncertainty"] for b in reviewed]
    assert scores == sorted(scores, reverse=True)
    assert [b.meta["review"]["rank"] for b in reviewed] == list(range(len(reviewed)))
    assert all(s.extra.get("source") == "model" for b in reviewed for s in b.spans if s.label != "DATE")
    # The page opens on the review file with the same log.
    session = CorrectionSession(plan.path, log, "ana", root=annotations.parent)
    assert session.state()["annotations"]["records"] == len(ids)


def test_a_new_run_keeps_what_the_log_was_written_against(project, crf_model: Path):
    annotations, log, ids = project
    first = prepare_review(annotations, log, crf_model, order="document", committee=[])
    shown = {b.id: b for b in read_records(first.path)}
    target = ids[1]
    append_ops(log, [make_op("mark_reviewed", target, "ana", reviewed=True)])
    again = prepare_review(annotations, log, crf_model, order="document", committee=[])
    blocks = read_records(again.path)
    assert [b.id for b in blocks] == ids  # document order
    assert {b.id: b for b in blocks}[target].spans == shown[target].spans


def test_serve_refuses_an_unknown_order(project, crf_model: Path):
    from serge_corpus.errors import SergeCorpusError

    annotations, log, _ = project
    with pytest.raises(SergeCorpusError) as err:
        prepare_review(annotations, log, crf_model, order="random")
    assert err.value.problems[0].code == "E461"
