"""Where batch results go, written so that an interrupted run leaves nothing half-written.

Two layouts:
- one file per document, `OUT/DOC_ID.jsonl` (a doc_id with `/` makes sub-folders),
  written by the worker that processed it;
- shards of `--shard-size` documents in input order, `OUT/shard-00000.jsonl`
  (or `.parquet`), each with `OUT/shard-00000.index.json` listing its documents
  (doc_id, source sha256, outcome) and the settings fingerprint.

Every file is written to a hidden temp file beside it and renamed when complete
(`jsonl.atomic_open`), so a file that exists is complete; a shard's index is
written after its shard, so a shard without an up-to-date index is redone. A
run starts by removing the temp files a killed run left.

Up to date means: the source sha256 and the settings fingerprint recorded in
the output (`meta.source_sha256`, `meta.settings` of a document's first record;
the shard index) equal the current ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from serge_corpus.jsonl import target_mode, write_text

ShardFormat = Literal["jsonl", "parquet"]
SUMMARY_NAME = "run-summary.json"
POOLED_NAME = "pooled.json"  # evaluate: every document's records scored together
# What `atomic_open` and `records.replace_atomically` name their temp files and folders: .NAME.RANDOM.tmp
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def document_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / f"{doc_id}.jsonl"


def write_document(out_dir: Path, doc_id: str, lines: Sequence[str]) -> None:
    """The records of one document, byte for byte what `write_records` writes.

    Temp file + rename like `jsonl.atomic_open`, without its fsync: a killed run
    cannot leave a half-written file either way, and an fsync per document (6 ms
    here) would cost more than annotating a short one. After a power cut, a
    truncated file fails `document_is_current` (its last line is checked) and is redone.
    """
    path = document_path(out_dir, doc_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
            fp.write("".join(line + "\n" for line in lines))
        os.chmod(tmp, target_mode(path))  # mkstemp makes it 0600; give it what a plain write would
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def document_is_current(out_dir: Path, doc_id: str, sha256: str, fingerprint: str) -> bool:
    """The document's output is complete and records this source and these settings."""
    path = document_path(out_dir, doc_id)
    try:
        with path.open("rb") as fp:
            meta = json.loads(fp.readline()).get("meta", {})
            last = _last_line(fp)
        complete = json.loads(last).get("doc_id") == doc_id
    except (OSError, ValueError, AttributeError):
        return False
    return complete and meta.get("source_sha256") == sha256 and meta.get("settings") == fingerprint


def _last_line(fp: Any) -> bytes:
    """The last line of a file that must end with a newline (a truncated one raises ValueError)."""
    size = fp.seek(0, os.SEEK_END)
    step = 1 << 16
    while True:
        start = max(0, size - step)
        fp.seek(start)
        tail = fp.read()
        if not tail.endswith(b"\n"):
            raise ValueError("no final newline")
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
        if cut >= 0 or start == 0:
            return bytes(tail[cut + 1 :])
        step *= 4


# ---------------------------------------------------------------- state of outputs in foreign formats


STATE_DIR = ".state"  # hidden: folder readers skip it, and no doc_id can reach it (unsafe_doc_id)


def state_path(out_dir: Path, doc_id: str) -> Path:
    """Where a document's state lies: what its outputs (`evaluate`, `export`) were made from, and their names.

    Those outputs cannot record it themselves (a CoNLL file, an evaluation result), so a
    sidecar does, written after the outputs: a state that exists describes outputs that are complete.
    """
    return out_dir / STATE_DIR / f"{doc_id}.json"


def write_state(out_dir: Path, doc_id: str, state: dict[str, Any]) -> None:
    """The state, renamed into place (not fsync'ed, like `write_document`: a truncated one is redone)."""
    path = state_path(out_dir, doc_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
            fp.write(json.dumps(state, ensure_ascii=False, separators=(",", ":")) + "\n")
        os.chmod(tmp, target_mode(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_state(out_dir: Path, doc_id: str, identity: dict[str, Any]) -> dict[str, Any] | None:
    """The document's state when it records `identity` (settings, sources) and its outputs exist, else None."""
    try:
        state = json.loads(state_path(out_dir, doc_id).read_text(encoding="utf-8"))
        outputs = [out_dir / name for name in state["outputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(state, dict) or any(state.get(key) != value for key, value in identity.items()):
        return None
    return state if all(path.exists() for path in outputs) else None


def remove_stale_temps(out_dir: Path) -> list[Path]:
    """Delete the temp files an interrupted run left under `out_dir` (only names `atomic_open` makes)."""
    if not out_dir.is_dir():
        return []
    stale = [p for p in out_dir.rglob(".*.tmp") if _TEMP.match(p.name)]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return stale


# ---------------------------------------------------------------- shards


@dataclass(frozen=True)
class ShardEntry:
    """One document of a shard, as its index records it."""

    doc_id: str
    sha256: str
    origin: str = ""
    code: str | None = None  # the failure code, None when the document is in the shard
    detail: str = ""
    dct: str | None = None  # the document's own DCT (manifest, news mode): a new one redoes the shard

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "sha256": self.sha256,
            "origin": self.origin,
            "code": self.code,
            "detail": self.detail,
        } | ({"dct": self.dct} if self.dct is not None else {})


def shard_path(out_dir: Path, index: int, fmt: ShardFormat) -> Path:
    return out_dir / f"shard-{index:05d}.{fmt}"


def shard_index_path(out_dir: Path, index: int) -> Path:
    return out_dir / f"shard-{index:05d}.index.json"


def current_shard(
    out_dir: Path, index: int, fmt: ShardFormat, expected: Sequence[tuple[str, str, str | None]], fingerprint: str
) -> list[ShardEntry] | None:
    """The shard's recorded entries when the shard is complete and up to date, else None.

    `expected` is the (doc_id, sha256, DCT) of each document the input now puts in this shard.
    """
    index_path = shard_index_path(out_dir, index)
    if not shard_path(out_dir, index, fmt).is_file():
        return None
    try:
        data = json.loads(index_path.read_text(encoding="utf-8"))
        entries = [ShardEntry(**row) for row in data["documents"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if data.get("settings") != fingerprint or data.get("format") != fmt:
        return None
    if [(e.doc_id, e.sha256, e.dct) for e in entries] != list(expected):
        return None
    return entries


class ShardWriter:
    """Records of consecutive documents into one shard file, renamed into place on `commit`."""

    def __init__(
        self,
        out_dir: Path,
        index: int,
        fmt: ShardFormat,
        fingerprint: str,
        row_group: int = 10_000,
        exporter: Callable[[list[str], Path], None] | None = None,
    ):
        self.out_dir, self.index, self.fmt, self.fingerprint = out_dir, index, fmt, fingerprint
        self.path = shard_path(out_dir, index, fmt)
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=out_dir)
        os.close(fd)
        self.tmp = Path(tmp)
        self.entries: list[ShardEntry] = []
        self._rows: list[dict[str, Any]] = []
        self._row_group = row_group
        self._writer: Any = None
        # export: the shard's records wait here and are exported whole on commit (the shard size bounds them)
        self._exporter = exporter
        self._held: list[str] = []
        self._fp = self.tmp.open("w", encoding="utf-8", newline="\n") if fmt == "jsonl" and not exporter else None

    def add(self, entry: ShardEntry, lines: Sequence[str]) -> None:
        self.entries.append(entry)
        if self._exporter is not None:
            self._held += lines
            return
        if self._fp is not None:
            for line in lines:
                self._fp.write(line + "\n")
            return
        for line in lines:
            record = json.loads(line)
            self._rows.append(
                {
                    "doc_id": record["doc_id"],
                    "id": record["id"],
                    "block": record["block"],
                    "section": record["section"],
                    "offset": record["offset"],
                    "text": record["text"],
                    "record": line,
                }
            )
        if len(self._rows) >= self._row_group:
            self._flush()

    def commit(self) -> Path:
        """Rename the finished shard into place, then write its index."""
        if self._exporter is not None:
            self._exporter(self._held, self.tmp)
            self._held = []
        elif self._fp is not None:
            self._fp.flush()
            os.fsync(self._fp.fileno())
            self._fp.close()
        else:
            self._flush(final=True)
        os.replace(self.tmp, self.path)
        index = {
            "settings": self.fingerprint,
            "format": self.fmt,
            "shard": self.path.name,
            "documents": [e.to_dict() for e in self.entries],
        }
        write_text(shard_index_path(self.out_dir, self.index), json.dumps(index, ensure_ascii=False, indent=1) + "\n")
        return self.path

    def abort(self) -> None:
        if self._fp is not None:
            self._fp.close()
        if self._writer is not None:
            self._writer.close()
        self.tmp.unlink(missing_ok=True)

    def _flush(self, final: bool = False) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._rows or (final and self._writer is None):
            table = pa.Table.from_pylist(self._rows, schema=parquet_schema())
            if self._writer is None:
                self._writer = pq.ParquetWriter(str(self.tmp), table.schema)
            self._writer.write_table(table)
            self._rows = []
        if final and self._writer is not None:
            self._writer.close()


def parquet_schema() -> Any:
    """Record columns for filtering and reading, plus `record`: the exact JSONL line (lossless)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("id", pa.string()),
            ("block", pa.string()),
            ("section", pa.int32()),
            ("offset", pa.int64()),
            ("text", pa.string()),
            ("record", pa.string()),
        ]
    )


def read_shard_lines(path: Path) -> Iterator[str]:
    """The JSON records of a shard, in order, whatever its format."""
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as fp:
            for line in fp:
                if line.strip():
                    yield line.rstrip("\n")
        return
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(columns=["record"]):
        yield from batch.column(0).to_pylist()


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    write_text(path, json.dumps(summary, ensure_ascii=False, indent=1, default=str) + "\n")
