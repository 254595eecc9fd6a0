"""Segmentation: blocks, sections, tokens and sentences with exact offsets."""

from pathlib import Path

import pytest

from serge_corpus.corpus import load_corpus
from serge_corpus.model import Document
from serge_corpus.segment import segment, segment_document, split_sentences, tokenize

FIXTURES = Path(__file__).parent.parent / "fixtures" / "foundation"


def sentences_of(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text, tokenize(text))]


def doc(text: str) -> Document:
    return Document(doc_id="t", text=text, sha256="0" * 64)


@pytest.fixture(scope="module")
def afterword_blocks():
    corpus = load_corpus(Path(__file__).parents[2] / "corpus")
    return corpus.load("serge-afterword"), segment_document(corpus.load("serge-afterword"))


def test_initials_never_end_a_sentence():
    assert sentences_of("He met L. Trotsky and G. Zinoviev in Moscow. Then he left.") == [
        "He met L. Trotsky and G. Zinoviev in Moscow.",
        "Then he left.",
    ]


def test_etc_ends_a_sentence_only_before_a_capital():
    assert sentences_of("He read Lenin, Trotsky, etc. from Russian into French. He left.") == [
        "He read Lenin, Trotsky, etc. from Russian into French.",
        "He left.",
    ]
    assert sentences_of("He was a teacher, translator, etc. He wields a rifle.") == [
        "He was a teacher, translator, etc.",
        "He wields a rifle.",
    ]


def test_elision_mark_inside_a_quote_does_not_split():
    text = "He wrote: “(…) the country was exhausted (…).” Later he left."
    assert sentences_of(text) == ["He wrote: “(…) the country was exhausted (…).”", "Later he left."]


def test_closing_quote_stays_with_its_sentence():
    assert sentences_of("He shouted “Long live the revolution!” The sailors fell.") == [
        "He shouted “Long live the revolution!”",
        "The sailors fell.",
    ]


def test_other_abbreviations_from_another_essay():
    assert sentences_of("Dr. Almeida met Gen. Delgado at No. 12 rue de Seine. They talked, e.g. of art.") == [
        "Dr. Almeida met Gen. Delgado at No. 12 rue de Seine.",
        "They talked, e.g. of art.",
    ]
    assert sentences_of("She left in 1921... Nobody knows why. Was it love? Yes.") == [
        "She left in 1921...",
        "Nobody knows why.",
        "Was it love?",
        "Yes.",
    ]


def test_tokens_split_possessives_and_letter_hyphens_but_keep_ranges():
    text = "Lenin's anti-Tsarist war (1934-38), “War Communism”."
    assert [t.text for t in tokenize(text)] == [
        "Lenin",
        "'s",
        "anti",
        "-",
        "Tsarist",
        "war",
        "(",
        "1934-38",
        ")",
        ",",
        "“",
        "War",
        "Communism",
        "”",
        ".",
    ]


def test_token_offsets_index_the_text(afterword_blocks):
    document, blocks = afterword_blocks
    for block in blocks:
        assert document.text[block.offset : block.end] == block.text
        for token in block.tokens:
            assert block.text[token.start : token.end] == token.text
            assert token.text.strip() == token.text


def test_sentences_align_to_tokens_and_cover_the_block(afterword_blocks):
    _, blocks = afterword_blocks
    for block in blocks:
        starts = {t.start for t in block.tokens}
        ends = {t.end for t in block.tokens}
        for s in block.sentences:
            assert s.start in starts and s.end in ends
        if block.sentences:
            assert block.sentences[0].start == 0 and block.sentences[-1].end == len(block.text)


def test_afterword_block_kinds(afterword_blocks):
    _, blocks = afterword_blocks
    kinds = {b.text.split()[0] + " " + b.text.split()[1]: b.block for b in blocks}
    assert blocks[0].block == "title" and blocks[0].text == "Midnight in the century"
    assert blocks[1].block == "caption"
    assert blocks[2].block == "kicker"
    assert blocks[3].block == "headline"
    assert kinds["* Mario"] == "author_note"
    assert kinds["Victor Serge."] == "reference"
    assert blocks[-1].block == "boilerplate" and "Franz Kafka" in blocks[-1].text
    assert kinds["See this"] == "boilerplate"
    assert {b.block for b in blocks[4:-4]} == {"body"}


def test_afterword_sections_follow_double_blank_lines(afterword_blocks):
    document, blocks = afterword_blocks
    body = [b for b in blocks if b.block == "body"]
    for previous, block in zip(body, body[1:]):
        gap = document.text[previous.end : block.offset]
        expected = previous.section + 1 if gap.count("\n") >= 3 else previous.section
        assert block.section == expected
    assert body[0].section == 1 and body[-1].section > 5


def test_other_essay_blocks_and_sections():
    blocks = segment(FIXTURES / "essay_other.txt")
    assert [b.block for b in blocks] == [
        "title",
        "caption",
        "headline",
        "body",
        "body",
        "heading",
        "body",
        "author_note",
        "reference",
        "boilerplate",
    ]
    assert [b.section for b in blocks if b.block == "body"] == [1, 1, 2]
    first = blocks[3]
    assert [first.text[s.start : s.end] for s in first.sentences][:2] == [
        "Dr. Maria S. Almeida was born in Lisbon on 4 May 1899.",
        "Her father, Mr. J. R. Almeida, taught at the Univ. of Coimbra, i.e. the oldest university of the country, and her mother wrote novels, plays, essays, etc.",
    ]


def test_boilerplate_and_front_matter_have_no_sentences(afterword_blocks):
    _, blocks = afterword_blocks
    for block in blocks:
        if block.block in {"title", "caption", "kicker", "headline", "boilerplate"}:
            assert block.sentences == ()


def test_segmenting_a_string_document_keeps_offsets():
    text = "Title\n\n\nFirst paragraph of a text that is long enough. It has two sentences.\n"
    blocks = segment_document(doc(text))
    assert [(b.block, text[b.offset : b.end]) for b in blocks] == [
        ("title", "Title"),
        ("body", "First paragraph of a text that is long enough. It has two sentences."),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('It ended. "Then the war came," she wrote.', ["It ended.", '"Then the war came," she wrote.']),
        ('He asked: "Why?" Nobody answered.', ['He asked: "Why?"', "Nobody answered."]),
        ("He left the U.S. Army in 1946. Then he wrote.", ["He left the U.S. Army in 1946.", "Then he wrote."]),
        ("He lived in the U.S. He died there.", ["He lived in the U.S.", "He died there."]),
    ],
)
def test_quotes_and_dotted_acronyms_at_sentence_edges(text, expected):
    sentences = split_sentences(text, tokenize(text))
    assert [text[s.start : s.end] for s in sentences] == expected
