"""Property: whatever prose the date pass sees, the records it writes pass `validate` (issue 15, D161).

The generated corpus mixes ordinary words with every kind of date expression
the detector knows (elided decades, quotes and brackets around dates, ranges,
holidays, deictic words), in paragraphs; the date pass runs on the segmented
blocks (the part of `annotate` that writes DATE spans), with and without a DCT.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from serge_corpus.corpus import sha256_text
from serge_corpus.dates import apply_dates
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Document
from serge_corpus.segment import segment

WORDS = [
    "the",
    "war",
    "ended",
    "and",
    "in",
    "on",
    "of",
    "by",
    "people",
    "said",
    "was",
    "now",
    "later",
    "from",
    "to",
    "Paris",
    "The",
    "strike",
    "lasted",
    "about",
    "years",
    "months",
    "a",
    "few",
    "last",
    "next",
    "May",
    "it",
]
DATES = [
    "'70s",
    "’80s",
    "the '60s",
    "1917",
    "1934-38",
    "(1883-1936)",
    "“1919”",
    "'1968'",
    "[1871]",
    "December 30, 1890",
    "Nov 7 1917",
    "1 May to 3 June 1937",
    "the first half of 1920",
    "Every July",
    "about 1,500 years",
    "1st century BC",
    "Christmas 1914",
    "Easter",
    "today",
    "yesterday",
    "last week",
    "on Monday",
    "three years ago",
    "the next few days",
    "two years and three months",
    "half a century",
    "the rest of 1942",
    "year 1848",
    "(18861934-XNUMX)",
    "spring of 1925",
    "at 5 p.m.",
    "the 1930s",
    "XIX century",
    "1936-7",
    "the following day",
    "15 Febuary of that year",
    "in the year",
    "the end of the year",
    "right now",
    "at present",
    # issue 10, second round (D170-D173)
    "April 480 BC",
    "15 March 44 BC",
    "the spring of 338 BC",
    "24 August AD 79",
    "499-493 BC",
    "27 May-28 May 1905",
    "in the fourth quarter",
    "last quarter",
    "later that month",
    "Later in the summer",
    "January to March",
    "spent the winter",
    "30 a day",
    "in the early summer",
    "On 3 May 1915",
    "declassified in 2005",
]
PUNCT = ["", ",", ".", ";", ":", "!", "?", ")", "”", "'"]

token = st.one_of(st.sampled_from(WORDS), st.sampled_from(DATES))
sentence = st.builds(
    lambda toks, end: " ".join(toks) + end,
    st.lists(st.tuples(token, st.sampled_from(PUNCT)).map("".join), min_size=1, max_size=14),
    st.sampled_from([".", "!", "?", "."]),
)
paragraph = st.lists(sentence, min_size=1, max_size=5).map(" ".join)
corpus = st.lists(paragraph, min_size=1, max_size=5).map(lambda ps: "Title\n\n" + "\n\n".join(ps) + "\n")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=corpus, dct=st.sampled_from([None, "2013-03-15", "1917-11-07"]))
def test_date_pass_output_validates(text: str, dct: str | None) -> None:
    doc = Document(doc_id="generated", text=text, sha256=sha256_text(text))
    blocks = apply_dates(segment(doc), dct=dct)
    rows = [(i + 1, b.to_dict()) for i, b in enumerate(blocks)]
    problems = validate_rows(rows, sources={"generated": text})
    assert problems == [], [str(p) for p in problems[:3]]
