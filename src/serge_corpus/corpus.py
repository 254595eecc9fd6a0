"""The corpus: source texts byte-exact, a manifest, loading with a sha256 check.

Adding a document is adding its text file to `corpus/` and an entry to
`corpus/manifest.json`; nothing else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from serge_corpus.date_object import is_edtf
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Document

MANIFEST_NAME = "manifest.json"
DATE_MODES = ("news", "narrative")
_MANIFEST_FIELDS = ("doc_id", "path", "title", "author", "language", "sha256", "provenance", "licence")
# Machine-readable fields: optional for a user's own corpus (defaults: not
# redistributable, no licence id, no DCT), type-checked when present.
_OPTIONAL_FIELDS: dict[str, tuple[type, ...]] = {
    "licence_id": (str, type(None)),
    "redistributable": (bool,),
    "attribution": (str, type(None)),
    "dct": (str, type(None)),
    "source": (str,),
    "in_sample": (bool,),
    "date_mode": (
        str,
    ),  # news | narrative: whether `dct` resolves deictic dates (D168)  # the rules and date decisions were fitted to this text: its figures are in-sample
}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def read_source_text(path: str | Path) -> str:
    """Read a UTF-8 text file exactly; refuse what would shift offsets.

    A BOM or CRLF line endings would make code-point offsets disagree with what
    other tools see, so they are errors with a fix, not silent rewrites.
    """
    path = Path(path)
    if path.is_dir():
        raise SergeCorpusError(Problem("E625", file=str(path)))
    if not path.is_file():
        raise SergeCorpusError(Problem("E001", file=str(path)))
    data = path.read_bytes()
    if not data.strip():
        raise SergeCorpusError(Problem("E005", file=str(path)))
    if data.startswith(b"\xef\xbb\xbf"):
        raise SergeCorpusError(Problem("E003", file=str(path), line=1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise SergeCorpusError(
            Problem("E002", f"byte {err.start}: {data[err.start : err.start + 1]!r}", file=str(path), line=line)
        ) from err
    if "\r\n" in text:
        line = text[: text.index("\r\n")].count("\n") + 1
        raise SergeCorpusError(Problem("E004", file=str(path), line=line))
    return text


@dataclass(frozen=True)
class Corpus:
    """A folder of source texts described by a manifest."""

    root: Path
    entries: tuple[dict[str, Any], ...]
    manifest: Path | None = None  # the manifest file, when it is not root/manifest.json

    @property
    def doc_ids(self) -> list[str]:
        return [e["doc_id"] for e in self.entries]

    def entry(self, doc_id: str) -> dict[str, Any]:
        for e in self.entries:
            if e["doc_id"] == doc_id:
                return e
        raise SergeCorpusError(
            Problem("E061", f"{doc_id!r}; known: {', '.join(self.doc_ids)}", file=str(self.manifest_path))
        )

    @property
    def manifest_path(self) -> Path:
        return self.manifest or self.root / MANIFEST_NAME

    def load(self, doc_id: str) -> Document:
        """Load a document, verifying its sha256 against the manifest."""
        e = self.entry(doc_id)
        path = self.root / e["path"]
        text = read_source_text(path)
        actual = sha256_text(text)
        if actual != e["sha256"]:
            raise SergeCorpusError(
                Problem("E062", f"manifest sha256 {e['sha256'][:12]}…, file {actual[:12]}…", file=str(path))
            )
        return Document(
            doc_id=e["doc_id"],
            text=text,
            sha256=actual,
            title=e.get("title", ""),
            author=e.get("author", ""),
            language=e.get("language", "en"),
            path=str(path),
            provenance=e.get("provenance", ""),
            licence=e.get("licence", ""),
            licence_id=e.get("licence_id"),
            redistributable=bool(e.get("redistributable", False)),
            attribution=e.get("attribution"),
            dct=e.get("dct"),
            date_mode=e.get("date_mode", "news"),
            source=e.get("source", ""),
        )

    def find_by_path(self, path: str | Path) -> str | None:
        """The doc_id registered for a file path, or None."""
        target = Path(path).resolve()
        for e in self.entries:
            if (self.root / e["path"]).resolve() == target:
                return e["doc_id"]
        return None

    def sources(self) -> dict[str, str]:
        """doc_id -> verified text of every document (for validation)."""
        return {doc_id: self.load(doc_id).text for doc_id in self.doc_ids}


def load_corpus(root: str | Path = "corpus") -> Corpus:
    """Read and check `root/manifest.json` (or the manifest file `root`: paths are relative to its folder)."""
    root = Path(root)
    manifest = root if root.is_file() else root / MANIFEST_NAME
    root = manifest.parent
    if not manifest.is_file():
        raise SergeCorpusError(Problem("E001", "corpus manifest", file=str(manifest)))
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise SergeCorpusError(Problem("E060", str(err), file=str(manifest), line=err.lineno)) from err
    docs = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(docs, list):
        raise SergeCorpusError(Problem("E060", 'expected {"documents": [...]}', file=str(manifest)))
    problems = [
        Problem("E060", f"documents[{i}] lacks {name!r}", file=str(manifest), field=name)
        for i, doc in enumerate(docs)
        for name in _MANIFEST_FIELDS
        if not isinstance(doc, dict) or not isinstance(doc.get(name), str)
    ]
    problems += [
        Problem(
            "E060",
            f"documents[{i}].{name} must be {' or '.join(_kind(k) for k in kinds)}, got {json.dumps(doc[name])}",
            file=str(manifest),
            field=name,
        )
        for i, doc in enumerate(docs)
        if isinstance(doc, dict)
        for name, kinds in _OPTIONAL_FIELDS.items()
        if name in doc and not isinstance(doc[name], kinds)
    ]
    problems += [
        Problem("E060", f"documents[{i}].dct {doc['dct']!r} is not a valid EDTF date", file=str(manifest), field="dct")
        for i, doc in enumerate(docs)
        if isinstance(doc, dict) and isinstance(doc.get("dct"), str) and not is_edtf(doc["dct"])
    ]
    problems += [
        Problem(
            "E060",
            f"documents[{i}].date_mode {doc['date_mode']!r}: expected news or narrative",
            file=str(manifest),
            field="date_mode",
        )
        for i, doc in enumerate(docs)
        if isinstance(doc, dict) and isinstance(doc.get("date_mode"), str) and doc["date_mode"] not in DATE_MODES
    ]
    ids = [doc.get("doc_id") for doc in docs if isinstance(doc, dict)]
    problems += [
        Problem("E060", f"doc_id {doc_id!r} appears {ids.count(doc_id)} times", file=str(manifest), field="doc_id")
        for doc_id in sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1})
    ]
    if problems:
        raise SergeCorpusError(problems)
    return Corpus(root=root, entries=tuple(docs), manifest=manifest if manifest.name != MANIFEST_NAME else None)


def _kind(kind: type) -> str:
    return {"str": "a string", "bool": "true or false", "NoneType": "null"}.get(kind.__name__, kind.__name__)


def document_from_path(path: str | Path, corpus: Corpus | None = None) -> Document:
    """A document from a corpus entry when registered, else from any UTF-8 file."""
    if corpus is not None:
        doc_id = corpus.find_by_path(path)
        if doc_id is not None:
            return corpus.load(doc_id)
    text = read_source_text(path)
    return Document(doc_id=Path(path).stem, text=text, sha256=sha256_text(text), path=str(path))


def corpus_sources(root: str | Path = "corpus") -> dict[str, str]:
    """doc_id -> text of every registered document; empty when `root` has no manifest.

    Validation uses it to check record text against the shipped source; a
    record of a document outside the corpus is checked on its own.
    """
    if not (Path(root).is_file() or (Path(root) / MANIFEST_NAME).is_file()):
        return {}
    return load_corpus(root).sources()
