"""Sentence boundary metrics in document coordinates."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import make_block

from serge_corpus.evaluate import score_sentences
from serge_corpus.evaluate.sentences import boundaries
from serge_corpus.model import Sentence

TEXT = "He left. L. Trotsky stayed. Then war came."  # sentence ends at 8, 27, 42


def test_boundaries_are_in_document_coordinates() -> None:
    b = make_block(TEXT, id="doc:3", offset=100, sentences=[(0, 8), (9, 27), (28, 42)])
    assert boundaries(b) == {108, 127, 142}


def test_precision_recall_and_internal_boundaries() -> None:
    gold = make_block(TEXT, offset=100, sentences=[(0, 8), (9, 27), (28, 42)])
    pred = make_block(TEXT, offset=100, sentences=[(0, 8), (9, 11), (12, 42)])  # split after the initial "L."
    result = score_sentences([gold], [pred])
    assert (result["correct"], result["pred"], result["gold"]) == (2, 3, 3)
    assert result["precision"] == pytest.approx(2 / 3) and result["recall"] == pytest.approx(2 / 3)
    internal = result["internal"]  # the block-final boundary 142 left out
    assert (internal["correct"], internal["pred"], internal["gold"]) == (1, 2, 2)
    assert result["blocks"] == 1


def test_blocks_outside_sentence_kinds_are_not_scored() -> None:
    gold = make_block("A title", kind="title")
    pred = replace(gold, sentences=(Sentence(0, 7),))  # a splitter that splits titles too
    result = score_sentences([gold], [pred])
    assert (result["gold"], result["pred"], result["f1"], result["blocks"]) == (0, 0, 0.0, 0)


def test_missing_sentences_in_prediction_count_as_misses() -> None:
    gold = make_block(TEXT, sentences=[(0, 8), (9, 27), (28, 42)])
    pred = make_block(TEXT, sentences=[])
    result = score_sentences([gold], [pred])
    assert (result["recall"], result["precision"]) == (0.0, 0.0)
