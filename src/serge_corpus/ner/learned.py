"""A learned combination of NER backends: logistic regression over span candidates.

Every span any member proposed is a candidate `(start, end, label)`. A
candidate is *contested* when another member proposed an overlapping span
(other bounds or another label) or when no model proposed it (a rule's own
find); the rest — a model span no rule has an opinion on — are kept as they
are, so the learned ensemble can never fall below the model on what the rules
do not know. Contested candidates are scored by a logistic regression on
features of the candidate (below) and kept greedily, most probable first,
when their probability reaches the model's threshold and they overlap nothing
kept.

Features (`candidate_features`): which members proposed it exactly, with
which label (member × label), which proposed the same bounds with another
label or an overlapping span; whether the hand `augment` policy keeps it; the
gazetteer kind of its text (country, city, demonym…); capitalisation, length
in tokens, sentence-initial, digits; how often its text occurs in the
document and what share of the document's spans of that text carry this
label.

The model file is JSON: feature names, coefficients, intercept, threshold
and provenance (`train_ensemble` writes it; `scikit-learn` is needed only to
train). Training is deterministic (lbfgs, no shuffling), coefficients are
rounded to 6 decimals, so the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Span

Key = tuple[int, int, str]
MODELS = ("spacy", "stanza")
MEMBERS = ("spacy", "stanza", "gazetteer", "rules")
MODEL_NAME = "ner_ensemble_model.json"


@dataclass(frozen=True)
class LearnedModel:
    """A fitted logistic regression over candidate features."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    meta: Mapping[str, Any] = field(default_factory=dict)

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.intercept + sum(c * values.get(f, 0.0) for f, c in zip(self.features, self.coef))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "meta": dict(self.meta),
        }


def model_from_dict(data: Any, file: str | None = None) -> LearnedModel:
    ok = (
        isinstance(data, dict)
        and isinstance(data.get("features"), list)
        and isinstance(data.get("coef"), list)
        and len(data["features"]) == len(data["coef"])
        and isinstance(data.get("intercept"), (int, float))
    )
    if not ok:
        raise SergeCorpusError(
            Problem("E354", "expected {features: [...], coef: [...] of the same length, intercept: number}", file=file)
        )
    return LearnedModel(
        tuple(data["features"]),
        tuple(float(c) for c in data["coef"]),
        float(data["intercept"]),
        float(data.get("threshold", 0.5)),
        dict(data.get("meta", {})),
    )


def load_model(path: str | Path | None = None) -> LearnedModel:
    """The packaged model, or a user's file."""
    from serge_corpus.data_files import read_json_data

    data, file = read_json_data(MODEL_NAME, path, "learned ensemble model", "E354")
    return model_from_dict(data, file)


@lru_cache(maxsize=1)
def gazetteer_labels() -> dict[str, str]:
    """Phrase -> label of the packaged gazetteer."""
    from serge_corpus.ner.gazetteer import EXTRA_NAME, GAZETTEER_NAME, packaged_path

    labels: dict[str, str] = {}
    for name in (GAZETTEER_NAME, EXTRA_NAME):
        for line in packaged_path(name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                pattern = obj["pattern"]
                labels.setdefault(pattern if isinstance(pattern, str) else pattern[0].get("ORTH", ""), obj["label"])
    return labels


@lru_cache(maxsize=1)
def gazetteer_kinds() -> dict[str, str]:
    """Phrase -> kind (`country`, `city`, `demonym`, `extra`…) of the packaged gazetteer."""
    from serge_corpus.ner.gazetteer import EXTRA_NAME, GAZETTEER_NAME, packaged_path

    kinds: dict[str, str] = {}
    for name in (GAZETTEER_NAME, EXTRA_NAME):
        for line in packaged_path(name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                pattern = obj["pattern"]
                phrase = pattern if isinstance(pattern, str) else pattern[0].get("ORTH", "")
                kinds.setdefault(phrase, obj.get("id", "gaz:extra").removeprefix("gaz:"))
    return kinds


def _overlap(a: Key, b: Key) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class DocumentStats:
    """Per-document counts the features read: occurrences of a text, labels given to it."""

    occurrences: Counter[str]
    labels: dict[str, Counter[str]]


def document_stats(blocks: Sequence[Block], predictions: Sequence[Mapping[str, Sequence[Span]]]) -> DocumentStats:
    texts = {s.text for preds in predictions for spans in preds.values() for s in spans}
    occurrences: Counter[str] = Counter()
    joined = "\n".join(b.text for b in blocks)
    for text in texts:
        occurrences[text] = max(1, joined.count(text))
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for preds in predictions:
        for spans in preds.values():
            for s in spans:
                labels[s.text][s.label] += 1
    return DocumentStats(occurrences, labels)


def contested(key: Key, predictions: Mapping[str, Sequence[Span]], models: Sequence[str] = MODELS) -> bool:
    """Whether members disagree about this stretch, or only a rule found it."""
    proposers = [m for m, spans in predictions.items() if any(s.key == key for s in spans)]
    if not any(m in models for m in proposers):
        return True
    return any(_overlap(s.key, key) and s.key != key for spans in predictions.values() for s in spans)


def candidate_features(
    block: Block, key: Key, predictions: Mapping[str, Sequence[Span]], augmented: set[Key], stats: DocumentStats
) -> dict[str, float]:
    start, end, label = key
    text = block.text[start:end]
    f: dict[str, float] = {f"label={label}": 1.0, "augment_keeps": float(key in augmented)}
    for member, spans in predictions.items():
        for s in spans:
            if s.key == key:
                f[f"{member}:exact"] = 1.0
                f[f"{member}:exact:{label}"] = 1.0
            elif (s.start, s.end) == (start, end):
                f[f"{member}:same_bounds_other_label"] = 1.0
                f[f"{member}:says:{s.label}"] = 1.0
            elif _overlap(s.key, key):
                f[f"{member}:overlaps"] = 1.0
                if s.start <= start and end <= s.end:
                    f[f"{member}:inside_its_span"] = 1.0
    kind = gazetteer_kinds().get(text)
    if kind:
        f[f"gazetteer_kind={kind}"] = 1.0
    words = text.split()
    f["tokens=1"] = float(len(words) == 1)
    f["tokens=2"] = float(len(words) == 2)
    f["tokens>=3"] = float(len(words) >= 3)
    f["all_caps"] = float(text.isupper() and len(text) > 1)
    f["all_words_capitalised"] = float(all(w[:1].isupper() for w in words))
    f["has_lowercase_word"] = float(any(w[:1].islower() for w in words))
    f["has_digit"] = float(any(c.isdigit() for c in text))
    f["sentence_initial"] = float(any(s.start == start for s in block.sentences) or start == 0)
    f["log_doc_occurrences"] = math.log1p(stats.occurrences.get(text, 1))
    given = stats.labels.get(text)
    f["doc_label_share"] = given[label] / sum(given.values()) if given else 0.0
    return f


def block_candidates(
    block: Block, predictions: Mapping[str, Sequence[Span]], augmented: Sequence[Key], stats: DocumentStats
) -> list[tuple[Key, bool, dict[str, float]]]:
    """(key, contested, features) for every candidate of a block, in offset order."""
    keys = sorted({s.key for spans in predictions.values() for s in spans})
    kept = set(augmented)
    return [(k, contested(k, predictions), candidate_features(block, k, predictions, kept, stats)) for k in keys]


def decode(candidates: Sequence[tuple[Key, bool, dict[str, float]]], model: LearnedModel) -> list[tuple[Key, float]]:
    """Uncontested model spans stay; contested ones are kept most probable first, without overlaps."""
    chosen: list[tuple[Key, float]] = [(k, 1.0) for k, disputed, _ in candidates if not disputed]
    scored = sorted(
        ((model.probability(f), k) for k, disputed, f in candidates if disputed), key=lambda pk: (-pk[0], pk[1])
    )
    for p, key in scored:
        if p >= model.threshold and not any(_overlap(key, c) for c, _ in chosen):
            chosen.append((key, p))
    return sorted(chosen)


# ---------------------------------------------------------------- training

Predictor = Callable[[Sequence[Block], str], list[dict[str, list[Span]]]]
"""Runs the members on one document's blocks; the str is the doc_id (decides the corpus patterns)."""


@dataclass(frozen=True)
class TrainingRow:
    doc_id: str
    block_id: str
    key: Key
    features: dict[str, float]
    gold: bool


def training_rows(
    gold: Sequence[Block],
    predict_members: Predictor,
    augment_keys: Callable[[Block, Mapping[str, Sequence[Span]]], list[Key]],
) -> list[TrainingRow]:
    """Contested candidates of every gold document, labelled by exact match with the gold (DATE left out)."""
    by_doc: dict[str, list[Block]] = defaultdict(list)
    for block in gold:
        by_doc[block.doc_id].append(block)
    rows: list[TrainingRow] = []
    for doc_id in sorted(by_doc):
        blocks = by_doc[doc_id]
        bare = [b.with_spans([]) for b in blocks]
        predictions = predict_members(bare, doc_id)
        stats = document_stats(bare, predictions)
        for block, bare_block, preds in zip(blocks, bare, predictions):
            truth = {s.key for s in block.spans}
            for key, disputed, feats in block_candidates(bare_block, preds, augment_keys(bare_block, preds), stats):
                if disputed and key[2] != "DATE":
                    rows.append(TrainingRow(doc_id, block.id, key, feats, key in truth))
    return rows


def fit(rows: Sequence[TrainingRow], c: float = 1.0, meta: Mapping[str, Any] | None = None) -> LearnedModel:
    """Logistic regression on the rows (deterministic)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = sorted({name for row in rows for name in row.features})
    if not rows or len({row.gold for row in rows}) < 2:
        raise SergeCorpusError(
            Problem(
                "E355",
                f"{len(rows)} contested candidates, {sum(r.gold for r in rows)} of them in the gold: need both kinds",
            )
        )
    x = np.array([[row.features.get(n, 0.0) for n in names] for row in rows])
    y = np.array([int(row.gold) for row in rows])
    clf = LogisticRegression(C=c, solver="lbfgs", max_iter=5000)
    clf.fit(x, y)
    coef = tuple(round(float(v), 6) for v in clf.coef_[0])
    kept = [(n, v) for n, v in zip(names, coef) if v != 0.0]
    return LearnedModel(
        tuple(n for n, _ in kept), tuple(v for _, v in kept), round(float(clf.intercept_[0]), 6), 0.5, dict(meta or {})
    )


def model_json(model: LearnedModel) -> str:
    return json.dumps(model.to_dict(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def model_sha256(model: LearnedModel) -> str:
    return hashlib.sha256(model_json(model).encode("utf-8")).hexdigest()


class MemberRunner(Protocol):
    """What training needs from an ensemble: its members' spans and the hand policy's choice."""

    def member_predictions(self, blocks: Sequence[Block]) -> list[dict[str, list[Span]]]: ...

    def augment_keys(self, block: Block, predictions: Mapping[str, Sequence[Span]]) -> list[Key]: ...


def ensemble_rows(gold: Sequence[Block], runner_for: Callable[[str], MemberRunner]) -> list[TrainingRow]:
    """Training rows, each document run by `runner_for(doc_id)` (with or without the corpus patterns)."""

    def predict(blocks: Sequence[Block], doc_id: str) -> list[dict[str, list[Span]]]:
        return list(runner_for(doc_id).member_predictions(blocks))

    def augment_keys(block: Block, preds: Mapping[str, Sequence[Span]]) -> list[Key]:
        return list(runner_for(block.doc_id).augment_keys(block, preds))

    return training_rows(gold, predict, augment_keys)


def leave_one_document_out(rows: Sequence[TrainingRow], c: float = 1.0) -> dict[str, LearnedModel]:
    """For each document, a model fitted on the other documents' rows (for held-out figures)."""
    docs = sorted({row.doc_id for row in rows})
    return {doc: fit([r for r in rows if r.doc_id != doc], c=c, meta={"held_out": doc}) for doc in docs}


def training_meta(rows: Sequence[TrainingRow], sources: Mapping[str, str], command: str) -> dict[str, Any]:
    """Provenance for the model file: what it was fitted on and how to refit it."""
    per_doc = Counter(row.doc_id for row in rows)
    return {
        "command": command,
        "documents": {
            doc: {"contested_candidates": n, "source": sources.get(doc, "")} for doc, n in sorted(per_doc.items())
        },
        "rows": len(rows),
        "positives": sum(row.gold for row in rows),
        "classifier": "sklearn LogisticRegression(C=1.0, lbfgs), coefficients rounded to 6 decimals",
    }


def train_from_files(
    gold_files: Sequence[str | Path],
    output: str | Path,
    corpus_root: str | Path,
    patterns: str | Path | None = None,
) -> tuple[LearnedModel, Path]:
    """Read gold records, run the members (corpus documents with the corpus patterns), fit, write the model."""
    from serge_corpus.corpus import load_corpus
    from serge_corpus.jsonl import read_records, write_text
    from serge_corpus.ner.registry import get_backend

    root = Path(corpus_root)
    corpus_ids: set[str] = set()
    if (root / "manifest.json").is_file():
        corpus_ids = set(load_corpus(root).doc_ids)
        if patterns is None and (root.parent / "annotations" / "patterns.jsonl").is_file():
            patterns = root.parent / "annotations" / "patterns.jsonl"
    gold = [b for path in gold_files for b in read_records(path)]
    generic = get_backend("ensemble")
    with_patterns = get_backend("ensemble", patterns=str(patterns)) if patterns is not None else generic

    def runner_for(doc_id: str) -> MemberRunner:
        return with_patterns if doc_id in corpus_ids else generic  # type: ignore[return-value]

    rows = ensemble_rows(gold, runner_for)
    sources = {b.doc_id: Path(str(path)).name for path in gold_files for b in read_records(path)}
    command = "serge-corpus ner train-ensemble " + " ".join(str(p) for p in gold_files) + f" -o {output}"
    model = fit(rows, meta=training_meta(rows, sources, command))
    target = Path(output)
    write_text(target, model_json(model))
    return model, target
