"""A model trained by `serge-corpus train`, as a NER backend (`--ner model:DIR`).

The model directory says how it was trained in `model_card.json`
(`"method"`: `spacy`, `crf` or `stanza`); this backend loads it the way that
method needs and predicts like every other backend (blocks in, spans out,
through `finalize_spans`):

- `spacy`: DIR is a spaCy pipeline (`spacy.load(DIR)` works). It keeps the
  OntoNotes label scheme of the model it was fine-tuned from, so labels the
  guidelines do not annotate (CARDINAL, MONEY…) are still predicted and then
  dropped by the `ontonotes` label map, exactly as for the pretrained model.
- `crf`: DIR/crf.crfsuite, a python-crfsuite model over `token_features`
  (below), BIOES tags per sentence on the project's tokens.
- `stanza`: DIR/stanza_ner.pt (+ DIR/pretrain.pt, its word vectors), loaded
  through the stanza backend with the `guidelines` label scheme.

The CRF features live here, not in `train/`, because prediction needs them
and a backend may not import what is to its right in the data flow.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Span, Token
from serge_corpus.ner.base import Candidate, NerBackend, annotatable, finalize_spans
from serge_corpus.ner.bioes import bioes_to_spans
from serge_corpus.ner.boundaries import load_boundary_policy
from serge_corpus.ner.stanza_backend import sentence_tokens

CARD_JSON = "model_card.json"
CRF_FILE = "crf.crfsuite"
STANZA_MODEL = "stanza_ner.pt"
STANZA_PRETRAIN = "pretrain.pt"
METHODS: tuple[str, ...] = ("spacy", "crf", "stanza")


def read_card(path: str | Path) -> dict[str, Any]:
    """The model card of a trained model directory; E456 when it is not one."""
    root = Path(path)
    card = root / CARD_JSON
    if not card.is_file():
        raise SergeCorpusError(Problem("E456", f"no {CARD_JSON} in {root}", file=str(root), field="model"))
    try:
        data = json.loads(card.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise SergeCorpusError(Problem("E456", f"{CARD_JSON} is not JSON: {err}", file=str(card))) from err
    if not isinstance(data, dict) or data.get("method") not in METHODS:
        raise SergeCorpusError(
            Problem("E456", f"`method` must be one of {', '.join(METHODS)}", file=str(card), field="method")
        )
    return data


# ---------------------------------------------------------------- CRF features


def _shape(text: str) -> str:
    """Xxxx-style word shape with runs collapsed: `Serge` -> `Xx`, `1934-38` -> `d-d`."""
    out: list[str] = []
    for ch in text:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


def _word_features(text: str, prefix: str) -> dict[str, Any]:
    lower = text.lower()
    return {
        f"{prefix}lower": lower,
        f"{prefix}shape": _shape(text),
        f"{prefix}title": text[:1].isupper(),
        f"{prefix}upper": text.isupper() and len(text) > 1,
    }


def token_features(words: Sequence[str], i: int) -> dict[str, Any]:
    """Features of word i in its sentence (docs/train.md lists them).

    The word itself: lowercase form, prefixes and suffixes of 1-3 characters,
    shape, capitalisation, digits, punctuation, length; the same lexical
    features (lowercase, shape, capitalisation) for the two words on each
    side; sentence start / end markers.
    """
    word = words[i]
    feats: dict[str, Any] = {"bias": 1.0, **_word_features(word, "")}
    for n in (1, 2, 3):
        feats[f"prefix{n}"] = word[:n]
        feats[f"suffix{n}"] = word[-n:]
    feats["digit"] = any(ch.isdigit() for ch in word)
    feats["punct"] = not any(ch.isalnum() for ch in word)
    feats["length"] = min(len(word), 10)
    for offset in (-2, -1, 1, 2):
        j = i + offset
        if 0 <= j < len(words):
            feats.update(_word_features(words[j], f"{offset:+d}:"))
        elif offset in (-1, 1):
            feats["BOS" if offset < 0 else "EOS"] = True
    return feats


def sentence_features(words: Sequence[str]) -> list[dict[str, Any]]:
    return [token_features(words, i) for i in range(len(words))]


def crfsuite_items(features: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """python-crfsuite wants str -> float or str -> str: booleans become 1.0 / 0.0."""
    return [{k: (float(v) if isinstance(v, bool) else v) for k, v in f.items()} for f in features]


def block_sentences(block: Block) -> list[list[Token]]:
    """The block's tokens grouped by its sentences (the project tokenizer when it has none)."""
    from serge_corpus.segment import tokenize

    tokens = block.tokens or tuple(tokenize(block.text))
    return sentence_tokens(tokens, block.sentences)


class CrfPredictor:
    """python-crfsuite tagger over `token_features`; also gives per-token marginals."""

    def __init__(self, path: Path) -> None:
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(path))

    def candidates(self, block: Block) -> tuple[list[Candidate], list[Token]]:
        found: list[Candidate] = []
        tokens: list[Token] = []
        for group in block_sentences(block):
            tokens.extend(group)
            tags = self.tagger.tag(crfsuite_items(sentence_features([t.text for t in group])))
            for start, end, label in bioes_to_spans(tags):
                found.append((group[start].start, group[end - 1].end, label))
        return found, tokens


# ---------------------------------------------------------------- the backend


class TrainedBackend:
    """A model directory written by `serge-corpus train` (any method)."""

    name = "model"

    def __init__(self, *, path: str | Path, boundaries: str | Path | None = None, batch_size: int = 32) -> None:
        self.path = Path(path)
        self.card = read_card(self.path)
        self.method: str = self.card["method"]
        self.policy = load_boundary_policy(None if boundaries is None else str(boundaries))
        self.inner: NerBackend | None = None
        self.crf: CrfPredictor | None = None
        if self.method == "spacy":
            from serge_corpus.ner.spacy_backend import SpacyBackend

            self.inner = SpacyBackend(
                model=str(self.path),
                label_scheme=self.card.get("label_scheme", "ontonotes"),
                boundaries=boundaries,
                batch_size=batch_size,
            )
        elif self.method == "stanza":
            from serge_corpus.ner.stanza_backend import StanzaBackend

            pretrain = self.path / STANZA_PRETRAIN
            self.inner = StanzaBackend(
                ner_model_path=self.path / STANZA_MODEL,
                ner_pretrain_path=pretrain if pretrain.is_file() else None,
                label_scheme="guidelines",
                boundaries=boundaries,
                batch_size=batch_size,
                device="cpu",
            )
        else:
            model = self.path / CRF_FILE
            if not model.is_file():
                raise SergeCorpusError(Problem("E456", f"no {CRF_FILE}", file=str(self.path), field="model"))
            self.crf = CrfPredictor(model)
        self.info = {
            "backend": self.name,
            "model": str(self.path),
            "method": self.method,
            "trained": str(self.card.get("created", "")),
            "data_sha256": str(self.card.get("data", {}).get("train", {}).get("sha256", "")),
        }

    @classmethod
    def unavailable_reason(cls) -> str | None:
        # Never picked automatically: it needs a directory (`--ner model:DIR`).
        if importlib.util.find_spec("spacy") is None:
            return "spaCy is not installed"
        return "needs a trained model directory: --ner model:DIR (serge-corpus train writes one)"

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        if self.inner is not None:
            predicted = self.inner.predict(blocks)
            return [[_restamp(span, self.name) for span in spans] for spans in predicted]
        assert self.crf is not None
        out: list[list[Span]] = [[] for _ in blocks]
        for i, block in enumerate(blocks):
            if annotatable(block):
                found, tokens = self.crf.candidates(block)
                out[i] = finalize_spans(block, found, self.policy, self.name, tokens=tokens)
        return out


def _restamp(span: Span, source: str) -> Span:
    return Span(
        start=span.start,
        end=span.end,
        label=span.label,
        text=span.text,
        date=span.date,
        extra={**span.extra, "source": source},
    )
