"""Corpus growth: heading and meta blocks, one-paragraph-per-line texts, linear splitting, manifest fields."""

import json
import shutil
from pathlib import Path

import pytest

from serge_corpus import jsonl
from serge_corpus.annotate import annotate_blocks
from serge_corpus.corpus import load_corpus, sha256_text
from serge_corpus.errors import SergeCorpusError
from serge_corpus.model import BLOCK_KINDS, UNANNOTATED_BLOCKS, Block, Document
from serge_corpus.segment import (
    cues_from_dict,
    load_cues,
    oversized_blocks,
    paragraphs_of,
    segment_document,
    with_paragraphs,
)

ROOT = Path(__file__).parents[2]
WIKI = (
    "\n\n\n99_Test\n HISTORY ARTICLE \n 2009-12-19T17:00:00 \n\nCourse of the war\n\nWar breaks out\n\n"
    "On 1 September 1939 Germany attacked Poland. France declared war.\nThe Soviets invaded on 17 September.\n\n"
    'Italian perspective: "Will you be worthy of it?"\n\nThe crowds cheered in Rome.\n'
)


def doc(text: str, doc_id: str = "t") -> Document:
    return Document(doc_id=doc_id, text=text, sha256=sha256_text(text))


def test_heading_and_meta_are_block_kinds_and_meta_is_not_annotated():
    assert "heading" in BLOCK_KINDS and "meta" in BLOCK_KINDS
    assert "meta" in UNANNOTATED_BLOCKS and "heading" not in UNANNOTATED_BLOCKS
    record = {
        "id": "t:0",
        "doc_id": "t",
        "block": "meta",
        "offset": 0,
        "text": "99_Test",
        "spans": [{"start": 0, "end": 2, "label": "DATE", "text": "99", "date": {"type": "DATE", "value": "1999"}}],
    }
    codes = [p.code for p in jsonl.validate_rows([(1, record)])]
    assert codes == ["E035"]
    assert jsonl.validate_rows([(1, dict(record, block="heading", spans=[]))]) == []


def test_a_wikipedia_text_gives_meta_headings_and_line_paragraphs():
    blocks = segment_document(doc(WIKI))
    assert [(b.block, b.section) for b in blocks] == [
        ("meta", None),
        ("heading", 1),
        ("heading", 1),
        ("body", 1),
        ("body", 1),
        ("heading", 2),
        ("body", 2),
    ]
    assert blocks[0].text == "99_Test\n HISTORY ARTICLE \n 2009-12-19T17:00:00"
    assert blocks[3].text == "On 1 September 1939 Germany attacked Poland. France declared war."
    assert blocks[1].sentences == () and len(blocks[3].sentences) == 2
    assert all(WIKI[b.offset : b.end] == b.text for b in blocks)


def test_paragraph_mode_is_explicit_and_configurable():
    cues = load_cues()
    assert paragraphs_of(WIKI, cues).mode == "line"
    blank = paragraphs_of(WIKI, with_paragraphs(cues, "blank-line"))
    assert blank.mode == "blank-line"
    assert "attacked Poland. France declared war.\nThe Soviets" in WIKI[blank.blocks[3].start : blank.blocks[3].end]
    with pytest.raises(SergeCorpusError) as err:
        with_paragraphs(cues, "sentence")
    assert err.value.problems[0].code == "E300"


def test_hard_wrapped_prose_stays_blank_line_paragraphs():
    text = (
        "A Title\n\nThis is a long paragraph that the author wrapped\nat a fixed width so that it spans several\n"
        "lines of the file. It goes on for a\nwhile, and then ends here with a stop.\n\nA second one. It ends.\n"
    )
    assert paragraphs_of(text, load_cues()).mode == "blank-line"
    assert len([b for b in segment_document(doc(text)) if b.block == "body"]) == 2


def test_the_afterword_keeps_its_segmentation_byte_for_byte():
    # The frozen base was segmented by version 1: blocks, kinds, sections, tokens and sentences are unchanged.
    corpus = load_corpus(ROOT / "corpus")
    now = [b.to_dict() for b in segment_document(corpus.load("serge-afterword"))]
    then = [b.to_dict() for b in jsonl.read_records(ROOT / "annotations/corrections/serge-afterword.base.jsonl")]
    fields = ("id", "doc_id", "block", "section", "offset", "text", "sentences", "tokens")
    assert [[r[f] for f in fields] for r in now] == [[r[f] for f in fields] for r in then]
    assert {r["meta"]["segmenter"] for r in now} == {"2"} and {r["meta"]["segmenter"] for r in then} == {"1"}


def test_numerals_and_elisions_are_tokens_of_their_own():
    from serge_corpus.segment import retokenize, tokenize

    assert [t.text for t in tokenize("in World War I. Then Tsar Alexander I. left")][3:6] == ["I", ".", "Then"]
    assert [t.text for t in tokenize("by L. Trotsky and John F. Kennedy")] == [
        "by",
        "L.",
        "Trotsky",
        "and",
        "John",
        "F.",
        "Kennedy",
    ]
    assert [t.text for t in tokenize("Maresciallo d'Italia, O'Brien")] == [
        "Maresciallo",
        "d",
        "'",
        "Italia",
        ",",
        "O'Brien",
    ]
    block = Block(id="t:0", doc_id="t", block="body", offset=0, text="It ended in World War I. Then peace.")
    [again] = retokenize([block])
    assert [block.text[s.start : s.end] for s in again.sentences] == ["It ended in World War I.", "Then peace."]


def test_the_afterword_reflowed_with_single_newlines_gives_the_same_body_and_spans(monkeypatch):
    monkeypatch.chdir(ROOT)  # the rules backend reads annotations/patterns.jsonl
    original = load_corpus(ROOT / "corpus").load("serge-afterword")
    blocks = segment_document(original)
    reflowed_text = "\n".join(b.text for b in blocks) + "\n"
    reflowed = segment_document(doc(reflowed_text, "serge-afterword"))
    assert paragraphs_of(reflowed_text, load_cues()).mode == "line"
    before = {b.text: b for b in annotate_blocks(blocks, ner="rules").blocks if b.block == "body"}
    after = {b.text: b for b in annotate_blocks(reflowed, ner="rules").blocks if b.block == "body"}
    assert set(before) <= set(after)
    for text, block in before.items():
        moved = after[text]
        assert moved.offset != block.offset or block.offset == 0
        assert [s.to_dict() for s in moved.spans] == [s.to_dict() for s in block.spans]


def test_a_footer_phrase_inside_a_long_paragraph_is_not_boilerplate():
    body = " ".join(["The revolution spread across the country and the workers organised councils."] * 8)
    text = f"Title\n\n{body} A reader wrote 15/06/2024 By EUGÊNIO BUCCI about it. {body}\n\n{body}\n"
    kinds = [b.block for b in segment_document(doc(text))]
    assert kinds == ["title", "body", "body"]


def test_an_implausibly_large_block_is_reported():
    cues = cues_from_dict(
        {**json.loads((ROOT / "src/serge_corpus/data/segmentation.json").read_text("utf-8")), "max_block_words": 50}
    )
    text = "Title\n\n" + " ".join(["word"] * 60) + ".\n"
    blocks = segment_document(doc(text), cues)
    warnings = oversized_blocks(blocks, cues)
    assert len(warnings) == 1 and "60 words" in warnings[0] and blocks[1].id in warnings[0]


def test_bad_cues_are_refused_naming_the_key():
    data = json.loads((ROOT / "src/serge_corpus/data/segmentation.json").read_text("utf-8"))
    with pytest.raises(SergeCorpusError) as err:
        cues_from_dict({**data, "paragraphs": "page", "meta_patterns": ["(unclosed"]}, "my.json")
    fields = sorted(p.field for p in err.value.problems)
    assert fields == ["meta_patterns", "paragraphs"] and {p.code for p in err.value.problems} == {"E300"}


class CountingStr(str):
    """A str that counts how many characters slicing copies."""

    copied = 0

    def __getitem__(self, key):
        piece = super().__getitem__(key)
        CountingStr.copied += len(piece)
        return piece


def test_paragraph_splitting_copies_each_character_a_bounded_number_of_times():
    # Quadratic splitting copied the whole prefix of the text for every paragraph.
    unit = "A paragraph of prose that ends a sentence.\n\n"
    for paragraphs in (200, 800):
        CountingStr.copied = 0
        text = CountingStr(unit * paragraphs)
        for mode in ("auto", "line", "blank-line"):
            paragraphs_of(text, with_paragraphs(load_cues(), mode))
        assert CountingStr.copied <= 3 * 3 * len(text)


def test_validation_hashes_each_source_once(monkeypatch):
    import serge_corpus.corpus as corpus_module

    calls = []
    real = corpus_module.sha256_text
    monkeypatch.setattr(corpus_module, "sha256_text", lambda text: calls.append(1) or real(text))
    jsonl._source_sha256.cache_clear()
    source = "x" * 1000 + "new text"
    rows = [
        (
            i,
            {
                "id": f"d:{i}",
                "doc_id": "d",
                "block": "body",
                "offset": 0,
                "text": "x",
                "spans": [],
                "meta": {"source_sha256": real(source)},
            },
        )
        for i in range(50)
    ]
    assert jsonl.validate_rows(rows, sources={"d": source}) == []
    assert len(calls) == 1


def test_manifest_entries_have_machine_readable_licence_fields():
    corpus = load_corpus(ROOT / "corpus")
    for entry in corpus.entries:
        assert {"licence_id", "redistributable", "attribution", "dct", "source"} <= entry.keys()
    wiki = corpus.load("russian-civil-war")
    assert (wiki.licence_id, wiki.redistributable, wiki.dct) == ("CC-BY-SA-3.0", True, "2009-12-19")
    assert "Mazur" in wiki.attribution and "Derczynski" in wiki.source
    afterword = corpus.load("serge-afterword")
    assert (afterword.licence_id, afterword.redistributable, afterword.dct) == (
        "LicenseRef-All-Rights-Reserved",
        False,
        None,
    )


def test_the_wikiwars_texts_are_the_published_text_byte_for_byte():
    corpus = load_corpus(ROOT / "corpus")
    candidates = [base / "shared" / "benchmarks" / "wikiwars" / "wikiwars_timex3.jsonl" for base in ROOT.parents[:2]]
    shipped = next((path for path in candidates if path.is_file()), candidates[0])
    if not shipped.is_file():
        pytest.skip("the shared WikiWars benchmark is outside this checkout")
    records = {json.loads(line)["id"]: json.loads(line) for line in shipped.read_text("utf-8").splitlines()}
    for entry in corpus.entries:
        if entry.get("wikiwars_id"):
            assert corpus.load(entry["doc_id"]).text == records[entry["wikiwars_id"]]["text"]


def test_a_changed_wikiwars_file_is_refused(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", root)
    path = root / "polish-soviet-war.txt"
    path.write_bytes(path.read_bytes().replace(b"Warsaw", b"Warsav", 1))
    with pytest.raises(SergeCorpusError) as err:
        load_corpus(root).load("polish-soviet-war")
    assert err.value.problems[0].code == "E062" and err.value.problems[0].file.endswith("polish-soviet-war.txt")


def test_bad_manifest_fields_are_refused(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", root)
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    manifest["documents"][1]["redistributable"] = "yes"
    manifest["documents"][2]["dct"] = "19 Dec 2009"
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        load_corpus(root)
    assert sorted(p.field for p in err.value.problems) == ["dct", "redistributable"]


def test_blocks_from_records_keep_the_new_kinds():
    block = Block(id="t:0", doc_id="t", block="heading", offset=0, text="1917", section=1)
    assert Block.from_dict(block.to_dict()).block == "heading"
