"""doccano: both export shapes, UTF-16 offsets, and annotator edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import full_record

from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.doccano import read
from serge_corpus.model import DateValue

from .conftest import FIXTURES


def test_utf16_offsets_of_doccano_issue_2290() -> None:
    # doccano#2290: "firetrucks" is 22..32 in doccano, 19..29 in Python.
    [record] = read(FIXTURES / "doccano_utf16.jsonl")
    [span] = record.spans
    assert (span.start, span.end, span.label) == (19, 29, "PRODUCT")
    assert record.text[19:29] == "firetrucks"
    assert record.added_meta == {"doccano": {"Comments": [], "doccano_id": 7}}
    with pytest.raises(SergeCorpusError) as err:
        read(FIXTURES / "doccano_utf16.jsonl", offsets="codepoint")  # 32 > 29 code points
    assert [(p.code, p.field) for p in err.value.problems] == [("E169", "label[0]")]


def test_export_writes_utf16_by_default(tmp_path: Path) -> None:
    block = full_record("doc:0001", "😀😀 Victor Serge", [("Victor Serge", "PERSON", None, {})])
    export_blocks([block], "doccano", tmp_path / "u.jsonl")
    export_blocks([block], "doccano", tmp_path / "c.jsonl", offsets="codepoint")
    utf16 = json.loads((tmp_path / "u.jsonl").read_text())
    codepoint = json.loads((tmp_path / "c.jsonl").read_text())
    assert utf16["label"] == [[5, 17, "PERSON"]]
    assert codepoint["label"] == [[3, 15, "PERSON"]]


def test_entities_form(tmp_path: Path) -> None:
    block = full_record(
        "doc:0001", "Serge met Trotsky.", [("Serge", "PERSON", None, {}), ("Trotsky", "PERSON", None, {})]
    )
    export_blocks([block], "doccano", tmp_path / "e.jsonl", form="entities")
    row = json.loads((tmp_path / "e.jsonl").read_text())
    assert row["entities"] == [
        {"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 5},
        {"id": 2, "label": "PERSON", "start_offset": 10, "end_offset": 17},
    ]
    assert row["relations"] == []


def test_annotator_edits_keep_dates_of_untouched_spans(tmp_path: Path) -> None:
    date = DateValue("DATE", "1919")
    block = full_record(
        "doc:0001", "In 1919 Serge reached Petrograd.", [("1919", "DATE", date, {}), ("Petrograd", "GPE", None, {})]
    )
    path = tmp_path / "d.jsonl"
    export_blocks([block], "doccano", path)
    row = json.loads(path.read_text())
    row["label"] = [[3, 7, "DATE"], [8, 13, "PERSON"]]  # removed GPE, added PERSON
    path.write_text(json.dumps(row) + "\n")
    [back] = import_blocks(path, "doccano")
    assert [(s.text, s.label, s.date) for s in back.spans] == [("1919", "DATE", date), ("Serge", "PERSON", None)]


def test_resized_date_loses_its_stale_value(tmp_path: Path) -> None:
    block = full_record("doc:0001", "In May 1919 Serge left.", [("1919", "DATE", DateValue("DATE", "1919"), {})])
    path = tmp_path / "d.jsonl"
    export_blocks([block], "doccano", path)
    row = json.loads(path.read_text())
    row["label"] = [[3, 11, "DATE"]]
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "doccano")
    assert [(p.code, p.field) for p in err.value.problems] == [("E040", "spans[0].date")]


def test_offset_inside_an_emoji_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "😀 Serge", "label": [[1, 8, "PERSON"]]}) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        read(path)
    assert [(p.code, p.field, p.line) for p in err.value.problems] == [("E169", "label[0]", 1)]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"label": []}, "text"),
        ({"text": "a", "label": [[0, 1]]}, "label[0]"),
        ({"text": "a", "entities": [{"label": "X"}]}, "entities[0]"),
    ],
)
def test_malformed_rows(tmp_path: Path, row: dict, field: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        read(path)
    assert [(p.code, p.field) for p in err.value.problems] == [("E171", field)]


def test_bad_option_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SergeCorpusError) as err:
        export_blocks([], "doccano", tmp_path / "d.jsonl", form="spans")
    assert err.value.problems[0].code == "E161"
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "d.jsonl", "doccano", offsets="bytes")
    assert err.value.problems[0].code == "E161"


def test_doccano_import_format_labels_and_0x_annotations(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps({"text": "Serge met Trotsky.", "labels": [[10, 17, "PERSON"]]})
        + "\n"
        + json.dumps({"id": 2, "text": "Lenin.", "annotations": [{"label": 3, "start_offset": 0, "end_offset": 5}]})
        + "\n"
    )
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "doccano")
    [problem] = err.value.problems
    assert (problem.code, problem.line, problem.field) == ("E171", 2, "annotations") and "label" in problem.detail
    path.write_text(path.read_text().split("\n")[0] + "\n")
    [block] = import_blocks(path, "doccano")
    assert [(s.text, s.label) for s in block.spans] == [("Trotsky", "PERSON")]
