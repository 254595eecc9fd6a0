"""Temporal expressions: detection, normalisation to the guidelines' date object, reference time.

    >>> from serge_corpus.dates import normalize
    >>> normalize("the spring of 1925").value
    '1925-21'

- `find_dates(text, anchor=None, dct=None)`: DATE spans with date objects,
  offsets into `text`; `dct` (document creation time) is news mode.
- `normalize(text, anchor=None, dct=None)`: the date object of one expression, or None.
- `apply_dates(blocks, dct=None)`: the pipeline hook over NER-annotated blocks.
- `serge_corpus.dates.timex3`: EDTF <-> TIMEX3 values, and `span_timex3` (TIMEX3 mentions of a span).

Works without any NER model; the vocabulary is data (`data/dates.toml`).
"""

from __future__ import annotations

from serge_corpus.dates.annotate import apply_dates
from serge_corpus.dates.detect import Detector, default_detector
from serge_corpus.dates.expression import Expression, Relative
from serge_corpus.dates.find import find_dates, normalize
from serge_corpus.dates.resolve import moves_reference, resolve, resolve_all
from serge_corpus.dates.timex3 import edtf_to_timex3, interval_to_timex3, timex3_to_edtf
from serge_corpus.dates.vocab import Vocabulary, load_vocabulary

__all__ = [
    "Detector",
    "Expression",
    "Relative",
    "Vocabulary",
    "apply_dates",
    "default_detector",
    "edtf_to_timex3",
    "find_dates",
    "interval_to_timex3",
    "load_vocabulary",
    "moves_reference",
    "normalize",
    "resolve",
    "resolve_all",
    "timex3_to_edtf",
]
