"""HuggingFace datasets: features, splits, edits, foreign datasets."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from builders import tricky_records

from serge_corpus.corpus import document_from_path
from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats import export_blocks, import_blocks
from serge_corpus.formats.hf import TAG_NAMES, to_dataset
from serge_corpus.model import LABELS
from serge_corpus.ner.labels import load_label_map

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def dataset() -> datasets.Dataset:
    return to_dataset(tricky_records())


def test_ner_tags_are_a_stable_class_label(dataset: datasets.Dataset) -> None:
    names = dataset.features["ner_tags"].feature.names
    assert names == list(TAG_NAMES)
    assert names[0] == "O" and len(names) == 1 + 2 * len(LABELS)
    row = dataset[0]
    tags = [names[t] for t in row["ner_tags"]]
    assert tags[row["tokens"].index("Victor")] == "B-PERSON"
    assert tags[row["tokens"].index("Serge")] == "I-PERSON"


def test_dates_travel_inside_the_spans_json(dataset: datasets.Dataset) -> None:
    spans = json.loads(dataset[1]["spans"])
    assert spans[0]["date"] == {"type": "INTERVAL", "value": "1934/1938", "mod": None, "anchor": None}


def test_split_name_gives_a_dataset_dict(tmp_path: Path) -> None:
    export_blocks(tricky_records(), "hf", tmp_path / "hf", split="gold")
    loaded = datasets.load_from_disk(str(tmp_path / "hf"))
    assert isinstance(loaded, datasets.DatasetDict) and list(loaded) == ["gold"]


def test_edited_tags_that_disagree_with_spans_are_refused(tmp_path: Path, dataset: datasets.Dataset) -> None:
    edited = dataset.map(lambda row, i: {"ner_tags": [0] * len(row["ner_tags"])} if i == 0 else {}, with_indices=True)
    edited.save_to_disk(str(tmp_path / "hf"))
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "hf", "hf")
    assert [(p.code, p.record_id) for p in err.value.problems] == [("E176", "doc:0001")]


def test_foreign_token_dataset_is_placed_with_its_source(tmp_path: Path) -> None:
    names = ["O", "B-PER", "I-PER", "B-LOC"]
    foreign = datasets.Dataset.from_dict(
        {"tokens": [["Victor", "Serge", "was", "born", "in", "Brussels"]], "ner_tags": [[1, 2, 0, 0, 0, 3]]},
        features=datasets.Features(
            {
                "tokens": datasets.Sequence(datasets.Value("string")),
                "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
            }
        ),
    )
    foreign.save_to_disk(str(tmp_path / "f"))
    source = document_from_path(FIXTURES / "source.txt")
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "f", "hf", source=source)
    assert {p.code for p in err.value.problems} == {"E032"}  # PER / LOC are not guideline labels
    [block] = import_blocks(tmp_path / "f", "hf", source=source, label_map=load_label_map("conll03"))
    assert [(s.text, s.label) for s in block.spans] == [("Victor Serge", "PERSON"), ("Brussels", "GPE")]


def test_not_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    with pytest.raises(SergeCorpusError) as err:
        import_blocks(tmp_path / "nothing", "hf")
    assert [p.code for p in err.value.problems] == ["E171"]


def test_foreign_iob1_dataset_without_source_is_its_own_document(tmp_path: Path) -> None:
    # Before: E164 (no --source) and E167 (IOB1 tags). Each row becomes a record, its tokens joined by spaces.
    foreign = datasets.Dataset.from_dict(
        {
            "tokens": [["Victor", "Serge", "met", "Trotsky", "Zinoviev"], ["In", "Brussels"]],
            "ner_tags": [["I-PER", "I-PER", "O", "I-PER", "B-PER"], ["O", "I-LOC"]],
        }
    )
    foreign.save_to_disk(str(tmp_path / "f"))
    first, second = import_blocks(tmp_path / "f", "hf", label_map=load_label_map("conll03"))
    assert first.text == "Victor Serge met Trotsky Zinoviev" and second.offset == len(first.text) + 2
    assert [(s.text, s.label) for s in first.spans + second.spans] == [
        ("Victor Serge", "PERSON"),
        ("Trotsky", "PERSON"),
        ("Zinoviev", "PERSON"),
        ("Brussels", "GPE"),
    ]
