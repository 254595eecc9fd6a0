"""Tiny generated corpora for the batch tests: seeded, a few sentences per document."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

SENTENCES = (
    "Victor Serge arrived in Paris on 1 May 1925.",
    "He wrote for Clarté in the spring of 1926.",
    "The Left Opposition met in Moscow in 1927.",
    "Trotsky was exiled to Alma-Ata in January 1928.",
    "She translated the novel into French two years later.",
    "The archive in Amsterdam keeps his letters from the 1930s.",
    "Nothing happened that week.",
    "Mexico City welcomed him in 1941.",
)
ROOT = Path(__file__).resolve().parents[2]


def document_text(rng: random.Random) -> str:
    paragraphs = [" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(1, 3))]
    return "\n\n".join(paragraphs) + "\n"


def texts(n: int, seed: int = 7) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [(f"doc{i:05d}", document_text(rng)) for i in range(n)]


def write_folder(folder: Path, n: int, seed: int = 7) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, text in texts(n, seed):
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


def write_jsonl(path: Path, n: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8") as fp:
        for doc_id, text in texts(n, seed):
            fp.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return path


def tree(folder: Path, pattern: str = "**/*.jsonl") -> dict[str, bytes]:
    """Relative path -> bytes of every output file (the summary excluded)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.glob(pattern)) if p.is_file()}


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from serge_corpus.cli import main; main()", *args]


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), env=cli_env(), capture_output=True, text=True, timeout=600)
