"""Corrections: an append-only log of operations, replay, diff, merge, and a web page.

from serge_corpus.corrections import apply_log, read_log, diff_records, merge_records
"""

from __future__ import annotations

from serge_corpus.corrections.apply import ApplyResult, Outcome, apply_log, apply_op
from serge_corpus.corrections.diff import Change, changes_to_ops, diff_block, diff_records
from serge_corpus.corrections.log import append_ops, read_log, read_logs
from serge_corpus.corrections.merge import MergeResult, merge_block, merge_records
from serge_corpus.corrections.ops import OP_KINDS, Op, check_op_dict, make_op

__all__ = [
    "ApplyResult",
    "Change",
    "MergeResult",
    "OP_KINDS",
    "Op",
    "Outcome",
    "append_ops",
    "apply_log",
    "apply_op",
    "changes_to_ops",
    "check_op_dict",
    "diff_block",
    "diff_records",
    "make_op",
    "merge_block",
    "merge_records",
    "read_log",
    "read_logs",
]
