"""brat standoff: file layout, notes, and what brat files can hold that we cannot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import full_record

from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.brat import ann_text, file_stem, read
from serge_corpus.model import LABELS, DateValue

from .conftest import FIXTURES


def test_ann_lines_and_notes() -> None:
    block = full_record(
        "doc:0001",
        "Serge was born in 1890.",
        [("Serge", "PERSON", None, {}), ("1890", "DATE", DateValue("DATE", "1890"), {})],
    )
    lines = ann_text(block).splitlines()
    assert lines[0] == "T1\tPERSON 0 5\tSerge"
    assert lines[1] == "T2\tDATE 18 22\t1890"
    tag, target, note = lines[2].split("\t")
    assert (tag, target) == ("#1", "AnnotatorNotes T2")
    assert json.loads(note) == {"date": {"type": "DATE", "value": "1890", "mod": None, "anchor": None}}


def test_folder_layout(tmp_path: Path) -> None:
    blocks = [full_record("doc:0001", "Serge.", []), full_record("doc/2 x", "Trotsky.", [])]
    export_blocks(blocks, "brat", tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert "0001_doc_2_x.ann" in names and "0000_doc_0001.txt" in names
    assert (tmp_path / "b" / "0001_doc_2_x.txt").read_bytes() == b"Trotsky."
    conf = (tmp_path / "b" / "annotation.conf").read_text()
    assert all(label in conf.splitlines() for label in LABELS)
    assert file_stem(12, "a:b") == "0012_a_b"


def test_discontinuous_span_is_refused() -> None:
    with pytest.raises(SergeCorpusError) as err:
        read(FIXTURES / "brat_discontinuous")
    [problem] = err.value.problems
    assert (problem.code, problem.line, problem.field) == ("E166", 1, "T1")
    assert problem.file.endswith("0000_a.ann")


def _pair(folder: Path, text: bytes, ann: str) -> Path:
    folder.mkdir()
    (folder / "x.txt").write_bytes(text)
    (folder / "x.ann").write_text(ann)
    return folder


def test_other_lines_and_human_notes_are_kept(tmp_path: Path) -> None:
    ann = "T1\tPERSON 0 5\tSerge\nT2\tPERSON 10 17\tTrotsky\nR1\tKnows Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\tcheck spelling\n"
    folder = _pair(tmp_path / "f", b"Serge met Trotsky.", ann)
    [record] = read(folder)
    assert record.added_meta == {"brat": {"lines": ["R1\tKnows Arg1:T1 Arg2:T2"]}}
    assert record.spans[0].payload == {"extra": {"brat_note": "check spelling"}}
    assert record.header is None


@pytest.mark.parametrize(
    ("text", "code"),
    [(b"\xef\xbb\xbfSerge met Trotsky.", "E163"), (b"Serge\r\nmet Trotsky.", "E162"), (b"Serge \xff", "E002")],
)
def test_text_drift_is_refused(tmp_path: Path, text: bytes, code: str) -> None:
    folder = _pair(tmp_path / "f", text, "T1\tPERSON 0 5\tSerge\n")
    with pytest.raises(SergeCorpusError) as err:
        read(folder)
    assert [p.code for p in err.value.problems] == [code]
    assert err.value.problems[0].file.endswith("x.txt")


def test_edited_span_text_is_caught(tmp_path: Path) -> None:
    export_blocks(
        [full_record("doc:0001", "Serge met Trotsky.", [("Serge", "PERSON", None, {})])], "brat", tmp_path / "b"
    )
    ann = tmp_path / "b" / "0000_doc_0001.ann"
    ann.write_text(ann.read_text().replace("0 5\tSerge", "0 5\tSergo"))
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "b", "brat")
    assert [(p.code, p.record_id, p.field) for p in err.value.problems] == [("E168", "doc:0001", "T1 (line 1)")]


def test_foreign_pair_reports_bad_text(tmp_path: Path) -> None:
    # Without --source the .txt is the document (no E164 any more); the claimed text is still checked.
    folder = _pair(tmp_path / "f", b"Serge met Trotsky.", "T1\tPERSON 0 5\tSergo\n")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(folder, "brat")
    assert sorted(p.code for p in err.value.problems) == ["E168"]


@pytest.mark.parametrize(
    ("ann", "code", "line"),
    [
        ("T1\tPERSON zero\tSerge\n", "E171", 1),
        ("T1\tPERSON 0 5\tSerge\n#1\tAnnotatorNotes T9\tx\n", "E171", 2),
    ],
)
def test_bad_ann_lines(tmp_path: Path, ann: str, code: str, line: int | None) -> None:
    folder = _pair(tmp_path / "f", b"Serge met Trotsky.", ann)
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(folder, "brat", source=None)
    assert [(p.code, p.line) for p in err.value.problems] == [(code, line)]


def test_broken_sidecar_is_reported(tmp_path: Path) -> None:
    export_blocks([full_record("doc:0001", "Serge.", [])], "brat", tmp_path / "b")
    (tmp_path / "b" / "0000_doc_0001.json").write_text('{"version": 1, "id": 3}')
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "b", "brat")
    assert {p.code for p in err.value.problems} == {"E170"}
    assert "serge.id" in {p.field for p in err.value.problems}


def test_folder_without_ann_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SergeCorpusError) as err:
        read(tmp_path / "empty")
    assert err.value.problems[0].code == "E171"
