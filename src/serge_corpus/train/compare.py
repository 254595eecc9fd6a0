"""`train --compare`: every method under the same folds, one Markdown report.

For each method (trained: `spacy`, `crf`, `stanza`; not trained: `pretrained`,
`rules`) the report gives
- cross-validation over the same K folds (mean, sd, pooled F1 with CI,
  per-label mean F1),
- the fixed split: trained on the train split (one run per seed), scored on
  the test split, and on every out-of-domain gold document,
- a learning curve (shares of the train split, several seeds) scored on the
  dev and test splits together (more spans than either alone),
- for `rules`, the in-sample figure with every pattern next to the
  out-of-fold one: the measured cost of having written the patterns on the
  text they are scored on.
Models are trained in temporary folders and thrown away; only the report
(compare.md, compare.json, learning_curve.png, cv_f1.png) is written.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from serge_corpus.jsonl import write_text
from serge_corpus.model import LABELS, Block
from serge_corpus.train.baselines import BASELINES, baseline_backend
from serge_corpus.train.fitting import FitSettings
from serge_corpus.train.folds import FoldBy, subsample
from serge_corpus.train.gold_set import GoldSet
from serge_corpus.train.scoring import predict_blocks, score_blocks
from serge_corpus.train.training import FitTask, Progress, cross_validate, fit_many, select_docs


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def _fixed_runs(
    method: str,
    settings: FitSettings | None,
    train: Sequence[Block],
    targets: dict[str, list[Block]],
    seeds: Sequence[int],
    fractions: Sequence[float],
    patterns: Path,
    say: Progress,
    jobs: int = 1,
) -> dict[str, Any]:
    """Predictions of `method` on every target set, per (fraction, seed)."""
    runs: dict[str, Any] = {}
    everything = [b for blocks in targets.values() for b in blocks]
    if method in BASELINES:
        held = [b for name, blocks in targets.items() if name in ("test", "dev") for b in blocks]
        backend, extra = baseline_backend(method, train, held, patterns)
        predicted = predict_blocks(backend, everything)
        runs["1.0/0"] = {"predicted": predicted, "seconds": 0.0, **extra}
        return runs
    assert settings is not None
    keys = [(fraction, seed) for fraction in fractions for seed in seeds]
    tasks: list[FitTask] = [
        (
            FitSettings(
                settings.method, settings.config, seed, settings.resume, settings.rehearsal, settings.overrides
            ),
            subsample(train, fraction, seed),
            everything,
            targets.get("dev", []),
        )
        for fraction, seed in keys
    ]
    started = time.perf_counter()
    predicted_all = fit_many(tasks, jobs, say, [f"{method}: {int(f * 100)}% of train, seed {s}" for f, s in keys])
    seconds = (time.perf_counter() - started) / max(1, len(keys))
    for (fraction, seed), predicted in zip(keys, predicted_all):
        runs[f"{fraction}/{seed}"] = {"predicted": predicted, "seconds": seconds}
    return runs


def _slice(
    predicted: list[Block], targets: dict[str, list[Block]], names: Sequence[str]
) -> tuple[list[Block], list[Block]]:
    gold: list[Block] = []
    pred: list[Block] = []
    at = 0
    for name, blocks in targets.items():
        if name in names:
            gold.extend(blocks)
            pred.extend(predicted[at : at + len(blocks)])
        at += len(blocks)
    return gold, pred


OOD_ALL = "ood (all)"


def _scored_targets(targets: dict[str, list[Block]]) -> dict[str, list[str]]:
    """Each target alone, plus every out-of-domain document pooled when there are several."""
    scored = {name: [name] for name in targets}
    ood = [name for name in targets if name.startswith("ood:")]
    if len(ood) > 1:
        scored[OOD_ALL] = ood
    return scored


def compare(
    gold: GoldSet,
    settings: dict[str, FitSettings],
    *,
    baselines: Sequence[str] = BASELINES,
    k: int = 5,
    by: FoldBy = "auto",
    docs: Sequence[str] | None = None,
    ood: Sequence[str] | None = None,
    seeds: Sequence[int] = (0, 1, 2),
    fractions: Sequence[float] = (0.25, 0.5, 0.75, 1.0),
    curve_methods: Sequence[str] = ("spacy", "crf"),
    bootstrap: int = 1000,
    patterns: Path = Path("annotations/patterns.jsonl"),
    progress: Progress | None = None,
    on_method: Callable[[dict[str, Any]], object] | None = None,
    jobs: int = 1,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run everything; the JSON result the report is made from (`on_method` sees it after each method).

    With `previous` (an earlier result of the same settings), its methods are kept and only the others run.
    """
    say = progress or (lambda _msg: None)
    selection = select_docs(gold, docs, ood)
    mine = gold.of_docs(selection.docs)
    targets: dict[str, list[Block]] = {"test": mine.splits["test"], "dev": mine.splits["dev"]}
    for doc in selection.ood:
        targets[f"ood:{doc}"] = [b for b in gold.blocks if b.doc_id == doc]
    methods: list[str] = []
    result: dict[str, Any] = {
        "docs": list(selection.docs),
        "ood": list(selection.ood),
        "k": k,
        "seeds": list(seeds),
        "fractions": list(fractions),
        "methods": methods,
        "cv": {},
        "fixed": {},
        "curve": {},
        "seconds": {},
        "configs": {m: str(s.config) for m, s in settings.items()},
    }
    if previous is not None:
        check_same_settings(previous, result)
        result.update({key: previous[key] for key in ("cv", "fixed", "curve", "seconds")})
        result["configs"] = previous.get("configs", {}) | result["configs"]
        methods.extend(previous["methods"])
    for method in [m for m in [*baselines, *settings] if m not in methods]:
        methods.append(method)  # the list in `result` grows as methods finish: partial reports are complete
        started = time.perf_counter()
        result["cv"][method] = cross_validate(
            gold,
            method,
            k,
            settings=settings.get(method),
            docs=selection.docs,
            by=by,
            bootstrap=bootstrap,
            patterns=patterns,
            progress=say,
            jobs=jobs,
        )
        in_curve = method in curve_methods
        runs = _fixed_runs(
            method,
            settings.get(method),
            mine.splits["train"],
            targets,
            seeds if method not in BASELINES else (0,),
            fractions if in_curve else (1.0,),
            patterns,
            say,
            jobs,
        )
        fixed: dict[str, Any] = {}
        full = [key for key in runs if key.startswith("1.0/")]
        for name, parts in _scored_targets(targets).items():
            scores = [
                score_blocks(*_slice(runs[key]["predicted"], targets, parts), bootstrap=bootstrap) for key in full
            ]
            mean, sd = _mean_sd([s["f1"] for s in scores])
            fixed[name] = {"first": scores[0], "mean": mean, "sd": sd, "runs": len(scores)}
        result["fixed"][method] = fixed
        if in_curve:
            curve = {}
            for fraction in fractions:
                f1s = [
                    score_blocks(
                        *_slice(runs[f"{fraction}/{seed}"]["predicted"], targets, ["dev", "test"]), bootstrap=0
                    )["f1"]
                    for seed in seeds
                ]
                mean, sd = _mean_sd(f1s)
                curve[str(fraction)] = {"mean": mean, "sd": sd, "f1": f1s}
            result["curve"][method] = curve
        result["seconds"][method] = round(time.perf_counter() - started, 1)
        if on_method is not None:
            on_method(result)
    return result


def check_same_settings(previous: dict[str, Any], current: dict[str, Any]) -> None:
    """Adding methods to a report is only sound under the same documents, folds, seeds and shares."""
    from serge_corpus.errors import Problem, SergeCorpusError

    differing = [key for key in ("docs", "ood", "k", "seeds", "fractions") if previous.get(key) != current[key]]
    if differing:
        raise SergeCorpusError(
            [
                Problem("E461", f"{key}: the report has {previous.get(key)!r}, this run {current[key]!r}", field=key)
                for key in differing
            ]
        )


# ---------------------------------------------------------------- report


def _f(x: float) -> str:
    return f"{x:.3f}"


_CONFIG_DEFAULTS = {"spacy": "configs/spacy_ner.cfg", "crf": "configs/crf.json", "stanza": "configs/stanza_ner.json"}


def _held_out_name(units: Sequence[Sequence[str]]) -> str:
    """A fold's held-out units, as `doc` (by document) or `doc:section` (by section)."""
    return ", ".join(u[0] if u[1] == "*" else f"{u[0]}:{u[1]}" for u in units)


def _cv_lines(result: dict[str, Any]) -> list[str]:
    methods = result["methods"]
    cv = result["cv"]
    first = next(iter(cv.values()))
    lines = [
        f"## Cross-validation ({result['k']} folds by {first['by']}, never cutting one)",
        "",
        "Out-of-fold: each fold's model never saw the held-out text. Held out per fold: "
        + "; ".join(f"{f['index']}: {_held_out_name(f['held_out'])}" for f in first["folds"])
        + ".",
        "",
        "| method | mean strict F1 | sd | pooled F1 [95% CI] | seconds |",
        "|---|---|---|---|---|",
    ]
    for m in methods:
        c = cv[m]
        lines.append(
            f"| {m} | {_f(c['mean'])} | {_f(c['sd'])} | {_f(c['pooled']['f1'])} "
            f"[{_f(c['pooled']['low'])}, {_f(c['pooled']['high'])}] | {result['seconds'][m]} |"
        )
    lines += ["", "Strict F1 of each fold (its held-out text):", ""]
    lines += [
        "| method | " + " | ".join(_held_out_name(f["held_out"]) for f in first["folds"]) + " |",
        "|---|" + "---|" * len(first["folds"]),
    ]
    for m in methods:
        lines.append(f"| {m} | " + " | ".join(_f(f["score"]["f1"]) for f in cv[m]["folds"]) + " |")
    labels = [label for label in LABELS if any(label in cv[m]["per_label"] for m in methods)]
    lines += [
        "",
        "Per-label strict F1, mean over folds (pooled per-label F1 in compare.json):",
        "",
        "| method | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for m in methods:
        cells = [_f(cv[m]["per_label"][label]["mean"]) if label in cv[m]["per_label"] else "–" for label in labels]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    if "pretrained" in cv and "spacy" in cv:
        gain = [a["score"]["f1"] - b["score"]["f1"] for a, b in zip(cv["spacy"]["folds"], cv["pretrained"]["folds"])]
        mean, sd = _mean_sd(gain)
        lines += [
            "",
            f"Fine-tuned spaCy minus pretrained, per fold: mean {mean:+.3f} (sd {sd:.3f}; "
            f"{sum(g > 0 for g in gain)} of {len(gain)} folds better).",
        ]
    if "rules" in cv and "rules-in-sample" in cv:
        gap = cv["rules-in-sample"]["mean"] - cv["rules"]["mean"]
        lines += [
            "",
            "**Rules, in-sample vs out-of-fold.** With every pattern (all written while reading this "
            f"text) the rules score {_f(cv['rules-in-sample']['mean'])} mean strict F1 over the same folds "
            f"(in-sample); with the patterns whose text occurs only in the held-out fold dropped, "
            f"{_f(cv['rules']['mean'])} (out-of-fold). The gap, {gap:.3f}, is what the in-sample figure owes to "
            "having fitted the patterns to the text.",
        ]
    return lines


def _fixed_lines(result: dict[str, Any]) -> list[str]:
    methods = result["methods"]
    lines = [
        "## Fixed split (train → test, dev), and out-of-domain",
        "",
        f"Trained on the train split of the documents above; trained methods: seeds "
        f"{', '.join(map(str, result['seeds']))}, first seed's 95% CI shown, mean ± sd over seeds. "
        "`rules` drops the patterns whose text occurs only in the test or dev split"
        + (", `ood:DOC` = every block of a document never trained on" if result["ood"] else "")
        + (f", `{OOD_ALL}` = those documents pooled" if len(result["ood"]) > 1 else "")
        + ".",
        "",
    ]
    names = [n for n in next(iter(result["fixed"].values()))]
    lines += ["| method | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for m in methods:
        if m not in result["fixed"]:
            lines.append(f"| {m} | " + " | ".join("not run" for _ in names) + " |")
            continue
        cells = []
        for n in names:
            f = result["fixed"][m][n]
            s = f["first"]
            spread = f" (mean {_f(f['mean'])} ± {_f(f['sd'])})" if f["runs"] > 1 else ""
            cells.append(f"{_f(s['f1'])} [{_f(s['low'])}, {_f(s['high'])}]{spread}")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    if not result["ood"]:
        lines += [
            "",
            "Every gold document is trained on here, so the fixed split has no out-of-domain column; the "
            "folds by document above are the out-of-document figures (`--ood DOC` keeps a document out).",
        ]
        return lines
    pooled = OOD_ALL if len(result["ood"]) > 1 else f"ood:{result['ood'][0]}"
    fixed = result["fixed"]
    if "pretrained" in fixed and pooled in fixed["pretrained"]:
        base = fixed["pretrained"][pooled]["mean"]
        verdicts = [
            f"{m} {_f(fixed[m][pooled]['mean'])} ({'not worse' if fixed[m][pooled]['mean'] >= base else 'worse'})"
            for m in methods
            if m in fixed and m not in BASELINES and pooled in fixed[m]
        ]
        if verdicts:
            lines += [
                "",
                f"**Out-of-domain** ({pooled}), mean over seeds, against the pretrained model's {_f(base)}: "
                + "; ".join(verdicts)
                + ".",
            ]
    return lines


def compare_markdown(result: dict[str, Any], command: str) -> str:
    configs = _CONFIG_DEFAULTS | result.get("configs", {})
    commands = result.get("commands", [command])
    lines = [
        "# NER methods compared on the gold",
        "",
        "Made by (from the project folder"
        + (", in this order; each later command added methods run under the same settings" if len(commands) > 1 else "")
        + "):",
        "",
        "```sh",
        *commands,
        "```",
        "",
        f"Documents trained and cross-validated: {', '.join(result['docs'])}; out-of-domain (never trained on): "
        f"{', '.join(result['ood']) or 'none'}. Strict F1 = exact boundaries and label; raw NER "
        "output of each backend (no date pass); intervals are 95% percentile bootstraps over blocks.",
        "",
        "Methods: `pretrained` = en_core_web_sm as the `spacy` backend runs it; `rules` = the gazetteer backend "
        "with, in each fold, the patterns whose text occurs only in held-out text dropped; `rules-in-sample` = "
        "the same with every pattern; "
        f"`spacy` = en_core_web_sm's NER fine-tuned ({configs['spacy']}); `crf` = sklearn-crfsuite "
        f"({configs['crf']}); `stanza` = stanza's tagger trained here with local vectors ({configs['stanza']}). "
        "See docs/train.md.",
        "",
        *_cv_lines(result),
        "",
        *_fixed_lines(result),
    ]
    if result["curve"]:
        fractions = result["fractions"]
        lines += [
            "",
            "## Learning curve",
            "",
            f"Share of the train split (whole blocks, seeded), scored on dev + test; mean ± sd over seeds "
            f"{', '.join(map(str, result['seeds']))}. ![learning curve](learning_curve.png)",
            "",
            "| method | " + " | ".join(f"{int(f * 100)}%" for f in fractions) + " |",
            "|---|" + "---|" * len(fractions),
        ]
        for m, curve in result["curve"].items():
            lines.append(
                f"| {m} | "
                + " | ".join(f"{_f(curve[str(f)]['mean'])} ± {_f(curve[str(f)]['sd'])}" for f in fractions)
                + " |"
            )
    lines += ["", "![cross-validated F1](cv_f1.png)", ""]
    if result.get("notes"):
        lines += ["## Notes", "", *[f"- {note}" for note in result["notes"]], ""]
    return "\n".join(lines)


def merge_reports(result: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """`result` with the methods of `other`, a report made under the same settings (E461 otherwise).

    What lets pieces of one comparison run apart (other processes, other
    machines) and join one report; a method in both keeps `other`'s run.
    """
    from serge_corpus.errors import Problem, SergeCorpusError

    check_same_settings(result, other)
    mine = next(iter(result["cv"].values()), None)
    theirs = next(iter(other["cv"].values()), None)
    if mine is not None and theirs is not None:
        if [f["held_out"] for f in mine["folds"]] != [f["held_out"] for f in theirs["folds"]]:
            raise SergeCorpusError(Problem("E461", "the two reports' folds differ", field="cv"))
    added = list(other["methods"])
    merged = dict(result)
    merged["methods"] = [*[m for m in result["methods"] if m not in added], *added]
    for key in ("cv", "fixed", "curve", "seconds", "configs"):
        merged[key] = result.get(key, {}) | other.get(key, {})
    merged["commands"] = [*result.get("commands", []), *other.get("commands", [])]
    merged["notes"] = [*result.get("notes", []), *other.get("notes", [])]
    return merged


def add_cv(result: dict[str, Any], cv: dict[str, Any], command: str, config: str | None = None) -> dict[str, Any]:
    """A report with one more method's cross-validation (`train --cv K --report`), run under the same folds.

    `config`: the configuration file that run used, named in the report.
    """
    from serge_corpus.errors import Problem, SergeCorpusError

    first = next(iter(result["cv"].values()))
    if cv["k"] != result["k"] or [f["held_out"] for f in cv["folds"]] != [f["held_out"] for f in first["folds"]]:
        raise SergeCorpusError(Problem("E461", f"{cv['method']}: its folds differ from the report's", field="cv"))
    method = cv["method"]
    methods = [*[m for m in result["methods"] if m != method], method]
    commands = [*result.get("commands", []), command]
    return result | {
        "methods": methods,
        "cv": result["cv"] | {method: cv},
        "commands": commands,
        "seconds": result["seconds"] | {method: round(sum(f["seconds"] for f in cv["folds"]), 1)},
        "configs": result.get("configs", {}) | ({method: config} if config else {}),
    }


def _plots(result: dict[str, Any], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written: list[Path] = []
    if result["curve"]:
        fig, ax = plt.subplots(figsize=(6, 4))
        for m, curve in result["curve"].items():
            xs = [f * 100 for f in result["fractions"]]
            ys = [curve[str(f)]["mean"] for f in result["fractions"]]
            err = [curve[str(f)]["sd"] for f in result["fractions"]]
            ax.errorbar(xs, ys, yerr=err, marker="o", capsize=3, label=m)
        ax.set_xlabel("% of the train split")
        ax.set_ylabel("strict F1 (dev + test)")
        ax.set_title("Learning curve (mean ± sd over seeds)")
        ax.legend()
        fig.tight_layout()
        written.append(out / "learning_curve.png")
        fig.savefig(written[-1], dpi=120)
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    methods = result["methods"]
    means = [result["cv"][m]["mean"] for m in methods]
    sds = [result["cv"][m]["sd"] for m in methods]
    ax.bar(methods, means, yerr=sds, capsize=4, color="#4c72b0")
    ax.set_ylim(0, 1)
    ax.set_ylabel("strict F1, mean over folds (± sd)")
    ax.set_title(f"{result['k']}-fold cross-validation")
    fig.tight_layout()
    written.append(out / "cv_f1.png")
    fig.savefig(written[-1], dpi=120)
    plt.close(fig)
    return written


def write_compare(result: dict[str, Any], out: Path, command: str, plots: bool = True) -> list[Path]:
    """compare.json, compare.md and (with `plots`) the PNGs; also called after each method with partial results."""
    out.mkdir(parents=True, exist_ok=True)
    plain = json.loads(json.dumps(result, default=str))
    write_text(out / "compare.json", json.dumps(plain, indent=2, ensure_ascii=False) + "\n")
    write_text(out / "compare.md", compare_markdown(result, command))
    return [out / "compare.json", out / "compare.md", *(_plots(result, out) if plots else [])]
