"""build-gold over several documents: per-document gold, splits concatenated in recipe order, stats, recipes."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.corpus import load_corpus, sha256_text
from serge_corpus.corrections import append_ops, changes_to_ops, diff_records
from serge_corpus.errors import SergeCorpusError
from serge_corpus.evaluate import evaluate_files
from serge_corpus.gold import build_recipe, load_config, split_by_section
from serge_corpus.jsonl import read_records, write_records
from serge_corpus.mentions import place_line_mentions, spans_from_mentions, text_lines
from serge_corpus.model import Document
from serge_corpus.pipeline import evaluate_folders
from serge_corpus.segment import segment

ROOT = Path(__file__).parents[2]
ESSAY = ROOT / "tests" / "fixtures" / "foundation" / "essay_other.txt"
WIKI = (
    "\n\n\n99_Wiki\n HISTORY ARTICLE \n 2009-12-19T17:00:00 \n\n1920\n\n"
    "In 1920 the Polish army took Kiev. The Red Army answered at once.\n"
    "Pilsudski stopped it at Warsaw. The war ended at Riga in 1921.\n"
)
runner = CliRunner()


def write_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(ESSAY, corpus / "essay.txt")
    (corpus / "wiki.txt").write_text(WIKI, encoding="utf-8")
    entries = [
        {
            "doc_id": doc_id,
            "path": path,
            "title": doc_id,
            "author": "test",
            "language": "en",
            "sha256": sha256_text((corpus / path).read_text(encoding="utf-8")),
            "provenance": "tests",
            "licence": "CC0",
        }
        for doc_id, path in (("essay", "essay.txt"), ("wiki", "wiki.txt"))
    ]
    (corpus / "manifest.json").write_text(json.dumps({"documents": entries}), encoding="utf-8")
    known = load_corpus(corpus)
    corrections = root / "annotations" / "corrections"
    for doc_id, mentions in (("essay", [["Lisbon", "GPE"]]), ("wiki", [["Kiev", "GPE"]])):
        blocks = segment(known.load(doc_id))
        body = next(b for b in blocks if b.block == "body")
        base = spans_from_mentions(blocks, {body.id: mentions})
        write_records(corrections / f"{doc_id}.base.jsonl", base)
        for name, extra in (("a", [["Red Army", "ORG"]]), ("b", [["Red Army", "ORG"]])):
            wanted = spans_from_mentions(blocks, {body.id: mentions + extra}) if doc_id == "wiki" else base
            append_ops(
                corrections / f"{doc_id}.{name}.jsonl", changes_to_ops(diff_records(base, wanted), annotator=name)
            )
            if not (corrections / f"{doc_id}.{name}.jsonl").exists():
                (corrections / f"{doc_id}.{name}.jsonl").write_text("", encoding="utf-8")
        (corrections / f"{doc_id}.adjudication.jsonl").write_text("", encoding="utf-8")
    recipe = {
        "version": "0.2.0",
        "documents": [
            {
                "doc_id": doc_id,
                "pre": f"annotations/corrections/{doc_id}.base.jsonl",
                "passes": {n: f"annotations/corrections/{doc_id}.{n}.jsonl" for n in ("a", "b")},
                "adjudication": f"annotations/corrections/{doc_id}.adjudication.jsonl",
                "logs_after": [],
                "splits": splits,
            }
            for doc_id, splits in (
                (
                    "essay",
                    {
                        "train": [1, "title", "caption", "headline", "author_note", "reference", "boilerplate"],
                        "test": [2],
                    },
                ),
                ("wiki", {"train": [], "test": ["*"]}),
            )
        ],
    }
    (root / "annotations" / "gold.json").write_text(json.dumps(recipe), encoding="utf-8")
    return root


def test_build_gold_writes_every_document_and_concatenated_splits(tmp_path):
    root = write_project(tmp_path)
    out = root / "annotations" / "gold"
    args = ["--config", str(root / "annotations/gold.json"), "--out", str(out), "--corpus", str(root / "corpus")]
    result = runner.invoke(app, ["build-gold", *args])
    assert result.exit_code == 0, result.output
    essay, wiki = read_records(out / "essay.jsonl"), read_records(out / "wiki.jsonl")
    assert [s.text for b in wiki for s in b.spans] == ["Kiev", "Red Army"]
    assert wiki[0].block == "meta" and wiki[1].block == "heading"
    test = read_records(out / "test.jsonl")
    assert [b.id for b in test] == [b.id for b in essay if b.section == 2] + [b.id for b in wiki]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["documents"]["wiki"]["split_of_document"] == "test"
    assert stats["documents"]["essay"]["split_of_document"] is None
    assert stats["all"]["records"] == len(essay) + len(wiki)
    assert stats["splits"]["test"]["spans"] == 2 + sum(len(b.spans) for b in essay if b.section == 2)
    check = runner.invoke(app, ["build-gold", "--check", *args])
    assert check.exit_code == 0 and "identical to its rebuild (2 documents)" in check.output
    (out / "wiki.jsonl").write_text("", encoding="utf-8")
    check = runner.invoke(app, ["build-gold", "--check", *args])
    assert check.exit_code == 1 and "E202" in check.output and "wiki.jsonl differs" in check.output


def test_a_single_document_recipe_of_version_0_1_is_still_read(tmp_path):
    root = write_project(tmp_path)
    recipe = json.loads((root / "annotations" / "gold.json").read_text(encoding="utf-8"))
    (root / "annotations" / "gold.json").write_text(json.dumps(recipe["documents"][1]), encoding="utf-8")
    loaded = load_config(root / "annotations" / "gold.json")
    assert loaded.version == "0.1.0" and loaded.doc_ids == ["wiki"]
    [built] = build_recipe(loaded, root / "corpus")
    assert built.doc_id == "wiki" and built.adjudicated


def test_a_broken_recipe_is_refused_naming_the_field(tmp_path):
    path = tmp_path / "annotations" / "gold.json"
    path.parent.mkdir()
    path.write_text(
        json.dumps({"version": "0.2.0", "documents": [{"doc_id": "x", "pre": 3, "passes": {"a": "p"}, "splits": {}}]}),
        encoding="utf-8",
    )
    with pytest.raises(SergeCorpusError) as err:
        load_config(path)
    assert {p.code for p in err.value.problems} == {"E310"}
    assert sorted(p.field for p in err.value.problems) == ["passes", "pre"]


def test_a_whole_document_claim_must_be_alone(tmp_path):
    root = write_project(tmp_path)
    blocks = read_records(root / "annotations" / "corrections" / "wiki.base.jsonl")
    with pytest.raises(SergeCorpusError) as err:
        split_by_section(blocks, {"train": ["*"], "test": [1]})
    assert err.value.problems[0].code == "E201"


def test_line_keyed_mentions_land_in_their_records():
    blocks = segment(Document(doc_id="wiki", text=WIKI, sha256=sha256_text(WIKI)))
    lines = text_lines(WIKI)
    assert WIKI[lines[0][0] : lines[0][1]] == "99_Wiki" and WIKI[lines[1][0] : lines[1][1]] == "HISTORY ARTICLE"
    placed = place_line_mentions(
        blocks,
        WIKI,
        {
            "L0005": [["Polish", "NORP"], ["Kiev", "GPE"], ["Red Army", "ORG"]],
            "L0006": [["Warsaw", "GPE", 24]],
            "L0007": [["Riga", "GPE"]],
            "L0099": [["x", "GPE"]],
        },
    )
    body = [b for b in blocks if b.block == "body"]
    assert [s.text for s in placed.spans[body[0].id]] == ["Polish", "Kiev", "Red Army"]
    assert [s.text for s in placed.spans[body[1].id]] == ["Warsaw"]
    assert sorted(p.field for p in placed.problems) == ["L0007", "L0099"]


@pytest.fixture
def gold_and_pred(tmp_path: Path) -> tuple[Path, Path]:
    """A built two-document gold folder, and a prediction folder that misses `Kiev` in one document."""
    root = write_project(tmp_path)
    out = root / "annotations" / "gold"
    args = ["--config", str(root / "annotations/gold.json"), "--out", str(out), "--corpus", str(root / "corpus")]
    assert runner.invoke(app, ["build-gold", *args]).exit_code == 0
    pred = tmp_path / "pred"
    pred.mkdir()
    shutil.copy(out / "essay.jsonl", pred / "essay.jsonl")
    wiki = read_records(out / "wiki.jsonl")
    write_records(pred / "wiki.jsonl", [b.with_spans([s for s in b.spans if s.text != "Kiev"]) for b in wiki])
    return out, pred


def test_evaluate_on_two_folders_scores_each_document_and_pools_them(gold_and_pred):
    out, pred = gold_and_pred
    result = runner.invoke(app, ["evaluate", "--gold", str(out), "--pred", str(pred), "--bootstrap", "0", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert sorted(scores["documents"]) == ["essay", "wiki"]
    assert scores["documents"]["essay"]["ner"]["strict"]["f1"] == 1.0
    assert scores["documents"]["wiki"]["ner"]["strict"]["recall"] == 0.5
    assert scores["pooled"]["ner"]["strict"]["possible"] == sum(
        scores["documents"][d]["ner"]["strict"]["possible"] for d in ("essay", "wiki")
    )


def test_the_pooled_folder_score_equals_one_file_of_every_record_and_names_the_folders(gold_and_pred, tmp_path):
    out, pred = gold_and_pred
    names = ["essay.jsonl", "wiki.jsonl"]
    write_records(tmp_path / "all_gold.jsonl", [b for n in names for b in read_records(out / n)])
    write_records(tmp_path / "all_pred.jsonl", [b for n in names for b in read_records(pred / n)])
    pooled = evaluate_folders(out, pred, bootstrap=50, seed=3)["pooled"]
    single = evaluate_files(tmp_path / "all_gold.jsonl", tmp_path / "all_pred.jsonl", bootstrap=50, seed=3)
    assert pooled["meta"] == {"gold": str(out), "pred": str(pred), "records": single["meta"]["records"]}
    assert {k: v for k, v in pooled.items() if k != "meta"} == {k: v for k, v in single.items() if k != "meta"}
