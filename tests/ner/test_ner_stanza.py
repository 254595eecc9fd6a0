"""The stanza backend: missing-model errors, config, and a tiny model trained here, offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import find_span, segmented_block, texts

from serge_corpus.errors import SergeCorpusError
from serge_corpus.model import Sentence, Token
from serge_corpus.ner import get_backend
from serge_corpus.ner.stanza_backend import (
    DOWNLOAD_COMMAND,
    blocks_to_stanza_sentences,
    pipeline_config,
    resources_dir,
    sentence_tokens,
)

TRAIN = [
    ("Lenin lived in Moscow .", [("Lenin", "PERSON"), ("Moscow", "GPE")]),
    ("Victor Serge went to Paris .", [("Victor Serge", "PERSON"), ("Paris", "GPE")]),
    ("The Red Army took Kazan .", [("Red Army", "ORG"), ("Kazan", "GPE")]),
    ("Trotsky left Petrograd .", [("Trotsky", "PERSON"), ("Petrograd", "GPE")]),
    ("Bukharin joined the Red Army .", [("Bukharin", "PERSON"), ("Red Army", "ORG")]),
]


def test_missing_model_names_directory_and_download_command(tmp_path):
    with pytest.raises(SergeCorpusError) as err:
        get_backend("stanza", dir=tmp_path / "stanza_resources")
    problem = err.value.problems[0]
    assert problem.code == "E124"
    assert str(tmp_path / "stanza_resources") in str(problem)
    assert DOWNLOAD_COMMAND in problem.detail


def test_resources_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
    assert resources_dir() == tmp_path
    with pytest.raises(SergeCorpusError) as err:
        get_backend("stanza")
    assert str(tmp_path) in err.value.problems[0].detail
    monkeypatch.delenv("STANZA_RESOURCES_DIR")
    assert resources_dir() == Path.home() / "stanza_resources"


def test_missing_local_model_file(tmp_path):
    with pytest.raises(SergeCorpusError) as err:
        get_backend("stanza", ner_model_path=tmp_path / "none.pt")
    assert (err.value.problems[0].code, err.value.problems[0].field) == ("E124", "ner_model_path")


def test_pipeline_config_needs_no_tokenizer_model(tmp_path):
    config = pipeline_config(
        dir=tmp_path,
        lang="en",
        ner_model_path=tmp_path / "m.pt",
        ner_pretrain_path=None,
        ner_forward_charlm_path=None,
        ner_backward_charlm_path=None,
        batch_size=8,
        device="cpu",
    )
    assert config["processors"] == "tokenize,ner"
    assert config["tokenize_pretokenized"] is True
    assert config["download_method"] is None
    assert "tokenize_model_path" not in config
    assert config["ner_pretrain_path"] == "" and config["ner_forward_charlm_path"] == ""
    assert json.loads(Path(config["resources_filepath"]).read_text()) == {}
    official = pipeline_config(
        dir=tmp_path,
        lang="en",
        ner_model_path=None,
        ner_pretrain_path=None,
        ner_forward_charlm_path=None,
        ner_backward_charlm_path=None,
        batch_size=8,
        device=None,
    )
    assert "ner_model_path" not in official and "resources_filepath" not in official


def test_sentence_tokens_groups_by_sentence_and_gaps():
    tokens = [Token(0, 1, "a"), Token(2, 3, "b"), Token(4, 5, "c"), Token(6, 7, "d")]
    assert sentence_tokens(tokens, [Sentence(0, 3), Sentence(4, 7)]) == [tokens[:2], tokens[2:]]
    assert sentence_tokens(tokens, [Sentence(2, 5)]) == [tokens[:1], tokens[1:3], tokens[3:]]
    assert sentence_tokens(tokens, []) == [tokens]


def training_blocks():
    blocks = []
    for n, (text, ents) in enumerate(TRAIN):
        blocks.append(segmented_block(text, [find_span(text, needle, label) for needle, label in ents], n=n))
    return blocks


def test_training_data_from_blocks():
    sentences = blocks_to_stanza_sentences(training_blocks())
    assert [(t["text"], t["ner"]) for t in sentences[1]] == [
        ("Victor", "B-PERSON"),
        ("Serge", "E-PERSON"),
        ("went", "O"),
        ("to", "O"),
        ("Paris", "S-GPE"),
        (".", "O"),
    ]


def train_tiny(root: Path, vectors: bool) -> dict[str, Path | None]:
    """Train a tiny stanza NER model on TRAIN: 120 steps, with random word vectors or none."""
    import numpy as np
    from stanza.models import ner_tagger
    from stanza.models.common.pretrain import Pretrain

    data = blocks_to_stanza_sentences(training_blocks())
    (root / "train.json").write_text(json.dumps(data * 4), encoding="utf-8")
    (root / "dev.json").write_text(json.dumps(data), encoding="utf-8")
    args = ["--no_pretrain", "--word_emb_dim", "16"]
    pretrain = None
    if vectors:
        words = sorted({t["text"].lower() for sentence in data for t in sentence})
        matrix = np.random.default_rng(0).normal(size=(len(words), 8))
        lines = [f"{len(words)} 8"] + [w + " " + " ".join(f"{x:.4f}" for x in v) for w, v in zip(words, matrix)]
        (root / "vectors.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        pretrain = root / "pretrain.pt"
        Pretrain(str(pretrain), str(root / "vectors.txt"), 1000, save_to_file=True).load()
        args = ["--wordvec_pretrain_file", str(pretrain)]
    ner_tagger.main(
        [
            "--train_file",
            str(root / "train.json"),
            "--eval_file",
            str(root / "dev.json"),
            *args,
            "--shorthand",
            "en_tiny",
            "--hidden_dim",
            "16",
            "--char_hidden_dim",
            "8",
            "--char_emb_dim",
            "8",
            "--optim",
            "adam",
            "--lr",
            "0.01",
            "--batch_size",
            "4",
            "--max_steps",
            "120",
            "--eval_interval",
            "40",
            "--seed",
            "7",
            "--cpu",
            "--save_dir",
            str(root),
            "--save_name",
            "tiny_ner.pt",
        ]
    )
    return {"model": root / "tiny_ner.pt", "pretrain": pretrain}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> dict[str, Path | None]:
    return train_tiny(tmp_path_factory.mktemp("stanza_vectors"), vectors=True)


@pytest.fixture(scope="module")
def tiny_model_no_vectors(tmp_path_factory) -> dict[str, Path | None]:
    return train_tiny(tmp_path_factory.mktemp("stanza_no_vectors"), vectors=False)


def recall_on_training_data(backend) -> float:
    blocks = training_blocks()
    predicted = backend.predict(blocks)
    for block, spans in zip(blocks, predicted):
        for span in spans:
            assert span.text == block.text[span.start : span.end]
            assert span.label in {"PERSON", "GPE", "ORG"}
    gold = [set(texts(b.spans)) for b in blocks]
    hits = sum(len(g & set(texts(p))) for g, p in zip(gold, predicted))
    return hits / sum(len(g) for g in gold)


@pytest.mark.slow  # trains a tiny stanza model first (20-90 s on a loaded 2-core machine)
def test_tiny_trained_model_predicts_through_the_backend(tiny_model):
    backend = get_backend(
        "stanza",
        ner_model_path=tiny_model["model"],
        ner_pretrain_path=tiny_model["pretrain"],
        label_scheme="guidelines",
        device="cpu",
    )
    # memorised training data comes back, with character offsets through the project's tokens
    assert recall_on_training_data(backend) >= 0.8
    assert backend.predict([segmented_block("Lenin lived in Moscow .", kind="boilerplate")]) == [[]]
    assert backend.info["model"] == str(tiny_model["model"])


@pytest.mark.slow  # trains a tiny stanza model first (20-90 s on a loaded 2-core machine)
def test_model_trained_without_vectors_loads_with_no_pretrain(tiny_model_no_vectors):
    backend = get_backend("stanza", ner_model_path=tiny_model_no_vectors["model"], label_scheme="guidelines")
    assert recall_on_training_data(backend) >= 0.5


def test_model_trained_with_vectors_needs_its_pretrain(tiny_model):
    # stanza would load it and predict with random vectors instead: refused
    with pytest.raises(SergeCorpusError) as err:
        get_backend("stanza", ner_model_path=tiny_model["model"], label_scheme="guidelines")
    assert (err.value.problems[0].code, err.value.problems[0].field) == ("E125", "ner_pretrain_path")


def test_corrupt_model_file_is_reported(tmp_path):
    path = tmp_path / "broken.pt"
    path.write_bytes(b"not a torch file")
    with pytest.raises(SergeCorpusError) as err:
        get_backend("stanza", ner_model_path=path)
    assert (err.value.problems[0].code, err.value.problems[0].file) == ("E125", str(path))


def test_label_map_must_cover_the_model_labels(tmp_path, tiny_model):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"partial": {"PERSON": "PERSON"}}), encoding="utf-8")
    with pytest.raises(SergeCorpusError) as err:
        get_backend(
            "stanza",
            ner_model_path=tiny_model["model"],
            ner_pretrain_path=tiny_model["pretrain"],
            label_scheme="partial",
            label_map=path,
        )
    assert sorted(p.field for p in err.value.problems) == ["partial.GPE", "partial.ORG"]
