"""The leak check: a planted sentence of the withheld text is caught in every file kind, decoded."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from builders import ESSAY, WIKI, Project
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.errors import SergeCorpusError
from serge_corpus.publish import find_leaks, publish

runner = CliRunner()
PLANTED = "The manuscript travelled to New York with friends who kept it safe"
WITHHELD = {"essay": ESSAY}


def parquet_bytes(texts: list[str]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = io.BytesIO()
    pq.write_table(pa.table({"tokens": [t.split() for t in texts]}), buffer, compression="zstd")
    return buffer.getvalue()


def docbin_bytes(text: str) -> bytes:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    return DocBin(docs=[nlp(text)]).to_bytes()


def test_planted_sentence_is_caught_in_parquet_and_docbin():
    files = {"data/x.parquet": parquet_bytes(["nothing here", PLANTED]), "spacy/x.spacy": docbin_bytes(PLANTED)}
    # Both are compressed: a byte scan would see nothing.
    assert PLANTED.encode() not in files["data/x.parquet"] and PLANTED.encode() not in files["spacy/x.spacy"]
    leaks = find_leaks(files, WITHHELD)
    assert [(leak.file, leak.doc_id) for leak in leaks] == [("data/x.parquet", "essay"), ("spacy/x.spacy", "essay")]


def test_seven_words_pass_eight_are_caught_case_and_punctuation_aside():
    seven = "the manuscript travelled to new york with"
    assert find_leaks({"a.txt": seven.encode()}, WITHHELD) == []
    eight = "THE manuscript, travelled — to New-York with FRIENDS"
    assert [leak.count for leak in find_leaks({"a.txt": eight.encode()}, WITHHELD)] == [1]
    escaped = json.dumps({"t": "Victor Serge wrote the novel in Mexico between 1940"}, ensure_ascii=True)
    assert find_leaks({"a.json": escaped.encode()}, WITHHELD)[0].doc_id == "essay"


def test_publish_refuses_and_writes_nothing_when_a_shared_text_quotes_the_withheld_one(tmp_path):
    project = Project(tmp_path / "p")
    project.write(wiki=WIKI.replace("on the hills north of Verdun.", f"on the hills north of Verdun. {PLANTED}."))
    with pytest.raises(SergeCorpusError) as err:
        publish(tmp_path / "release", **project.options())
    codes = {p.code for p in err.value.problems}
    files = {Path(p.file or "").relative_to(tmp_path / "release").as_posix() for p in err.value.problems}
    assert codes == {"E504"}
    assert {
        "data/text/test-00000-of-00001.parquet",
        "spacy/test.spacy",
        "conll/test.conll",
        "jsonl/wiki.jsonl",
    } <= files
    assert not (tmp_path / "release").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["p"]  # no staging folder left either


def test_check_finds_a_file_planted_after_publishing(released, tmp_path):
    project, release = released
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    args = ["publish", "--check", str(copy), "--corpus", str(project.corpus)]
    assert runner.invoke(app, args).exit_code == 0
    (copy / "data" / "annotations" / "extra.parquet").write_bytes(parquet_bytes([PLANTED]))
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "extra.parquet" in result.output and "E504" in result.output and "E509" in result.output
