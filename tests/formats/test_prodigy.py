"""Prodigy tasks: shape, hashes, and what an annotation session adds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import full_record, tricky_records
from murmurhash import hash as murmur32

from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.prodigy import INPUT_HASH_KEYS, TASK_HASH_KEYS, block_to_task, hash_keys, set_hashes
from serge_corpus.model import DateValue, Span


def test_murmur_is_mmh3_32_bit_signed() -> None:
    # mmh3's documented example: mmh3.hash("foo") == -156908512 (MurmurHash3 x86_32, seed 0).
    assert murmur32("foo") == -156908512


def test_hashes_follow_the_documented_keys() -> None:
    task = {"text": "Victor Serge", "spans": [{"start": 0, "end": 6, "label": "PERSON"}], "meta": {"id": 1}}
    hashed = set_hashes(task)
    expected_input = murmur32(json.dumps({"text": "Victor Serge"}, sort_keys=True, separators=(",", ":")))
    assert hashed["_input_hash"] == expected_input
    spans_json = json.dumps({"spans": task["spans"]}, sort_keys=True, separators=(",", ":"))
    assert hashed["_task_hash"] == murmur32(str(expected_input) + spans_json)
    assert INPUT_HASH_KEYS == ("text", "image", "html", "input")
    assert TASK_HASH_KEYS == ("spans", "label", "options", "arcs")


def test_input_hash_ignores_annotations_task_hash_does_not() -> None:
    a = {"text": "Victor Serge", "spans": [], "answer": "accept", "meta": {"x": 1}}
    b = {**a, "spans": [{"start": 0, "end": 12, "label": "PERSON"}], "answer": "reject", "meta": {"x": 2}}
    ha, hb = set_hashes(a), set_hashes(b)
    assert ha["_input_hash"] == hb["_input_hash"]
    assert ha["_task_hash"] != hb["_task_hash"]
    assert hash_keys(a, ("answer",)) != hash_keys(b, ("answer",))


def test_task_has_ner_manual_shape() -> None:
    block = tricky_records()[0]
    task, problems = block_to_task(block)
    assert problems == []
    assert task["text"] == block.text
    assert [t["text"] for t in task["tokens"]] == [t.text for t in block.tokens]
    assert all(tok["id"] == i for i, tok in enumerate(task["tokens"]))
    first = task["spans"][0]
    assert (first["token_start"], first["token_end"]) == (1, 2)  # "Victor", "Serge"
    assert task["tokens"][2]["ws"] is False  # "Serge" is followed by "'s"
    assert first["_serge_extra"] == {"token_start": 99}  # a span field that collides with Prodigy's own
    assert task["spans"][2]["date"]["mod"] == "START"
    assert task["answer"] == "accept"
    assert task["meta"]["id"] == block.id


def test_session_keys_and_a_changed_answer_go_to_meta(tmp_path: Path) -> None:
    block = full_record("doc:0001", "Victor Serge wrote.", [("Victor Serge", "PERSON", None, {})])
    out = tmp_path / "t.jsonl"
    export_blocks([block], "prodigy", out)
    task = json.loads(out.read_text())
    task.update(answer="reject", _annotator_id="ann-1", _timestamp=1700000000)
    out.write_text(json.dumps(task) + "\n")
    [back] = import_blocks(out, "prodigy")
    assert back.meta["prodigy"] == {"answer": "reject", "_annotator_id": "ann-1", "_timestamp": 1700000000}
    assert back.spans == block.spans


def test_date_span_added_in_prodigy_without_a_date_is_reported(tmp_path: Path) -> None:
    block = full_record("doc:0001", "Serge died in 1947.", [])
    out = tmp_path / "t.jsonl"
    export_blocks([block], "prodigy", out)
    task = json.loads(out.read_text())
    task["spans"] = [{"start": 14, "end": 18, "label": "DATE", "token_start": 3, "token_end": 3}]
    out.write_text(json.dumps(task) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(out, "prodigy")
    assert [p.code for p in err.value.problems] == ["E040"]
    [stubbed] = import_blocks(out, "prodigy", stub_dates=True)
    assert stubbed.spans[0].date == DateValue("DATE", None)
    assert stubbed.spans[0].extra == {"date_stub": True}


def test_span_off_token_boundaries_cannot_be_exported(tmp_path: Path) -> None:
    block = full_record("doc:0001", "Trotskyists met.", [])
    bad = block.with_spans([Span(0, 7, "NORP", "Trotsky")])
    with pytest.raises(SergeCorpusError) as err:
        export_blocks([bad], "prodigy", tmp_path / "t.jsonl")
    [problem] = err.value.problems
    assert (problem.code, problem.record_id, problem.field) == ("E165", "doc:0001", "spans[0]")
    assert not (tmp_path / "t.jsonl").exists()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"tokens": []}', "text"),
        ('{"text": "a", "spans": [{"start": 0}]}', "spans[0]"),
        ('{"text": "a", "tokens": [{"text": "a"}]}', "tokens[0]"),
        ('{"text": "a", "meta": {"serge": {"version": 1}}}', "serge.id"),
    ],
)
def test_malformed_tasks_name_the_field(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(path, "prodigy")
    assert field in [p.field for p in err.value.problems]
    assert all(p.line == 1 for p in err.value.problems)
