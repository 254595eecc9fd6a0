"""Time the spaCy backend against spaCy's own `nlp.pipe` on the same texts.

    python scripts/bench_ner_wrapping.py [corpus_dir] [doc_id] [repeats]

Both runs use the same loaded pipeline (NER only), so the ratio is the cost of
this package's work around spaCy: label mapping, token snapping, boundary
rules, building `Span`s. Prints a JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence

from serge_corpus.model import Block
from serge_corpus.ner.base import annotatable
from serge_corpus.ner.spacy_backend import SpacyBackend


def bench_spacy(blocks: Sequence[Block], repeats: int = 5) -> dict[str, float]:
    """Best-of-`repeats` seconds for `nlp.pipe` alone and for `predict`."""
    backend = SpacyBackend()
    texts = [b.text for b in blocks if annotatable(b)]
    list(backend.nlp.pipe(texts))  # warm-up: first call allocates
    pipe_times, predict_times = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        list(backend.nlp.pipe(texts, batch_size=backend.batch_size))
        pipe_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        backend.predict(blocks)
        predict_times.append(time.perf_counter() - t0)
    pipe, predict = min(pipe_times), min(predict_times)
    return {"nlp_pipe_s": round(pipe, 4), "predict_s": round(predict, 4), "ratio": round(predict / pipe, 3)}


def main(argv: list[str]) -> None:
    from serge_corpus.corpus import load_corpus
    from serge_corpus.segment import segment

    corpus_dir = argv[0] if argv else "corpus"
    doc_id = argv[1] if len(argv) > 1 else "serge-afterword"
    repeats = int(argv[2]) if len(argv) > 2 else 5
    blocks = segment(load_corpus(corpus_dir).load(doc_id))
    print(json.dumps({"doc_id": doc_id, "blocks": len(blocks), **bench_spacy(blocks, repeats)}))


if __name__ == "__main__":
    main(sys.argv[1:])
