"""Readable reports: Markdown tables, error lists with context, PNG plots.

`summary_markdown` is what `serge-corpus evaluate` prints; `write_report`
writes report.json (the result plus error lists), report.md and two plots
(per-label F1 with CI whiskers, label confusion matrix) into a folder.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypedDict, get_args

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.evaluate.agreement import Agreement
from serge_corpus.evaluate.dates import ATTRIBUTES
from serge_corpus.evaluate.evaluation import Evaluation
from serge_corpus.evaluate.ner import NONE, OUTCOMES, PRF_KEYS, SCHEMAS, Alignment, NerResult, align_spans
from serge_corpus.model import LABELS, Block, Span

ErrorKind = Literal["confusion", "boundary", "missed", "spurious"]
ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)
ERROR_LIMIT = 20
_CONTEXT_CHARS = 160  # context shown around a span when its block has no sentences


class SpanSeen(TypedDict):
    text: str
    label: str
    start: int
    end: int


class ErrorEntry(TypedDict):
    """One kind of error, grouped by surface text and labels, with its first occurrence."""

    count: int
    gold: SpanSeen | None
    pred: SpanSeen | None
    id: str
    context: str  # the sentence, the span in ** **


ErrorLists = dict[ErrorKind, list[ErrorEntry]]


# ---------------------------------------------------------------- formatting


def _num(value: float | int | None, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ci(result: Evaluation, name: str) -> str:
    metric = result["ci"]["metrics"].get(name)
    if metric is None:
        return "–"
    return f"[{metric['low']:.3f}, {metric['high']:.3f}]"


# ---------------------------------------------------------------- summary


def summary_markdown(result: Evaluation) -> str:
    """Headline tables of an evaluation result, as Markdown."""
    ner, sentences = result["ner"], result["sentences"]
    level = result["ci"]["level"]
    ci_head = f"F1 {level:.0%} CI"
    parts = ["## Entities", ""]
    rows = []
    for schema in SCHEMAS:
        s = ner[schema]
        rows.append(
            [schema]
            + [_num(s[k]) for k in PRF_KEYS]
            + [_ci(result, f"ner.{schema}.f1")]
            + [str(s[k]) for k in OUTCOMES]
        )
    seqeval = ner["seqeval"]
    rows.append(
        ["seqeval (IOB2 strict)"]
        + [_num(seqeval[k]) for k in PRF_KEYS]
        + [_ci(result, "ner.seqeval.f1"), str(seqeval["correct"]), "", "", "", ""]
    )
    m = ner["macro"]["strict"]
    rows.append(
        ["macro strict"] + [_num(m[k]) for k in PRF_KEYS] + [_ci(result, "ner.macro.strict.f1"), "", "", "", "", ""]
    )
    parts.append(_table(["schema", "P", "R", "F1", ci_head, "COR", "INC", "PAR", "MIS", "SPU"], rows))
    parts += ["", "### Per label (strict)", "", per_label_markdown(result), ""]
    parts += _notes(ner)
    parts += ["## Dates", "", dates_markdown(result), "", "## Sentences", ""]
    internal = sentences["internal"]
    parts.append(
        _table(
            ["boundaries", "P", "R", "F1", ci_head, "correct", "pred", "gold"],
            [
                [
                    "all",
                    *(_num(sentences[k]) for k in PRF_KEYS),
                    _ci(result, "sentences.f1"),
                    str(sentences["correct"]),
                    str(sentences["pred"]),
                    str(sentences["gold"]),
                ],
                [
                    "internal (not block-final)",
                    *(_num(internal[k]) for k in PRF_KEYS),
                    "–",
                    str(internal["correct"]),
                    str(internal["pred"]),
                    str(internal["gold"]),
                ],
            ],
        )
    )
    ci = result["ci"]
    if ci["resamples"]:
        parts += ["", f"CIs: {ci['method']}, {ci['resamples']} resamples of {ci['blocks']} blocks, seed {ci['seed']}."]
    return "\n".join(parts) + "\n"


# Columns of the Markdown tables, typed as keys of the result they read.
PerLabelCount = Literal["possible", "actual", "correct", "incorrect", "missed", "spurious"]
_PER_LABEL_COUNTS: tuple[PerLabelCount, ...] = get_args(PerLabelCount)
FamilyColumn = Literal[
    "strict_recall",
    "relaxed_recall",
    "value_recall",
    "type_accuracy",
    "value_accuracy",
    "mod_accuracy",
    "anchor_accuracy",
]
_FAMILY_COLUMNS: tuple[FamilyColumn, ...] = get_args(FamilyColumn)


def per_label_markdown(result: Evaluation) -> str:
    ner = result["ner"]
    rows = []
    for label, by_schema in ner["per_label"].items():
        s = by_schema["strict"]
        rows.append(
            [
                label,
                *(_num(s[k]) for k in PRF_KEYS),
                _ci(result, f"ner.per_label.{label}.strict.f1"),
                *(str(s[k]) for k in _PER_LABEL_COUNTS),
                *(_num(by_schema[x]["f1"]) for x in SCHEMAS[1:]),
            ]
        )
    return _table(
        [
            "label",
            "P",
            "R",
            "F1",
            "F1 CI",
            "gold",
            "pred",
            "COR",
            "INC",
            "MIS",
            "SPU",
            "exact F1",
            "partial F1",
            "type F1",
        ],
        rows,
    )


def _notes(ner: NerResult) -> list[str]:
    notes = []
    for side in ("gold", "pred"):
        dropped = ner["dropped_labels"][side]
        if dropped:
            listed = ", ".join(f"{label} {n}" for label, n in dropped.items())
            notes.append(f"- {side}: spans with labels outside the guidelines' set dropped: {listed}")
        if ner["ignored_boilerplate"][side]:
            notes.append(f"- {side}: {ner['ignored_boilerplate'][side]} span(s) in boilerplate blocks ignored")
        if ner["seqeval"]["unaligned"][side]:
            notes.append(
                f"- {side}: {ner['seqeval']['unaligned'][side]} span(s) not aligned to tokens "
                f"(snapped to token edges for seqeval; {ner['seqeval']['lost'][side]} lost)"
            )
    if ner["seqeval"]["tokenized_blocks"]:
        notes.append(f"- {ner['seqeval']['tokenized_blocks']} block(s) had no tokens and were tokenised for seqeval")
    return ["Notes:", "", *notes, ""] if notes else []


def dates_markdown(result: Evaluation) -> str:
    dates = result["dates"]
    names: tuple[Literal["strict", "relaxed", "value"], ...] = ("strict", "relaxed", "value")
    rows = [
        [
            name,
            *(_num(dates[name][k]) for k in PRF_KEYS),
            _ci(result, f"dates.{name}.f1"),
            str(dates[name]["correct"]),
        ]
        for name in names
    ]
    extraction = _table(["DATE spans", "P", "R", "F1", "F1 CI", "correct"], rows)
    attrs = dates["attributes"]
    attributes = _table(
        ["attribute (relaxed pairs)", "accuracy", "correct", "pairs"],
        [
            [name, _num(attrs[name]["accuracy"]), str(attrs[name]["correct"]), str(attrs[name]["total"])]
            for name in ATTRIBUTES
        ],
    )
    families = _table(
        ["family", "gold", "strict R", "relaxed R", "value R", "type acc", "value acc", "mod acc", "anchor acc"],
        [
            [
                name,
                str(f["gold"]),
                *(_num(f[k]) for k in _FAMILY_COLUMNS),
            ]
            for name, f in dates["families"].items()
        ],
    )
    head = f"{dates['gold']} gold and {dates['pred']} predicted DATE spans"
    if dates["pred_without_date"]:
        head += f"; {dates['pred_without_date']} predicted without a date object"
    return "\n\n".join([head + ".", extraction, attributes, families])


# ---------------------------------------------------------------- errors


def _sentence_context(block: Block, start: int, end: int) -> str:
    """The sentence holding [start, end), the span marked with ** **."""
    lo, hi = max(0, start - _CONTEXT_CHARS // 2), min(len(block.text), end + _CONTEXT_CHARS // 2)
    for sentence in block.sentences:
        if sentence.start <= start < sentence.end:
            lo, hi = sentence.start, max(sentence.end, end)
            break
    text = block.text
    marked = f"{text[lo:start]}**{text[start:end]}**{text[end:hi]}"
    return ("…" if lo > 0 and not block.sentences else "") + marked.replace("\n", " ").strip()


def _describe(span: Span | None) -> SpanSeen | None:
    return None if span is None else {"text": span.text, "label": span.label, "start": span.start, "end": span.end}


@dataclass(frozen=True)
class _ErrorKey:
    kind: ErrorKind
    gold: tuple[str, str] | None
    pred: tuple[str, str] | None


def error_lists(alignments: Sequence[Alignment], limit: int = ERROR_LIMIT) -> ErrorLists:
    """The `limit` most frequent errors of each kind, grouped by surface text and labels.

    Each entry: count, gold and pred {text, label} (null on the missing side),
    and the first occurrence's record id and sentence, the span in ** **.
    """
    counts: Counter[_ErrorKey] = Counter()
    first: dict[_ErrorKey, Alignment] = {}
    for a in alignments:
        kind = a.kind
        if kind == "correct":
            continue
        key = _ErrorKey(
            kind, (a.gold.text, a.gold.label) if a.gold else None, (a.pred.text, a.pred.label) if a.pred else None
        )
        counts[key] += 1
        first.setdefault(key, a)
    out: ErrorLists = {kind: [] for kind in ERROR_KINDS}
    order = {key: i for i, key in enumerate(first)}
    for key in sorted(counts, key=lambda k: (-counts[k], order[k])):
        if len(out[key.kind]) >= limit:
            continue
        a = first[key]
        spans = [s for s in (a.gold, a.pred) if s is not None]
        start, end = min(s.start for s in spans), max(s.end for s in spans)
        out[key.kind].append(
            {
                "count": counts[key],
                "gold": _describe(a.gold),
                "pred": _describe(a.pred),
                "id": a.block.id,
                "context": _sentence_context(a.block, start, end),
            }
        )
    return out


def errors_markdown(errors: ErrorLists) -> str:
    titles = {
        "confusion": "Label confusions (overlapping spans, different labels)",
        "boundary": "Boundary errors (same label, different edges)",
        "missed": "Missed gold spans",
        "spurious": "Spurious predicted spans",
    }
    parts = []
    for kind in ERROR_KINDS:
        parts += [f"### {titles[kind]}", ""]
        if not errors[kind]:
            parts += ["None.", ""]
            continue

        def show(span: SpanSeen | None) -> str:
            return "–" if span is None else f"{_cell(span['text'])} ({span['label']})"

        rows = [
            [str(e["count"]), show(e["gold"]), show(e["pred"]), _cell(e["id"]), _cell(e["context"])]
            for e in errors[kind]
        ]
        parts += [_table(["n", "gold", "pred", "record", "sentence"], rows), ""]
    return "\n".join(parts)


# ---------------------------------------------------------------- plots


def plot_per_label_f1(result: Evaluation, path: Path) -> None:
    """Bars of per-label strict F1 with bootstrap CI whiskers (when computed)."""
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend

    labels = list(result["ner"]["per_label"])
    values = [result["ner"]["per_label"][label]["strict"]["f1"] for label in labels]
    metrics = result["ci"]["metrics"]
    lows, highs = [], []
    for label, value in zip(labels, values):
        ci = metrics.get(f"ner.per_label.{label}.strict.f1")
        # max(0, …): a percentile CI may lie beside the point; matplotlib rejects negative errors.
        lows.append(max(0.0, value - ci["low"]) if ci else 0.0)
        highs.append(max(0.0, ci["high"] - value) if ci else 0.0)
    fig = Figure(figsize=(max(4.0, 0.8 * len(labels) + 2), 4.0), dpi=100)
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.bar(positions, values, color="#4c72b0", yerr=[lows, highs] if metrics else None, capsize=4)
    ax.set_xticks(positions, labels, rotation=45, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("strict F1")
    title = "Per-label strict F1"
    if metrics:
        title += f" ({result['ci']['level']:.0%} bootstrap CI)"
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, format="png")


def plot_confusion(matrix: dict[str, dict[str, int]], path: Path) -> None:
    """Heat map of gold label (rows) against predicted label (columns), `none` included."""
    from matplotlib.figure import Figure

    names = sorted(
        {g for g in matrix} | {p for row in matrix.values() for p in row} | {NONE},
        key=lambda x: (LABELS.index(x) if x in LABELS else len(LABELS) + (x == NONE), x),
    )
    grid = [[matrix.get(g, {}).get(p, 0) for p in names] for g in names]
    size = max(4.0, 0.6 * len(names) + 2)
    fig = Figure(figsize=(size, size), dpi=100)
    ax = fig.add_subplot()
    image = ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    peak = max((v for row in grid for v in row), default=0)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value:
                ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    color="white" if value > peak / 2 else "black",
                    fontsize=8,
                )
    fig.colorbar(image, ax=ax, shrink=0.7)
    ax.set_title("Label confusion (overlap-paired spans)")
    fig.tight_layout()
    fig.savefig(path, format="png")


# ---------------------------------------------------------------- files


def report_markdown(result: Evaluation, errors: ErrorLists) -> str:
    meta = result["meta"]
    head = ["# Evaluation report", ""]
    if meta["gold"] or meta["pred"]:
        head += [
            f"Gold: `{meta['gold']}`  ",
            f"Predictions: `{meta['pred']}`  ",
            f"Records: {meta['records']}",
            "",
        ]
    body = summary_markdown(result)
    plots = ["## Plots", "", "![per-label F1](per_label_f1.png)", "", "![confusion matrix](confusion.png)", ""]
    full = _all_schemas_markdown(result)
    return (
        "\n".join(head)
        + body
        + "\n### Per label, every schema\n\n"
        + full
        + "\n\n"
        + "\n".join(plots)
        + "\n## Errors\n\n"
        + errors_markdown(errors)
    )


def _all_schemas_markdown(result: Evaluation) -> str:
    rows = []
    for label, by_schema in result["ner"]["per_label"].items():
        for schema in SCHEMAS:
            s = by_schema[schema]
            rows.append(
                [
                    label,
                    schema,
                    *(_num(s[k]) for k in PRF_KEYS),
                    *(str(s[k]) for k in OUTCOMES),
                ]
            )
    return _table(["label", "schema", "P", "R", "F1", "COR", "INC", "PAR", "MIS", "SPU"], rows)


def write_report(result: Evaluation, pairs: Sequence[tuple[Block, Block]], out_dir: str | Path) -> list[Path]:
    """Write report.json, report.md, per_label_f1.png and confusion.png; return their paths."""
    out = Path(out_dir)
    errors = error_lists(align_spans(pairs))
    paths = [out / "report.json", out / "report.md", out / "per_label_f1.png", out / "confusion.png"]
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths[0].write_text(
            json.dumps({**result, "errors": errors}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        paths[1].write_text(report_markdown(result, errors), encoding="utf-8")
        plot_per_label_f1(result, paths[2])
        plot_confusion(result["ner"]["confusion"], paths[3])
    except OSError as err:
        raise SergeCorpusError(Problem("E147", str(err), file=str(out))) from err
    return paths


# ---------------------------------------------------------------- agreement


def agreement_markdown(result: Agreement) -> str:
    """Tables of an agreement result (agreement.agreement), as Markdown."""
    parts = [
        "# Inter-annotator agreement",
        "",
        f"Annotators: {', '.join(result['annotators'])}; records: {result['records']}; "
        f"tokens: {result['tokens']['all']} ({result['tokens']['annotated']} labelled by someone).",
        "",
    ]
    rows = []
    for p in result["pairs"]:
        e, o = p["spans"]["exact"], p["spans"]["overlap"]
        rows.append(
            [
                f"{_cell(p['a'])} / {_cell(p['b'])}",
                _num(e["f1"]),
                _num(o["f1"]),
                f"{e['a']} / {e['b']}",
                _num(p["kappa"]["all"]),
                _num(p["kappa"]["annotated"]),
                str(p["kappa"]["tokens_annotated"]),
            ]
        )
    parts += [
        "## Pairs",
        "",
        _table(
            [
                "pair",
                "exact F1",
                "overlap F1",
                "spans",
                "kappa (all tokens)",
                "kappa (labelled tokens)",
                "labelled tokens",
            ],
            rows,
        ),
        "",
    ]
    alpha = result["alpha"]
    parts += [
        "## Krippendorff's alpha (nominal, tokens)",
        "",
        _table(["tokens", "alpha"], [["all", _num(alpha["all"])], ["labelled by someone", _num(alpha["annotated"])]]),
        "",
    ]
    dropped = {name: d for name, d in result["dropped_labels"].items() if d}
    if dropped:
        listed = "; ".join(
            f"{_cell(name)}: " + ", ".join(f"{label} {n}" for label, n in d.items()) for name, d in dropped.items()
        )
        parts += [f"Spans with labels outside the guidelines' set, left out: {listed}.", ""]
    if result["tokenized_blocks"]:
        parts += [f"{result['tokenized_blocks']} record(s) had no tokens and were tokenised.", ""]
    for p in result["pairs"]:
        rows = [
            [label, _num(v["exact"]["f1"]), _num(v["overlap"]["f1"]), str(v["exact"]["a"]), str(v["exact"]["b"])]
            for label, v in p["spans"]["per_label"].items()
        ]
        parts += [
            f"## Per label: {_cell(p['a'])} / {_cell(p['b'])}",
            "",
            _table(["label", "exact F1", "overlap F1", f"spans {_cell(p['a'])}", f"spans {_cell(p['b'])}"], rows),
            "",
        ]
    return "\n".join(parts)
