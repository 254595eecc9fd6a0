"""The backends that are not trained here, evaluated under the same folds.

- `pretrained`: the spaCy backend as `annotate` runs it (en_core_web_sm).
- `rules`: the gazetteer backend with patterns *derived only from the
  training side*: a pattern whose literal text (a phrase, or a token pattern
  whose every token is one exact ORTH/TEXT/LOWER value) occurs in the
  held-out text but nowhere in the training text is dropped for that fold.
  Literal patterns found in neither are kept (they were written for other
  texts); general patterns (sets of words, regexes, shapes, e.g.
  `initials+surname`) are kept too: they were also written while reading
  this text, so the rules' out-of-fold figure is still an upper bound.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from serge_corpus.jsonl import read_raw
from serge_corpus.model import Block
from serge_corpus.ner.base import NerBackend

BASELINES: tuple[str, ...] = ("pretrained", "rules", "rules-in-sample")
"""`rules-in-sample` keeps every pattern in every fold: the figure the README reports, under the same folds."""


def literal_text(pattern: Any) -> tuple[str, bool] | None:
    """(text, case-insensitive?) a pattern matches literally, or None for a general pattern."""
    if isinstance(pattern, str):
        return pattern, False
    if not isinstance(pattern, list) or not pattern:
        return None
    words: list[str] = []
    lower = False
    for token in pattern:
        if not isinstance(token, dict) or len(token) != 1:
            return None
        ((key, value),) = token.items()
        if key not in ("ORTH", "TEXT", "LOWER") or not isinstance(value, str):
            return None
        lower = lower or key == "LOWER"
        words.append(value)
    return " ".join(words), lower


def _occurs(needle: str, lower: bool, haystack: str) -> bool:
    words = [re.escape(w) for w in needle.split(" ")]
    # Tokens may be glued ("Serge's") or spaced: allow optional whitespace between words.
    regex = r"(?<!\w)" + r"\s*".join(words) + r"(?!\w)"
    return re.search(regex, haystack, flags=re.IGNORECASE if lower else 0) is not None


def fold_patterns(patterns_file: Path, train: Sequence[Block], held_out: Sequence[Block]) -> tuple[list[Any], int]:
    """The pattern lines usable for a fold, and how many were dropped."""
    train_text = "\n".join(b.text for b in train)
    held_text = "\n".join(b.text for b in held_out)
    kept: list[Any] = []
    dropped = 0
    for _, obj in read_raw(patterns_file):
        literal = literal_text(obj.get("pattern")) if isinstance(obj, dict) else None
        if literal is not None and _occurs(*literal, held_text) and not _occurs(*literal, train_text):
            dropped += 1
            continue
        kept.append(obj)
    return kept, dropped


def baseline_backend(
    name: str,
    train: Sequence[Block] = (),
    held_out: Sequence[Block] = (),
    patterns: Path = Path("annotations/patterns.jsonl"),
) -> tuple[NerBackend, dict[str, Any]]:
    """The backend and what was done to it for this fold."""
    from serge_corpus.ner import get_backend

    if name == "pretrained":
        return get_backend("spacy"), {}
    if name == "rules" and held_out:
        kept, dropped = fold_patterns(patterns, train, held_out)
    else:
        kept, dropped = [obj for _, obj in read_raw(patterns)], 0
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as tmp:
        tmp.write("".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in kept))
    try:
        backend = get_backend("rules", patterns=tmp.name)
    finally:
        Path(tmp.name).unlink()
    return backend, {"patterns_kept": len(kept), "patterns_dropped": dropped}
