"""Make a release folder from the gold, and check one.

    files = everything the release holds, in memory (dict path -> bytes)
    leak check on `files` -> write to a staging folder -> leak check and
    SHA256SUMS check on what was written -> staging folder swapped in

so a leak stops the command before anything is written, and a crash leaves the
old release or the new one. Every file is a pure function of the gold, the
manifest, the metadata and the version: no timestamp, sorted keys, sorted
file lists, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from serge_corpus.corpus import load_corpus, sha256_text
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.formats import export_blocks
from serge_corpus.formats.output import MARKER, write_bytes_atomic
from serge_corpus.model import Block
from serge_corpus.publish.card import card_text, changelog_text, citation_text
from serge_corpus.publish.changes import (
    RELEASE_FILE,
    ReleaseChanges,
    changes_markdown,
    compare_rows,
    read_manifest,
    release_rows,
)
from serge_corpus.publish.croissant import croissant_metadata
from serge_corpus.publish.hub import ANNOTATIONS, TEXT, card_metadata, parquet_splits
from serge_corpus.publish.leak import Leak, find_leaks, find_leaks_in_folder, quotes
from serge_corpus.publish.metadata import licence, read_licences, read_metadata
from serge_corpus.publish.recipe import GoldRelease, read_gold, withheld_texts
from serge_corpus.publish.rights import DocumentRights
from serge_corpus.publish.standoff import release_row

GENERATOR = "serge-corpus publish"
SUMS = "SHA256SUMS"
# Zip entries get this time: 1980-01-01 is the earliest a zip can hold, and fixed means reproducible.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Token formats hold the text itself: they carry only documents whose licence allows it.
TEXT_FORMATS = (("conll", "conll", ".conll", "CoNLL IOB2"), ("spacy", "docbin", ".spacy", "spaCy DocBin"))


@dataclass(frozen=True)
class PublishResult:
    out: Path
    version: str
    files: list[str]
    standoff: list[str]
    with_text: list[str]
    records: int
    changes: ReleaseChanges | None

    def __str__(self) -> str:
        lines = [
            f"{self.out}: release {self.version}, {len(self.files)} files, {self.records} records",
            f"  stand-off (no text): {', '.join(self.standoff) or '-'}",
            f"  with text: {', '.join(self.with_text) or '-'}",
            "  leak check: passed before writing and on the written folder",
        ]
        return "\n".join(lines)


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _jsonl(rows: Sequence[Mapping[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def sums_text(files: Mapping[str, bytes]) -> bytes:
    """`sha256sum -c` format over every file but itself."""
    return "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in sorted(files) if p != SUMS).encode()


def release_files(
    gold: GoldRelease, meta: Mapping[str, Any], previous: Path | None = None
) -> tuple[dict[str, bytes], ReleaseChanges | None]:
    """Every file of the release, path -> bytes (SHA256SUMS included), and the changes since `previous`."""
    docs = described(gold.documents, gold.withheld)
    files, distributions = record_files(gold)
    parquet = parquet_splits(gold.splits, docs)
    files.update({f.path: f.data for f in parquet})
    distributions.insert(1, ("data/", "Parquet, one folder per config (HuggingFace `datasets`)"))
    config_licences = {ANNOTATIONS: [meta["annotations_licence"]]}
    if any(f.config == TEXT for f in parquet):
        config_licences[TEXT] = sorted({d.licence_id for d in docs.values() if d.redistributable})
    licences = read_licences()
    named = sorted({meta["annotations_licence"]} | {d.licence_id for d in docs.values()})
    used = {spdx: licence(licences, spdx, "manifest or release metadata") for spdx in named}
    files.update({f"LICENSES/{spdx}.txt": lic.text.encode("utf-8") for spdx, lic in used.items()})
    manifest = {
        "generator": GENERATOR,
        "name": meta["name"],
        "version": gold.version,
        "annotations_licence": meta["annotations_licence"],
        "documents": [{**docs[d].to_dict(), "records": len(gold.records[d])} for d in sorted(docs)],
        "splits": {name: [b.id for b in blocks] for name, blocks in gold.splits.items()},
        "configs": {
            c: {"licences": ls, "files": [f.path for f in parquet if f.config == c]}
            for c, ls in config_licences.items()
        },
    }
    files[RELEASE_FILE] = _json(manifest)
    changes, previous_log = _changes(previous, manifest, files)
    change_text = (
        changes_markdown(changes)
        if changes is not None
        else ("First release (no previous release was given to compare with).\n")
    )
    files["CITATION.cff"] = citation_text(meta, gold.version, meta["annotations_licence"]).encode("utf-8")
    config_urls = [used[s].url or s for s in sorted({s for ls in config_licences.values() for s in ls})]
    files["croissant.json"] = _json(
        croissant_metadata(parquet, meta, gold.version, config_urls, f"{meta['pretty_name']}, version {gold.version}.")
    )
    files["CHANGELOG.md"] = changelog_text(gold.version, change_text, previous_log).encode("utf-8")
    distributions += [
        ("croissant.json", "Croissant 1.0 metadata of the Parquet files"),
        ("CITATION.cff", "how to cite this release"),
        ("CHANGELOG.md", "changes per version"),
        ("LICENSES/", "one file per licence named here"),
        (RELEASE_FILE, "machine-readable manifest of this release (documents, licences, splits)"),
        (SUMS, "sha256 of every file (`sha256sum -c SHA256SUMS`)"),
    ]
    yaml_header = card_metadata(
        parquet,
        {c: [used[s].hub for s in ls] for c, ls in config_licences.items()},
        meta,
        sum(len(b) for b in gold.records.values()),
    )
    files["README.md"] = card_text(
        yaml_header=yaml_header,
        meta=meta,
        version=gold.version,
        documents=docs,
        splits=gold.splits,
        config_rows={c: {f.split: f.rows for f in parquet if f.config == c} for c in config_licences},
        config_licences=config_licences,
        distributions=distributions,
        changes=change_text,
    ).encode("utf-8")
    files[SUMS] = sums_text(files)
    return dict(sorted(files.items())), changes


def described(docs: Mapping[str, DocumentRights], withheld: Mapping[str, str]) -> dict[str, DocumentRights]:
    """The rights as the release describes them: a field that quotes a withheld text is left out.

    A withheld document's attribution or source URL is often its title, and its
    title often a line of it (the afterword's headline is); shipping it would fail the leak check.
    """
    out: dict[str, DocumentRights] = {}
    for doc_id, rights in docs.items():
        out[doc_id] = replace(
            rights,
            attribution=None if rights.attribution and quotes(rights.attribution, withheld) else rights.attribution,
            source=None if rights.source and quotes(rights.source, withheld) else rights.source,
            author="" if quotes(rights.author, withheld) else rights.author,
        )
    return out


def record_files(gold: GoldRelease) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """JSONL for every document (whole or stand-off), and the token formats for redistributable ones."""
    docs = gold.documents
    files = {
        f"jsonl/{name}.jsonl": _jsonl([release_row(b, docs[b.doc_id].redistributable) for b in blocks])
        for name, blocks in [*gold.records.items(), *gold.splits.items()]
    }
    distributions = [
        (
            "jsonl/",
            "JSONL records (guidelines §5): whole for documents with text, stand-off "
            "(`length` for `text`, no span `text`) for the others; lossless",
        )
    ]
    shared = {name: [b for b in blocks if docs[b.doc_id].redistributable] for name, blocks in gold.splits.items()}
    shared = {name: blocks for name, blocks in shared.items() if blocks}
    if not shared:
        return files, distributions
    for folder, fmt, suffix, what in TEXT_FORMATS:
        for name, blocks in shared.items():
            files.update(_rendered(blocks, fmt, f"{folder}/{name}{suffix}"))
        distributions.append((f"{folder}/", f"{what}, documents with text only"))
    for name, blocks in shared.items():
        files.update(_rendered(blocks, "brat", f"brat/{name}"))
    distributions.append(("brat/", "brat stand-off (.txt/.ann per record), documents with text only"))
    return files, distributions


def _changes(
    previous: Path | None, manifest: Mapping[str, Any], files: Mapping[str, bytes]
) -> tuple[ReleaseChanges | None, str | None]:
    """What changed since the previous release (None without one), and its CHANGELOG."""
    if previous is None:
        return None, None
    old_manifest, old_rows = release_rows(previous)
    new_rows = {
        d["doc_id"]: {r["id"]: r for r in map(json.loads, files[f"jsonl/{d['doc_id']}.jsonl"].splitlines())}
        for d in manifest["documents"]
    }
    log = previous / "CHANGELOG.md"
    return compare_rows(old_manifest, old_rows, manifest, new_rows), (
        log.read_text(encoding="utf-8") if log.is_file() else None
    )


def _rendered(blocks: Sequence[Block], fmt: str, path: str) -> dict[str, bytes]:
    """A format exporter's output as path -> bytes (a file, or every file of a folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "out"
        export_blocks(blocks, fmt, target)
        if target.is_file():
            return {path: target.read_bytes()}
        return {
            f"{path}/{p.relative_to(target).as_posix()}": p.read_bytes()
            for p in sorted(target.rglob("*"))
            if p.is_file() and p.name != MARKER
        }


def leak_error(leaks: Sequence[Leak], where: str) -> SergeCorpusError:
    return SergeCorpusError([Problem("E504", str(leak), file=f"{where}/{leak.file}") for leak in leaks])


def publish(
    out: str | Path,
    *,
    recipe: str | Path = "annotations/gold.json",
    gold_dir: str | Path = "annotations/gold",
    corpus: str | Path = "corpus",
    version: str | None = None,
    metadata: str | Path | None = None,
    previous: str | Path | None = None,
    archive: bool = False,
) -> PublishResult:
    """Write the release of the gold into `out`; refuse (writing nothing) if any file would leak a withheld text.

    With `archive`, also write `OUT.zip` beside it (a deposit for Zenodo and the like): the same files
    under one folder, fixed times and modes, so it is byte-identical for the same release.
    """
    out = Path(out)
    _check_target(out)
    gold = read_gold(recipe, gold_dir, corpus, version)
    files, changes = release_files(gold, read_metadata(metadata), Path(previous) if previous else None)
    leaks = find_leaks(files, gold.withheld)
    if leaks:
        raise leak_error(leaks, str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for path, data in files.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _check_written(staging, gold.withheld, str(out))
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if archive:
        write_bytes_atomic(out.with_name(f"{out.name}.zip"), zip_bytes(out.name, files))
    docs = gold.documents
    return PublishResult(
        out,
        gold.version,
        list(files),
        sorted(d for d in docs if not docs[d].redistributable),
        sorted(gold.redistributable),
        sum(len(b) for b in gold.records.values()),
        changes,
    )


def zip_bytes(folder: str, files: Mapping[str, bytes]) -> bytes:
    """The files as a zip under `folder/`, with fixed times and modes (reproducible)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, files[name])
    return buffer.getvalue()


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SergeCorpusError(Problem("E505", "is a file", file=str(out)))
    if out.is_dir() and any(out.iterdir()):
        try:
            ours = read_manifest(out).get("generator") == GENERATOR
        except SergeCorpusError:
            ours = False
        if not ours:
            raise SergeCorpusError(Problem("E505", file=str(out)))


def _swap(staging: Path, out: Path) -> None:
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        os.replace(out, old / "d")
        os.replace(staging, out)
        shutil.rmtree(old)
    else:
        os.replace(staging, out)


def _check_written(folder: Path, withheld: Mapping[str, str], where: str) -> None:
    leaks = find_leaks_in_folder(folder, withheld)
    if leaks:
        raise leak_error(leaks, where)
    problems = verify_sums(folder)
    if problems:
        raise SergeCorpusError(problems)


def verify_sums(folder: Path) -> list[Problem]:
    sums = folder / SUMS
    if not sums.is_file():
        return [Problem("E509", f"no {SUMS}", file=str(folder))]
    listed: dict[str, str] = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {SUMS}
    problems = [Problem("E509", "file not listed", file=str(folder / p)) for p in sorted(present - set(listed))]
    problems += [Problem("E509", "listed file is missing", file=str(folder / p)) for p in sorted(set(listed) - present)]
    problems += [
        Problem("E509", "sha256 differs", file=str(folder / p))
        for p in sorted(present & set(listed))
        if hashlib.sha256((folder / p).read_bytes()).hexdigest() != listed[p]
    ]
    return problems


@dataclass(frozen=True)
class CheckResult:
    folder: Path
    files: int
    withheld: list[str]

    def __str__(self) -> str:
        return (
            f"{self.folder}: {self.files} files, SHA256SUMS verified; no 8 consecutive words of "
            f"{', '.join(self.withheld) or 'any withheld document'} in any file"
        )


def check_release(folder: str | Path, corpus: str | Path = "corpus") -> CheckResult:
    """Leak check and SHA256SUMS check of a written release.

    The withheld texts are every document `corpus` withholds, plus any the
    release itself marks as stand-off, which must then be in `corpus` (E508).
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    withheld = withheld_texts(corpus)
    known = load_corpus(corpus)
    problems: list[Problem] = []
    for doc in manifest["documents"]:
        if doc.get("redistributable") is True or doc["doc_id"] in withheld:
            continue
        if doc["doc_id"] not in known.doc_ids:
            problems.append(
                Problem(
                    "E508",
                    f"{doc['doc_id']} (sha256 {doc.get('sha256')}) is not in {corpus}; the leak check needs it",
                    file=str(folder / RELEASE_FILE),
                )
            )
            continue
        withheld[doc["doc_id"]] = known.load(doc["doc_id"]).text
    for doc in manifest["documents"]:
        text = withheld.get(doc["doc_id"])
        if text is not None and sha256_text(text) != doc.get("sha256"):
            problems.append(
                Problem(
                    "E507",
                    f"{doc['doc_id']}: release has {doc.get('sha256')}, corpus has {sha256_text(text)}",
                    file=str(folder / RELEASE_FILE),
                )
            )
    if problems:
        raise SergeCorpusError(problems)
    leaks = find_leaks_in_folder(folder, withheld)
    problems = [Problem("E504", str(leak), file=str(folder / leak.file)) for leak in leaks] + verify_sums(folder)
    if problems:
        raise SergeCorpusError(problems)
    return CheckResult(folder, sum(1 for p in folder.rglob("*") if p.is_file()), sorted(withheld))
