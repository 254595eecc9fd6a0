"""Batch sources, read lazily: one `DocTask` per document, in a stable order.

Texts (`annotate`, `segment`): a folder (recursive, `--glob`), a corpus (its
folder holding manifest.json, or the manifest file itself), a JSONL file of
`{"id": …, "text": …}` records, or a Parquet file with the same two columns.
A document's DCT (`dct`, `date_mode`: the manifest's fields, or the same
optional fields of a JSONL / Parquet record) travels with its task, as the
single-document `annotate` takes it from the manifest.

Records (`validate`, `evaluate`, `export`), kind "records": a folder of record
files (`DOC_ID.jsonl`, or the shards a batch wrote, `.jsonl` or `.parquet`;
recursive, `--glob`), one task per file; or one JSONL / Parquet file of the
records of many documents, one task per run of consecutive records with the
same doc_id (the records of a document must be consecutive).
Tasks are small: a folder's task carries the file path (the worker reads it,
on shared storage in a cluster), a record's task carries its text. Problems that
belong to one document (a line that is not JSON, a record without text) become a
task that already failed, so they are reported with the others and stop nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from serge_corpus.corpus import DATE_MODES, MANIFEST_NAME, load_corpus, sha256_bytes, sha256_text
from serge_corpus.date_object import is_edtf
from serge_corpus.errors import Problem, SergeCorpusError

SourceKind = Literal["folder", "corpus", "jsonl", "parquet", "records"]
DEFAULT_SUFFIXES = (".txt", ".md")
RECORD_SUFFIXES = (".jsonl", ".parquet")


@dataclass(frozen=True)
class DocTask:
    """One document to process: where it is, and any problem found while listing it."""

    doc_id: str
    origin: str  # file path, or "file:line" / "file:row N" for records: named in every message
    path: str | None = None  # a text file the worker reads
    text: str | None = None  # the text itself (JSONL / Parquet records)
    corpus_root: str | None = None  # a corpus document: loaded through the manifest (sha256-checked)
    sha256: str | None = None  # known without reading (manifest)
    size: int = 0  # bytes, for the size limit
    code: str | None = None  # a problem found while listing: the task fails with it
    detail: str = ""
    file: str = ""  # records: the file the lines come from (named in validation messages)
    first_line: int = 1  # records: the line (or Parquet row) number of the first of `text`'s lines
    pair: DocTask | None = None  # evaluate: the predictions of this (gold) document
    dct: str | None = None  # the DCT its dates resolve against (news mode; None in narrative mode or unknown)


@dataclass(frozen=True)
class SourceSpec:
    """What to read and how."""

    path: Path
    kind: SourceKind
    glob: str | None = None
    id_field: str = "id"
    text_field: str = "text"


def source_kind(path: Path) -> SourceKind | None:
    """The batch kind of `path`, or None for a single document (text file, segments JSONL)."""
    if path.is_dir():
        return "corpus" if (path / MANIFEST_NAME).is_file() else "folder"
    if path.suffix == ".json" and path.is_file() and _is_manifest(path):
        return "corpus"
    if path.suffix == ".parquet":
        return "parquet"
    if path.suffix == ".jsonl" and path.is_file() and _first_record_is_document(path):
        return "jsonl"
    return None


def _is_manifest(path: Path) -> bool:
    """A corpus manifest: a JSON object with a list of `documents` (load_corpus checks the rest)."""
    if path.name == MANIFEST_NAME:
        return True
    try:
        data = json.loads(path.read_bytes())
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("documents"), list)


def news_dct(dct: object, date_mode: object) -> str | None:
    """The DCT a document's dates resolve against: its own, in news mode (the default) only (D168)."""
    return dct if isinstance(dct, str) and date_mode in (None, "news") else None


def _first_record_is_document(path: Path) -> bool:
    """A JSONL of documents has a text field and no block offsets (those are segment records)."""
    with path.open("rb") as fp:
        for raw in fp:
            if raw.strip():
                try:
                    first = json.loads(raw)
                except ValueError:
                    return False
                return isinstance(first, dict) and "offset" not in first and "block" not in first
    return False


def iter_tasks(spec: SourceSpec) -> Iterator[DocTask]:
    """Every document of the source, lazily, ids checked for uniqueness and safety."""
    readers = {"folder": _folder, "corpus": _corpus, "jsonl": _jsonl, "parquet": _parquet, "records": _records}
    seen: set[str] = set()
    for task in readers[spec.kind](spec):
        if task.code is None:
            bad = unsafe_doc_id(task.doc_id)
            if bad:
                task = _failed(task, "E554", f"{task.doc_id!r}: {bad}")
            elif task.doc_id in seen:
                task = _failed(task, "E551", f"{task.doc_id!r} already given by an earlier document")
            seen.add(task.doc_id)
        yield task


def count_tasks(spec: SourceSpec) -> int | None:
    """How many documents, when that is cheap to know (for the progress bar's total)."""
    if spec.kind == "corpus":
        return len(load_corpus(spec.path).entries)
    if spec.kind == "folder" or (spec.kind == "records" and spec.path.is_dir()):
        return sum(1 for _ in _folder_files(spec))
    if spec.kind == "records":
        return None  # documents are runs of records: counting them means reading the file
    if spec.kind == "parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(spec.path).metadata.num_rows)
    with spec.path.open("rb") as fp:
        return sum(1 for raw in fp if raw.strip())


def source_sha256(task: DocTask) -> str:
    """The sha256 of the task's source, as the driver and the worker see it ('' when it cannot be read)."""
    if task.sha256:
        return task.sha256
    if task.text is not None:
        return sha256_text(task.text)
    if task.path is not None:
        try:
            return sha256_bytes(Path(task.path).read_bytes())
        except OSError:
            return ""
    return ""


def unsafe_doc_id(doc_id: str) -> str:
    """Why `doc_id` cannot name a file under the output folder ('' when it can)."""
    if not doc_id:
        return "empty"
    if doc_id.startswith("/") or "\\" in doc_id or any(ord(c) < 32 for c in doc_id):
        return "absolute path, backslash or control character"
    if any(part in {"", ".", ".."} for part in PurePosixPath(doc_id).parts) or doc_id.endswith("/"):
        return "'.', '..' or an empty path component"
    if any(part.startswith(".") for part in PurePosixPath(doc_id).parts):
        return "a component starting with '.' (hidden file)"
    return ""


def _failed(task: DocTask, code: str, detail: str) -> DocTask:
    return DocTask(doc_id=task.doc_id, origin=task.origin, code=code, detail=detail)


# ---------------------------------------------------------------- readers


def _folder_files(spec: SourceSpec) -> Iterator[Path]:
    if spec.glob:
        candidates = spec.path.glob(spec.glob)
        keep = lambda p: p.is_file()  # noqa: E731 - the user's pattern decides the suffixes
    else:
        candidates = spec.path.rglob("*")
        suffixes = RECORD_SUFFIXES if spec.kind == "records" else DEFAULT_SUFFIXES
        keep = lambda p: p.is_file() and p.suffix.lower() in suffixes  # noqa: E731 - CURIE.TXT too
    # Sorted for a deterministic order; hidden files (our own temp files among them) are skipped.
    rel = sorted(
        p.relative_to(spec.path)
        for p in candidates
        if keep(p)
        and not any(part.startswith(".") for part in p.relative_to(spec.path).parts)
        and not (spec.kind == "records" and p.name.endswith(".index.json"))
    )
    return (spec.path / r for r in rel)


def _folder(spec: SourceSpec) -> Iterator[DocTask]:
    for path in _folder_files(spec):
        rel = path.relative_to(spec.path)
        doc_id = rel.with_suffix("").as_posix()
        yield DocTask(doc_id=doc_id, origin=str(path), path=str(path), size=path.stat().st_size)


def _corpus(spec: SourceSpec) -> Iterator[DocTask]:
    corpus = load_corpus(spec.path)
    for entry in corpus.entries:
        path = corpus.root / entry["path"]
        size = path.stat().st_size if path.is_file() else 0
        yield DocTask(
            doc_id=entry["doc_id"],
            origin=str(path),
            path=str(path),
            corpus_root=str(spec.path),
            sha256=entry["sha256"],
            size=size,
            dct=news_dct(entry.get("dct"), entry.get("date_mode")),
        )


def _jsonl(spec: SourceSpec) -> Iterator[DocTask]:
    with spec.path.open("rb") as fp:
        for number, raw in enumerate(fp, start=1):
            if not raw.strip():
                continue
            origin = f"{spec.path}:{number}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                yield DocTask(doc_id=f"line-{number}", origin=origin, code="E002", detail=f"byte {err.start}")
                continue
            try:
                obj = json.loads(line)
            except ValueError as err:
                yield DocTask(doc_id=f"line-{number}", origin=origin, code="E010", detail=str(err))
                continue
            yield _record_task(obj, origin, f"line-{number}", spec)


def _parquet(spec: SourceSpec) -> Iterator[DocTask]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(spec.path)
    except Exception as err:  # pyarrow raises several types for a file that is not Parquet
        raise SergeCorpusError(Problem("E553", f"not a Parquet file: {err}", file=str(spec.path))) from err
    names = set(table.schema_arrow.names)
    missing = [c for c in (spec.id_field, spec.text_field) if c not in names]
    if missing:
        raise SergeCorpusError(
            Problem("E552", f"no column {', '.join(missing)}; columns: {', '.join(sorted(names))}", file=str(spec.path))
        )
    row = 0
    columns = [spec.id_field, spec.text_field] + [c for c in ("dct", "date_mode") if c in names]
    for batch in table.iter_batches(batch_size=256, columns=columns):
        for obj in batch.to_pylist():
            row += 1
            yield _record_task(obj, f"{spec.path}:row {row}", f"row-{row}", spec)


def _record_task(obj: object, origin: str, fallback_id: str, spec: SourceSpec) -> DocTask:
    if not isinstance(obj, dict):
        return DocTask(doc_id=fallback_id, origin=origin, code="E552", detail="not a JSON object")
    doc_id, text = obj.get(spec.id_field), obj.get(spec.text_field)
    if not isinstance(doc_id, str) or not isinstance(text, str):
        bad = spec.id_field if not isinstance(doc_id, str) else spec.text_field
        return DocTask(
            doc_id=doc_id if isinstance(doc_id, str) else fallback_id,
            origin=origin,
            code="E552",
            detail=f"field {bad!r} missing or not a string",
        )
    dct, mode = obj.get("dct"), obj.get("date_mode")
    if (dct is not None and not (isinstance(dct, str) and is_edtf(dct))) or (
        mode is not None and mode not in DATE_MODES
    ):
        bad = "dct" if dct is not None and not (isinstance(dct, str) and is_edtf(dct)) else "date_mode"
        value = json.dumps(obj.get(bad), ensure_ascii=False)
        return DocTask(doc_id=doc_id, origin=origin, code="E567", detail=f"field {bad!r}: {value}")
    return DocTask(doc_id=doc_id, origin=origin, text=text, size=len(text.encode("utf-8")), dct=news_dct(dct, mode))


# ---------------------------------------------------------------- records (validate, evaluate, export)


def _records(spec: SourceSpec) -> Iterator[DocTask]:
    if spec.path.is_dir():
        for path in _folder_files(spec):
            doc_id = path.relative_to(spec.path).with_suffix("").as_posix()
            yield DocTask(doc_id=doc_id, origin=str(path), path=str(path), size=path.stat().st_size, file=str(path))
    elif spec.path.suffix == ".parquet":
        yield from _runs(_parquet_record_lines(spec.path), str(spec.path), "row")
    else:
        yield from _runs(_jsonl_record_lines(spec.path), str(spec.path), "line")


def _jsonl_record_lines(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """(line number, line, its doc_id or None when it has none) of every non-blank line."""
    with path.open("rb") as fp:
        for number, raw in enumerate(fp, start=1):
            if not raw.strip():
                continue
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            doc_id = obj.get("doc_id") if isinstance(obj, dict) else None
            yield number, line, doc_id if isinstance(doc_id, str) else None


def _parquet_record_lines(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """The `record` column of a Parquet file of records (what `--shard-format parquet` writes)."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises several types for a file that is not Parquet
        raise SergeCorpusError(Problem("E553", f"not a Parquet file: {err}", file=str(path))) from err
    if not {"doc_id", "record"} <= set(table.schema_arrow.names):
        names = ", ".join(table.schema_arrow.names)
        raise SergeCorpusError(Problem("E552", f"no columns doc_id and record; columns: {names}", file=str(path)))
    row = 0
    for batch in table.iter_batches(batch_size=1024, columns=["doc_id", "record"]):
        for doc_id, line in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True):
            row += 1
            yield row, line or "", doc_id


def _runs(lines: Iterator[tuple[int, str, str | None]], file: str, unit: str) -> Iterator[DocTask]:
    """One task per run of consecutive lines of one doc_id (a line without one joins the run it is in)."""
    run: list[str] = []
    doc_id: str | None = None
    first = last = 1
    for number, line, line_doc in lines:
        if run and line_doc is not None and doc_id is not None and line_doc != doc_id:
            yield _run_task(doc_id, run, file, first, unit)
            run = []
        if not run:
            first = number
            doc_id = line_doc
        else:
            run += [""] * (number - last - 1)  # blank lines kept: messages give the file's line numbers
            if doc_id is None:
                doc_id = line_doc
        run.append(line)
        last = number
    if run:
        yield _run_task(doc_id, run, file, first, unit)


def _run_task(doc_id: str | None, lines: list[str], file: str, first: int, unit: str) -> DocTask:
    text = "\n".join(lines)
    origin = f"{file}:{first}" if unit == "line" else f"{file}:row {first}"
    if doc_id is None:
        return DocTask(doc_id=f"{unit}-{first}", origin=origin, code="E552", detail="no record with a doc_id")
    return DocTask(doc_id=doc_id, origin=origin, text=text, size=len(text.encode("utf-8")), file=file, first_line=first)


def paired_tasks(gold: SourceSpec, pred: SourceSpec) -> Iterator[DocTask]:
    """Gold documents, each carrying its predictions (`pair`) for `evaluate`.

    Two folders: the prediction is the file at the same relative path. Two
    files: documents are paired in order, and must have the same doc_ids.
    """
    if gold.path.is_dir() != pred.path.is_dir():
        raise SergeCorpusError(
            Problem("E556", f"--gold {gold.path} and --pred {pred.path}: give two folders or two files")
        )
    if gold.path.is_dir():
        for task in iter_tasks(gold):
            rel = Path(task.path).relative_to(gold.path) if task.path else None
            other = pred.path / rel if rel is not None else None
            if other is None or not other.is_file():
                missing = DocTask(task.doc_id, str(other or pred.path), code="E559", detail="no such file")
                yield replace(task, pair=missing)
            else:
                size = other.stat().st_size
                yield replace(task, pair=DocTask(task.doc_id, str(other), path=str(other), size=size, file=str(other)))
        return
    preds = iter_tasks(pred)
    for task in iter_tasks(gold):
        given = next(preds, None)
        if given is None:
            yield replace(
                task, pair=DocTask(task.doc_id, str(pred.path), code="E559", detail="the file ended before it")
            )
        elif given.doc_id != task.doc_id:
            detail = f"the predictions have {given.doc_id!r} where the gold has {task.doc_id!r}"
            yield replace(task, pair=replace(given, code="E560", detail=detail))
        else:
            yield replace(task, pair=given)
