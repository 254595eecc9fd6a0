"""Offset units, token alignment and IOB2 coding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serge_corpus.formats.offsets import (
    TagError,
    TokenBounds,
    UnitError,
    UnitIndex,
    iob2_to_ranges,
    spans_to_iob2,
    tags_to_ranges,
)
from serge_corpus.model import Token


def js_length(text: str) -> int:
    # What JavaScript's String.length counts: UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


@given(st.text(max_size=40))
def test_utf16_offsets_are_javascript_string_indices(text: str) -> None:
    index = UnitIndex.build(text, "utf16")
    for i in range(len(text) + 1):
        assert index.to_unit(i) == js_length(text[:i])
        assert index.to_codepoint(index.to_unit(i)) == i


def test_codepoint_unit_is_the_identity() -> None:
    index = UnitIndex.build("a😀b", "codepoint")
    assert [index.to_unit(i) for i in range(4)] == [0, 1, 2, 3]
    assert not index.has_astral


def test_offset_inside_a_surrogate_pair_is_refused() -> None:
    index = UnitIndex.build("a😀b", "utf16")
    assert index.has_astral
    with pytest.raises(UnitError, match="inside a surrogate pair"):
        index.to_codepoint(2)
    with pytest.raises(UnitError, match="out of range"):
        index.to_codepoint(5)


def test_token_range_is_inclusive_and_none_when_misaligned() -> None:
    bounds = TokenBounds.of([Token(0, 6, "Victor"), Token(7, 12, "Serge"), Token(12, 14, "'s")])
    assert bounds.token_range(0, 12) == (0, 1)
    assert bounds.token_range(7, 14) == (1, 2)
    assert bounds.token_range(0, 5) is None
    assert bounds.token_range(7, 6) is None


def test_iob2_encodes_and_decodes() -> None:
    tags = spans_to_iob2(5, [(0, 1, "PERSON"), (2, 2, "PERSON"), (4, 4, "DATE")])
    assert tags == ["B-PERSON", "I-PERSON", "B-PERSON", "O", "B-DATE"]
    assert iob2_to_ranges(tags) == [(0, 1, "PERSON"), (2, 2, "PERSON"), (4, 4, "DATE")]


@pytest.mark.parametrize(
    ("tags", "index"),
    [(["I-PERSON"], 0), (["B-PERSON", "I-GPE"], 1), (["O", "X"], 1), (["B-"], 0), (["O", "O", "I-DATE"], 2)],
)
def test_invalid_iob2_names_the_bad_tag(tags: list[str], index: int) -> None:
    with pytest.raises(TagError) as err:
        iob2_to_ranges(tags)
    assert err.value.index == index


@pytest.mark.parametrize(
    ("tags", "ranges"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 1, "PER"), (3, 3, "LOC")]),  # IOB2
        (["I-PER", "I-PER", "B-PER", "O", "I-LOC"], [(0, 1, "PER"), (2, 2, "PER"), (4, 4, "LOC")]),  # IOB1
        (["B-PER", "E-PER", "S-LOC", "O", "B-ORG", "I-ORG", "E-ORG"], [(0, 1, "PER"), (2, 2, "LOC"), (4, 6, "ORG")]),
        (["U-PER", "B-ORG", "L-ORG"], [(0, 0, "PER"), (1, 2, "ORG")]),  # BILOU
        (["O", "O"], []),
    ],
)
def test_tag_schemes_are_recognised(tags: list[str], ranges: list[tuple[int, int, str]]) -> None:
    assert tags_to_ranges(tags) == ranges


@pytest.mark.parametrize("tags", [["B-PER", "I-GPE"], ["I-PER", "E-LOC"], ["B-PER", "X-PER"], ["B-PER", "E-LOC"]])
def test_tags_no_scheme_decodes(tags: list[str]) -> None:
    with pytest.raises(TagError, match="nor IOB1 or BIOES"):
        tags_to_ranges(tags)
