"""NER backends behind one interface: blocks (text + tokens) in, guidelines spans out.

    from serge_corpus.ner import get_backend, available_backends
    backend = get_backend("spacy")            # or "stanza", "gazetteer", "rules", "ensemble"
    spans_per_block = backend.predict(blocks)

Backend modules are imported on demand, so importing this package is cheap.
"""

from __future__ import annotations

from serge_corpus.ner.base import NerBackend, backend_info, finalize_spans
from serge_corpus.ner.registry import (
    available_backends,
    backend_class,
    describe_backends,
    get_backend,
    registered_backends,
    unavailable_reason,
)

__all__ = [
    "NerBackend",
    "available_backends",
    "backend_class",
    "backend_info",
    "describe_backends",
    "finalize_spans",
    "get_backend",
    "registered_backends",
    "unavailable_reason",
]
