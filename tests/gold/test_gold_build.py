"""The committed gold rebuilds byte for byte from committed data, and validates."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.corpus import corpus_sources
from serge_corpus.corrections import apply_log, read_log
from serge_corpus.errors import SergeCorpusError
from serge_corpus.evaluate import score_agreement
from serge_corpus.gold import build_from_config, load_config, split_by_section
from serge_corpus.jsonl import read_records, validate_file

ROOT = Path(__file__).parents[2]
GOLD = ROOT / "annotations" / "gold"
runner = CliRunner()


@pytest.fixture(scope="module")
def gold_blocks():
    return read_records(GOLD / "serge-afterword.jsonl", corpus_sources(ROOT / "corpus"))


@pytest.mark.slow  # rebuilds the whole gold (~14 s)
def test_gold_rebuilds_identically(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, ["build-gold", "--check"])
    assert result.exit_code == 0, result.output
    assert "identical to its rebuild" in result.output


def test_every_gold_file_validates_against_the_source():
    sources = corpus_sources(ROOT / "corpus")
    for path in sorted(GOLD.glob("*.jsonl")):
        assert validate_file(path, sources) == [], path


def test_gold_records_are_gold_and_boilerplate_is_empty(gold_blocks):
    assert {b.meta["status"] for b in gold_blocks} == {"gold"}
    assert all(not b.spans for b in gold_blocks if b.block == "boilerplate")
    assert all(b.meta["provenance"]["built_with"] == "serge-corpus build-gold" for b in gold_blocks)
    assert not any("conflicts" in b.meta for b in gold_blocks)


def test_splits_partition_the_records_by_section(gold_blocks):
    splits = {
        name: [b for b in read_records(GOLD / f"{name}.jsonl") if b.doc_id == "serge-afterword"]
        for name in ("train", "dev", "test")
    }
    ids = [b.id for blocks in splits.values() for b in blocks]
    assert sorted(ids) == sorted(b.id for b in gold_blocks)
    sections = [{b.section for b in blocks if b.block == "body"} for blocks in splits.values()]
    for i, a in enumerate(sections):
        for b in sections[i + 1 :]:
            assert not a & b


def test_stats_match_the_gold(gold_blocks):
    stats = json.loads((GOLD / "stats.json").read_text(encoding="utf-8"))
    mine = stats["documents"]["serge-afterword"]
    assert mine["all"]["spans"] == sum(len(b.spans) for b in gold_blocks)
    assert mine["all"]["labels"]["DATE"] == sum(1 for b in gold_blocks for s in b.spans if s.label == "DATE")
    every = [
        b
        for path in sorted(GOLD.glob("*.jsonl"))
        if path.stem not in ("train", "dev", "test")
        for b in read_records(path)
    ]
    assert stats["all"]["spans"] == sum(len(b.spans) for b in every)
    assert stats["all"]["records"] == sum(d["all"]["records"] for d in stats["documents"].values())


def test_the_gold_holds_every_corpus_document_and_splits_concatenate_them():
    recipe = load_config(ROOT / "annotations" / "gold.json")
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    assert recipe.doc_ids == [d["doc_id"] for d in manifest["documents"]]
    split_ids = [b.id for name in ("train", "dev", "test") for b in read_records(GOLD / f"{name}.jsonl")]
    gold_ids = [b.id for doc_id in recipe.doc_ids for b in read_records(GOLD / f"{doc_id}.jsonl")]
    assert sorted(split_ids) == sorted(gold_ids) and len(set(split_ids)) == len(split_ids)
    # A WikiWars document lies whole in one split.
    stats = json.loads((GOLD / "stats.json").read_text(encoding="utf-8"))
    for doc_id in recipe.doc_ids[1:]:
        assert stats["documents"][doc_id]["split_of_document"] in ("train", "dev", "test")


def test_committed_agreement_figures_are_reproducible():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gold_agreement", ROOT / "scripts" / "gold_agreement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    measured = module.measure(ROOT)
    committed = json.loads((ROOT / "annotations" / "agreement.json").read_text(encoding="utf-8"))
    assert json.dumps(measured, sort_keys=True) == json.dumps(committed, sort_keys=True)
    # The afterword's figures are what `agree` gives on its two passes.
    config = load_config(ROOT / "annotations" / "gold.json").document("serge-afterword")
    base = read_records(config.pre)
    passes = [apply_log(base, read_log(path)).blocks for path in config.passes.values()]
    direct = score_agreement(passes, names=list(config.passes))
    assert direct["pairs"] == committed["documents"]["serge-afterword"]["pairs"]


def test_an_op_that_no_longer_applies_stops_the_build(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "annotations", root / "annotations")
    log = root / "annotations" / "corrections" / "annotator_a.jsonl"
    first = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    broken = dict(first, id="broken-op", record="serge-afterword:0999")
    with log.open("a", encoding="utf-8") as fp:
        fp.write(json.dumps(broken, ensure_ascii=False) + "\n")
    with pytest.raises(SergeCorpusError) as err:
        build_from_config(load_config(root / "annotations" / "gold.json").document("serge-afterword"), ROOT / "corpus")
    assert [p.code for p in err.value.problems] == ["E200"]
    assert "serge-afterword:0999" in str(err.value)


def test_split_errors_name_the_section(gold_blocks):
    with pytest.raises(SergeCorpusError) as err:
        split_by_section(gold_blocks, {"train": [1, 2], "test": [2]})
    codes = {p.code for p in err.value.problems}
    assert codes == {"E201"}
    assert "2 is in both 'train' and 'test'" in str(err.value)
    assert "no split holds 'title'" in str(err.value)


def test_review_list_shows_what_people_changed(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(
        app,
        [
            "diff",
            "annotations/corrections/serge-afterword.base.jsonl",
            "annotations/gold/serge-afterword.jsonl",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["changes"], "gold equals the model output: nothing was reviewed"
    assert sum(report["summary"].values()) == len(report["changes"])
