"""The tables of the dataset card (annotations/README.md), computed from committed files.

    .venv/bin/python scripts/card_tables.py

Prints Markdown: per-document table (words, blocks, spans per label, licence, whether the
text may be redistributed, split), per-document agreement, and the TIMEX3 decisions of the
date review by reason (annotations/dates/DOC.date_review.json).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from serge_corpus.model import LABELS

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    stats = json.loads((ROOT / "annotations/gold/stats.json").read_text(encoding="utf-8"))
    manifest = {d["doc_id"]: d for d in json.loads((ROOT / "corpus/manifest.json").read_text("utf-8"))["documents"]}
    agreement = json.loads((ROOT / "annotations/agreement.json").read_text(encoding="utf-8"))["documents"]
    print("| document | words | blocks | " + " | ".join(LABELS) + " | spans | licence | text redistributable | split |")
    print("|---|---:|---|" + "---:|" * (len(LABELS) + 1) + "---|---|---|")
    for doc_id, doc in stats["documents"].items():
        a = doc["all"]
        kinds = ", ".join(f"{k} {n}" for k, n in a["blocks_by_kind"].items())
        print(
            f"| {doc_id} | {a['words']:,} | {a['records']} ({kinds}) | "
            + " | ".join(str(a["labels"][label]) for label in LABELS)
            + f" | {a['spans']} | {manifest[doc_id].get('licence_id')} | "
            + f"{'yes' if manifest[doc_id].get('redistributable') else 'no'} | {doc['split_of_document'] or 'by section'} |"
        )
    a = stats["all"]
    print(
        f"| **all** | {a['words']:,} | {a['records']} | "
        + " | ".join(str(a["labels"][label]) for label in LABELS)
        + f" | {a['spans']} | | | |"
    )
    print("\n| split | records | words | " + " | ".join(LABELS) + " | spans |")
    print("|---|---:|---:|" + "---:|" * (len(LABELS) + 1))
    for name, s in stats["splits"].items():
        print(
            f"| {name} | {s['records']} | {s['words']:,} | "
            + " | ".join(str(s["labels"][label]) for label in LABELS)
            + f" | {s['spans']} |"
        )
    print(
        "\n| document | compared | exact F1 | overlap F1 | spans A / B | kappa (labelled tokens) | alpha (labelled tokens) |"
    )
    print("|---|---|---:|---:|---|---:|---:|")
    for doc_id, result in agreement.items():
        pair = result["pairs"][0]
        print(
            f"| {doc_id} | {'entities' if 'entities' in result['scope'] else 'all labels'} | "
            f"{pair['spans']['exact']['f1']:.3f} | {pair['spans']['overlap']['f1']:.3f} | "
            f"{pair['spans']['exact']['a']} / {pair['spans']['exact']['b']} | {pair['kappa']['annotated']:.3f} | "
            f"{result['alpha']['annotated']:.3f} |"
        )
    reviews = {
        p.name.split(".")[0]: json.loads(p.read_text("utf-8"))
        for p in sorted((ROOT / "annotations/dates").glob("*.date_review.json"))
    }
    if reviews:
        names = list(reviews)
        print("\n| TIMEX3 by the date review's reason | " + " | ".join(names) + " | total |")
        print("|---|" + "---:|" * (len(names) + 1))
        counts = {n: Counter() for n in names}
        for n, items in reviews.items():
            for item in items:
                timexes = item.get("timex")
                size = len(timexes) if isinstance(timexes, list) else 1
                counts[n][item["reason_code"]] += size
                counts[n][f"**{item['action']}**"] += size
        keys = sorted({k for c in counts.values() for k in c}, key=lambda k: (k.startswith("**"), k))
        for key in keys:
            row = [counts[n][key] for n in names]
            print(f"| {key} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
        row = [sum(v for k, v in counts[n].items() if not k.startswith("**")) for n in names]
        print("| **TIMEX3 in all** | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
