"""`serge-corpus train` as functions: train one model with its card; cross-validate a method.

`train_model` trains on the train split of the chosen documents (dev split
for monitoring), scores the model on the test and dev splits and on every
out-of-domain document (gold documents it was not trained on), and writes
the model directory with its card. It trains into a temporary folder beside
the output and moves it into place only when everything succeeded.

`cross_validate` runs one method (or a baseline) over K folds that never cut
a section or a document (`folds.make_folds`), pooling out-of-fold predictions
for one CI and reporting the mean and standard deviation over folds.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import LABELS, Block
from serge_corpus.ner.trained import CARD_JSON
from serge_corpus.train.baselines import BASELINES, baseline_backend
from serge_corpus.train.card import library_versions, write_card
from serge_corpus.train.fitting import FitSettings, fit, sha256_file
from serge_corpus.train.folds import FoldBy, make_folds
from serge_corpus.train.gold_set import GoldSet, check_doc_ids, check_training_blocks, unit_of
from serge_corpus.train.scoring import Score, predict_blocks, score_backend, score_blocks

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Selection:
    """Which gold documents train (and are cross-validated) and which are out-of-domain."""

    docs: tuple[str, ...]
    ood: tuple[str, ...]


def select_docs(gold: GoldSet, docs: Sequence[str] | None, ood: Sequence[str] | None) -> Selection:
    """Default: train on every document not named out-of-domain; out-of-domain = the rest."""
    known = gold.doc_ids
    check_doc_ids(list(docs or []) + list(ood or []), known)
    ood_set = set(ood or [])
    chosen = [d for d in (docs or known) if d not in ood_set]
    if not chosen:
        raise SergeCorpusError(Problem("E458", "no document left to train on", field="docs"))
    rest = [d for d in known if d not in chosen]
    return Selection(tuple(chosen), tuple(ood) if ood else tuple(rest))


def _ood_blocks(gold: GoldSet, doc: str) -> list[Block]:
    return [b for b in gold.blocks if b.doc_id == doc]


def _split_info(gold: GoldSet, name: str, blocks: Sequence[Block]) -> dict[str, Any]:
    return {
        "file": gold.files.get(name, ""),
        "sha256": sha256_file(gold.files[name]) if name in gold.files else "",
        "records": len(blocks),
        "spans": sum(len(b.spans) for b in blocks),
        "units": sorted({":".join(unit_of(b)) for b in blocks}),
    }


def prepare_output(out: Path) -> None:
    """Refuse to replace a folder that is not a model (E459)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / CARD_JSON).is_file())):
        raise SergeCorpusError(Problem("E459", "it holds files and no model_card.json", file=str(out)))


def _place(tmp: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)


def scores_of(backend: Any, gold: GoldSet, selection: Selection, bootstrap: int) -> dict[str, Any]:
    mine = gold.of_docs(selection.docs)
    scores: dict[str, Any] = {}
    for split in ("test", "dev"):
        if mine.splits[split]:
            scores[split] = score_backend(backend, mine.splits[split], bootstrap=bootstrap)
    scores["ood"] = {doc: score_backend(backend, _ood_blocks(gold, doc), bootstrap=bootstrap) for doc in selection.ood}
    return scores


def train_model(
    gold: GoldSet,
    settings: FitSettings,
    out: Path,
    *,
    docs: Sequence[str] | None = None,
    ood: Sequence[str] | None = None,
    bootstrap: int = 1000,
    command: str = "",
    cv: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train, score and write `out` with its card; returns the card."""
    from serge_corpus.ner import get_backend
    from serge_corpus.ner.trained import read_card

    if settings.resume is not None:
        read_card(settings.resume)
    prepare_output(out)
    selection = select_docs(gold, docs, ood)
    mine = gold.of_docs(selection.docs)
    check_training_blocks(mine.splits["train"], gold.files.get("train"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        say = progress or (lambda _msg: None)
        say(f"training {settings.method} on {len(mine.splits['train'])} blocks")
        started = time.perf_counter()
        details = fit(settings, mine.splits["train"], mine.splits["dev"], tmp)
        seconds = time.perf_counter() - started
        card: dict[str, Any] = {
            "name": out.name,
            "method": settings.method,
            "label_scheme": details.get("label_scheme", "guidelines"),
            "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "command": command,
            "seed": settings.seed,
            "resume_from": str(settings.resume) if settings.resume else None,
            "docs": list(selection.docs),
            "ood_docs": list(selection.ood),
            "data": {name: _split_info(gold, name, blocks) for name, blocks in mine.splits.items()},
            "config": {
                "file": str(settings.config),
                "sha256": sha256_file(settings.config),
                "text": settings.config.read_text(encoding="utf-8"),
            },
            "training_seconds": round(seconds, 2),
            "details": details,
            "libraries": library_versions(),
        }
        _stub_card(tmp, settings.method, card["label_scheme"])  # loadable for scoring
        say("scoring")
        card["scores"] = scores_of(get_backend("model", path=str(tmp)), gold, selection, bootstrap)
        if settings.method == "spacy":
            card["baseline_scores"] = scores_of(get_backend("spacy"), gold, selection, bootstrap)
        if cv is not None:
            card["cv"] = cv
        write_card(tmp, card)
        _place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return card


def _stub_card(model_dir: Path, method: str, label_scheme: str) -> None:
    """The part of the card the backend needs, so a model can be scored before its card is complete."""
    (model_dir / CARD_JSON).write_text(json.dumps({"method": method, "label_scheme": label_scheme}), encoding="utf-8")


def fit_and_predict(
    settings: FitSettings, train: Sequence[Block], test: Sequence[Block], dev: Sequence[Block] = ()
) -> list[Block]:
    """Train a throw-away model and return its predictions on `test`."""
    from serge_corpus.ner import get_backend

    with tempfile.TemporaryDirectory(prefix="serge-fit-") as tmp:
        details = fit(settings, train, dev, Path(tmp))
        _stub_card(Path(tmp), settings.method, details.get("label_scheme", "guidelines"))
        return predict_blocks(get_backend("model", path=tmp), test)


FitTask = tuple[FitSettings, Sequence[Block], Sequence[Block], Sequence[Block]]
"""(settings, train, test, dev) of one throw-away model."""


def fit_many(
    tasks: Sequence[FitTask], jobs: int = 1, progress: Progress | None = None, labels: Sequence[str] = ()
) -> list[list[Block]]:
    """Predictions of each task's model on its test blocks; `jobs` > 1 trains in that many processes.

    Each process trains single-threaded (OMP_NUM_THREADS=1), so results do not
    depend on `jobs`; spawned, not forked, so no library state is shared.
    """
    say = progress or (lambda _msg: None)
    if jobs <= 1 or len(tasks) <= 1:
        out = []
        for i, (settings, train, test, dev) in enumerate(tasks):
            if labels:
                say(labels[i])
            out.append(fit_and_predict(settings, train, test, dev))
        return out
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by the workers before numpy loads

    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(fit_and_predict, settings, list(train), list(test), list(dev))
            for settings, train, test, dev in tasks
        ]
        results = []
        for i, future in enumerate(futures):
            results.append(future.result())
            if labels:
                say(f"{labels[i]}: done")
        return results


# ---------------------------------------------------------------- cross-validation


def _sd(values: Sequence[float]) -> float:
    return statistics.stdev(values) if len(values) > 1 else 0.0


def summarize_folds(
    folds: list[dict[str, Any]], gold: Sequence[Block], pred: Sequence[Block], *, k: int, by: str, bootstrap: int
) -> dict[str, Any]:
    f1s = [f["score"]["f1"] for f in folds]
    labels = [label for label in LABELS if any(label in f["score"]["per_label"] for f in folds)]
    per_label = {}
    for label in labels:
        values = [f["score"]["per_label"][label] for f in folds if label in f["score"]["per_label"]]
        per_label[label] = {"mean": statistics.fmean(values), "sd": _sd(values), "folds": len(values)}
    pooled: Score = score_blocks(gold, pred, bootstrap=bootstrap)
    return {
        "k": k,
        "by": by,
        "folds": folds,
        "mean": statistics.fmean(f1s),
        "sd": _sd(f1s),
        "per_label": per_label,
        "pooled": pooled,
    }


def cross_validate(
    gold: GoldSet,
    method: str,
    k: int,
    *,
    settings: FitSettings | None = None,
    docs: Sequence[str] | None = None,
    by: FoldBy = "auto",
    bootstrap: int = 1000,
    fraction: float = 1.0,
    patterns: Path = Path("annotations/patterns.jsonl"),
    progress: Progress | None = None,
    jobs: int = 1,
) -> dict[str, Any]:
    """K-fold CV of a method (`spacy`, `crf`, `stanza`) or a baseline (`pretrained`, `rules`).

    `jobs` > 1 trains the folds' models in parallel processes (same results).
    """
    from serge_corpus.train.folds import resolve_fold_by, subsample

    selection = select_docs(gold, docs, None)
    blocks = gold.of_docs(selection.docs).blocks
    check_training_blocks(blocks, None)
    folds = make_folds(blocks, k, by)
    say = progress or (lambda _msg: None)
    results: list[dict[str, Any]] = []
    gold_all: list[Block] = []
    pred_all: list[Block] = []
    fitted: list[list[Block]] = []
    if method not in BASELINES:
        assert settings is not None
        tasks: list[FitTask] = [
            (settings, subsample(f.train, fraction, settings.seed) if fraction < 1 else list(f.train), f.test, ())
            for f in folds
        ]
        started = time.perf_counter()
        fitted = fit_many(tasks, jobs, say, [f"{method}: fold {f.index + 1}/{k}" for f in folds])
        per_fold = (time.perf_counter() - started) / len(folds)
    for fold in folds:
        extra: dict[str, Any] = {}
        if method in BASELINES:
            say(f"{method}: fold {fold.index + 1}/{k}")
            started = time.perf_counter()
            backend, extra = baseline_backend(method, fold.train, fold.test, patterns)
            predicted = predict_blocks(backend, fold.test)
            seconds = time.perf_counter() - started
        else:
            predicted, seconds = fitted[fold.index], per_fold
        gold_all.extend(fold.test)
        pred_all.extend(predicted)
        results.append(
            {
                "index": fold.index,
                "held_out": [list(u) for u in fold.held_out],
                "score": score_blocks(fold.test, predicted, bootstrap=0),
                "seconds": round(seconds, 2),
                **extra,
            }
        )
    return summarize_folds(results, gold_all, pred_all, k=k, by=resolve_fold_by(blocks, k, by), bootstrap=bootstrap) | {
        "method": method,
        "docs": list(selection.docs),
    }
