"""The main job on a small corpus of its own: segment, annotate, evaluate against gold."""

from pathlib import Path

from builders import FIXTURES, write_corpus

from serge_corpus.corpus import load_corpus
from serge_corpus.jsonl import read_records, write_records
from serge_corpus.mentions import spans_from_mentions
from serge_corpus.pipeline import run_document
from serge_corpus.segment import segment

ROOT = Path(__file__).parents[2]
ESSAY = FIXTURES / "foundation" / "essay_other.txt"


def make_corpus(tmp_path: Path) -> Path:
    return write_corpus(
        tmp_path / "corpus", {"essay": ESSAY.read_text(encoding="utf-8")}, {"essay": {"title": "A Life in Letters"}}
    )


def test_run_document_writes_pre_reports_and_scores(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the rules backend reads annotations/patterns.jsonl
    corpus = load_corpus(make_corpus(tmp_path))
    out = tmp_path / "annotations"
    blocks = segment(corpus.load("essay"))
    body = next(b for b in blocks if b.text.startswith("Dr. Maria"))
    gold = spans_from_mentions(
        blocks,
        {
            body.id: [
                ["Maria S. Almeida", "PERSON"],
                ["Lisbon", "GPE"],
                ["4 May 1899", "DATE", {"type": "DATE", "value": "1899-05-04", "mod": None, "anchor": None}],
            ]
        },
    )
    write_records(out / "gold" / "essay.jsonl", [b.with_meta(status="gold") for b in gold])

    run = run_document(corpus, "essay", out, ["rules"], bootstrap=50)

    pre = read_records(out / "pre" / "essay.jsonl")
    assert [b.id for b in pre] == [b.id for b in blocks]
    dates = [s for b in pre for s in b.spans if s.label == "DATE"]
    assert dates and all(s.date is not None for s in dates)
    assert (out / "reports" / "essay.annotate.md").read_text(encoding="utf-8").startswith("# Pre-annotation report")
    assert (out / "reports" / "essay.eval.rules" / "per_label_f1.png").is_file()
    comparison = (out / "reports" / "essay.evaluation.md").read_text(encoding="utf-8")
    assert "| NER strict F1 |" in comparison
    scores = run.scores["rules"]
    assert scores["ner"]["strict"]["possible"] == 3
    assert 0.0 <= scores["ner"]["strict"]["f1"] <= 1.0
