"""Turn each annotator's pass (a mentions file) into a correction log against the pre-annotation.

An annotator reads the text and lists every mention (annotations/passes/NAME.mentions.json,
see `serge_corpus.mentions`); this script records what that pass changes in the
model's pre-annotation as an append-only correction log, annotations/corrections/NAME.jsonl,
one op per added, removed, relabelled, re-bounded or re-dated span, so the gold is
pre-annotation + logs and every human change is auditable with `serge-corpus diff`.

    .venv/bin/python scripts/pass_logs.py [--pre annotations/pre/serge-afterword.jsonl] NAME [NAME ...]

Line-keyed entity passes (the WikiWars documents): DOC.mentions.json maps `L0005` (the 5th
non-empty line of the text) to `[text, LABEL]` mentions in reading order, with no DATE. The
pass version of a document is its frozen base (annotations/corrections/DOC.base.jsonl) with the
base's entities replaced by the pass's and the base's DATE spans kept; a mention that overlaps
a base DATE span is not placed (listed in annotations/passes/DOC.NAME.skipped.json) so that the
pass log holds entity ops only. The mentions and notes are copied to annotations/passes/.

    .venv/bin/python scripts/pass_logs.py --lines DOC NAME=PATH/TO/DOC.mentions.json [NAME=…]

An existing log is never rewritten: the script refuses, because a committed log is
append-only. Replay a log on a new pre-annotation with `serge-corpus correct apply`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from serge_corpus.corpus import corpus_sources, load_corpus
from serge_corpus.corrections import append_ops, apply_log, changes_to_ops, diff_records
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import read_records, write_text
from serge_corpus.mentions import place_line_mentions, read_mentions, spans_from_mentions

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--pre", type=Path, default=ROOT / "annotations/pre/serge-afterword.jsonl")
    parser.add_argument("--lines", metavar="DOC", help="line-keyed passes of corpus document DOC: NAME=PATH ...")
    args = parser.parse_args()
    if args.lines:
        return line_passes(args.lines, [n.split("=", 1) for n in args.names])
    sources = corpus_sources(ROOT / "corpus")
    pre = read_records(args.pre, sources)
    for name in args.names:
        log = ROOT / "annotations" / "corrections" / f"{name}.jsonl"
        if log.exists():
            print(f"{log} exists: logs are append-only, not regenerated", file=sys.stderr)
            return 1
        mentions = ROOT / "annotations" / "passes" / f"{name}.mentions.json"
        passed = spans_from_mentions(pre, read_mentions(mentions), str(mentions))
        ops = changes_to_ops(diff_records(pre, passed), annotator=name)
        replayed = apply_log(pre, ops)
        # The log must reproduce the pass exactly, or it is not the pass.
        assert not replayed.skipped, replayed.skipped
        assert [b.spans for b in replayed.blocks] == [b.spans for b in passed]
        append_ops(log, ops)
        print(f"{log}: {len(ops)} ops")
    return 0


def line_passes(doc_id: str, passes: list[list[str]]) -> int:
    """One entity-only correction log per line-keyed pass of `doc_id`, against its frozen base."""
    corpus = load_corpus(ROOT / "corpus")
    sources = corpus.sources()
    base_path = ROOT / "annotations" / "corrections" / f"{doc_id}.base.jsonl"
    base = read_records(base_path, sources)
    for name, path in passes:
        log = ROOT / "annotations" / "corrections" / f"{doc_id}.{name}.jsonl"
        if log.exists():
            print(f"{log} exists: logs are append-only, not regenerated", file=sys.stderr)
            return 1
        kept = ROOT / "annotations" / "passes" / f"{doc_id}.{name}.mentions.json"
        shutil.copyfile(path, kept)
        placed = place_line_mentions(base, sources[doc_id], read_mentions(kept), str(kept))
        if placed.problems:
            raise SergeCorpusError(placed.problems)
        passed, skipped = [], []
        for block in base:
            dates = [s for s in block.spans if s.label == "DATE"]
            entities = []
            for span in placed.spans.get(block.id, []):
                clash = next((d for d in dates if d.overlaps(span)), None)
                if clash is not None:
                    skipped.append(
                        {
                            "record": block.id,
                            "text": span.text,
                            "label": span.label,
                            "start": span.start,
                            "end": span.end,
                            "overlaps_date": clash.text,
                        }
                    )
                else:
                    entities.append(span)
            passed.append(block.with_spans(dates + entities))
        ops = changes_to_ops(diff_records(base, passed), annotator=name)
        replayed = apply_log(base, ops)
        # The log must reproduce the pass exactly, or it is not the pass.
        assert not replayed.skipped, replayed.skipped
        assert [b.spans for b in replayed.blocks] == [b.spans for b in passed]
        assert all(op.op != "set_date" and op.op != "clear_date" for op in ops)
        append_ops(log, ops)
        write_text(
            kept.with_name(f"{doc_id}.{name}.skipped.json"), json.dumps(skipped, indent=1, ensure_ascii=False) + "\n"
        )
        print(f"{log}: {len(ops)} ops; {len(skipped)} mention(s) overlapping a base DATE not placed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
