"""Evaluation: NER (SemEval-2013 schemas, seqeval), dates (TempEval-3 style),
sentence boundaries, bootstrap CIs, inter-annotator agreement, reports.

Scoring functions are named by action (`score_ner`, `score_dates`, …), never like the module that
holds them, so `import serge_corpus.evaluate.ner` is the module (`from serge_corpus.evaluate.ner import schema_counts`).
Results are TypedDicts (`Evaluation`, `NerScores`, `DateScores`, `SentenceScores`, `Intervals`, `Agreement`):
plain dicts at run time, so they are written as JSON unchanged, with every key typed for a type checker.
"""

from __future__ import annotations

from serge_corpus.evaluate.agreement import Agreement, agreement_files, score_agreement
from serge_corpus.evaluate.bootstrap import Interval, Intervals, bootstrap_f1
from serge_corpus.evaluate.dates import DateScores, date_family, score_dates
from serge_corpus.evaluate.evaluation import Evaluation, evaluate, evaluate_files, metric_interval, metric_value
from serge_corpus.evaluate.ner import NerResult, NerScores, score_ner
from serge_corpus.evaluate.pairing import RecordFile, pair_blocks, read_predictions, read_reference
from serge_corpus.evaluate.report import agreement_markdown, summary_markdown, write_report
from serge_corpus.evaluate.sentences import SentenceScores, score_sentences

__all__ = [
    "Agreement",
    "DateScores",
    "Evaluation",
    "Interval",
    "Intervals",
    "NerResult",
    "NerScores",
    "RecordFile",
    "SentenceScores",
    "agreement_files",
    "agreement_markdown",
    "bootstrap_f1",
    "date_family",
    "evaluate",
    "evaluate_files",
    "metric_interval",
    "metric_value",
    "pair_blocks",
    "read_predictions",
    "read_reference",
    "score_agreement",
    "score_dates",
    "score_ner",
    "score_sentences",
    "summary_markdown",
    "write_report",
]
