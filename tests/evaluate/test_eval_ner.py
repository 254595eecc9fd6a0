"""NER metrics agree with the reference scorers (nervaluate 1.2, seqeval 1.2).

Where the toolkit differs on purpose, a test names the difference.
"""

from __future__ import annotations

import random
import warnings

import pytest
from builders import (
    OUTSIDE_LABELS,
    find_span,
    make_block,
    random_flat_spans,
    random_pair,
    random_span,
    random_text,
    whitespace_tokens,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from nervaluate import Evaluator
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from serge_corpus.errors import SergeCorpusError
from serge_corpus.evaluate import score_ner
from serge_corpus.evaluate.ner import schema_counts
from serge_corpus.evaluate.spans import iob2_tags, to_token_spans
from serge_corpus.model import LABELS, Block, Span, Token

SCHEMA_NAMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
COUNT_KEYS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
SCORE_KEYS = ("precision", "recall", "f1")
MODES = ("mixed", "shifted", "wrong_labels", "all_miss", "independent", "empty_pred")


def nervaluate_result(gold: list[Block], pred: list[Block]) -> dict:
    """nervaluate on the same spans; its ends are inclusive, ours exclusive."""

    def docs(blocks: list[Block]) -> list[list[dict]]:
        return [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in b.spans] for b in blocks]

    return Evaluator(docs(gold), docs(pred), tags=list(LABELS), loader="dict").evaluate()


def seqeval_scores(gold: list[Block], pred: list[Block]) -> dict[str, float]:
    """seqeval strict IOB2 on tags of the same tokens; labels outside the set removed first."""

    def tags(b: Block, tokens: tuple[Token, ...]) -> list[str]:
        kept = [s for s in b.spans if s.label in LABELS]
        return iob2_tags(to_token_spans(kept, tokens), len(tokens))

    y_true = [tags(g, g.tokens) for g in gold]
    y_pred = [tags(p, g.tokens) for g, p in zip(gold, pred)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # seqeval warns on 0/0 and returns 0, as we do
        return {
            "precision": precision_score(y_true, y_pred, mode="strict", scheme=IOB2),
            "recall": recall_score(y_true, y_pred, mode="strict", scheme=IOB2),
            "f1": f1_score(y_true, y_pred, mode="strict", scheme=IOB2),
        }


def assert_matches_nervaluate(ours: dict, reference: dict) -> None:
    for schema, theirs in SCHEMA_NAMES.items():
        expected = reference["overall"][theirs]
        for key in COUNT_KEYS + SCORE_KEYS:
            assert ours[schema][key] == pytest.approx(getattr(expected, key), abs=1e-9), (schema, key)
    assert set(ours["per_label"]) == set(reference["entities"])
    for label, by_schema in reference["entities"].items():
        for schema, theirs in SCHEMA_NAMES.items():
            for key in COUNT_KEYS + SCORE_KEYS:
                expected = getattr(by_schema[theirs], key)
                assert ours["per_label"][label][schema][key] == pytest.approx(expected, abs=1e-9), (label, schema, key)


@pytest.mark.parametrize("mode", MODES)
def test_random_pairs_match_nervaluate_and_seqeval(mode: str) -> None:
    rng = random.Random(f"ner-{mode}")
    checked = 0
    for _ in range(60):
        gold, pred = random_pair(rng, rng.randint(1, 6), mode)
        ours = score_ner(gold, pred)
        if any(b.spans for b in gold + pred):
            assert_matches_nervaluate(ours, nervaluate_result(gold, pred))
            checked += 1
        for key, value in seqeval_scores(gold, pred).items():
            assert ours["seqeval"][key] == pytest.approx(value, abs=1e-9), key
    assert checked > 40


def test_macro_is_the_mean_over_labels_present() -> None:
    gold, pred = random_pair(random.Random(7), 8)
    ours = score_ner(gold, pred)
    for schema in SCHEMA_NAMES:
        f1s = [ours["per_label"][label][schema]["f1"] for label in ours["per_label"]]
        assert ours["macro"][schema]["f1"] == pytest.approx(sum(f1s) / len(f1s))
        assert ours["macro"][schema]["labels"] == len(f1s)


def test_empty_files_score_zero_without_errors() -> None:
    result = score_ner([], [])
    for schema in SCHEMA_NAMES:
        assert result[schema]["f1"] == 0.0 and result[schema]["possible"] == 0 and result[schema]["actual"] == 0
    assert result["seqeval"]["f1"] == 0.0
    assert result["per_label"] == {}


def test_all_missed_counts_every_gold_span() -> None:
    text = "Lenin met Serge in Moscow"
    gold = [make_block(text, [find_span(text, "Lenin", "PERSON"), find_span(text, "Moscow", "GPE")])]
    result = score_ner(gold, [make_block(text)])
    assert result["strict"]["missed"] == 2 and result["strict"]["recall"] == 0.0
    assert result["per_label"]["GPE"]["strict"]["missed"] == 1


def test_labels_outside_the_set_are_dropped_and_reported() -> None:
    text = "Lenin had 3 comrades"
    gold = [make_block(text, [find_span(text, "Lenin", "PERSON")])]
    pred = [make_block(text, [find_span(text, "Lenin", "PERSON"), find_span(text, "3", "CARDINAL")])]
    result = score_ner(gold, pred)
    assert result["strict"]["spurious"] == 0 and result["strict"]["f1"] == 1.0
    assert result["dropped_labels"] == {"gold": {}, "pred": {"CARDINAL": 1}}
    assert "CARDINAL" not in result["per_label"]


def test_spans_in_boilerplate_blocks_are_ignored() -> None:
    text = "Read more from Lenin"
    gold = [make_block(text, kind="boilerplate")]
    pred = [make_block(text, [find_span(text, "Lenin", "PERSON")], kind="boilerplate")]
    result = score_ner(gold, pred)
    assert result["strict"]["actual"] == 0
    assert result["ignored_boilerplate"] == {"gold": 0, "pred": 1}


def test_records_are_matched_by_id_not_position() -> None:
    texts = ["Lenin spoke", "Serge wrote"]
    gold = [make_block(t, [find_span(t, t.split()[0], "PERSON")], id=f"doc:{i}") for i, t in enumerate(texts)]
    assert score_ner(gold, list(reversed(gold)))["strict"]["f1"] == 1.0


def test_missing_extra_and_changed_records_are_all_reported() -> None:
    gold = [make_block("Lenin spoke", id="doc:0"), make_block("Serge wrote", id="doc:1")]
    pred = [make_block("Lenin spoke!", id="doc:0"), make_block("Trotsky", id="doc:2")]
    with pytest.raises(SergeCorpusError) as err:
        score_ner(gold, pred)
    found = {(p.code, p.record_id, p.field) for p in err.value.problems}
    assert found == {("E142", "doc:0", "text"), ("E140", "doc:1", "id"), ("E141", "doc:2", "id")}


def test_blocks_with_spans_and_no_tokens_need_a_tokenizer() -> None:
    text = "Lenin spoke"
    gold = [make_block(text, [find_span(text, "Lenin", "PERSON")], tokens=False)]
    with pytest.raises(SergeCorpusError) as err:
        score_ner(gold, gold)
    assert err.value.problems[0].code == "E143"
    result = score_ner(gold, gold, tokenize=whitespace_tokens)
    assert result["seqeval"]["f1"] == 1.0 and result["seqeval"]["tokenized_blocks"] == 1


def test_unaligned_spans_snap_to_token_edges_for_seqeval() -> None:
    text = "Leninism spread"
    gold = [make_block(text, [find_span(text, "Leninism", "NORP")])]
    pred = [make_block(text, [find_span(text, "Lenin", "NORP")])]  # ends inside the token
    result = score_ner(gold, pred)
    assert result["strict"]["correct"] == 0  # character offsets: a boundary error
    assert result["seqeval"]["correct"] == 1  # tokens: both cover token 0
    assert result["seqeval"]["unaligned"] == {"gold": 0, "pred": 1}


# ------------------------------------------------ deliberate differences


def test_difference_exact_match_is_not_lost_to_an_earlier_overlapping_prediction() -> None:
    """Overlapping predictions: nervaluate lets the first overlapping prediction
    claim the gold span, so a later exact match becomes spurious; we pair exact
    matches first."""
    text = "the Communist International met"
    gold = [find_span(text, "Communist International", "ORG")]
    pred = [find_span(text, "Communist", "ORG"), find_span(text, "Communist International", "ORG")]
    ours = schema_counts(gold, pred)["strict"]
    assert (ours.correct, ours.incorrect, ours.spurious) == (1, 0, 1)
    reference = nervaluate_result([make_block(text, gold)], [make_block(text, pred)])["overall"]["strict"]
    assert (reference.correct, reference.incorrect, reference.spurious) == (0, 1, 1)


def test_difference_any_overlap_counts_even_below_one_percent() -> None:
    """nervaluate needs an overlap of at least 1% of the gold span; we count
    any shared character (character offsets make long spans common)."""
    title = "A" + " very" * 25 + " long title"  # > 100 characters
    text = title + " x"
    gold = [random_span(text, 0, len(title), "WORK_OF_ART")]
    pred = [random_span(text, 0, 1, "WORK_OF_ART")]
    ours = schema_counts(gold, pred)["partial"]
    assert (ours.partial, ours.spurious, ours.missed) == (1, 0, 0)
    reference = nervaluate_result([make_block(text, gold)], [make_block(text, pred)])["overall"]["partial"]
    assert (reference.partial, reference.spurious, reference.missed) == (0, 1, 1)


def test_nested_predictions_keep_nervaluate_counts_when_no_exact_match_is_involved() -> None:
    text = "the Tenth Congress of the Bolshevik Party"
    gold = [find_span(text, "Tenth Congress of the Bolshevik Party", "EVENT")]
    pred = [find_span(text, "Tenth Congress", "EVENT"), find_span(text, "Bolshevik Party", "ORG")]
    reference = nervaluate_result([make_block(text, gold)], [make_block(text, pred)])
    assert_matches_nervaluate(score_ner([make_block(text, gold)], [make_block(text, pred)]), reference)


def _overlapping_predictions(rng: random.Random, text: str) -> list:
    """Random spans that may nest or overlap each other (unique boundaries)."""
    tokens = whitespace_tokens(text)
    chosen: dict[tuple[int, int], str] = {}
    for _ in range(rng.randint(0, len(tokens))):
        i = rng.randrange(len(tokens))
        j = min(len(tokens) - 1, i + rng.randint(0, 3))
        chosen[(tokens[i].start, tokens[j].end)] = rng.choice(LABELS[:5] + ("PERSON", "ORG") + OUTSIDE_LABELS)
    return sorted((random_span(text, s, e, label) for (s, e), label in chosen.items()), key=lambda s: (s.start, s.end))


def test_overlapping_predictions_differ_from_nervaluate_only_by_exact_matches_first() -> None:
    """With nested/overlapping predictions our counts equal nervaluate's once the
    predictions that match a gold span exactly are moved to the front — the
    one deliberate difference, and nothing else."""
    same = {
        "strict": lambda g, p: g.key == p.key,
        "exact": lambda g, p: (g.start, g.end) == (p.start, p.end),
        "partial": lambda g, p: (g.start, g.end) == (p.start, p.end),
        "type": lambda g, p: g.key == p.key,
    }
    rng = random.Random("overlapping")
    for _ in range(80):
        text = random_text(rng, rng.randint(1, 20))
        gold = [make_block(text, random_flat_spans(rng, text, 0.3))]
        pred = [make_block(text, _overlapping_predictions(rng, text))]
        ours = score_ner(gold, pred)
        for schema, theirs in SCHEMA_NAMES.items():
            kept = [s for s in pred[0].spans if s.label in LABELS]
            front = [p for p in kept if any(same[schema](g, p) for g in gold[0].spans)]
            ordered = front + [p for p in kept if p not in front]
            if not ordered and not gold[0].spans:
                continue
            docs_pred = [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in ordered]]
            docs_gold = [[{"label": s.label, "start": s.start, "end": s.end - 1} for s in gold[0].spans]]
            reference = Evaluator(docs_gold, docs_pred, tags=list(LABELS), loader="dict").evaluate()
            expected = reference["overall"][theirs]
            for key in COUNT_KEYS + SCORE_KEYS:
                assert ours[schema][key] == pytest.approx(getattr(expected, key), abs=1e-9), (schema, key)
            for label, by_schema in reference["entities"].items():
                for key in COUNT_KEYS:
                    assert ours["per_label"][label][schema][key] == getattr(by_schema[theirs], key), (label, key)


# ------------------------------------------------ invariants (hypothesis)

_spans = st.lists(
    st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from(("PERSON", "ORG", "GPE"))).map(
        lambda t: Span(t[0], t[0] + t[1], t[2], "x" * t[1])
    ),
    max_size=8,
).map(lambda spans: sorted(set(spans), key=lambda s: (s.start, s.end, s.label)))


@settings(max_examples=200, deadline=None)
@given(gold=_spans, pred=_spans)
def test_every_span_gets_exactly_one_outcome(gold: list[Span], pred: list[Span]) -> None:
    """Even with overlapping spans on both sides: actual = predictions, possible = gold."""
    for schema, counts in schema_counts(gold, pred).items():
        assert counts.actual == len(pred), schema
        assert counts.possible == len(gold), schema
        if schema in ("strict", "exact", "type"):
            assert counts.partial == 0
    counts = schema_counts(gold, pred)
    assert counts["strict"].correct <= counts["exact"].correct
    assert counts["strict"].correct <= counts["type"].correct


@settings(max_examples=100, deadline=None)
@given(gold=_spans)
def test_a_perfect_prediction_scores_one(gold: list[Span]) -> None:
    for counts in schema_counts(gold, gold).values():
        assert counts.correct == len(gold) and counts.missed == counts.spurious == 0
