"""Frozen pre-annotations (bases) of the WikiWars documents: model entities + dates from the published TIMEX3.

For each document: the default backend's pre-annotation (annotations/pre/DOC.jsonl, made by
`serge-corpus run`) with its DATE spans replaced by the document's TIMEX3 converted to the
guidelines (`serge-corpus import --from timeml`); a model entity overlapping one of those
DATE spans is dropped and listed. Writes annotations/corrections/DOC.base.jsonl (refuses to
overwrite one: logs were written against it), the imported dates as annotations/timeml/DOC.jsonl,
and the conversion table annotations/timeml/conversion.md (+ .json).

    .venv/bin/python scripts/wikiwars_base.py [--copy-to /work/annot/dates_base]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from serge_corpus.corpus import load_corpus
from serge_corpus.formats.timeml import conversion_markdown, import_document, read_timeml
from serge_corpus.gold import replace_dates
from serge_corpus.jsonl import read_records, write_records, write_text
from serge_corpus.segment import segment_document

ROOT = Path(__file__).resolve().parents[1]
# The shared benchmarks folder beside the checkout (../shared), or one level further up for a worktree.
TIMEML = next(
    (p for p in (base / "shared/benchmarks/wikiwars/timex3_derczynski2012" for base in ROOT.parents[:2]) if p.is_dir()),
    ROOT.parent / "shared/benchmarks/wikiwars/timex3_derczynski2012",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeml", type=Path, default=TIMEML, help="folder of the WikiWars .tml files")
    parser.add_argument(
        "--pre", type=Path, default=ROOT / "annotations/pre", help="folder of DOC.jsonl pre-annotations"
    )
    parser.add_argument(
        "--copy-to", type=Path, default=None, help="also copy the bases (records) and conversion.md here"
    )
    args = parser.parse_args()
    corpus = load_corpus(ROOT / "corpus")
    sources = corpus.sources()
    reports, summary = [], {}
    for entry in corpus.entries:
        if not entry.get("wikiwars_id"):
            continue
        doc_id = entry["doc_id"]
        base = ROOT / "annotations/corrections" / f"{doc_id}.base.jsonl"
        imported = import_document(
            read_timeml(args.timeml / f"{entry['wikiwars_id']}.tml"),
            corpus.load(doc_id),
            segment_document,
            entry["wikiwars_id"],
        )
        write_records(ROOT / "annotations/timeml" / f"{doc_id}.jsonl", imported.blocks)
        reports.append(imported.report)
        layer = replace_dates(read_records(args.pre / f"{doc_id}.jsonl", sources), imported.blocks, "timeml")
        summary[doc_id] = {
            "conversions": imported.report.counts(),
            "actions": imported.report.actions(),
            "model_dates_removed": layer.model_dates_removed,
            "model_entities_dropped": [[rid, s.text, s.label] for rid, s in layer.entities_dropped],
        }
        if base.exists():
            print(f"{base} exists: a base is frozen once logs are written against it; not rewritten", file=sys.stderr)
        else:
            write_records(base, layer.blocks)
            print(
                f"wrote {base}: {sum(len(b.spans) for b in layer.blocks)} spans, "
                f"{len(layer.entities_dropped)} model entities dropped for a TIMEX3 DATE"
            )
        if args.copy_to:
            args.copy_to.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(base, args.copy_to / f"{doc_id}.jsonl")
    table = conversion_markdown(reports)
    intro = (
        "# WikiWars TIMEX3 -> guidelines DATE spans: automatic conversions\n\n"
        "Made by `scripts/wikiwars_base.py` (`serge_corpus.formats.timeml.timexes_to_spans`). Counts are TIMEX3;\n"
        "one TIMEX3 may change for several reasons. Columns are WikiWars document ids.\n\n"
    )
    write_text(ROOT / "annotations/timeml/conversion.md", intro + table)
    write_text(ROOT / "annotations/timeml/conversion.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    if args.copy_to:
        shutil.copyfile(ROOT / "annotations/timeml/conversion.md", args.copy_to / "conversion.md")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
