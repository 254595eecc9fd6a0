"""The validator: each error kind is caught with file, line, record id and field."""

import copy
import json
from pathlib import Path

import pytest

from serge_corpus.corpus import load_corpus
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import read_records, validate_file, write_records, write_rows
from serge_corpus.model import Block, DateValue, Span
from serge_corpus.segment import segment_document

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "corpus")


@pytest.fixture(scope="module")
def good_rows(corpus):
    """Segmented afterword with a few valid spans on the body block that holds a birth date."""
    blocks = segment_document(corpus.load("serge-afterword"))
    rows = [b.to_dict() for b in blocks]
    target = next(r for r in rows if "December 30, 1890" in r["text"])
    text = target["text"]
    start = text.index("December 30, 1890")
    target["spans"] = [
        {"start": 0, "end": 12, "label": "PERSON", "text": text[0:12]},
        {
            "start": start,
            "end": start + 17,
            "label": "DATE",
            "text": "December 30, 1890",
            "date": {"type": "DATE", "value": "1890-12-30", "mod": None, "anchor": None},
        },
    ]
    return rows


def write(tmp_path: Path, rows) -> Path:
    path = tmp_path / "records.jsonl"
    write_rows(path, rows)
    return path


def problems_for(tmp_path, rows, corpus):
    return validate_file(write(tmp_path, rows), corpus.sources())


def body_index(rows) -> int:
    return next(i for i, r in enumerate(rows) if r["spans"])


def test_valid_file_has_no_problems_and_round_trips(tmp_path, good_rows, corpus):
    path = write(tmp_path, good_rows)
    assert validate_file(path, corpus.sources()) == []
    blocks = read_records(path, corpus.sources())
    again = tmp_path / "again.jsonl"
    write_records(again, blocks)
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def corrupt(rows, mutate):
    rows = copy.deepcopy(rows)
    i = body_index(rows)
    mutate(rows[i])
    return rows, i + 1  # JSONL line number


CASES = {
    "E012": (lambda r: r.pop("text"), "text"),
    "E013": (lambda r: r.__setitem__("offset", "12"), "offset"),
    "E020": (lambda r: r.__setitem__("block", "paragraph"), "block"),
    "E021": (lambda r: r.__setitem__("offset", r["offset"] + 1), "text"),
    "E022": (lambda r: r["meta"].__setitem__("source_sha256", "f" * 64), "meta.source_sha256"),
    "E030": (lambda r: r["spans"][0].__setitem__("end", 10**6), "spans[0].start/end"),
    "E031": (lambda r: r["spans"][0].__setitem__("text", "Victor Sergio"), "spans[0].text"),
    "E032": (lambda r: r["spans"][0].__setitem__("label", "PER"), "spans[0].label"),
    "E033": (
        lambda r: r["spans"].append({"start": 7, "end": 12, "label": "PERSON", "text": r["text"][7:12]}),
        "spans[2]",
    ),
    "E034": (
        lambda r: r["spans"][0].update(end=13, text=r["text"][0:13]),
        "spans[0].start/end",
    ),
    "E040": (lambda r: r["spans"][1].pop("date"), "spans[1].date"),
    "E041": (lambda r: r["spans"][0].__setitem__("date", {"type": "DATE", "value": "1890"}), "spans[0].date"),
    "E042": (lambda r: r["spans"][1]["date"].__setitem__("type", "TIME"), "spans[1].date.type"),
    "E043": (lambda r: r["spans"][1]["date"].__setitem__("value", "1890-13-45"), "spans[1].date.value"),
    "E044": (
        lambda r: r["spans"][1]["date"].update(type="DURATION", value="5 years"),
        "spans[1].date.value",
    ),
    "E045": (lambda r: r["spans"][1]["date"].__setitem__("mod", "EARLY"), "spans[1].date.mod"),
    "E046": (lambda r: r["spans"][1]["date"].__setitem__("anchor", "last year"), "spans[1].date.anchor"),
    "E047": (lambda r: r["spans"][1]["date"].__setitem__("value", "1890/1891"), "spans[1].date.value"),
    "E050": (lambda r: r.__setitem__("sentences", [[5, 3]]), "sentences[0]"),
    "E051": (lambda r: r.__setitem__("tokens", [[0, 5], [3, 8]]), "tokens[1]"),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_error_kind_is_located(tmp_path, good_rows, corpus, code):
    mutate, field = CASES[code]
    rows, line = corrupt(good_rows, mutate)
    problems = problems_for(tmp_path, rows, corpus)
    matching = [p for p in problems if p.code == code]
    assert matching, f"{code} not reported; got {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.line == line
    assert problem.field == field
    assert problem.record_id == rows[line - 1].get("id")
    assert str(problem).startswith(f"{tmp_path / 'records.jsonl'}:{line}: ")


def test_span_with_quotes_is_rejected(tmp_path, good_rows, corpus):
    rows = copy.deepcopy(good_rows)
    record = next(r for r in rows if "“War Communism”" in r["text"])
    start = record["text"].index("“War Communism”")
    record["spans"] = [{"start": start, "end": start + 15, "label": "EVENT", "text": "“War Communism”"}]
    assert [p.code for p in problems_for(tmp_path, rows, corpus)] == ["E036"]


def test_spans_in_boilerplate_are_rejected(tmp_path, good_rows, corpus):
    rows = copy.deepcopy(good_rows)
    record = rows[-1]
    assert record["block"] == "boilerplate"
    record["spans"] = [{"start": 4, "end": 9, "label": "PERSON", "text": record["text"][4:9]}]
    assert "E035" in [p.code for p in problems_for(tmp_path, rows, corpus)]


def test_all_problems_of_a_file_are_reported_at_once(tmp_path, good_rows, corpus):
    rows = copy.deepcopy(good_rows)
    rows[0]["block"] = "nonsense"
    rows[1]["offset"] = -5
    rows[2]["id"] = rows[3]["id"]
    codes = {(p.code, p.line) for p in problems_for(tmp_path, rows, corpus)}
    assert {("E020", 1), ("E030", 2), ("E014", 4)} <= codes


def test_bad_json_lines_are_each_reported(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a"}\n{not json\n\n[1, 2\n', encoding="utf-8")
    problems = validate_file(path)
    assert [(p.code, p.line) for p in problems] == [("E010", 2), ("E010", 4)]


def test_non_object_record(tmp_path):
    path = tmp_path / "list.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    assert [(p.code, p.line) for p in validate_file(path)] == [("E011", 1)]


def test_read_records_raises_with_every_problem(tmp_path, good_rows, corpus):
    rows, line = corrupt(good_rows, lambda r: r["spans"][0].__setitem__("label", "PER"))
    with pytest.raises(SergeCorpusError) as err:
        read_records(write(tmp_path, rows), corpus.sources())
    assert [p.code for p in err.value.problems] == ["E032"]


def test_unknown_fields_survive_a_round_trip(tmp_path):
    block = Block.from_dict(
        {
            "id": "d:1",
            "doc_id": "d",
            "block": "body",
            "section": 1,
            "offset": 0,
            "text": "Lenin spoke in 1917.",
            "sentences": [[0, 20]],
            "spans": [
                {"start": 0, "end": 5, "label": "PERSON", "text": "Lenin", "source": "spacy"},
                {
                    "start": 15,
                    "end": 19,
                    "label": "DATE",
                    "text": "1917",
                    "date": {"type": "DATE", "value": "1917", "mod": None, "anchor": None, "certainty": 0.9},
                },
            ],
            "meta": {"status": "pre"},
            "reviewed_by": ["ana"],
        }
    )
    assert block.extra == {"reviewed_by": ["ana"]}
    assert block.spans[0].extra == {"source": "spacy"}
    assert block.spans[1].date == DateValue("DATE", "1917")
    assert block.spans[1].date.extra == {"certainty": 0.9}
    path = tmp_path / "one.jsonl"
    write_records(path, [block])
    assert json.loads(path.read_text(encoding="utf-8"))["reviewed_by"] == ["ana"]
    assert read_records(path)[0].to_dict() == block.to_dict()


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "keep.jsonl"
    write_rows(path, [{"a": 1}])

    def rows():
        yield {"a": 2}
        raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        write_rows(path, rows())
    assert path.read_text(encoding="utf-8") == '{"a": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]


def test_span_helpers():
    a, b = Span(0, 5, "PERSON", "Lenin"), Span(4, 9, "GPE", "nowhe")
    assert a.overlaps(b) and not a.overlaps(Span(5, 9, "GPE", "x"))
