"""Add one method's cross-validation (`serge-corpus train --cv K --report CV.json`) to a comparison report.

For when `train --compare` cannot run every method in the time at hand: the
folds are a function of the data alone, so a separate `--cv` run of a method
uses the same folds (checked here) and its figures belong in the same table.

    .venv/bin/python scripts/train_report_add_cv.py annotations/reports/train CV.json "the command that made CV.json" \
        [--note "text for the report's notes"] [--config FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from serge_corpus.train.compare import add_cv, write_compare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="folder holding compare.json")
    parser.add_argument("cv", type=Path, help="JSON written by train --cv K --report")
    parser.add_argument("command", help="the command that wrote CV")
    parser.add_argument("--note", action="append", default=[])
    parser.add_argument("--config", help="the configuration file the CV run used (named in the report)")
    args = parser.parse_args()
    result = json.loads((args.report / "compare.json").read_text(encoding="utf-8"))
    if "command" in result and "commands" not in result:
        result["commands"] = [result.pop("command")]
    cv = json.loads(args.cv.read_text(encoding="utf-8"))["cv"]
    merged = add_cv(result, cv, args.command, config=args.config)
    merged["notes"] = [*merged.get("notes", []), *args.note]
    for path in write_compare(merged, args.report, args.command):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
