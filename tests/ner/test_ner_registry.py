"""Registry: names, options, availability; label maps."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from serge_corpus.errors import SergeCorpusError
from serge_corpus.ner import available_backends, describe_backends, get_backend, registered_backends
from serge_corpus.ner.labels import label_maps_from_dict, load_label_map

REPO = Path(__file__).parents[2]


def test_registered_names():
    assert registered_backends() == ["spacy", "stanza", "gazetteer", "rules", "ensemble", "model"]


def test_unknown_backend_lists_the_known_ones():
    with pytest.raises(SergeCorpusError) as err:
        get_backend("flair")
    problem = err.value.problems[0]
    assert problem.code == "E120" and "spacy" in problem.detail and "rules" in problem.detail


def test_unknown_option_is_an_error_before_loading_anything():
    with pytest.raises(SergeCorpusError) as err:
        get_backend("rules", pattern="x.jsonl", colour="red")
    assert [(p.code, p.field) for p in err.value.problems] == [("E121", "colour"), ("E121", "pattern")]
    assert "patterns" in err.value.problems[0].detail


def test_available_backends_here():
    available = available_backends()
    assert {"spacy", "gazetteer", "rules", "ensemble"} <= set(available)
    reasons = {d["name"]: d["unavailable"] for d in describe_backends()}
    assert ("stanza" in available) == (reasons["stanza"] is None)


def test_availability_does_not_depend_on_the_working_directory(monkeypatch, tmp_path):
    inside = {d["name"]: d["unavailable"] for d in describe_backends()}
    monkeypatch.chdir(tmp_path)
    assert {d["name"]: d["unavailable"] for d in describe_backends()} == inside
    assert inside["rules"] is None and inside["gazetteer"] is None


def test_ontonotes_map_covers_spacy_labels_and_drops_numbers():
    labels = load_label_map("ontonotes")
    assert labels.map("PERSON") == "PERSON"
    assert labels.map("CARDINAL") is None
    assert labels.map("PRODUCT") is None


def test_unmapped_label_is_an_error_naming_the_file():
    labels = load_label_map("conll03")
    with pytest.raises(SergeCorpusError) as err:
        labels.map("PERSON")
    problem = err.value.problems[0]
    assert problem.code == "E123" and problem.file.endswith("ner_label_map.json")
    with pytest.raises(SergeCorpusError) as err:
        labels.check_covers(["PER", "LOC", "MISC", "EVENT", "DATE"], model="test model")
    assert [p.field for p in err.value.problems] == ["conll03.DATE", "conll03.EVENT"]


def test_bad_label_map_entries_are_reported():
    with pytest.raises(SergeCorpusError) as err:
        label_maps_from_dict({"mine": {"PER": "PERS", "LOC": "LOC"}, "other": []}, file="m.json")
    assert [(p.code, p.field) for p in err.value.problems] == [("E122", "mine.PER"), ("E122", "other")]


def test_label_map_from_a_user_file(tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"mine": {"PER": "PERSON", "MISC": None}}), encoding="utf-8")
    labels = load_label_map("mine", path)
    assert labels.map("PER") == "PERSON" and labels.map("MISC") is None
    with pytest.raises(SergeCorpusError) as err:
        load_label_map("ontonotes", path)
    assert "mine" in err.value.problems[0].detail
