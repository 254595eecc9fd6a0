"""Score trained models and the pretrained spaCy model on gold documents (raw NER, strict F1 with CIs).

The out-of-domain check of a trained model: documents it was not trained on.

    .venv/bin/python scripts/train_score.py --gold annotations/gold --docs polish-soviet-war,russian-civil-war \
        models/afterword-spacy models/afterword-crf [--kinds heading=headline,meta=boilerplate] [--json OUT]

`--kinds` renames block kinds this version of the record validator does not
know (e.g. a gold made by a newer segmenter) into known ones before
validation: the text and spans are untouched; renaming to `boilerplate`
leaves the block out of scoring, as evaluation does for boilerplate.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from serge_corpus.jsonl import read_raw
from serge_corpus.ner import get_backend
from serge_corpus.train.gold_set import load_gold
from serge_corpus.train.scoring import score_backend


def renamed_gold(gold: Path, kinds: dict[str, str], into: Path) -> Path:
    for split in ("train", "dev", "test"):
        rows = [
            obj | {"block": kinds.get(obj.get("block"), obj.get("block"))}
            for _, obj in read_raw(gold / f"{split}.jsonl")
        ]
        (into / f"{split}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="model directories written by serge-corpus train")
    parser.add_argument("--gold", default="annotations/gold")
    parser.add_argument("--docs", required=True, help="comma-separated doc ids to score on (all their blocks)")
    parser.add_argument("--kinds", default="", help="OLD=NEW block-kind renames, comma-separated")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--json", help="also write the scores as JSON here")
    args = parser.parse_args()
    kinds = dict(pair.split("=") for pair in args.kinds.split(",") if pair)
    with tempfile.TemporaryDirectory() as tmp:
        gold_dir = renamed_gold(Path(args.gold), kinds, Path(tmp)) if kinds else Path(args.gold)
        gold = load_gold(gold_dir)
    docs = args.docs.split(",")
    backends: dict[str, Any] = {"pretrained": get_backend("spacy")}
    backends |= {model: get_backend(f"model:{model}") for model in args.models}
    sets = {doc: [b for b in gold.blocks if b.doc_id == doc] for doc in docs}
    sets["all"] = [b for doc in docs for b in sets[doc]]
    scores = {
        name: {doc: score_backend(backend, blocks, bootstrap=args.bootstrap) for doc, blocks in sets.items()}
        for name, backend in backends.items()
    }
    print("| model | " + " | ".join(sets) + " |")
    print("|---|" + "---|" * len(sets))
    for name, row in scores.items():
        print(
            f"| {name} | " + " | ".join(f"{s['f1']:.3f} [{s['low']:.3f}, {s['high']:.3f}]" for s in row.values()) + " |"
        )
    print("gold spans: " + ", ".join(f"{doc} {s['gold_spans']}" for doc, s in scores["pretrained"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
