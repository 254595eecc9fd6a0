"""One paragraph of N words made of the afterword's body text (no blank line), for timing very long blocks.

    python scripts/make_long_paragraph.py 80000 build/p80k.txt
    /usr/bin/time -v serge-corpus annotate build/p80k.txt -o build/p80k.jsonl --ner spacy

The body paragraphs (over 30 words: no headings or lists) are joined, whitespace collapsed to single
spaces, and repeated until N words.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def long_paragraph(words_wanted: int) -> str:
    text = (ROOT / "corpus" / "serge-afterword.txt").read_text(encoding="utf-8")
    body = [p for p in text.split("\n\n") if len(p.split()) > 30]
    words = " ".join(body).split()
    out: list[str] = []
    while len(out) < words_wanted:
        out += words
    return " ".join(out[:words_wanted]) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[2])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(long_paragraph(int(sys.argv[1])), encoding="utf-8")
