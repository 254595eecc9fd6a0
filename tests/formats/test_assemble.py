"""What every import does: drift checks, placement, validation, policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import full_record

from serge_corpus.corpus import document_from_path
from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks, import_report
from serge_corpus.formats.assemble import ImportSettings, RawRecord, RawSpan, assemble, drift_problems
from serge_corpus.formats.envelope import Where, parse_header
from serge_corpus.ner.labels import load_label_map

from .conftest import FIXTURES

WHERE = Where("in.jsonl", 3, "r1")


@pytest.fixture(scope="module")
def source():  # type: ignore[no-untyped-def]
    return document_from_path(FIXTURES / "source.txt")


def codes(err: pytest.ExceptionInfo[SergeCorpusError]) -> list[str]:
    return [p.code for p in err.value.problems]


def test_drift_names_the_character() -> None:
    [crlf, bom] = drift_problems("a\r\nb\ufeff", WHERE)
    assert (crlf.code, crlf.file, crlf.line, crlf.field) == ("E162", "in.jsonl", 3, "text")
    assert "character 1" in crlf.detail
    assert bom.code == "E163" and "character 4" in bom.detail


@pytest.mark.parametrize("text", ["Serge\r\nmet", "\ufeffSerge met"])
def test_drifted_record_text_is_refused_in_every_json_format(tmp_path: Path, text: str) -> None:
    rows = {
        "prodigy": {"text": text},
        "doccano": {"text": text, "label": []},
        "labelstudio": {"data": {"text": text}},
    }
    for fmt, row in rows.items():
        path = tmp_path / f"{fmt}.jsonl"
        path.write_text(json.dumps(row) + "\n")
        with pytest.raises(SergeCorpusError) as err:
            import_blocks(path, fmt)
        assert codes(err) == (["E162"] if "\r" in text else ["E163"])
        assert err.value.problems[0].line == 1


def test_file_with_crlf_line_endings_is_refused(tmp_path: Path) -> None:
    # CoNLL (no character offsets) reads CRLF files since issue 15; a file with offsets still refuses them.
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"text": "Serge", "label": []}\r\n')
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "doccano")
    assert codes(err) == ["E162"]
    conll = tmp_path / "x.conll"
    conll.write_bytes(b"Serge\tB-PERSON\r\n")
    [block] = import_blocks(conll, "conll")
    assert [(s.text, s.label) for s in block.spans] == [("Serge", "PERSON")]


def test_text_not_in_source(source) -> None:  # type: ignore[no-untyped-def]
    raw = RawRecord(WHERE, "Lenin died in 1924.")
    with pytest.raises(SergeCorpusError) as err:
        assemble([raw], ImportSettings("prodigy", source))
    assert codes(err) == ["E164"]
    assert "not found" in err.value.problems[0].detail


def test_text_over_two_blocks_is_split_between_them(source) -> None:  # type: ignore[no-untyped-def]
    # Before: E177 "straddles two blocks" for a brat document given its own text as source.
    text = "in 1890.\n\nHe joined"
    assert text in source.text
    spans = (RawSpan(3, 7, "DATE", {"date": {"type": "DATE", "value": "1890"}}), RawSpan(10, 12, "PERSON"))
    first, second = assemble([RawRecord(WHERE, text, spans)], ImportSettings("prodigy", source))
    assert [(s.text, s.label) for s in first.spans] == [("1890", "DATE")]
    assert [(s.text, s.label) for s in second.spans] == [("He", "PERSON")]
    assert second.offset == source.text.index("He joined")


def test_span_across_two_blocks_names_the_span(source) -> None:  # type: ignore[no-untyped-def]
    text = "in 1890.\n\nHe joined"
    with pytest.raises(SergeCorpusError) as err:
        assemble([RawRecord(WHERE, text, (RawSpan(3, 12, "DATE"),))], ImportSettings("prodigy", source))
    [problem] = err.value.problems
    assert problem.code == "E629" and "'1890.\\n\\nHe'" in problem.detail
    assert "source:0000, source:0001" in problem.detail


def test_sentence_records_merge_into_their_block(source) -> None:  # type: ignore[no-untyped-def]
    first = RawRecord(WHERE, "He joined the Bolsheviks in Petrograd in 1919.", (RawSpan(14, 24, "NORP"),))
    second = RawRecord(WHERE, "Two years later he saw Kronstadt.", (RawSpan(23, 32, "GPE"),))
    [block] = assemble([first, second], ImportSettings("prodigy", source))
    assert [(s.text, s.label) for s in block.spans] == [("Bolsheviks", "NORP"), ("Kronstadt", "GPE")]
    assert block.text.startswith("He joined")


def test_validation_problems_carry_the_input_location() -> None:
    raw = RawRecord(WHERE, "Serge met", (RawSpan(0, 5, "PER"),))
    header = parse_header(
        {
            "version": 1,
            "id": "r1",
            "doc_id": "d",
            "block": "body",
            "section": None,
            "offset": 0,
            "sentences": [],
            "meta": {},
            "extra": {},
        },
        WHERE,
    )
    assert not isinstance(header, list)
    with pytest.raises(SergeCorpusError) as err:
        assemble([RawRecord(raw.where, raw.text, raw.spans, header=header)], ImportSettings("prodigy"))
    [problem] = err.value.problems
    assert (problem.code, problem.file, problem.line, problem.field) == ("E032", "in.jsonl", 3, "spans[0].label")


def test_duplicate_ids_across_records(tmp_path: Path) -> None:
    block = full_record("doc:0001", "Serge.", [])
    export_blocks([block, block], "prodigy", tmp_path / "x.jsonl")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "x.jsonl", "prodigy")
    assert codes(err) == ["E014"]
    assert err.value.problems[0].line == 2


def test_label_map_and_unannotated_labels(tmp_path: Path, source) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.jsonl"
    text = "He joined the Bolsheviks in Petrograd in 1919."
    spans = [[14, 24, "MISC"], [28, 37, "LOC"], [41, 45, "CARDINAL"]]
    path.write_text(json.dumps({"text": text, "label": spans}) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "doccano", source=source, label_map=load_label_map("conll03"))
    assert codes(err) == ["E123"]  # CARDINAL is not a conll03 label
    path.write_text(json.dumps({"text": text, "label": spans[:2]}) + "\n")
    [block] = import_blocks(path, "doccano", source=source, label_map=load_label_map("conll03"))
    assert [(s.text, s.label) for s in block.spans] == [("Petrograd", "GPE")]  # MISC maps to null: dropped
    path.write_text(json.dumps({"text": text, "label": [[14, 24, "NORP"], [41, 45, "CARDINAL"]]}) + "\n")
    [block] = import_blocks(path, "doccano", source=source, drop_unannotated=True)
    assert [s.label for s in block.spans] == ["NORP"]


def test_normalise_dates_resolves_in_the_record_context(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    text = "Serge reached Moscow in 1919. Two years later he saw Kronstadt."
    spans = [[text.index("1919"), text.index("1919") + 4, "DATE"], [text.index("Two"), text.index("later") - 1, "DATE"]]
    path.write_text(json.dumps({"text": text, "label": spans}) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "doccano")
    assert codes(err) == ["E040", "E040"]
    result = import_report(path, "doccano", normalise_dates=True)
    [block] = result.blocks
    assert [(s.text, s.date.to_dict() if s.date else None) for s in block.spans][0] == (
        "1919",
        {"type": "DATE", "value": "1919", "mod": None, "anchor": None},
    )
    assert block.spans[1].date is not None and block.spans[1].date.type == "DURATION"
    assert all(s.extra == {"date_normalised": True} for s in block.spans)


def test_label_schemes_ship_for_common_tools() -> None:
    assert load_label_map("spacy").mapping == load_label_map("ontonotes").mapping
    assert load_label_map("wnut17").map("creative-work") == "WORK_OF_ART"
    assert load_label_map("conll03").map("MISC") is None
