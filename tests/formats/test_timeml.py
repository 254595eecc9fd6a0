"""TimeML in and out: parse, write, round trip, refusals, conversion to the guidelines."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from serge_corpus.corpus import sha256_text
from serge_corpus.errors import SergeCorpusError
from serge_corpus.formats.timeml import (
    REASON_ARTICLE,
    REASON_PREPOSITION,
    REASON_RANGE,
    REASON_REF,
    REASON_TIME,
    REASON_UNANNOTATED,
    REASON_VALUE,
    TimeMLDocument,
    Timex,
    check_document,
    document_from_records,
    parse_timeml,
    read_timeml,
    timexes_to_spans,
    write_timeml,
)
from serge_corpus.jsonl import validate_rows
from serge_corpus.model import Document
from serge_corpus.segment import segment_document

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "timeml"


@pytest.fixture(scope="module")
def good() -> TimeMLDocument:
    return read_timeml(FIXTURES / "good.tml")


def test_parse_gives_plain_text_and_offsets(good):
    assert good.doc_id == "tiny" and good.dct == "2009-12-19"
    assert good.text.startswith("\n\n\n99_Tiny\n HISTORY ARTICLE \n 2009-12-19T17:00:00 \n\n1919\n\nIn the spring")
    assert "the Poles & the Lithuanians" in good.text  # entity unescaped
    extents = [(t.tid, good.text[t.start : t.end]) for t in good.timexes]
    assert extents == [
        ("t0", "2009-12-19T17:00:00"),
        ("t1", "1919"),
        ("t2", "the spring of 1919"),
        ("t3", "1919"),
        ("t4", "1920"),
        ("t5", "two years"),
        ("t6", "now"),
        ("t7", "August"),
        ("t8", "night"),
    ]
    august = good.timexes[7]
    assert august.attribute("anchorTimeID") == "t4" and august.attribute("temporalFunction") == "true"


def test_write_then_parse_is_the_identity(good):
    again = parse_timeml(write_timeml(good))
    assert again == good


def test_written_markup_has_what_the_tempeval_toolkit_reads(good):
    markup = write_timeml(good)
    assert markup.startswith('<?xml version="1.0" ?>\n<TimeML ')
    assert "<DOCID>tiny</DOCID>" in markup
    assert (
        '<DCT><TIMEX3 tid="t0" type="DATE" value="2009-12-19" temporalFunction="false" '
        'functionInDocument="CREATION_TIME">2009-12-19</TIMEX3></DCT>' in markup
    )
    assert '<TIMEX3 tid="t2" type="DATE" value="1919-SP">the spring of 1919</TIMEX3>' in markup
    assert "Poles &amp; the" in markup


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab <&>\"'\né"), min_size=1, max_size=40), st.data())
def test_round_trip_on_random_text_and_extents(text, data):
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=6))))
    pairs = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if a < b]
    timexes = tuple(Timex(a, b, f"t{i + 1}", "DATE", "1919", None, None) for i, (a, b) in enumerate(pairs))
    doc = TimeMLDocument("rand", text, "2009-12-19", timexes)
    assert parse_timeml(write_timeml(doc)) == doc


@pytest.mark.parametrize(
    ("name", "code", "line"),
    [("nested.tml", "E303", 14), ("malformed.tml", "E301", 14), ("duplicate_tid.tml", "E307", 15)],
)
def test_bad_files_are_refused_with_file_and_line(name, code, line):
    with pytest.raises(SergeCorpusError) as err:
        read_timeml(FIXTURES / name)
    problem = err.value.problems[0]
    assert problem.code == code and problem.line == line and problem.file.endswith(name)


def test_a_document_without_text_is_refused():
    with pytest.raises(SergeCorpusError) as err:
        parse_timeml("<TimeML><DOCID>x</DOCID></TimeML>", "x.tml")
    assert err.value.problems[0].code == "E302"


def test_offsets_outside_the_text_or_overlapping_are_refused():
    with pytest.raises(SergeCorpusError) as err:
        check_document(TimeMLDocument("x", "in 1919", None, (Timex(3, 9, "t1", "DATE", "1919", None, None),)))
    assert err.value.problems[0].code == "E306"
    overlapping = (Timex(0, 5, "t1", "DATE", "1919", None, None), Timex(3, 7, "t2", "DATE", "1919", None, None))
    with pytest.raises(SergeCorpusError) as err:
        write_timeml(TimeMLDocument("x", "in 1919", None, overlapping))
    assert err.value.problems[0].code == "E303"


def test_conversion_to_the_guidelines_counts_every_change(good):
    document = Document(doc_id="tiny", text=good.text, sha256=sha256_text(good.text))
    blocks = segment_document(document)
    assert [b.block for b in blocks] == ["meta", "heading", "body", "body"]
    spans, report = timexes_to_spans(good, blocks)
    found = {b.id: [(s.text, s.date.type, s.date.value, s.date.anchor) for s in spans.get(b.id, [])] for b in blocks}
    assert found[blocks[1].id] == [("1919", "DATE", "1919", None)]
    assert found[blocks[2].id] == [
        ("spring of 1919", "DATE", "1919-21", None),
        ("1919-1920", "INTERVAL", "1919/1920", None),
        ("two years", "DURATION", "P2Y", None),
    ]
    assert found[blocks[3].id] == [("August", "DATE", "1920-08", "1919/1920")]
    counts = report.counts()
    assert counts[REASON_TIME] == 2 and counts[REASON_REF] == 1 and counts[REASON_RANGE] == 2
    assert counts[REASON_ARTICLE] == 1 and counts[REASON_VALUE] == 1
    assert REASON_PREPOSITION not in counts and REASON_UNANNOTATED not in counts
    assert report.actions() == {"changed": 2, "dropped": 3, "kept": 2, "merged": 2}
    records = [b.with_spans(spans.get(b.id, [])).to_dict() for b in blocks]
    assert validate_rows(enumerate(records, 1), sources={"tiny": good.text}) == []


def test_records_back_to_timeml_keep_extents_and_values(good):
    document = Document(doc_id="tiny", text=good.text, sha256=sha256_text(good.text))
    blocks = segment_document(document)
    spans, _ = timexes_to_spans(good, blocks)
    annotated = [b.with_spans(spans.get(b.id, [])) for b in blocks]
    out = parse_timeml(write_timeml(document_from_records(annotated, "tiny", good.text, "2009-12-19")))
    assert out.text == good.text and out.dct == "2009-12-19"
    assert [(out.text[t.start : t.end], t.type, t.value) for t in out.timexes] == [
        ("1919", "DATE", "1919"),
        ("spring of 1919", "DATE", "1919-SP"),
        ("1919-1920", "DATE", "1919"),
        ("two years", "DURATION", "P2Y"),
        ("August", "DATE", "1920-08"),
    ]
    assert dict(out.timexes[2].attributes) == {"beginPoint": "1919", "endPoint": "1920"}


def _corpus_with(tmp_path: Path, text: str) -> Path:
    import json

    root = tmp_path / "corpus"
    root.mkdir()
    (root / "tiny.txt").write_text(text, encoding="utf-8")
    entry = {
        "doc_id": "tiny",
        "path": "tiny.txt",
        "title": "t",
        "author": "t",
        "language": "en",
        "sha256": sha256_text(text),
        "provenance": "tests",
        "licence": "CC0",
        "dct": "2009-12-19",
    }
    (root / "manifest.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    return root


def test_import_and_export_through_the_cli(good, tmp_path):
    from typer.testing import CliRunner

    from serge_corpus.cli import app

    corpus = _corpus_with(tmp_path, good.text)
    runner = CliRunner()
    out = tmp_path / "dates.jsonl"
    result = runner.invoke(
        app, ["import", str(FIXTURES / "good.tml"), "--from", "timeml", "-o", str(out), "--corpus", str(corpus)]
    )
    assert result.exit_code == 0, result.output
    assert "4 records, 5 spans (5 dates) [timeml]" in result.output
    assert f"| {REASON_TIME} | 2 | 2 |" in result.output
    folder = tmp_path / "tml"
    result = runner.invoke(app, ["export", str(out), "--to", "timeml", "-o", str(folder), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    back = read_timeml(folder / "tiny.tml")
    assert back.dct == "2009-12-19" and back.text == good.text and len(back.timexes) == 5


def test_a_tml_whose_text_differs_from_the_corpus_document_is_refused(good, tmp_path):
    from typer.testing import CliRunner

    from serge_corpus.cli import app

    corpus = _corpus_with(tmp_path, good.text.replace("Lithuanians", "Latvians"))
    result = CliRunner().invoke(
        app,
        [
            "import",
            str(FIXTURES / "good.tml"),
            "--from",
            "timeml",
            "-o",
            str(tmp_path / "x.jsonl"),
            "--corpus",
            str(corpus),
            "--source",
            str(corpus / "tiny.txt"),
        ],
    )
    assert result.exit_code == 1
    assert "good.tml:14: E305" in result.output and "Lithuanians fought" in result.output
