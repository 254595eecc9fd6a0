"""Record ids across the documents of a streamed `validate`: each id in one document only.

`validate FILE` finds an id used twice in a file; a batch checks each document
on its own, so an id reused by another document needs what no worker has: every
document's ids. Holding the ids themselves would grow with the corpus' text, so
the driver keeps a 64-bit hash of each (8 bytes) and the index of its document
(4 bytes) in numpy arrays. At the end, hashes seen in two documents are looked
up again in those documents only (a second read of just them), which gives both
places, file and line, and rules out hash collisions (the ids are compared).
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np

from serge_corpus.errors import Problem

_CHUNK = 1 << 16  # hashes gathered before they join the arrays: a few objects per 65,536 records


def id_hashes(ids: Iterable[str]) -> np.ndarray:
    """The distinct 64-bit hashes of a document's record ids (a repeat inside it is `validate`'s own E-code)."""
    values = [int.from_bytes(hashlib.blake2b(i.encode("utf-8"), digest_size=8).digest(), "little") for i in ids]
    return np.unique(np.array(values, dtype=np.uint64))


@dataclass
class IdRegister:
    """The id hashes of every document so far, with the index (input order) of the document of each."""

    hashes: list[np.ndarray] = field(default_factory=list)
    documents: list[np.ndarray] = field(default_factory=list)
    # The latest hashes, in flat buffers (no object per document) until a chunk is full.
    _pending: array = field(default_factory=lambda: array("Q"))
    _pending_documents: array = field(default_factory=lambda: array("I"))

    def add(self, document: int, hashes: np.ndarray) -> None:
        self._pending.frombytes(hashes.astype(np.uint64, copy=False).tobytes())
        self._pending_documents.extend(repeat(document, len(hashes)))
        if len(self._pending) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.hashes.append(np.frombuffer(self._pending, dtype=np.uint64).copy())
            self.documents.append(np.frombuffer(self._pending_documents, dtype=np.uint32).copy())
        self._pending, self._pending_documents = array("Q"), array("I")
        if len(self.hashes) >= 64:  # chunks joined, so that a long run keeps a few arrays
            self.hashes, self.documents = [np.concatenate(self.hashes)], [np.concatenate(self.documents)]

    def shared(self) -> dict[int, set[int]]:
        """Hash -> the documents holding it, for hashes held by two documents or more."""
        self._flush()
        if not self.hashes:
            return {}
        self.hashes, self.documents = [np.concatenate(self.hashes)], [np.concatenate(self.documents)]
        hashes = self.hashes[0]  # one copy: 8 bytes an id, 4 for its document, and 8 more for the sort below
        ordered = np.sort(hashes)
        repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])  # each document's hashes are distinct
        del ordered
        if not len(repeated):
            return {}
        where = np.isin(hashes, repeated)
        documents = self.documents[0][where]
        found: dict[int, set[int]] = {}
        for value, document in zip(hashes[where].tolist(), documents.tolist(), strict=True):
            found.setdefault(value, set()).add(document)
        return found


@dataclass(frozen=True)
class IdPlace:
    """Where a record id is: its document (index, doc_id) and file:line."""

    document: int
    doc_id: str
    file: str
    line: int


def reused_ids(places: Iterable[tuple[str, IdPlace]]) -> Iterator[tuple[IdPlace, Problem]]:
    """(the later place, its E568 problem) for each id found in two documents, `places` in input order."""
    first: dict[str, IdPlace] = {}
    for record_id, place in places:
        earlier = first.setdefault(record_id, place)
        if earlier.document != place.document:
            detail = f"already the id of a record of document {earlier.doc_id!r} at {earlier.file}:{earlier.line}"
            yield place, Problem("E568", detail, file=place.file, line=place.line, record_id=record_id, field="id")
