"""CoNLL / IOB2: headers, sentences, foreign files placed in their source."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import full_record
from hypothesis import given
from hypothesis import strategies as st

from serge_corpus.corpus import document_from_path
from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.conll import block_lines, decode_value, encode_value, sentence_groups
from serge_corpus.model import DateValue, Sentence, Token

from .conftest import FIXTURES


@given(st.text(max_size=20) | st.integers() | st.none() | st.lists(st.integers(), max_size=3))
def test_comment_values_read_back(value: object) -> None:
    encoded = encode_value(value)
    assert "\n" not in encoded and "\t" not in encoded
    assert decode_value(encoded) == value


def test_plain_strings_stay_readable() -> None:
    assert encode_value("serge-afterword:0012") == "serge-afterword:0012"
    assert encode_value("12") == '"12"'
    assert encode_value("a\nb") == '"a\\nb"'


def test_record_lines() -> None:
    block = full_record(
        "doc:0001",
        "Serge met Trotsky. In 1921 too.",
        [("Serge", "PERSON", None, {}), ("1921", "DATE", DateValue("DATE", "1921"), {})],
    )
    block = replace(block, sentences=(Sentence(0, 18), Sentence(19, 31)))
    text, problems = block_lines(block)
    assert problems == []
    lines = text.split("\n")
    assert lines[0] == "# id = doc:0001"
    assert "Serge\tB-PERSON" in lines
    assert "1921\tB-DATE" in lines
    blank = lines.index("")
    assert lines[blank - 1] == ".\tO" and lines[blank + 1] == "In\tO"  # a blank line between the sentences


def test_sentence_groups_attach_stray_tokens_to_the_previous_sentence() -> None:
    tokens = [Token(0, 1, "a"), Token(2, 3, "b"), Token(4, 5, "c"), Token(6, 7, "d")]
    assert sentence_groups(tokens, [Sentence(0, 3), Sentence(6, 7)]) == [[0, 1, 2], [3]]
    assert sentence_groups(tokens, []) == [[0, 1, 2, 3]]


def test_token_offsets_written_only_when_needed(tmp_path: Path) -> None:
    # Tokens that skip text the left-to-right search would match first.
    block = full_record("doc:0001", "ab ab", [], tokens=False)
    block = replace(block, tokens=(Token(3, 5, "ab"),))
    text, _ = block_lines(block)
    assert "# token_offsets = [[3, 5]]" in text
    export_blocks([block], "conll", tmp_path / "x.conll")
    [back] = import_blocks(tmp_path / "x.conll", "conll")
    assert back.tokens == block.tokens


def test_foreign_conll2003_is_placed_in_its_source() -> None:
    source = document_from_path(FIXTURES / "source.txt")
    blocks = import_blocks(FIXTURES / "conll2003_style.conll", "conll", source=source, stub_dates=True)
    assert [b.offset for b in blocks] == [0, source.text.index("He joined")]
    assert [(s.text, s.label) for s in blocks[0].spans] == [
        ("Victor Serge", "PERSON"),
        ("Brussels", "GPE"),
        ("1890", "DATE"),
    ]
    assert blocks[0].meta["imported_from"] == "conll"
    assert blocks[1].tokens[0].text == "He"  # tokens and sentences come from the segmenter
    assert all(s.extra == {"date_stub": True} for b in blocks for s in b.spans if s.label == "DATE")


def test_foreign_date_spans_need_a_date_object() -> None:
    source = document_from_path(FIXTURES / "source.txt")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(FIXTURES / "conll2003_style.conll", "conll", source=source)
    assert [p.code for p in err.value.problems] == ["E040", "E040"]


def test_foreign_conll_without_source_is_its_own_document() -> None:
    # Before: E164 "no --source". Now the -DOCSTART- document is one record, its tokens joined by spaces.
    [block] = import_blocks(FIXTURES / "conll2003_style.conll", "conll", stub_dates=True)
    assert block.text.split("\n") == [
        "Victor Serge was born in Brussels in 1890 .",
        "He joined the Bolsheviks in Petrograd in 1919 .",
    ]
    assert len(block.sentences) == 2 and len(block.tokens) == 18
    assert [s.text for s in block.spans] == ["Victor Serge", "Brussels", "1890", "Bolsheviks", "Petrograd", "1919"]


def test_invalid_iob_names_the_line() -> None:
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(FIXTURES / "bad_iob.conll", "conll")
    [problem] = err.value.problems
    assert (problem.code, problem.line) == ("E167", 2)


def test_token_with_a_tab_cannot_be_written(tmp_path: Path) -> None:
    block = full_record("doc:0001", "a\tb", [], tokens=False)
    block = replace(block, tokens=(Token(0, 3, "a\tb"),))
    with pytest.raises(SergeCorpusError) as err:
        export_blocks([block], "conll", tmp_path / "x.conll")
    assert [(p.code, p.field) for p in err.value.problems] == [("E172", "tokens[0]")]


def test_edited_text_comment_is_caught(tmp_path: Path) -> None:
    export_blocks([full_record("doc:0001", "Serge met Trotsky.", [])], "conll", tmp_path / "x.conll")
    path = tmp_path / "x.conll"
    path.write_text(path.read_text().replace("# text = Serge met Trotsky.", "# text = Serge met Lenin."))
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "conll")
    assert [(p.code, p.field) for p in err.value.problems] == [("E171", "tokens")]


def test_own_export_with_crlf_line_endings_reads_back_the_same(tmp_path: Path) -> None:
    # Before: E162. CoNLL has no character offsets, so a Windows editor's CRLF changes nothing.
    block = full_record("doc:0001", "Serge met Trotsky\nin 1919.", [("Serge", "PERSON", None, {})])
    path = tmp_path / "x.conll"
    export_blocks([block], "conll", path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    [back] = import_blocks(path, "conll")
    assert back.to_dict() == block.to_dict()
