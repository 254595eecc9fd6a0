"""`publish`: stand-off where the licence says so, the HF/Croissant/card files, determinism, versions."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from builders import MARKS, Project, read_rows
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import read_records
from serge_corpus.publish import publish

runner = CliRunner()


def test_withheld_document_is_stand_off_and_shared_one_keeps_its_text(released):
    project, release = released
    essay = read_rows(release / "jsonl" / "essay.jsonl")
    gold = read_records(project.gold / "essay.jsonl")
    assert all("text" not in r for r in essay)
    assert all("text" not in s for r in essay for s in r["spans"])
    assert [r["length"] for r in essay] == [len(b.text) for b in gold]
    assert {r["meta"]["source_sha256"] for r in essay} == {gold[0].meta["source_sha256"]}
    assert essay[1]["spans"][2]["date"] == {"type": "INTERVAL", "value": "1940/1942", "mod": None, "anchor": None}
    wiki = read_rows(release / "jsonl" / "wiki.jsonl")
    assert wiki == [b.to_dict() for b in read_records(project.gold / "wiki.jsonl")]


def test_token_formats_carry_only_documents_with_text(released):
    _, release = released
    conll = (release / "conll" / "train.conll").read_text(encoding="utf-8")
    assert "# doc_id = wiki" in conll and "essay" not in conll
    brat = sorted(p.name for p in (release / "brat" / "train").iterdir())
    assert brat and all("essay" not in name for name in brat)
    assert (release / "spacy" / "test.spacy").is_file()


def test_every_file_is_in_sha256sums_and_licences_are_shipped(released):
    _, release = released
    listed = {line.split("  ", 1)[1] for line in (release / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk
    assert sorted(p.name for p in (release / "LICENSES").iterdir()) == [
        "CC-BY-SA-3.0.txt",
        "LicenseRef-All-Rights-Reserved.txt",
    ]
    manifest = json.loads((release / "release.json").read_text())
    assert manifest["version"] == "0.2.0"
    assert manifest["configs"]["text"]["licences"] == ["CC-BY-SA-3.0"]


def test_card_has_the_hub_yaml_header(released):
    import yaml

    _, release = released
    card = (release / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["license"] == "cc-by-sa-3.0"
    assert header["language"] == ["en"] and header["task_categories"] == ["token-classification"]
    assert [c["config_name"] for c in header["configs"]] == ["annotations", "text"]
    assert {i["config_name"] for i in header["dataset_info"]} == {"annotations", "text"}
    assert 'load_dataset("path/to/release")' in card and "serge-corpus rehydrate" in card
    assert "Wikipedia contributors" in card


def test_load_dataset_offline(released, monkeypatch, tmp_path):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    project, release = released
    loaded = datasets.load_dataset(str(release), cache_dir=str(tmp_path / "cache"))
    assert sorted(loaded) == ["test", "train"]
    train = loaded["train"]
    labels = train.features["spans"].feature["label"]
    assert labels.names[0] == "PERSON"
    gold = read_records(project.gold / "train.jsonl")
    assert train["id"] == [b.id for b in gold]
    assert "text" not in train.column_names
    first = [(s["start"], s["end"], labels.int2str(s["label"]), s["date_value"]) for s in train[1]["spans"]]
    assert first == [(s.start, s.end, s.label, s.date.value if s.date else None) for s in gold[1].spans]
    text = datasets.load_dataset(str(release), "text", cache_dir=str(tmp_path / "cache"))
    tags = text["train"].features["ner_tags"].feature
    row = text["train"][1]
    assert set(text["train"]["doc_id"]) == {"wiki"}
    assert [tags.int2str(t) for t in row["ner_tags"]][:4] == ["O", "B-EVENT", "I-EVENT", "I-EVENT"]
    assert row["tokens"][:3] == ["The", "Battle", "of"]


def test_croissant_validates_with_mlcroissant(released):
    mlc = pytest.importorskip("mlcroissant")
    _, release = released
    dataset = mlc.Dataset(jsonld=str(release / "croissant.json"))
    records = list(dataset.records(record_set="annotations_test"))
    assert [r["annotations_test/id"].decode() for r in records] == ["essay:0003", "wiki:0002"]
    texts = list(dataset.records(record_set="text_test"))
    assert [r["text_test/doc_id"].decode() for r in texts] == ["wiki"]
    assert texts[0]["text_test/spans"][0]["text_test/spans/text"] == b"First World War"


@pytest.mark.slow
def test_same_gold_and_version_give_identical_bytes(project, tmp_path):
    first, second = tmp_path / "one" / "rel", tmp_path / "two" / "rel"
    publish(first, archive=True, **project.options())
    publish(second, archive=True, **project.options())
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    zip_a, zip_b = (tmp_path / "one" / "rel.zip").read_bytes(), (tmp_path / "two" / "rel.zip").read_bytes()
    assert zip_a == zip_b
    with zipfile.ZipFile(io.BytesIO(zip_a)) as zf:
        assert sorted(zf.namelist()) == sorted(f"rel/{f.as_posix()}" for f in files)
        assert zf.read("rel/SHA256SUMS") == (first / "SHA256SUMS").read_bytes()
    publish(first, **project.options())  # a release folder may be published over
    assert (first / "README.md").read_bytes() == (second / "README.md").read_bytes()


def test_version_comes_from_the_recipe_or_the_option(tmp_path):

    project = Project(tmp_path / "p")
    project.write(version=None)
    with pytest.raises(SergeCorpusError) as err:
        publish(tmp_path / "r", **project.options())
    assert err.value.problems[0].code == "E502"
    assert not (tmp_path / "r").exists()
    assert publish(tmp_path / "r", version="1.0.0", **project.options()).version == "1.0.0"


def test_missing_redistributable_means_stand_off_and_a_bad_type_is_refused(tmp_path):

    project = Project(tmp_path / "p")
    with pytest.raises(SergeCorpusError) as err:  # refused as soon as the manifest is read
        project.write(essay_rights={"redistributable": "yes"})
        publish(tmp_path / "r", **project.options())
    # the manifest validator names the field first (E060); publish's own check (E500) backs it up
    assert [p.code for p in err.value.problems] in (["E060"], ["E500"])
    assert "redistributable" in str(err.value)


def test_a_foreign_folder_is_never_overwritten(project, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    with pytest.raises(SergeCorpusError) as err:
        publish(mine, **project.options())
    assert err.value.problems[0].code == "E505"
    assert (mine / "notes.txt").read_text() == "keep me"


def test_changes_since_the_previous_release(project, tmp_path):

    publish(tmp_path / "v2", **project.options())
    MARKS_BACKUP = list(MARKS["essay"])
    try:
        MARKS["essay"].pop(3)  # Paris is no longer annotated
        project.write(version="0.3.0")
    finally:
        MARKS["essay"][:] = MARKS_BACKUP
    result = publish(tmp_path / "v3", previous=tmp_path / "v2", **project.options())
    essay = next(d for d in result.changes.documents if d.doc_id == "essay")
    assert essay.spans == {"added": 0, "removed": 1, "relabelled": 0, "date_changed": 0}
    assert essay.labels == {"GPE": -1}
    log = (tmp_path / "v3" / "CHANGELOG.md").read_text()
    assert log.index("## 0.3.0") < log.index("## 0.2.0")
    assert "Changes from 0.2.0 to 0.3.0" in (tmp_path / "v3" / "README.md").read_text()
    shown = runner.invoke(app, ["diff", str(tmp_path / "v2"), str(tmp_path / "v3")])
    assert shown.exit_code == 0, shown.output
    assert "`essay` (changed): records +0 −0; spans: 1 removed; net per label: GPE -1" in shown.output


def test_a_description_that_quotes_the_withheld_text_is_left_out_not_leaked(tmp_path):

    project = Project(tmp_path / "p")
    slug = "https://example.org/the-manuscript-travelled-to-new-york-with-friends-who-kept-it"
    project.write(essay_rights={"source": slug, "attribution": "M. Author, 2021", "dct": "2021"})
    publish(tmp_path / "r", **project.options())
    essay = next(
        d for d in json.loads((tmp_path / "r" / "release.json").read_text())["documents"] if d["doc_id"] == "essay"
    )
    assert (essay["source"], essay["attribution"], essay["dct"]) == (None, "M. Author, 2021", "2021")
