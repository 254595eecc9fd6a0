"""Agreement: span F1, Cohen's kappa (sklearn), Krippendorff's alpha (krippendorff)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from builders import YEAR, find_span, make_block
from sklearn.metrics import cohen_kappa_score

from serge_corpus.errors import SergeCorpusError
from serge_corpus.evaluate import score_agreement

TEXT = "Lenin met Serge in Moscow in 1921"
#        0     1   2     3  4      5  6   (whitespace tokens)


def annotator_a():
    return make_block(
        TEXT,
        [
            find_span(TEXT, "Lenin", "PERSON"),
            find_span(TEXT, "Serge", "PERSON"),
            find_span(TEXT, "Moscow", "GPE"),
            find_span(TEXT, "1921", "DATE", date=YEAR),
        ],
    )


def annotator_b():
    return make_block(
        TEXT, [find_span(TEXT, "Lenin", "PERSON"), find_span(TEXT, "Serge", "ORG"), find_span(TEXT, "in Moscow", "GPE")]
    )


TOKENS_A = ["PERSON", "O", "PERSON", "O", "GPE", "O", "DATE"]
TOKENS_B = ["PERSON", "O", "ORG", "GPE", "GPE", "O", "O"]


@pytest.fixture(scope="module")
def two() -> dict:
    return score_agreement([[annotator_a()], [annotator_b()]], names=["A", "B"])


def test_span_f1_exact_and_overlap(two: dict) -> None:
    spans = two["pairs"][0]["spans"]
    assert spans["exact"] == {"f1": pytest.approx(2 / 7), "matched": 1, "a": 4, "b": 3}
    assert spans["overlap"] == {"f1": pytest.approx(4 / 7), "matched": 2, "a": 4, "b": 3}
    per_label = spans["per_label"]
    assert list(per_label) == ["PERSON", "ORG", "GPE", "DATE"]
    assert per_label["PERSON"]["exact"]["f1"] == pytest.approx(2 / 3)
    assert (per_label["GPE"]["exact"]["f1"], per_label["GPE"]["overlap"]["f1"]) == (0.0, 1.0)
    assert per_label["DATE"]["overlap"] == {"f1": 0.0, "matched": 0, "a": 1, "b": 0}


def test_kappa_equals_sklearn_on_all_and_labelled_tokens(two: dict) -> None:
    kappa = two["pairs"][0]["kappa"]
    assert kappa["all"] == pytest.approx(cohen_kappa_score(TOKENS_A, TOKENS_B))
    labelled = [i for i in range(7) if TOKENS_A[i] != "O" or TOKENS_B[i] != "O"]
    assert labelled == [0, 2, 3, 4, 6] and kappa["tokens_annotated"] == 5
    expected = cohen_kappa_score([TOKENS_A[i] for i in labelled], [TOKENS_B[i] for i in labelled])
    assert kappa["annotated"] == pytest.approx(expected)
    assert two["tokens"] == {"all": 7, "annotated": 5}


def test_alpha_equals_krippendorff_nominal(two: dict) -> None:
    codes = {v: i for i, v in enumerate(sorted(set(TOKENS_A + TOKENS_B)))}
    data = np.array([[codes[v] for v in TOKENS_A], [codes[v] for v in TOKENS_B]], dtype=float)
    assert two["alpha"]["all"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    subset = data[:, [0, 2, 3, 4, 6]]
    assert two["alpha"]["annotated"] == pytest.approx(
        krippendorff.alpha(reliability_data=subset, level_of_measurement="nominal")
    )


def test_three_annotators_identical_pair_scores_one() -> None:
    result = score_agreement([[annotator_a()], [annotator_b()], [annotator_a()]], names=["A", "B", "C"])
    assert [(p["a"], p["b"]) for p in result["pairs"]] == [("A", "B"), ("A", "C"), ("B", "C")]
    same = result["pairs"][1]
    assert same["spans"]["exact"]["f1"] == 1.0 and same["spans"]["overlap"]["f1"] == 1.0
    assert same["kappa"]["all"] == 1.0 and same["kappa"]["annotated"] == 1.0
    rows = [TOKENS_A, TOKENS_B, TOKENS_A]
    codes = {v: i for i, v in enumerate(sorted({v for r in rows for v in r}))}
    data = np.array([[codes[v] for v in r] for r in rows], dtype=float)
    assert result["alpha"]["all"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )


def test_identical_annotators_agree_perfectly() -> None:
    result = score_agreement([[annotator_a()], [annotator_a()]])
    assert result["alpha"] == {"all": 1.0, "annotated": 1.0}
    assert result["mean_pairwise"] == {"exact_f1": 1.0, "overlap_f1": 1.0, "kappa_all": 1.0, "kappa_annotated": 1.0}
    assert result["annotators"] == ["annotator_1", "annotator_2"]


def test_nothing_annotated_is_undefined_not_perfect() -> None:
    result = score_agreement([[make_block(TEXT)], [make_block(TEXT)]])
    pair = result["pairs"][0]
    assert pair["spans"]["exact"]["f1"] is None
    assert pair["kappa"] == {"all": None, "annotated": None, "tokens_annotated": 0}
    assert result["alpha"] == {"all": None, "annotated": None}


def test_boilerplate_and_outside_labels_are_left_out() -> None:
    text = "Read 3 more"
    a = [make_block(TEXT, [find_span(TEXT, "Lenin", "PERSON")]), make_block(text, id="doc:1", kind="boilerplate")]
    b = [
        make_block(TEXT, [find_span(TEXT, "Lenin", "PERSON"), find_span(TEXT, "1921", "CARDINAL")]),
        make_block(text, [find_span(text, "Read", "PERSON")], id="doc:1", kind="boilerplate"),
    ]
    result = score_agreement([a, b], names=["a", "b"])
    assert result["tokens"]["all"] == 7  # boilerplate tokens are not units
    assert result["pairs"][0]["spans"]["exact"]["f1"] == 1.0
    assert result["dropped_labels"] == {"a": {}, "b": {"CARDINAL": 1}}


def test_records_must_match_unless_common_only() -> None:
    a = [make_block(TEXT, id="doc:0"), make_block("Serge wrote", id="doc:1")]
    b = [make_block(TEXT, id="doc:0")]
    with pytest.raises(SergeCorpusError) as err:
        score_agreement([a, b])
    assert [(p.code, p.record_id) for p in err.value.problems] == [("E140", "doc:1")]
    assert score_agreement([a, b], common_only=True)["records"] == 1


def test_one_file_is_not_enough() -> None:
    with pytest.raises(SergeCorpusError) as err:
        score_agreement([[annotator_a()]])
    assert err.value.problems[0].code == "E144"
