"""Writing exports atomically: a crash leaves the old output or the new one.

Directory formats (brat, HF) are written to a temporary folder next to the
target and swapped in. An existing folder is replaced only when a previous
export wrote it (it holds the marker file), so a mistyped `-o` never wipes a
user's own folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.jsonl import atomic_open, target_mode, write_text

MARKER = ".serge-corpus-export"


def check_file_target(path: Path) -> None:
    if path.is_dir():
        raise SergeCorpusError(Problem("E173", "is a directory; this format writes one file", file=str(path)))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    check_file_target(path)
    with atomic_open(path) as fp:
        # Nothing is pending in the text layer, so the bytes go straight to its buffer.
        fp.buffer.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    # atomic_open writes UTF-8 with newline="\n": the text's bytes, untranslated.
    check_file_target(path)
    write_text(path, text)


def write_directory(path: Path, fill: Callable[[Path], None], fmt: str) -> None:
    """Call `fill(tmpdir)`, then put tmpdir in place of `path`."""
    if path.exists() and not path.is_dir():
        raise SergeCorpusError(Problem("E173", "is a file; this format writes a directory", file=str(path)))
    if path.is_dir() and any(path.iterdir()) and not (path / MARKER).is_file():
        raise SergeCorpusError(
            Problem("E173", "directory is not empty and was not written by serge-corpus export", file=str(path))
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        fill(tmp)
        (tmp / MARKER).write_text(f"{fmt}\n", encoding="utf-8")
        # mkdtemp makes 0700: give the folder the mode the user's umask (or the old folder) says.
        os.chmod(tmp, target_mode(path, directory=True))
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / "d")
            os.replace(tmp, path)
            shutil.rmtree(old)
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
