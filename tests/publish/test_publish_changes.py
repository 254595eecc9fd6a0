"""What changed between two releases, computed on their records alone (no text needed)."""

from __future__ import annotations

from serge_corpus.publish.changes import changes_markdown, compare_rows


def release(version: str, spans: list[dict], ids: tuple[str, ...] = ("d:0",), split: str = "train") -> tuple:
    manifest = {
        "version": version,
        "documents": [{"doc_id": "d", "sha256": "x", "licence_id": "L"}],
        "splits": {split: list(ids)},
    }
    rows = {"d": {rid: {"id": rid, "spans": spans if rid == "d:0" else []} for rid in ids}}
    return manifest, rows


DATE = {"type": "DATE", "value": "1925", "mod": None, "anchor": None}


def test_each_kind_of_span_change_is_counted_once():
    old = release(
        "1.0.0",
        [
            {"start": 0, "end": 5, "label": "PERSON"},
            {"start": 6, "end": 9, "label": "ORG"},
            {"start": 10, "end": 14, "label": "DATE", "date": DATE},
            {"start": 20, "end": 25, "label": "GPE"},
        ],
    )
    new = release(
        "1.1.0",
        [
            {"start": 0, "end": 5, "label": "PERSON"},
            {"start": 6, "end": 9, "label": "NORP"},
            {"start": 10, "end": 14, "label": "DATE", "date": {**DATE, "value": "1926"}},
            {"start": 30, "end": 33, "label": "LOC"},
        ],
        ids=("d:0", "d:1"),
        split="test",
    )
    changes = compare_rows(*old, *new)
    doc = changes.documents[0]
    assert doc.status == "changed"
    assert doc.spans == {"added": 1, "removed": 1, "relabelled": 1, "date_changed": 1}
    assert doc.labels == {"GPE": -1, "LOC": 1, "NORP": 1, "ORG": -1}
    assert (doc.records_added, doc.records_removed) == (1, 0)
    assert changes.split_sizes == {"test": (0, 2), "train": (1, 0)}
    assert changes.moved_records == 1
    text = changes_markdown(changes)
    assert "Changes from 1.0.0 to 1.1.0" in text and "1 relabelled" in text and "split `test`: 0 → 2" in text


def test_identical_releases_say_so():
    same = release("1.0.0", [{"start": 0, "end": 5, "label": "PERSON"}])
    changes = compare_rows(*same, *same)
    assert changes.unchanged
    assert "no change" in changes_markdown(changes)
