"""Label Studio: regions, per-region date attributes, offset units, the config."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import full_record

from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.labelstudio import DATE_MOD, DATE_VALUE, block_to_task, label_config, read
from serge_corpus.model import DATE_MODS, DATE_TYPES, LABELS, DateValue

from .conftest import FIXTURES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_shipped_config_is_the_generated_one() -> None:
    assert (DOCS / "labelstudio_config.xml").read_text(encoding="utf-8") == label_config()


def test_config_lists_every_label_type_and_mod() -> None:
    config = label_config()
    for value in (*LABELS, *DATE_TYPES, *DATE_MODS):
        assert f'<Choice value="{value}"/>' in config or f'<Label value="{value}"/>' in config


def test_date_attributes_share_the_region_id() -> None:
    date = DateValue("INTERVAL", "1934/1938", "APPROX", None, True)
    block = full_record("doc:0001", "Around 1934-38 he wrote.", [("1934-38", "DATE", date, {})])
    task = block_to_task(block, "predictions", "codepoint")
    results = task["predictions"][0]["result"]
    assert {r["id"] for r in results} == {"s0"}
    by_name = {r["from_name"]: r for r in results}
    assert by_name["label"]["value"] == {"start": 7, "end": 14, "text": "1934-38", "labels": ["DATE"]}
    assert by_name["date_type"]["value"]["choices"] == ["INTERVAL"]
    assert by_name["date_value"]["value"]["text"] == ["1934/1938"]
    assert by_name["date_mod"]["value"]["choices"] == ["APPROX"]
    assert by_name["date_noisy"]["value"]["choices"] == ["noisy"]
    assert "date_anchor" not in by_name  # null anchor: no result


def test_old_label_studio_utf16_offsets_are_converted() -> None:
    # label-studio#1347: "annotation" exported as 13..23 after an emoji; Python says 12..22.
    [record] = read(FIXTURES / "labelstudio_utf16.json")
    [span] = record.spans
    assert (span.start, span.end) == (12, 22)
    assert record.text[12:22] == "annotation"
    assert record.added_meta == {"labelstudio": {"annotation_id": 2, "completed_by": 1, "task_id": 1}}


def _export(tmp_path: Path, block: Any) -> tuple[Path, list[dict[str, Any]]]:
    path = tmp_path / "ls.json"
    export_blocks([block], "labelstudio", path, target="annotations")
    return path, json.loads(path.read_text())


def test_edited_date_attributes_win_over_the_exported_ones(tmp_path: Path) -> None:
    date = DateValue("DATE", "1921", None, None, False, {"x_source": "rules"})
    block = full_record("doc:0001", "Early 1921 was hard.", [("Early 1921", "DATE", date, {})])
    path, tasks = _export(tmp_path, block)
    results = tasks[0]["annotations"][0]["result"]
    value = next(r for r in results if r["from_name"] == DATE_VALUE)
    value["value"]["text"] = ["1921-03"]
    results.append(
        {**value, "from_name": DATE_MOD, "type": "choices", "value": {**value["value"], "choices": ["START"]}}
    )
    path.write_text(json.dumps(tasks))
    [back] = import_blocks(path, "labelstudio")
    assert back.spans[0].date == DateValue("DATE", "1921-03", "START")
    assert back.spans[0].date.extra == {"x_source": "rules"}  # kept from the header


def test_latest_annotation_wins_and_cancelled_ones_are_skipped(tmp_path: Path) -> None:
    block = full_record("doc:0001", "Serge met Trotsky.", [("Serge", "PERSON", None, {})])
    path, tasks = _export(tmp_path, block)
    first = tasks[0]["annotations"][0]
    moved = json.loads(json.dumps(first))
    moved["result"][0]["value"].update(start=10, end=17, text="Trotsky")
    tasks[0]["annotations"] = [
        {**first, "id": 1, "updated_at": "2024-01-01T00:00:00Z"},
        {**moved, "id": 2, "updated_at": "2024-02-01T00:00:00Z"},
        {**first, "id": 3, "updated_at": "2024-03-01T00:00:00Z", "was_cancelled": True},
    ]
    path.write_text(json.dumps(tasks))
    [back] = import_blocks(path, "labelstudio")
    assert [s.text for s in back.spans] == ["Trotsky"]
    assert back.meta["labelstudio"]["annotation_id"] == 2


def _task(results: list[dict[str, Any]], text: str = "Serge met Trotsky.") -> list[dict[str, Any]]:
    return [{"data": {"text": text}, "annotations": [{"result": results}]}]


def _labels(region: str, start: int, end: int, labels: list[str], text: str) -> dict[str, Any]:
    return {
        "id": region,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": text, "labels": labels},
    }


@pytest.mark.parametrize(
    ("results", "code"),
    [
        ([_labels("a", 0, 5, ["PERSON", "ORG"], "Serge")], "E174"),
        (
            [
                {
                    "id": "b",
                    "from_name": "date_type",
                    "to_name": "text",
                    "type": "choices",
                    "value": {"choices": ["DATE"]},
                }
            ],
            "E174",
        ),
        ([_labels("a", 0, 5, ["PERSON"], "Trots")], "E168"),
        ([{"id": "a", "type": "labels"}], "E171"),
    ],
)
def test_ambiguous_or_wrong_regions(tmp_path: Path, results: list[dict[str, Any]], code: str) -> None:
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(_task(results)))
    with pytest.raises(SergeCorpusError) as err:
        read(path)
    assert [p.code for p in err.value.problems] == [code]
    assert err.value.problems[0].record_id == "task 0"


def test_utf16_offset_splitting_an_emoji_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(_task([_labels("a", 1, 7, ["PERSON"], "x")], "😀 Serge")))
    with pytest.raises(SergeCorpusError) as err:
        read(path, offsets="utf16")
    assert [p.code for p in err.value.problems] == ["E169"]


def test_jsonl_tasks_are_read_too(tmp_path: Path) -> None:
    path = tmp_path / "ls.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in _task([_labels("a", 0, 5, ["PERSON"], "Serge")]) * 2) + "\n")
    records = read(path)
    assert [r.where.line for r in records] == [1, 2]
    assert [(s.start, s.end) for s in records[1].spans] == [(0, 5)]


def test_task_text_under_another_name(tmp_path: Path) -> None:
    # A labeling config with value="$dialogue": the one string of `data` is the text.
    task = {
        "data": {"dialogue": "Serge met Trotsky."},
        "annotations": [
            {
                "result": [
                    {
                        "id": "a",
                        "from_name": "label",
                        "to_name": "dialogue",
                        "type": "labels",
                        "value": {"start": 10, "end": 17, "text": "Trotsky", "labels": ["PERSON"]},
                    }
                ]
            }
        ],
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps([task]))
    [block] = import_blocks(path, "labelstudio")
    assert [(s.text, s.label) for s in block.spans] == [("Trotsky", "PERSON")]
