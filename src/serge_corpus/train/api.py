"""What the `train` command does, from its options: parse, check, call, summarise.

Kept out of the CLI module so that the command stays a thin wrapper and every
mode is a function a user can import.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block
from serge_corpus.train.baselines import BASELINES
from serge_corpus.train.fitting import FitSettings, check_method, config_path
from serge_corpus.train.folds import FoldBy
from serge_corpus.train.gold_set import load_gold
from serge_corpus.train.training import Progress, cross_validate, train_model

_FOLD_BY = ("auto", "section", "document")


def _fold_by(value: str) -> FoldBy:
    if value not in _FOLD_BY:
        raise SergeCorpusError(Problem("E461", f"--cv-by {value!r}; use one of {', '.join(_FOLD_BY)}", field="cv_by"))
    return value  # type: ignore[return-value]


def _numbers(text: str, kind: type, field: str) -> list[Any]:
    try:
        return [kind(x) for x in text.split(",") if x.strip()]
    except ValueError as err:
        raise SergeCorpusError(Problem("E461", f"{text!r}: {err}", field=field)) from err


def rehearsal_blocks_from(paths: Sequence[Path]) -> list[Block]:
    from serge_corpus.annotate import load_blocks

    return [b for path in paths for b in load_blocks(path)]


def run_train(
    gold_dir: Path,
    output: Path | None,
    *,
    method: str,
    config: Path | None,
    docs: list[str] | None,
    ood: list[str] | None,
    seed: int,
    cv: int | None,
    cv_by: str,
    resume: Path | None,
    rehearsal: Sequence[Path],
    bootstrap: int,
    command: str,
    progress: Progress,
    jobs: int = 1,
) -> dict[str, Any]:
    """Train a model (with -o), cross-validate (with --cv), or both: the CV is recorded in the card."""
    check_method(method)
    if output is None and cv is None:
        raise SergeCorpusError(
            Problem("E461", "give -o MODEL_DIR to train a model, or --cv K to cross-validate", field="output")
        )
    if rehearsal and method != "spacy":
        raise SergeCorpusError(Problem("E461", "--rehearsal applies to --method spacy only", field="rehearsal"))
    if resume is not None:
        from serge_corpus.ner.trained import read_card

        trained_with = read_card(resume)["method"]
        if trained_with != method:
            raise SergeCorpusError(
                Problem("E461", f"{resume} was trained with --method {trained_with}", field="resume")
            )
    by = _fold_by(cv_by)
    settings = FitSettings(method, config_path(method, config), seed, resume, tuple(rehearsal_blocks_from(rehearsal)))
    gold = load_gold(gold_dir)
    result: dict[str, Any] = {}
    if cv is not None:
        result["cv"] = cross_validate(
            gold, method, cv, settings=settings, docs=docs, by=by, bootstrap=bootstrap, progress=progress, jobs=jobs
        )
    if output is not None:
        result["card"] = train_model(
            gold,
            settings,
            output,
            docs=docs,
            ood=ood,
            bootstrap=bootstrap,
            command=command,
            cv=result.get("cv"),
            progress=progress,
        )
        result["model"] = str(output)
    return result


def summary(result: dict[str, Any]) -> str:
    lines: list[str] = []
    if "cv" in result:
        cv = result["cv"]
        pooled = cv["pooled"]
        lines.append(
            f"cross-validation ({cv['k']} folds by {cv['by']}): strict F1 mean {cv['mean']:.3f} "
            f"(sd {cv['sd']:.3f}); pooled {pooled['f1']:.3f} [{pooled['low']:.3f}, {pooled['high']:.3f}]"
        )
        lines.append("  per label: " + ", ".join(f"{k} {v['mean']:.3f}" for k, v in cv["per_label"].items()))
    if "card" in result:
        card = result["card"]
        lines.append(f"{result['model']}: {card['method']} trained in {card['training_seconds']:.1f} s")
        for name, score in card["scores"].items():
            items = score.items() if name == "ood" else [(name, score)]
            for label, s in items:
                lines.append(f"  {label}: strict F1 {s['f1']:.3f} [{s['low']:.3f}, {s['high']:.3f}]")
        lines.append(f"  model card: {result['model']}/MODEL_CARD.md")
    return "\n".join(lines)


def run_compare(
    gold_dir: Path,
    output: Path | None,
    *,
    methods: str,
    baselines: str,
    k: int,
    by: str,
    docs: list[str] | None,
    ood: list[str] | None,
    seeds: str,
    curve: str,
    curve_methods: str,
    config_dir: Path,
    bootstrap: int,
    command: str,
    progress: Progress,
    jobs: int = 1,
    extend: bool = False,
    method_configs: Sequence[str] = (),
    merge: Sequence[Path] = (),
) -> list[Path]:
    from serge_corpus.train.compare import compare, write_compare

    if output is None:
        raise SergeCorpusError(Problem("E461", "--compare needs -o REPORT_DIR", field="output"))
    if merge:
        return merge_compare(output, merge, command)
    trained = [check_method(m) for m in methods.split(",") if m]
    untrained = [m for m in baselines.split(",") if m]
    bad = [m for m in untrained if m not in BASELINES]
    if bad:
        raise SergeCorpusError(
            Problem("E454", f"{', '.join(bad)}; baselines: {', '.join(BASELINES)}", field="baselines")
        )
    chosen = parse_method_configs(method_configs)
    settings = {m: FitSettings(m, config_path(m, chosen.get(m), config_dir)) for m in trained}
    gold = load_gold(gold_dir)
    previous = None
    if extend and (output / "compare.json").is_file():
        import json

        previous = json.loads((output / "compare.json").read_text(encoding="utf-8"))
    before = previous or {}
    commands = [*before.get("commands", [before["command"]] if "command" in before else []), command]
    result = compare(
        gold,
        settings,
        baselines=untrained,
        k=k,
        by=_fold_by(by),
        docs=docs,
        ood=ood,
        seeds=_numbers(seeds, int, "seeds"),
        fractions=_numbers(curve, float, "curve"),
        curve_methods=[m for m in curve_methods.split(",") if m in trained],
        bootstrap=bootstrap,
        progress=progress,
        jobs=jobs,
        previous=previous,
        on_method=lambda partial: write_compare(partial | {"commands": commands}, output, command, plots=False),
    )
    return write_compare(result | {"commands": commands}, output, command)


def parse_method_configs(values: Sequence[str]) -> dict[str, Path]:
    """`--method-config METHOD=FILE` values: one method's configuration in place of its default (E461)."""
    chosen: dict[str, Path] = {}
    for value in values:
        method, sep, path = value.partition("=")
        if not sep or not path:
            raise SergeCorpusError(
                Problem(
                    "E461",
                    f"{value!r}: write METHOD=FILE, e.g. stanza=configs/stanza_ner_small.json",
                    field="method_config",
                )
            )
        chosen[check_method(method)] = Path(path)
    return chosen


def merge_compare(output: Path, others: Sequence[Path], command: str) -> list[Path]:
    """Join the reports in `others` (made apart, same settings) to the report in `output`; nothing is trained."""
    import json

    from serge_corpus.train.compare import merge_reports, write_compare

    def read(folder: Path) -> dict[str, Any]:
        path = folder / "compare.json"
        if not path.is_file():
            raise SergeCorpusError(Problem("E461", "no compare.json: run --compare -o there first", file=str(path)))
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if "commands" not in data and "command" in data:  # reports of earlier versions named one command
            data["commands"] = [data.pop("command")]
        return data

    result = read(output)
    for other in others:
        result = merge_reports(result, read(other))
    result["commands"] = [*result.get("commands", []), command]
    return write_compare(result, output, command)
