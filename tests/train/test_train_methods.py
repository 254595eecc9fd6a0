"""The three methods train from the CLI on tiny data; the model card says what a model is."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from train_helpers import GOLD, TINY, train_cli, train_tiny

from serge_corpus.jsonl import read_records
from serge_corpus.ner import get_backend
from serge_corpus.ner.trained import TrainedBackend, token_features


def test_crf_card_records_data_config_seed_and_scores(crf_model: Path):
    card = json.loads((crf_model / "model_card.json").read_text())
    assert card["method"] == "crf"
    assert card["docs"] == ["serge-afterword"] and card["ood_docs"] == ["other-doc"]
    for split in ("train", "dev", "test"):
        data = card["data"][split]
        assert data["sha256"] == hashlib.sha256((GOLD / f"{split}.jsonl").read_bytes()).hexdigest()
    # The out-of-domain document's blocks are not part of the training documents' splits.
    assert card["data"]["test"]["records"] == 1
    assert card["config"]["sha256"] == hashlib.sha256(TINY["crf"].read_bytes()).hexdigest()
    assert card["config"]["text"] == TINY["crf"].read_text()
    assert card["seed"] == 0 and card["training_seconds"] > 0
    assert {"python", "spacy", "sklearn-crfsuite", "stanza"} <= set(card["libraries"])
    for score in [card["scores"]["test"], card["scores"]["dev"], card["scores"]["ood"]["other-doc"]]:
        assert 0 <= score["low"] - 1e-9 <= score["f1"] <= score["high"] + 1e-9 <= 1 + 2e-9
    assert card["scores"]["ood"]["other-doc"]["gold_spans"] == 52
    text = (crf_model / "MODEL_CARD.md").read_text()
    assert "out-of-domain other-doc" in text and card["data"]["train"]["sha256"][:16] in text
    assert (crf_model / "crf.crfsuite").is_file()


def test_crf_prediction_is_deterministic_and_learns_the_training_data(crf_model: Path):
    blocks = read_records(GOLD / "train.jsonl")
    backend = TrainedBackend(path=crf_model)
    first, second = backend.predict(blocks), backend.predict(blocks)
    assert [[s.key for s in b] for b in first] == [[s.key for s in b] for b in second]
    gold = {(b.id, s.key) for b in blocks for s in b.spans}
    found = {(b.id, s.key) for b, spans in zip(blocks, first) for s in spans}
    assert len(gold & found) / len(gold) > 0.5  # 30 iterations on 86 spans: far from perfect, far from nothing


def test_spacy_model_loads_with_spacy_and_keeps_unannotated_labels(spacy_model: Path):
    import spacy

    nlp = spacy.load(spacy_model)
    assert nlp.pipe_names == ["ner"]
    assert {"CARDINAL", "MONEY", "PERSON", "DATE"} <= set(nlp.get_pipe("ner").labels)
    card = json.loads((spacy_model / "model_card.json").read_text())
    assert card["label_scheme"] == "ontonotes" and card["seed"] == 3
    assert card["details"]["kept_unannotated_labels"] == [
        "CARDINAL",
        "MONEY",
        "ORDINAL",
        "PERCENT",
        "PRODUCT",
        "QUANTITY",
        "TIME",
    ]
    assert "test" in card["baseline_scores"]
    assert (spacy_model / "training" / "train.spacy").is_file() and (spacy_model / "training" / "config.cfg").is_file()


def test_annotate_with_a_trained_model(spacy_model: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from serge_corpus.cli import app

    source = tmp_path / "essay.txt"
    source.write_text("Victor Serge left Moscow in 1936.\n\nHe wrote in Mexico.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["annotate", str(source), "-o", str(out), "--ner", f"model:{spacy_model}"])
    assert result.exit_code == 0, result.output
    blocks = read_records(out)
    assert blocks and all(b.meta["ner"] == f"model:{spacy_model}" for b in blocks)
    spans = [s for b in blocks for s in b.spans]
    # NER spans come from the model; the date pass may re-cut DATE spans and gives each a date object.
    assert all(s.extra.get("source") == "model" for s in spans if s.label != "DATE")
    assert all(s.date is not None for s in spans if s.label == "DATE")


def test_trained_model_can_be_an_ensemble_member(crf_model: Path):
    ensemble = get_backend("ensemble", backends=["rules", "model"], options={"model": {"path": str(crf_model)}})
    blocks = read_records(GOLD / "dev.jsonl")
    assert len(ensemble.predict(blocks)) == len(blocks)
    assert "model" in ensemble.info["members"]


def test_not_a_model_directory(tmp_path: Path):
    from serge_corpus.errors import SergeCorpusError

    with pytest.raises(SergeCorpusError) as err:
        get_backend(f"model:{tmp_path}")
    assert err.value.problems[0].code == "E456"


def test_model_backend_is_never_picked_automatically():
    from serge_corpus.ner import available_backends

    assert "model" not in available_backends()


def test_spacy_training_is_deterministic_for_a_seed(spacy_model: Path, tmp_path: Path):
    again = tmp_path / "again"
    result = train_tiny("spacy", again, "--ood", "other-doc", "--bootstrap", "0", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert (again / "ner" / "model").read_bytes() == (spacy_model / "ner" / "model").read_bytes()


@pytest.mark.slow
def test_stanza_trains_offline_and_loads_through_the_stanza_backend(tmp_path: Path):
    out = tmp_path / "stanza"
    result = train_cli(
        "--method", "stanza", "--config", str(TINY["stanza"]), "--gold", str(GOLD), "--bootstrap", "0", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    card = json.loads((out / "model_card.json").read_text())
    assert card["method"] == "stanza" and card["details"]["vectors"]["dim"] == 8
    assert (out / "pretrain.pt").is_file() and (out / "stanza_ner.pt").is_file()
    backend = get_backend(
        "stanza", ner_model_path=out / "stanza_ner.pt", ner_pretrain_path=out / "pretrain.pt", label_scheme="guidelines"
    )
    blocks = read_records(GOLD / "dev.jsonl")
    assert len(backend.predict(blocks)) == len(blocks)


def test_resume_continues_from_a_model(spacy_model: Path, tmp_path: Path):
    out = tmp_path / "resumed"
    result = train_tiny("spacy", out, "--bootstrap", "0", "--resume", str(spacy_model))
    assert result.exit_code == 0, result.output
    card = json.loads((out / "model_card.json").read_text())
    assert card["resume_from"] == str(spacy_model)
    assert card["details"]["base_model"] == str(spacy_model)


def test_resume_with_another_method_is_refused(crf_model: Path, tmp_path: Path):
    result = train_cli("--method", "spacy", "--gold", str(GOLD), "--resume", str(crf_model), "-o", str(tmp_path / "x"))
    assert result.exit_code == 1 and "E461" in result.output


def test_crf_features_describe_the_word_and_its_neighbours():
    feats = token_features(["Victor", "Serge", "wrote", "."], 1)
    assert feats["lower"] == "serge" and feats["shape"] == "Xx" and feats["title"] is True
    assert feats["-1:lower"] == "victor" and feats["+1:lower"] == "wrote" and feats["+2:lower"] == "."
    assert feats["suffix3"] == "rge" and "-2:lower" not in feats
