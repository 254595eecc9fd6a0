"""Very long blocks are annotated in sentence-bounded pieces and joined back exactly."""

from __future__ import annotations

from serge_corpus import annotate as annotate_module
from serge_corpus import long_blocks
from serge_corpus.annotate import annotate
from serge_corpus.corpus import sha256_text
from serge_corpus.long_blocks import cut_points, split_long_blocks
from serge_corpus.model import Document, word_count
from serge_corpus.segment import segment_document

SENTENCES = (
    "Victor Serge arrived in Paris on 1 May 1925. He wrote for Clarté in the spring of 1926. "
    "The Left Opposition met in Moscow in 1927. Two years later he was expelled. "
)


def one_paragraph(repeat: int) -> Document:
    text = (SENTENCES * repeat).strip()
    return Document("long", text, sha256_text(text))


def test_pieces_cut_at_sentence_starts_and_cover_the_block():
    block = segment_document(one_paragraph(40))[0]
    ranges = cut_points(block, 1000)
    starts = {s.start for s in block.sentences}
    assert ranges[0][0] == 0 and ranges[-1][1] == len(block.text)
    assert all(end == nxt for (_, end), (nxt, _) in zip(ranges, ranges[1:]))
    assert all(end - start <= 1000 for start, end in ranges)
    assert all(start in starts for start, _ in ranges)


def test_a_sentence_longer_than_the_limit_is_cut_between_tokens():
    text = "In " + ", ".join(["Paris and Moscow"] * 200) + "."
    block = segment_document(Document("t", text, sha256_text(text)))[0]
    ranges = cut_points(block, 300)
    token_starts = {t.start for t in block.tokens}
    assert len(ranges) > 1 and all(start in token_starts for start, _ in ranges)
    pieces = split_long_blocks([block], 300)
    assert "".join(p.text for p in pieces.blocks) == block.text
    assert all(p.text[t.start : t.end] == t.text for p in pieces.blocks for t in p.tokens)


def test_short_blocks_pass_through_untouched():
    blocks = segment_document(one_paragraph(2))
    pieces = split_long_blocks(blocks, 10_000)
    assert pieces.blocks == blocks and pieces.join(blocks) == blocks


def test_split_annotation_equals_the_whole_block(monkeypatch):
    document = one_paragraph(60)  # about 2,800 words in one paragraph
    monkeypatch.setattr(long_blocks, "MAX_CHARS", 10**9)
    whole = annotate(document, ner="rules").blocks
    monkeypatch.setattr(long_blocks, "MAX_CHARS", 700)
    split = annotate(document, ner="rules").blocks
    assert len(split) == len(whole) == 1
    assert split[0].to_dict() == whole[0].to_dict()
    assert len(split_long_blocks(segment_document(document), 700).blocks) > 10
    # Four dates per repeat; "Two years later" resolves against the date before it, across piece boundaries too.
    assert sum(1 for s in split[0].spans if s.label == "DATE") == 4 * 60


def test_piece_words_sum_to_the_block_words_even_when_a_cut_splits_a_word():
    text = "In " + ", ".join(["Paris and Moscow"] * 200) + "."
    block = segment_document(Document("t", text, sha256_text(text)))[0]
    pieces = split_long_blocks([block], 100)
    assert any(not text[start - 1].isspace() for _, start in pieces.origin[1:])  # cut before a comma: "Moscow|,"
    assert sum(pieces.words()) == word_count(text) == 601


def test_progress_counts_every_word_of_a_long_block_in_steps(monkeypatch):
    document = one_paragraph(60)  # about 2,800 words in one paragraph
    monkeypatch.setattr(long_blocks, "MAX_CHARS", 700)
    monkeypatch.setattr(annotate_module, "CHUNK_WORDS", 100)
    steps: list[int] = []
    stepped = annotate(document, ner="rules", progress=steps.append).blocks
    assert sum(steps) == word_count(document.text) == 60 * 32
    assert len(steps) >= 10 and all(0 < n < 300 for n in steps)  # many small steps, none of them the whole block
    monkeypatch.setattr(annotate_module, "CHUNK_WORDS", 10**9)
    monkeypatch.setattr(annotate_module, "CHUNK", 10**9)
    whole: list[int] = []
    at_once = annotate(document, ner="rules", progress=whole.append).blocks
    assert whole == [sum(steps)]
    assert [b.to_dict() for b in stepped] == [b.to_dict() for b in at_once]  # the NER chunks change no byte


class RecordedBar:
    """Stands in for tqdm: the total it was given and what it was advanced by."""

    made: list[RecordedBar] = []

    def __init__(self, total: int, **options: object) -> None:
        self.total, self.steps, self.options = total, [], options
        RecordedBar.made.append(self)

    def __enter__(self) -> RecordedBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self, n: int) -> None:
        self.steps.append(n)


def test_the_file_bar_counts_words_of_the_text_and_ends_at_its_total(monkeypatch):
    from serge_corpus.cli import annotate as cli_annotate

    document = one_paragraph(70)  # 2,240 words: over the 2,000 below which the bar stays hidden
    monkeypatch.setattr(long_blocks, "MAX_CHARS", 700)
    monkeypatch.setattr(annotate_module, "CHUNK_WORDS", 100)
    monkeypatch.setattr(cli_annotate, "tqdm", RecordedBar)
    RecordedBar.made.clear()
    cli_annotate._annotate_with_bar(segment_document(document), "rules", "long.txt")
    (bar,) = RecordedBar.made
    assert bar.total == sum(bar.steps) == word_count(document.text) == 70 * 32
    assert bar.options["unit"] == "word" and not bar.options["disable"]
    assert len(bar.steps) >= 15  # it moves through the paragraph, piece by piece
