"""The mentions format: hand-listed mentions placed in reading order."""

import pytest

from serge_corpus.errors import SergeCorpusError
from serge_corpus.mentions import find_word, mentions_from_blocks, spans_from_mentions
from serge_corpus.model import Block, DateValue

TEXT = "Trotskyists followed Trotsky; Trotsky's exile began in 1928 and Trotsky wrote."
BLOCK = Block(id="d:1", doc_id="d", block="body", offset=0, text=TEXT)


def test_repeated_names_are_placed_in_order_on_whole_words():
    [block] = spans_from_mentions(
        [BLOCK],
        {
            "d:1": [
                ["Trotsky", "PERSON"],
                ["Trotsky", "PERSON"],
                ["1928", "DATE", {"type": "DATE", "value": "1928", "mod": None, "anchor": None}],
                ["Trotsky", "PERSON"],
            ]
        },
    )
    assert [(s.start, s.text) for s in block.spans] == [(21, "Trotsky"), (30, "Trotsky"), (55, "1928"), (64, "Trotsky")]
    assert block.spans[2].date == DateValue("DATE", "1928")


def test_round_trip_from_blocks():
    [block] = spans_from_mentions([BLOCK], {"d:1": [["Trotskyists", "NORP"], ["Trotsky", "PERSON"]]})
    assert spans_from_mentions([BLOCK], mentions_from_blocks([block])) == [block]


def test_unplaceable_mentions_are_all_reported():
    with pytest.raises(SergeCorpusError) as err:
        spans_from_mentions([BLOCK], {"d:1": [["1928", "DATE"], ["Trotsky's exile", "EVENT"]], "d:9": []})
    assert [(p.code, p.record_id, p.field) for p in err.value.problems] == [
        ("E012", "d:9", "id"),
        ("E015", "d:1", "d:1[1]"),
    ]
    assert "after position" in err.value.problems[1].detail


def test_find_word_does_not_cut_words():
    assert find_word("Trotskyists and Trotsky", "Trotsky", 0) == 16
    assert find_word("(1883-1936)", "1883-1936", 0) == 1
