"""Training refuses bad gold clearly; folds never cut a section or a document; fold-wise patterns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import read_rows
from train_helpers import GOLD, TINY, train_cli, train_tiny

from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import read_records, write_rows
from serge_corpus.train.baselines import fold_patterns, literal_text
from serge_corpus.train.folds import make_folds, subsample
from serge_corpus.train.gold_set import check_training_blocks, load_gold, unit_of
from serge_corpus.train.vectors import ppmi_svd_vectors

REPO = Path(__file__).resolve().parents[2]


def refused(gold: Path, tmp_path: Path) -> str:
    result = train_cli(
        "--method", "crf", "--config", str(TINY["crf"]), "--gold", str(gold), "-o", str(tmp_path / "model")
    )
    assert result.exit_code == 1
    assert not (tmp_path / "model").exists()
    return result.output


def test_missing_split_is_refused(gold_copy: Path, tmp_path: Path):
    (gold_copy / "dev.jsonl").unlink()
    output = refused(gold_copy, tmp_path)
    assert "E451" in output and "dev.jsonl" in output


def test_empty_gold_is_refused(gold_copy: Path, tmp_path: Path):
    data = read_rows(gold_copy / "train.jsonl")
    write_rows(gold_copy / "train.jsonl", [r | {"spans": []} for r in data])
    output = refused(gold_copy, tmp_path)
    assert "E450" in output and "no span to learn from" in output


def test_label_outside_the_guidelines_is_refused(gold_copy: Path, tmp_path: Path):
    data = read_rows(gold_copy / "train.jsonl")
    data[1]["spans"][0]["label"] = "CARDINAL"
    write_rows(gold_copy / "train.jsonl", data)
    output = refused(gold_copy, tmp_path)
    assert "E032" in output and "train.jsonl:2" in output


def test_overlapping_spans_are_refused(gold_copy: Path, tmp_path: Path):
    data = read_rows(gold_copy / "train.jsonl")
    span = data[1]["spans"][0]
    data[1]["spans"].append(dict(span, end=span["end"] - 1, text=span["text"][:-1]))
    write_rows(gold_copy / "train.jsonl", data)
    assert "E033" in refused(gold_copy, tmp_path)


def test_blocks_from_the_api_are_checked_the_same_way():
    from dataclasses import replace

    from serge_corpus.model import Span

    block = read_records(GOLD / "train.jsonl")[1]
    bad = replace(block, spans=(Span(0, 5, "MONEY", block.text[:5]), Span(2, 9, "PERSON", block.text[2:9])))
    with pytest.raises(SergeCorpusError) as err:
        check_training_blocks([bad])
    assert {p.code for p in err.value.problems} == {"E452", "E453"}


def test_output_folder_with_other_files_is_never_replaced(tmp_path: Path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    result = train_tiny("crf", out)
    assert result.exit_code == 1 and "E459" in result.output
    assert (out / "mine.txt").read_text() == "keep me"


def test_a_gold_with_no_training_record_is_refused(gold_copy: Path, tmp_path: Path):
    (gold_copy / "train.jsonl").write_text("", encoding="utf-8")
    output = refused(gold_copy, tmp_path)
    assert "E450" in output and "0 records" in output and "train.jsonl" in output


def test_the_comparison_refuses_bad_gold_before_training(gold_copy: Path, tmp_path: Path):
    data = read_rows(gold_copy / "train.jsonl")
    data[0]["spans"][0]["label"] = "MONEY"
    write_rows(gold_copy / "train.jsonl", data)
    out = tmp_path / "report"
    result = train_cli("--compare", "--gold", str(gold_copy), "--methods", "crf", "--cv", "2", "-o", str(out))
    assert result.exit_code == 1 and "E032" in result.output and "train.jsonl:1" in result.output
    assert not out.exists()


def test_unknown_method_and_document(tmp_path: Path):
    assert "E454" in train_cli("--method", "bert", "--gold", str(GOLD), "-o", str(tmp_path / "m")).output
    result = train_tiny("crf", tmp_path / "m", "--docs", "nope")
    assert result.exit_code == 1 and "E458" in result.output


# ---------------------------------------------------------------- folds


@pytest.mark.parametrize("k", [2, 3, 5])
def test_folds_never_cut_a_section_of_the_real_gold(k: int):
    blocks = load_gold(REPO / "annotations" / "gold").blocks
    folds = make_folds(blocks, k, "section")
    assert sorted(b.id for f in folds for b in f.test) == sorted(b.id for b in blocks)  # each block held out once
    for fold in folds:
        held = {unit_of(b) for b in fold.test}
        assert held == set(fold.held_out)
        assert not held & {unit_of(b) for b in fold.train}
        assert {b.id for b in fold.train}.isdisjoint(b.id for b in fold.test)


def test_folds_by_document_keep_each_document_whole():
    blocks = load_gold(GOLD).blocks
    folds = make_folds(blocks, 2, "auto")  # two documents, two folds: by document
    assert [sorted({b.doc_id for b in f.test}) for f in folds] == [["serge-afterword"], ["other-doc"]]
    for fold in folds:
        assert {b.doc_id for b in fold.train}.isdisjoint(b.doc_id for b in fold.test)


def test_folds_are_balanced_and_data_determined():
    blocks = load_gold(REPO / "annotations" / "gold").blocks
    first, second = make_folds(blocks, 5, "section"), make_folds(list(reversed(blocks)), 5, "section")
    assert [f.held_out for f in first] == [f.held_out for f in second]
    spans = [sum(len(b.spans) for b in f.test) for f in first]
    unit_spans: dict = {}
    for b in blocks:
        unit_spans[unit_of(b)] = unit_spans.get(unit_of(b), 0) + len(b.spans)
    # Greedy dealing: no fold exceeds the lightest one by more than the largest unit (a unit is never cut).
    assert max(spans) - min(spans) <= max(unit_spans.values())


def test_more_folds_than_units_is_refused():
    with pytest.raises(SergeCorpusError) as err:
        make_folds(load_gold(GOLD).blocks, 3, "document")
    assert err.value.problems[0].code == "E457"


def test_subsample_is_seeded_and_sized():
    blocks = load_gold(REPO / "annotations" / "gold").splits["train"]
    assert subsample(blocks, 0.5, 1) == subsample(blocks, 0.5, 1)
    assert subsample(blocks, 0.5, 1) != subsample(blocks, 0.5, 2)
    assert len(subsample(blocks, 0.25, 0)) == round(0.25 * len(blocks))


def test_cross_validation_from_the_cli(tmp_path: Path):
    report = tmp_path / "cv.json"
    result = train_cli(
        "--method",
        "crf",
        "--config",
        str(TINY["crf"]),
        "--gold",
        str(GOLD),
        "--cv",
        "2",
        "--cv-by",
        "section",
        "--docs",
        "serge-afterword",
        "--bootstrap",
        "20",
        "--report",
        str(report),
    )
    assert result.exit_code == 0, result.output
    cv = json.loads(report.read_text())["cv"]
    assert cv["k"] == 2 and cv["by"] == "section" and len(cv["folds"]) == 2
    f1s = [f["score"]["f1"] for f in cv["folds"]]
    assert cv["mean"] == pytest.approx(sum(f1s) / 2)
    assert cv["pooled"]["gold_spans"] == sum(f["score"]["gold_spans"] for f in cv["folds"])
    assert "strict F1 mean" in result.output


# ---------------------------------------------------------------- rules under folds


def test_literal_patterns_and_general_ones():
    assert literal_text("Victor Serge") == ("Victor Serge", False)
    assert literal_text([{"LOWER": "conquered"}, {"LOWER": "city"}]) == ("conquered city", True)
    assert literal_text([{"ORTH": {"IN": ["Russian", "French"]}}]) is None
    assert literal_text([{"IS_TITLE": True}]) is None


def test_patterns_seen_only_in_held_out_text_are_dropped(tmp_path: Path):
    from dataclasses import replace

    block = read_records(GOLD / "train.jsonl")[0]
    train = [replace(block, text="Victor Serge met Trotsky.")]
    held = [replace(block, text="Serge wrote Conquered City in Paris.")]
    patterns = tmp_path / "patterns.jsonl"
    lines = [
        {"label": "PERSON", "pattern": "Trotsky"},  # training text only: kept
        {"label": "WORK_OF_ART", "pattern": [{"LOWER": "conquered"}, {"LOWER": "city"}]},  # held-out only
        {"label": "GPE", "pattern": "Paris"},  # held-out only: dropped
        {"label": "PERSON", "pattern": "Serge"},  # both: kept
        {"label": "GPE", "pattern": "Mexico"},  # neither: kept
        {"label": "PERSON", "pattern": [{"IS_TITLE": True}, {"LOWER": "serge"}]},
    ]  # general: kept
    write_rows(patterns, lines)
    kept, dropped = fold_patterns(patterns, train, held)
    assert dropped == 2
    assert [k["pattern"] for k in kept] == ["Trotsky", "Serge", "Mexico", lines[5]["pattern"]]


def test_local_vectors_are_unit_length_and_similar_for_shared_contexts():
    sentences = [["the", "red", "army", "took", "kazan"], ["the", "white", "army", "took", "omsk"]] * 5
    vocab, matrix = ppmi_svd_vectors(sentences, dim=4, window=2)
    assert vocab == sorted(set(w for s in sentences for w in s)) and matrix.shape == (len(vocab), 4)
    norms = (matrix**2).sum(axis=1)
    assert norms == pytest.approx([1.0] * len(vocab))
    red, white, took = (matrix[vocab.index(w)] for w in ("red", "white", "took"))
    assert red @ white > red @ took


# ---------------------------------------------------------------- the comparison report


def test_compare_runs_every_method_under_the_same_folds(tmp_path: Path):
    from train_helpers import CONFIGS

    out = tmp_path / "report"
    result = train_cli(
        "--compare",
        "--gold",
        str(GOLD),
        "--config-dir",
        str(CONFIGS),
        "--methods",
        "crf",
        "--baselines",
        "rules,rules-in-sample",
        "--docs",
        "serge-afterword",
        "--ood",
        "other-doc",
        "--cv",
        "2",
        "--seeds",
        "0,1",
        "--curve",
        "0.5,1.0",
        "--curve-methods",
        "crf",
        "--bootstrap",
        "20",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "compare.json").read_text())
    assert data["methods"] == ["rules", "rules-in-sample", "crf"]
    held = [[f["held_out"] for f in data["cv"][m]["folds"]] for m in data["methods"]]
    assert held[0] == held[1] == held[2]
    assert set(data["fixed"]["crf"]) == {"test", "dev", "ood:other-doc"} and data["fixed"]["crf"]["test"]["runs"] == 2
    assert set(data["curve"]["crf"]) == {"0.5", "1.0"} and len(data["curve"]["crf"]["0.5"]["f1"]) == 2
    # In-sample patterns can only help on the text they were written on.
    assert data["cv"]["rules-in-sample"]["mean"] >= data["cv"]["rules"]["mean"]
    text = (out / "compare.md").read_text()
    assert "## Cross-validation (2 folds by section" in text and "## Learning curve" in text
    assert "```sh\nserge-corpus " in text  # the command line (under pytest: its own argv)
    assert "`crf` = sklearn-crfsuite (" + str(CONFIGS / "crf.json") + ")" in text  # the configuration used
    assert (out / "learning_curve.png").stat().st_size > 0 and (out / "cv_f1.png").stat().st_size > 0
    # A CV run with other folds cannot join the report.
    from serge_corpus.train.compare import add_cv

    other = dict(data["cv"]["crf"], method="x", folds=list(reversed(data["cv"]["crf"]["folds"])))
    with pytest.raises(SergeCorpusError) as err:
        add_cv(data, other, "cmd")
    assert err.value.problems[0].code == "E461"
    merged = add_cv(data, dict(data["cv"]["crf"], method="crf-again"), "cmd")
    assert merged["methods"][-1] == "crf-again" and merged["commands"][-1] == "cmd"


def test_a_method_configuration_can_replace_its_default(tmp_path: Path):
    from serge_corpus.train.api import parse_method_configs

    assert parse_method_configs(["stanza=configs/small.json"]) == {"stanza": Path("configs/small.json")}
    for bad in ("stanza", "stanza=", "bert=x.json"):
        with pytest.raises(SergeCorpusError) as err:
            parse_method_configs([bad])
        assert err.value.problems[0].code in {"E461", "E454"}
    result = train_cli(
        "--compare", "--gold", str(GOLD), "--methods", "crf", "--method-config", "crf=nope.json", "-o", str(tmp_path)
    )
    assert result.exit_code == 1 and "E455" in result.output and "nope.json" in result.output


def test_out_of_domain_documents_are_also_scored_pooled():
    from serge_corpus.train.compare import OOD_ALL, _scored_targets

    assert _scored_targets({"test": [], "ood:a": []}) == {"test": ["test"], "ood:a": ["ood:a"]}
    assert _scored_targets({"test": [], "ood:a": [], "ood:b": []})[OOD_ALL] == ["ood:a", "ood:b"]


def test_reports_made_apart_join_when_their_settings_match(tmp_path: Path):
    from train_helpers import CONFIGS

    base = ["--compare", "--gold", str(GOLD), "--config-dir", str(CONFIGS), "--docs", "serge-afterword"]
    base += ["--ood", "other-doc", "--cv", "2", "--curve", "1.0", "--bootstrap", "0"]
    common = [*base, "--seeds", "0"]
    first, second, odd = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    assert train_cli(*common, "--methods", "", "--baselines", "rules", "-o", str(first)).exit_code == 0
    assert train_cli(*common, "--methods", "crf", "--baselines", "", "-o", str(second)).exit_code == 0
    result = train_cli("--compare", "--merge", str(second), "-o", str(first))
    assert result.exit_code == 0, result.output
    data = json.loads((first / "compare.json").read_text())
    assert data["methods"] == ["rules", "crf"] and set(data["fixed"]) == {"rules", "crf"}
    assert len(data["commands"]) == 3  # both runs, then the merge (under pytest: its own argv)
    assert data["configs"]["crf"] == str(CONFIGS / "crf.json")
    assert "| crf |" in (first / "compare.md").read_text()
    # Other seeds: the two cannot be one comparison.
    assert train_cli(*base, "--seeds", "1", "--methods", "", "--baselines", "rules", "-o", str(odd)).exit_code == 0
    result = train_cli("--compare", "--merge", str(odd), "-o", str(first))
    assert result.exit_code == 1 and "E461" in result.output and "seeds" in result.output
