"""Inter-annotator agreement between two or more files of the same records.

- pairwise span F1, exact (same boundaries and label) and overlap (same label,
  overlapping; one-to-one, spans.match_spans), overall and per label, with the
  number of spans each side has: F1 = 2·matched / (spans of A + spans of B),
  which is symmetric, so it needs no "gold" side;
- token-level Cohen's kappa per pair (sklearn) over the label of each token
  (`O` when no span covers it), on all tokens of annotated blocks and on the
  tokens that at least one annotator *of the pair* labelled;
- Krippendorff's alpha (nominal, tokens as units, `krippendorff` package) over
  all annotators, on all tokens and on tokens at least one annotator labelled.

Kappa and alpha are undefined (null) when the compared tokens carry a single
label value, e.g. two annotators who agree that nothing is annotated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import TypedDict

import numpy as np

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.evaluate.pairing import RecordFile, Records, pair_blocks, read_predictions
from serge_corpus.evaluate.spans import Tokenizer, match_spans, scored_spans, to_token_spans, token_labels
from serge_corpus.model import LABELS, UNANNOTATED_BLOCKS, Block, Span, Token

OUTSIDE = "O"


# ---------------------------------------------------------------- result shapes (docs/evaluate.md)


class SpanMatches(TypedDict):
    """Spans of each side and how many are matched exactly / by overlap."""

    a: int
    b: int
    exact: int
    overlap: int


class SpanAgreement(TypedDict):
    overall: SpanMatches
    per_label: dict[str, SpanMatches]


class PairF1(TypedDict):
    """Symmetric span F1 = 2·matched / (a + b); null when neither side has spans."""

    f1: float | None
    matched: int
    a: int
    b: int


class MatchF1(TypedDict):
    exact: PairF1
    overlap: PairF1


class PairSpans(MatchF1):
    per_label: dict[str, MatchF1]  # guidelines labels present, model.LABELS order


class PairKappa(TypedDict):
    """Token-level Cohen's kappa of a pair; null where only one label value occurs."""

    all: float | None
    annotated: float | None
    tokens_annotated: int


class PairAgreement(TypedDict):
    a: str
    b: str
    spans: PairSpans
    kappa: PairKappa


class TokenCount(TypedDict):
    all: int
    annotated: int  # tokens at least one annotator labelled


class Alpha(TypedDict):
    all: float | None
    annotated: float | None


class MeanPairwise(TypedDict):
    exact_f1: float | None
    overlap_f1: float | None
    kappa_all: float | None
    kappa_annotated: float | None


class Agreement(TypedDict):
    """The result of `score_agreement` (`serge-corpus agree --json`)."""

    annotators: list[str]
    records: int
    tokens: TokenCount
    pairs: list[PairAgreement]
    alpha: Alpha
    mean_pairwise: MeanPairwise
    dropped_labels: dict[str, dict[str, int]]  # annotator -> label -> spans left out
    tokenized_blocks: int


def _names(annotations: Sequence[Records], names: Sequence[str] | None) -> list[str]:
    if names is not None:
        return list(names)
    paths = [a.path if isinstance(a, RecordFile) else None for a in annotations]
    stems = [Path(p).stem if p else f"annotator_{i + 1}" for i, p in enumerate(paths)]
    if len(set(stems)) == len(stems):
        return stems
    return [p or s for p, s in zip(paths, stems)]


def _restrict(annotations: Sequence[Records]) -> list[Records]:
    """Keep in every file only the records all files share (common_only)."""
    ids = [{b.id for b in (a.blocks if isinstance(a, RecordFile) else a)} for a in annotations]
    common = set.intersection(*ids)
    out: list[Records] = []
    for a in annotations:
        if isinstance(a, RecordFile):
            out.append(RecordFile(a.path, tuple(b for b in a.blocks if b.id in common), a.lines))
        else:
            out.append([b for b in a if b.id in common])
    return out


def aligned_blocks(annotations: Sequence[Records], common_only: bool = False) -> list[tuple[Block, ...]]:
    """One tuple per record (first file's order): that record in every file."""
    if len(annotations) < 2:
        raise SergeCorpusError(Problem("E144", f"got {len(annotations)}"))
    if common_only:
        annotations = _restrict(annotations)
    reference = annotations[0]
    paired = [pair_blocks(reference, other) for other in annotations[1:]]
    return [(ref,) + tuple(pairs[k][1] for pairs in paired) for k, (ref, _) in enumerate(paired[0])]


def span_agreement(a: Sequence[Span], b: Sequence[Span]) -> SpanAgreement:
    """Exact and overlap matches between two span lists, overall and per label."""
    exact = Counter(s.key for s in a) & Counter(s.key for s in b)
    overlap_pairs = match_spans(a, b, same_label=True)
    labels = {s.label for s in a} | {s.label for s in b}
    per_label: dict[str, SpanMatches] = {}
    for label in labels:
        per_label[label] = {
            "a": sum(1 for s in a if s.label == label),
            "b": sum(1 for s in b if s.label == label),
            "exact": sum(n for key, n in exact.items() if key[2] == label),
            "overlap": sum(1 for ai, _ in overlap_pairs if a[ai].label == label),
        }
    overall: SpanMatches = {"a": len(a), "b": len(b), "exact": sum(exact.values()), "overlap": len(overlap_pairs)}
    return {"overall": overall, "per_label": per_label}


def _f1_entry(matched: int, a: int, b: int) -> PairF1:
    return {"f1": 2 * matched / (a + b) if a + b else None, "matched": matched, "a": a, "b": b}


def _match_f1(c: Counter[str]) -> MatchF1:
    return {"exact": _f1_entry(c["exact"], c["a"], c["b"]), "overlap": _f1_entry(c["overlap"], c["a"], c["b"])}


def _span_section(totals: dict[str, Counter[str]]) -> PairSpans:
    labels = [label for label in LABELS if label in totals and label != "*"]
    return {**_match_f1(totals["*"]), "per_label": {label: _match_f1(totals[label]) for label in labels}}


def _kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    from sklearn.metrics import cohen_kappa_score  # import cost only when used

    if not a or len(set(a) | set(b)) < 2:
        return None
    return float(cohen_kappa_score(a, b))


def _alpha(rows: Sequence[Sequence[str]]) -> float | None:
    import krippendorff

    if not rows or not rows[0]:
        return None
    values = sorted({v for row in rows for v in row})
    if len(values) < 2:
        return None
    code = {v: i for i, v in enumerate(values)}
    data = np.array([[code[v] for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _tokens(group: tuple[Block, ...], tokenize: Tokenizer | None) -> tuple[tuple[Token, ...] | None, bool]:
    for block in group:
        if block.tokens:
            return block.tokens, False
    if tokenize is None:
        return None, False
    return tuple(tokenize(group[0].text)), True


def score_agreement(
    annotations: Sequence[Records],
    names: Sequence[str] | None = None,
    *,
    tokenize: Tokenizer | None = None,
    common_only: bool = False,
) -> Agreement:
    """Agreement of 2+ annotations of the same records (keys in docs/evaluate.md).

    Records are matched by id against the first file; with `common_only` only
    the ids every file has are compared, else a missing id is an error.
    `tokenize` supplies tokens for records none of the files tokenised.
    """
    labels_of = _names(annotations, names)
    first_file = annotations[0].path if annotations and isinstance(annotations[0], RecordFile) else None
    groups = aligned_blocks(annotations, common_only)
    k = len(labels_of)
    pair_index = list(combinations(range(k), 2))
    span_totals: dict[tuple[int, int], dict[str, Counter[str]]] = {p: {} for p in pair_index}
    token_rows: list[list[str]] = [[] for _ in range(k)]
    dropped: list[Counter[str]] = [Counter() for _ in range(k)]
    missing: list[Problem] = []
    tokenized = 0
    for group in groups:
        kind = group[0].block
        scored = [scored_spans(block, kind=kind) for block in group]
        for i, s in enumerate(scored):
            dropped[i].update(s.dropped)
        if kind in UNANNOTATED_BLOCKS:
            continue
        for i, j in pair_index:
            found = span_agreement(scored[i].spans, scored[j].spans)
            totals = span_totals[(i, j)]
            totals.setdefault("*", Counter()).update(**found["overall"])
            for label, c in found["per_label"].items():
                totals.setdefault(label, Counter()).update(**c)
        tokens, retokenized = _tokens(group, tokenize)
        if tokens is None:
            missing.append(Problem("E143", "no file has tokens for it", first_file, None, group[0].id, "tokens"))
            continue
        tokenized += int(retokenized)
        for i, s in enumerate(scored):
            token_rows[i] += token_labels(to_token_spans(s.spans, tokens), len(tokens), OUTSIDE)
    if missing:
        raise SergeCorpusError(missing)
    n_tokens = len(token_rows[0])
    annotated_any = [t for t in range(n_tokens) if any(row[t] != OUTSIDE for row in token_rows)]
    pairs: list[PairAgreement] = []
    for i, j in pair_index:
        a, b = token_rows[i], token_rows[j]
        annotated = [t for t in range(n_tokens) if a[t] != OUTSIDE or b[t] != OUTSIDE]
        pairs.append(
            {
                "a": labels_of[i],
                "b": labels_of[j],
                "spans": _span_section(span_totals[(i, j)] or {"*": Counter()}),
                "kappa": {
                    "all": _kappa(a, b),
                    "annotated": _kappa([a[t] for t in annotated], [b[t] for t in annotated]),
                    "tokens_annotated": len(annotated),
                },
            }
        )
    return {
        "annotators": labels_of,
        "records": len(groups),
        "tokens": {"all": n_tokens, "annotated": len(annotated_any)},
        "pairs": pairs,
        "alpha": {
            "all": _alpha(token_rows),
            "annotated": _alpha([[row[t] for t in annotated_any] for row in token_rows]),
        },
        "mean_pairwise": _means(pairs),
        "dropped_labels": {name: dict(sorted(c.items())) for name, c in zip(labels_of, dropped)},
        "tokenized_blocks": tokenized,
    }


def _means(pairs: Sequence[PairAgreement]) -> MeanPairwise:
    def mean(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return float(np.mean(present)) if present else None

    return {
        "exact_f1": mean([p["spans"]["exact"]["f1"] for p in pairs]),
        "overlap_f1": mean([p["spans"]["overlap"]["f1"] for p in pairs]),
        "kappa_all": mean([p["kappa"]["all"] for p in pairs]),
        "kappa_annotated": mean([p["kappa"]["annotated"] for p in pairs]),
    }


def agreement_files(
    paths: Sequence[str | Path], *, tokenize: Tokenizer | None = None, common_only: bool = False
) -> Agreement:
    """Read annotator files (tolerant like predictions: pairing.PREDICTION_TOLERATED) and compute agreement."""
    if len(paths) < 2:
        raise SergeCorpusError(Problem("E144", f"got {len(paths)}"))
    files: list[RecordFile] = []
    problems: list[Problem] = []
    for path in paths:  # read them all so every broken file is reported at once
        try:
            files.append(read_predictions(path))
        except SergeCorpusError as err:
            problems += err.problems
    if problems:
        raise SergeCorpusError(problems)
    return score_agreement(files, tokenize=tokenize, common_only=common_only)
