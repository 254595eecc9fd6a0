"""merge: agreed spans kept, disagreements recorded as conflicts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import find_span, make_block

from serge_corpus.corrections.apply import apply_log
from serge_corpus.corrections.log import read_log
from serge_corpus.corrections.merge import merge_records
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Block, DateValue, Span

TEXT = "Victor Serge met Trotsky in Moscow in 1925."


def block(*spans: Span, reviewed: bool = False) -> Block:
    return make_block(TEXT, spans, id="d:0", tokens="none", sentences="none", meta={"reviewed": reviewed, "model": "m"})


def s(text: str, label: str, date: DateValue | None = None) -> Span:
    return find_span(TEXT, text, label, date=date)


def test_agreed_spans_kept_and_each_disagreement_is_a_conflict() -> None:
    year = DateValue("DATE", "1925")
    a = block(
        s("Victor Serge", "PERSON"), s("Trotsky", "PERSON"), s("Moscow", "GPE"), s("1925", "DATE", year), reviewed=True
    )
    b = block(
        s("Victor Serge", "PERSON"), s("Moscow", "LOC"), s("1925", "DATE", DateValue("DATE", "1925", mod="START"))
    )
    c = block(s("Serge", "PERSON"), s("Trotsky", "PERSON"), s("Moscow", "GPE"), s("1925", "DATE", year), reviewed=True)
    result = merge_records([[a], [b], [c]], ["ana", "bob", "cy"])
    merged = result.blocks[0]
    assert merged.spans == ()
    conflicts = merged.meta["conflicts"]
    assert [(c["text"], c["kind"]) for c in conflicts] == [
        ("Victor Serge", "boundaries"),
        ("Trotsky", "presence"),
        ("Moscow", "label"),
        ("1925", "date"),
    ]
    trotsky = conflicts[1]["versions"]
    assert [(v["annotator"], [x["text"] for x in v["spans"]]) for v in trotsky] == [
        ("ana", ["Trotsky"]),
        ("bob", []),
        ("cy", ["Trotsky"]),
    ]
    assert merged.meta["merged_from"] == ["ana", "bob", "cy"]
    assert merged.meta["reviewed_by_all"] is False and "reviewed" not in merged.meta
    assert merged.meta["model"] == "m"
    assert (result.agreed, result.conflicts) == (0, 4)


def test_two_agreeing_annotators_give_their_spans_and_no_conflict() -> None:
    a = block(s("Victor Serge", "PERSON"), s("Moscow", "GPE"))
    result = merge_records([[a], [replace(a, meta={})]])
    assert result.blocks[0].spans == a.spans
    assert result.blocks[0].meta["conflicts"] == []
    assert result.names == ("input1", "input2")


def test_merge_of_real_files_validates(pre: list[Block], pre_v2: list[Block], fixtures: Path) -> None:
    corrected = apply_log(pre, read_log(fixtures / "log.jsonl")).blocks
    result = merge_records([corrected, pre_v2], ["ana", "model-v2"])
    assert validate_rows((i, b.to_dict()) for i, b in enumerate(result.blocks, 1)) == []
    second = result.blocks[1]
    assert [x.text for x in second.spans] == ["two years"]
    assert [(c["text"], c["kind"]) for c in second.meta["conflicts"]] == [
        ("spring of 1925", "date"),
        ("Left Opposition", "label"),
        ("Moscow", "label"),
    ]


def test_inputs_must_hold_the_same_records() -> None:
    a = block()
    with pytest.raises(SergeCorpusError) as err:
        merge_records([[a], [replace(a, id="d:1")]], ["x", "y"])
    assert {p.detail for p in err.value.problems} == {"missing from y", "only in y"}
    with pytest.raises(SergeCorpusError):
        merge_records([[a]])
    with pytest.raises(SergeCorpusError):
        merge_records([[a], [a]], ["x", "x"])
