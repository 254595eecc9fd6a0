"""Inter-annotator agreement per gold document: annotations/agreement.json and agreement.md.

For every document of annotations/gold.json, the two (or more) passes are applied to the
document's frozen pre-annotation and compared with `serge_corpus.evaluate.agreement` (what
`serge-corpus agree` computes). For documents whose dates come from a shared layer (the
WikiWars TIMEX3, `meta.dates` in the base), DATE spans are left out: the passes did not
annotate them.

    .venv/bin/python scripts/gold_agreement.py
"""

from __future__ import annotations

import json
from pathlib import Path

from serge_corpus.corpus import corpus_sources
from serge_corpus.evaluate import agreement_markdown, score_agreement
from serge_corpus.gold import dates_from_layer, load_config, pass_versions
from serge_corpus.jsonl import read_records, write_text

ROOT = Path(__file__).resolve().parents[1]


def measure(root: Path = ROOT) -> dict:
    recipe = load_config(root / "annotations" / "gold.json")
    sources = corpus_sources(root / "corpus")
    out: dict = {"version": recipe.version, "documents": {}}
    for config in recipe.documents:
        entities_only = dates_from_layer(read_records(config.pre, sources))
        versions = pass_versions(config, sources, entities_only=entities_only)
        result = score_agreement(list(versions.values()), names=list(versions))
        scope = "entities (DATE from the shared TIMEX3 layer, not compared)" if entities_only else "all labels"
        out["documents"][config.doc_id] = {**result, "scope": scope}
    return out


def markdown(measured: dict) -> str:
    lines = [
        "# Inter-annotator agreement, per document",
        "",
        "Made by `scripts/gold_agreement.py` (the same computation as `serge-corpus agree` on each document's",
        "two passes applied to its frozen pre-annotation). WikiWars documents: entity labels only, since their",
        "DATE spans come from the published TIMEX3 layer, not from the passes.",
        "",
        "| document | scope | exact F1 | overlap F1 | spans a / b | kappa (labelled tokens) | alpha (labelled tokens) |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for doc_id, result in measured["documents"].items():
        pair = result["pairs"][0]
        spans = pair["spans"]
        lines.append(
            f"| {doc_id} | {result['scope']} | {spans['exact']['f1']:.3f} | {spans['overlap']['f1']:.3f} | "
            f"{spans['exact']['a']} / {spans['exact']['b']} | {pair['kappa']['annotated']:.3f} | "
            f"{result['alpha']['annotated']:.3f} |"
        )
    for doc_id, result in measured["documents"].items():
        body = agreement_markdown(result).split("\n", 1)[1]
        lines += ["", f"## {doc_id}", "", f"Scope: {result['scope']}.", body.rstrip("\n").replace("\n## ", "\n### ")]
    return "\n".join(lines) + "\n"


def main() -> int:
    measured = measure()
    write_text(ROOT / "annotations" / "agreement.json", json.dumps(measured, indent=2, ensure_ascii=False) + "\n")
    write_text(ROOT / "annotations" / "agreement.md", markdown(measured))
    print(markdown(measured).split("\n\n## ")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
