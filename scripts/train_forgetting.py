"""Does a fine-tuned spaCy model still find what the guidelines do not annotate?

For held-out blocks (default: the gold's dev and test splits), counts the
pretrained model's entities with labels the guidelines drop (CARDINAL,
ORDINAL, MONEY, TIME…) and how many a fine-tuned model finds with the same
offsets and label. A model that learnt to drop those labels scores near 0.

    .venv/bin/python scripts/train_forgetting.py models/afterword-spacy [--splits dev,test] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from typing import Any

from serge_corpus.ner.spacy_backend import load_ner_pipeline, resolve_model
from serge_corpus.train.gold_set import load_gold
from serge_corpus.train.pseudo import unannotated_labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a spaCy model directory written by serge-corpus train")
    parser.add_argument("--gold", default="annotations/gold")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    gold = load_gold(args.gold)
    texts = [b.text for split in args.splits.split(",") for b in gold.splits[split] if b.annotated]
    others = set(unannotated_labels())
    pretrained = load_ner_pipeline(resolve_model(None))
    tuned = load_ner_pipeline(args.model)

    def ents(nlp: object) -> list[set[tuple[int, int, str]]]:
        return [
            {(e.start_char, e.end_char, e.label_) for e in doc.ents if e.label_ in others} for doc in nlp.pipe(texts)
        ]  # type: ignore[attr-defined]

    before, after = ents(pretrained), ents(tuned)
    per_label: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for b, a in zip(before, after):
        for key in b:
            per_label[key[2]] += 1
            kept[key[2]] += key in a
    extra = sum(len(a - b) for b, a in zip(before, after))
    result: dict[str, Any] = {
        "blocks": len(texts),
        "pretrained": sum(per_label.values()),
        "kept": sum(kept.values()),
        "per_label": {k: [kept[k], per_label[k]] for k in sorted(per_label)},
        "new_in_tuned": extra,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['kept']} of {result['pretrained']} pretrained entities of unannotated labels kept "
            f"({', '.join(f'{k} {v[0]}/{v[1]}' for k, v in result['per_label'].items())}); "
            f"{extra} new ones; {len(texts)} blocks"
        )


if __name__ == "__main__":
    main()
