"""Put the text back into a release's stand-off records, from a copy of the source a user owns.

The source is recognised by its sha256 alone (any file name): a text whose
hash differs from the one the release names is refused with both hashes, so a
re-encoded or edited copy never yields shifted offsets. The result is the
gold exactly: the same records, key order and bytes as `annotations/gold/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from serge_corpus.corpus import read_source_text, sha256_text
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import validate_rows, write_records
from serge_corpus.model import Block
from serge_corpus.publish.changes import read_manifest, read_rows
from serge_corpus.publish.standoff import fill_text, is_standoff


@dataclass(frozen=True)
class RehydrateResult:
    out: Path
    files: list[Path]
    filled: dict[str, Path]  # doc_id -> source file used

    def __str__(self) -> str:
        used = "; ".join(f"{doc} from {path}" for doc, path in self.filled.items()) or "no stand-off document"
        return f"{self.out}: {len(self.files)} files written ({used})"


def candidate_sources(paths: Sequence[Path]) -> tuple[dict[str, tuple[Path, str]], list[tuple[Path, str]]]:
    """sha256 -> (file, text) of every readable source; plus (file, sha256) of each, for messages.

    A file named explicitly must be readable; in a folder, files that are not
    UTF-8 texts are skipped (a folder may hold anything).
    """
    found: dict[str, tuple[Path, str]] = {}
    tried: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files = [p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")]
            for file in files:
                try:
                    text = read_source_text(file)
                except SergeCorpusError:
                    continue
                found.setdefault(sha256_text(text), (file, text))
                tried.append((file, sha256_text(text)))
        else:
            text = read_source_text(path)
            found.setdefault(sha256_text(text), (path, text))
            tried.append((path, sha256_text(text)))
    return found, tried


def rehydrate(release: str | Path, sources: Sequence[str | Path], out: str | Path) -> RehydrateResult:
    """Write OUT/DOC.jsonl and OUT/SPLIT.jsonl with the text of every stand-off document filled in."""
    release, out = Path(release), Path(out)
    manifest = read_manifest(release)
    found, tried = candidate_sources([Path(s) for s in sources])
    texts: dict[str, str] = {}
    used: dict[str, Path] = {}
    problems: list[Problem] = []
    for doc in manifest["documents"]:
        if doc.get("redistributable") is True:
            continue
        expected = doc["sha256"]
        if expected in found:
            used[doc["doc_id"]], texts[doc["doc_id"]] = found[expected]
        elif len(tried) == 1:
            path, got = tried[0]
            problems.append(
                Problem("E507", f"{doc['doc_id']} needs sha256 {expected}; {path.name} has {got}", file=str(path))
            )
        else:
            given = ", ".join(f"{p.name} {h[:12]}…" for p, h in tried) or "no readable text file"
            problems.append(
                Problem(
                    "E508",
                    f"{doc['doc_id']} needs a text with sha256 {expected}; given: {given}",
                    file=str(release / "release.json"),
                )
            )
    if problems:
        raise SergeCorpusError(problems)
    names = [d["doc_id"] for d in manifest["documents"]] + list(manifest["splits"])
    outputs: list[tuple[Path, list[Block]]] = []
    for name in names:
        path = release / "jsonl" / f"{name}.jsonl"
        rows = read_rows(path)
        lacking = sorted({r["doc_id"] for r in rows if is_standoff(r) and r["doc_id"] not in texts})
        if lacking:
            raise SergeCorpusError(
                [Problem("E508", f"stand-off records of {d} and no text for it", file=str(path)) for d in lacking]
            )
        rows = [fill_text(row, texts[row["doc_id"]], str(path)) if is_standoff(row) else row for row in rows]
        problems += validate_rows(list(enumerate(rows, start=1)), str(path), texts)
        outputs.append((out / f"{name}.jsonl", [Block.from_dict(row) for row in rows] if not problems else []))
    if problems:
        raise SergeCorpusError(problems)
    for path, blocks in outputs:
        write_records(path, blocks)
    return RehydrateResult(out, [p for p, _ in outputs], used)
