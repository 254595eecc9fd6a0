"""Files in the shapes other tools really export, imported without hand surgery.

The samples in tests/fixtures/formats/real/ were written for these tests in
the exact shapes the tools emit: doccano 1.x (`data`, unsorted `label`),
Prodigy `ner_manual` (padded text, spaCy tokens with a whitespace token,
hashes, answers), Label Studio's JSON export, brat with a multi-paragraph
document and a mention cut at a line break, CoNLL-2003 as distributed (IOB1,
four columns, -DOCSTART-, CRLF) and BIOES CoNLL. Each test fails on the code
before the import fixes (E164 without --source, E177, E162, E167, E171).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from serge_corpus.corpus import document_from_path, sha256_text
from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import import_blocks, import_report
from serge_corpus.formats.carried import SEPARATOR
from serge_corpus.ner.labels import load_label_map

from .conftest import FIXTURES

REAL = FIXTURES / "real"


def spans_of(blocks) -> list[list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    return [[(s.text, s.label) for s in b.spans] for b in blocks]


def test_doccano_1x_export_with_conll_labels_and_a_padded_span() -> None:
    conll03 = load_label_map("conll03")
    with pytest.raises(SergeCorpusError) as err:
        import_report(REAL / "doccano_1x.jsonl", "doccano", label_map=conll03)
    [problem] = err.value.problems
    assert (problem.code, problem.line, problem.field) == ("E627", 2, "spans[1]")
    assert problem.detail == "span ' OGPU' starts with a space"
    assert "--trim" in str(problem)

    result = import_report(REAL / "doccano_1x.jsonl", "doccano", label_map=conll03, trim=True)
    assert spans_of(result.blocks) == [
        [("Victor Serge", "PERSON"), ("Trotsky", "PERSON"), ("Moscow", "GPE")],
        [("Left Opposition", "ORG"), ("OGPU", "ORG")],
        [],
    ]
    assert [(f.where.line, f.before, f.after) for f in result.fixes] == [(2, " OGPU", "OGPU")]
    assert result.dropped == {"MISC": ["Clarté"]}
    assert [b.meta["doccano"]["doccano_id"] for b in result.blocks] == [41, 42, 43]
    assert result.document is not None
    texts = [json.loads(line)["data"] for line in (REAL / "doccano_1x.jsonl").read_text().splitlines()]
    assert result.document.text == SEPARATOR.join(texts)


def test_prodigy_ner_manual_with_padded_text_tokens_and_hashes() -> None:
    result = import_report(REAL / "prodigy_ner_manual.jsonl", "prodigy", normalise_dates=True)
    first, second, rejected = result.blocks
    assert first.text == " Serge was arrested in Leningrad in 1933. "  # the tool's text, offsets unchanged
    assert spans_of([first, second]) == [
        [("Serge", "PERSON"), ("Leningrad", "GPE"), ("1933", "DATE")],
        [("Orenburg", "GPE")],
    ]
    date = first.spans[2]
    assert date.date is not None and (date.date.type, date.date.value) == ("DATE", "1933")
    assert date.extra == {"date_normalised": True} and result.normalised == 1
    assert rejected.meta["prodigy"]["answer"] == "reject"
    assert first.meta["prodigy"]["_annotator_id"] == "serge-anna"
    assert "_input_hash" not in first.meta["prodigy"]
    assert result.document is not None
    assert all(b.meta["source_sha256"] == sha256_text(result.document.text) for b in result.blocks)


def test_prodigy_padded_text_is_found_in_its_source(tmp_path: Path) -> None:
    # Before: E177 "straddles two blocks" (the padding reaches outside the paragraph).
    source = tmp_path / "memoirs.txt"
    source.write_text(
        "Serge was arrested in Leningrad in 1933.\n\nHe was deported to Orenburg.\n\nAdvertisement: subscribe now.\n"
    )
    blocks = import_blocks(
        REAL / "prodigy_ner_manual.jsonl", "prodigy", source=document_from_path(source), stub_dates=True
    )
    assert [b.offset for b in blocks] == [0, 42, 72]
    assert spans_of(blocks) == [
        [("Serge", "PERSON"), ("Leningrad", "GPE"), ("1933", "DATE")],
        [("Orenburg", "GPE")],
        [],
    ]


def test_labelstudio_json_export_with_a_trailing_space() -> None:
    conll03 = load_label_map("conll03")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(REAL / "labelstudio_export.json", "labelstudio", label_map=conll03)
    assert [(p.code, p.detail) for p in err.value.problems] == [("E627", "span 'André Breton ' ends with a space")]
    result = import_report(REAL / "labelstudio_export.json", "labelstudio", label_map=conll03, trim=True)
    [block] = result.blocks
    assert spans_of([block]) == [[("André Breton", "PERSON"), ("Serge", "PERSON"), ("Paris", "GPE")]]
    assert block.meta["labelstudio"] == {
        "annotation_id": 3,
        "completed_by": 1,
        "updated_at": "2024-03-02T10:12:40.123456Z",
        "task_id": 7,
    }


def test_brat_multi_paragraph_document_is_its_own_source() -> None:
    result = import_report(REAL / "brat_multiline", "brat", normalise_dates=True)
    [block] = result.blocks
    assert block.text == (REAL / "brat_multiline" / "memoirs.txt").read_text()
    assert ("Communist\nInternational", "ORG") in spans_of([block])[0]  # fragments cut at the line break, joined
    dates = {s.text: s.date.value for s in block.spans if s.date is not None}
    assert dates == {"January 1919": "1919-01", "1936": "1936"}
    assert block.meta["brat"]["lines"] == ["R1\tMember Arg1:T6 Arg2:T5", "A1\tCertain T4"]
    assert next(s for s in block.spans if s.text == "Victor Serge").extra["brat_note"].startswith("check")


def test_brat_multi_paragraph_document_with_its_text_as_source() -> None:
    # Before: E177 on the document's own text; now each span goes to its paragraph.
    source = document_from_path(REAL / "brat_multiline" / "memoirs.txt")
    blocks = import_blocks(REAL / "brat_multiline", "brat", source=source, stub_dates=True)
    assert spans_of(blocks) == [
        [("Memoirs of a Revolutionary", "WORK_OF_ART")],
        [
            ("Victor Serge", "PERSON"),
            ("Petrograd", "GPE"),
            ("January 1919", "DATE"),
            ("Communist\nInternational", "ORG"),
            ("Zinoviev", "PERSON"),
        ],
        [("1936", "DATE"), ("Soviet Union", "GPE")],
    ]
    assert [b.block for b in blocks] == ["title", "body", "body"]


def test_conll2003_as_distributed_iob1_crlf_docstart() -> None:
    assert b"\r\n" in (REAL / "conll2003_iob1_crlf.conll").read_bytes()
    result = import_report(REAL / "conll2003_iob1_crlf.conll", "conll", label_map=load_label_map("conll03"))
    first, second = result.blocks  # one record per -DOCSTART- document
    assert first.text == "Serge left Brussels for Paris .\nTrotsky Zinoviev and the Bolsheviks met ."
    assert [(s.start, s.end) for s in first.sentences] == [(0, 31), (32, 73)]
    assert spans_of(result.blocks) == [
        [("Serge", "PERSON"), ("Brussels", "GPE"), ("Paris", "GPE"), ("Trotsky", "PERSON"), ("Zinoviev", "PERSON")],
        [("Le Monde", "ORG")],
    ]
    assert result.dropped == {"MISC": ["Bolsheviks"]}
    assert [t.text for t in second.tokens] == ["Le", "Monde", "reported", "it", "."]


def test_bioes_conll_one_record_per_sentence() -> None:
    blocks = import_blocks(REAL / "bioes.conll", "conll", label_map=load_label_map("conll03"))
    assert spans_of(blocks) == [[("Victor Serge", "PERSON"), ("Mexico", "GPE")], [("Communist International", "ORG")]]


def test_own_document_sentences_stop_at_blank_lines() -> None:
    [block] = import_blocks(REAL / "brat_multiline", "brat", stub_dates=True)
    assert [block.text[s.start : s.end] for s in block.sentences][:2] == [
        "Memoirs of a Revolutionary",
        "Victor Serge arrived in Petrograd in January 1919.",
    ]
