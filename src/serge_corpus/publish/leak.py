"""The leak check: no 8 consecutive words of a withheld source in any file of a release.

A file is read the way a person or a program would read it, not as raw
bytes: Parquet is decoded to its values (compression hides strings from a
byte scan), a spaCy DocBin is decoded to its Docs' text and user data, JSON is
parsed (escapes hide strings too) and scanned as written. All strings of a file
are joined in order, so a text cut into a token list is still caught. Words are
runs of letters and digits, case-folded: `Serge's` is `serge`, `s`.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WINDOW = 8
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Leak:
    """A file that holds words of a withheld document."""

    file: str
    doc_id: str
    excerpt: str
    count: int

    def __str__(self) -> str:
        return f"{self.file}: {self.count} passage(s) of {self.doc_id}, first: “{self.excerpt}…”"


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def ngram_index(withheld: Mapping[str, str], n: int = WINDOW) -> dict[tuple[str, ...], str]:
    """Every n-word window of every withheld text -> its document."""
    index: dict[tuple[str, ...], str] = {}
    for doc_id, text in sorted(withheld.items()):
        ws = words(text)
        for i in range(len(ws) - n + 1):
            index.setdefault(tuple(ws[i : i + n]), doc_id)
    return index


def find_leaks(files: Mapping[str, bytes], withheld: Mapping[str, str], n: int = WINDOW) -> list[Leak]:
    """Each file that contains n consecutive words of a withheld text (one Leak per file and document)."""
    index = ngram_index(withheld, n)
    if not index:
        return []
    leaks: list[Leak] = []
    for name in sorted(files):
        leaks += _leaks_in(name, readable_text(name, files[name]), index, n)
    return leaks


def quotes(text: str, withheld: Mapping[str, str], n: int = WINDOW) -> bool:
    """Whether `text` holds n consecutive words of a withheld text (a title, a URL slug…)."""
    return bool(_leaks_in("", text, ngram_index(withheld, n), n))


def find_leaks_in_folder(folder: Path, withheld: Mapping[str, str], n: int = WINDOW) -> list[Leak]:
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return find_leaks(files, withheld, n)


def _leaks_in(name: str, text: str, index: Mapping[tuple[str, ...], str], n: int) -> list[Leak]:
    ws = words(text)
    found: dict[str, tuple[str, int]] = {}
    i = 0
    while i <= len(ws) - n:
        doc_id = index.get(tuple(ws[i : i + n]))
        if doc_id is None:
            i += 1
            continue
        first, count = found.get(doc_id, (" ".join(ws[i : i + n]), 0))
        found[doc_id] = (first, count + 1)
        i += n  # one passage is reported once, not once per overlapping window
    return [Leak(name, doc_id, excerpt, count) for doc_id, (excerpt, count) in sorted(found.items())]


# ---------------------------------------------------------------- decoding files


def readable_text(name: str, data: bytes) -> str:
    """What a file says, decoded by its kind; raw UTF-8 too, so nothing is read less than a byte scan would."""
    raw = data.decode("utf-8", errors="replace")
    suffix = Path(name).suffix
    if suffix == ".parquet":
        return raw + "\n" + "\n".join(_strings(_parquet_values(data)))
    if suffix == ".spacy":
        return raw + "\n" + "\n".join(_strings(_docbin_values(data)))
    if suffix in (".json", ".jsonl", ".jsonld"):
        return raw + "\n" + "\n".join(_strings(_json_values(raw)))
    return raw


def _strings(value: Any) -> Iterator[str]:
    """Every string in a nested value, in order (dict keys too)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", errors="replace")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _parquet_values(data: bytes) -> list[Any]:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    raw = table.schema.metadata or {}
    meta = {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in raw.items()}
    return [meta, table.to_pylist()]


def _docbin_values(data: bytes) -> list[Any]:
    import spacy
    from spacy.tokens import DocBin

    doc_bin = DocBin(store_user_data=True).from_bytes(data)
    docs = list(doc_bin.get_docs(spacy.blank("en").vocab))
    return [[doc.text, _plain(doc.user_data), [t.text for t in doc]] for doc in docs]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _json_values(raw: str) -> list[Any]:
    try:
        return [json.loads(raw)]
    except ValueError:
        pass
    values: list[Any] = []
    for line in raw.split("\n"):
        try:
            values.append(json.loads(line))
        except ValueError:
            continue
    return values
