"""Batch runs in this process: inputs, layouts, resume, failures, and equality across worker counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_corpus import texts, tree, write_folder, write_jsonl
from typer.testing import CliRunner

from serge_corpus.annotate import annotate
from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, SourceSpec, read_shard_lines, run_batch
from serge_corpus.batch.inputs import source_kind
from serge_corpus.batch.runner import batch_size
from serge_corpus.cli import app
from serge_corpus.corpus import sha256_text
from serge_corpus.errors import SergeCorpusError
from serge_corpus.jsonl import read_records
from serge_corpus.model import Document

RULES = BatchSettings(backend="rules")
runner = CliRunner()


def run(source: Path, out: Path, **kwargs: object) -> object:
    kind = source_kind(source)
    assert kind is not None
    return run_batch(BatchRun(source=SourceSpec(source, kind), out_dir=out, **kwargs))  # type: ignore[arg-type]


def test_each_document_gets_what_annotate_gives_it(tmp_path):
    folder = write_folder(tmp_path / "in", 5)
    summary = run(folder, tmp_path / "out", settings=RULES)
    assert (summary.documents, summary.processed, summary.failed) == (5, 5, 0)
    for doc_id, text in texts(5):
        written = read_records(tmp_path / "out" / f"{doc_id}.jsonl")
        direct = annotate(Document(doc_id, text, sha256_text(text)), ner="rules").blocks
        assert [b.to_dict() | {"meta": {}} for b in written] == [b.to_dict() | {"meta": {}} for b in direct]
        assert written[0].meta["source_sha256"] == sha256_text(text)
        assert written[0].meta["ner"] == "rules"
        assert written[0].meta["settings"] == RULES.__class__(backend="rules").fingerprint()


@pytest.mark.slow
def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    folder = write_folder(tmp_path / "in", 24)
    run(folder, tmp_path / "one", settings=RULES)
    summary = run(folder, tmp_path / "two", settings=RULES, engine=EngineSpec("local", workers=2))
    assert summary.processed == 24
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    assert len(tree(tmp_path / "one")) == 24


def test_jsonl_and_parquet_inputs_give_the_folder_output(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = write_folder(tmp_path / "in", 6)
    records = write_jsonl(tmp_path / "docs.jsonl", 6)
    rows = [json.loads(line) for line in records.read_text().splitlines()]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "docs.parquet")
    for name, source in (("folder", folder), ("jsonl", records), ("parquet", tmp_path / "docs.parquet")):
        run(source, tmp_path / name, settings=RULES)
    assert tree(tmp_path / "folder") == tree(tmp_path / "jsonl") == tree(tmp_path / "parquet")


def test_recursive_folder_with_glob_names_documents_by_relative_path(tmp_path):
    folder = write_folder(tmp_path / "in" / "1925", 2)
    (folder / "notes.md").write_text("Serge left Paris in 1926.\n")
    summary = run_batch(
        BatchRun(
            source=SourceSpec(tmp_path / "in", "folder", glob="**/*.txt"), out_dir=tmp_path / "out", settings=RULES
        )
    )
    assert summary.documents == 2
    assert sorted(tree(tmp_path / "out")) == ["1925/doc00000.jsonl", "1925/doc00001.jsonl"]
    assert read_records(tmp_path / "out" / "1925" / "doc00000.jsonl")[0].doc_id == "1925/doc00000"


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_shards_hold_every_record_in_input_order_and_resume(tmp_path, fmt):
    folder = write_folder(tmp_path / "in", 7)
    run(folder, tmp_path / "docs", settings=RULES)
    summary = run(folder, tmp_path / "shards", settings=RULES, shard_size=3, shard_format=fmt)
    assert summary.processed == 7
    shards = sorted((tmp_path / "shards").glob(f"shard-*.{fmt}"))
    assert [p.name for p in shards] == [f"shard-0000{i}.{fmt}" for i in range(3)]
    per_document = "".join(tree(tmp_path / "docs")[f"doc{i:05d}.jsonl"].decode() for i in range(7))
    assert "".join(line + "\n" for p in shards for line in read_shard_lines(p)) == per_document
    again = run(folder, tmp_path / "shards", settings=RULES, shard_size=3, shard_format=fmt)
    assert (again.processed, again.skipped) == (0, 7)
    (folder / "doc00004.txt").write_text("Serge died in Mexico City in 1947.\n")
    changed = run(folder, tmp_path / "shards", settings=RULES, shard_size=3, shard_format=fmt)
    assert (changed.processed, changed.skipped) == (3, 4)  # the shard holding doc00004 is redone


def test_rerun_skips_what_is_up_to_date(tmp_path):
    folder = write_folder(tmp_path / "in", 6)
    out = tmp_path / "out"
    run(folder, out, settings=RULES)
    first = tree(out)
    again = run(folder, out, settings=RULES)
    assert (again.processed, again.skipped) == (0, 6)
    (folder / "doc00002.txt").write_text("Serge died in Mexico City in 1947.\n")
    changed = run(folder, out, settings=RULES)
    assert (changed.processed, changed.skipped) == (1, 5)
    assert read_records(out / "doc00002.jsonl")[0].text == "Serge died in Mexico City in 1947."
    other = run(folder, out, settings=BatchSettings(task="segment"))
    assert other.processed == 6  # other settings: nothing is up to date
    forced = run(folder, out, settings=BatchSettings(task="segment"), force=True)
    assert forced.processed == 6
    assert set(tree(out)) == set(first)


def test_failing_documents_are_reported_and_stop_nothing(tmp_path):
    folder = write_folder(tmp_path / "in", 3)
    (folder / "latin1.txt").write_bytes("Serge à Paris\n".encode("latin-1"))
    (folder / "empty.txt").write_text("")
    (folder / "huge.txt").write_text("Serge. " * 2000)
    summary = run(folder, tmp_path / "out", settings=BatchSettings(backend="rules", max_bytes=10_000))
    assert (summary.processed, summary.failed) == (3, 3)
    report = json.loads((tmp_path / "out" / "run-summary.json").read_text())
    reasons = {Path(f["origin"]).name: f["code"] for f in report["failures"]}
    assert reasons == {"latin1.txt": "E002", "empty.txt": "E005", "huge.txt": "E550"}
    assert all(str(folder) in f["message"] for f in report["failures"])
    assert sorted(tree(tmp_path / "out")) == ["doc00000.jsonl", "doc00001.jsonl", "doc00002.jsonl"]


def test_dask_batches_grow_with_the_corpus_but_leave_each_worker_thread_sixteen(tmp_path):
    def size(engine: EngineSpec, documents: int | None = None, batch_docs: int | None = None, slots: int = 2) -> int:
        source = SourceSpec(tmp_path, "folder")
        return batch_size(BatchRun(source, tmp_path, engine=engine, documents=documents, batch_docs=batch_docs), slots)

    assert size(EngineSpec("local", 2), 10_000) == 16
    assert size(EngineSpec("dask", 2), 100) == 16
    assert size(EngineSpec("dask", 2), 1_000) == 31  # 1,000 // (16 x 2)
    assert size(EngineSpec("dask", 2), 10_000) == 64
    assert size(EngineSpec("dask", 2)) == 64  # the count unknown (a JSONL of records)
    assert size(EngineSpec("dask"), 1_000, slots=8) == 16
    assert size(EngineSpec("dask", 2), 10_000, batch_docs=5) == 5
    with pytest.raises(SergeCorpusError, match="E556"):
        run(write_folder(tmp_path / "in", 1), tmp_path / "out", settings=RULES, batch_docs=0)


def test_any_batch_size_writes_the_same_bytes_and_names_each_failing_document(tmp_path, monkeypatch):
    import serge_corpus.annotate as annotate_module

    folder = write_folder(tmp_path / "in", 10)
    (folder / "doc00003.txt").write_text("")  # fails when read
    (folder / "doc00006.txt").write_text("POISON arrived in Paris on 1 May 1925.\n")  # fails when annotated
    real = annotate_module.annotate_blocks

    def poisoned(blocks, **kwargs):  # type: ignore[no-untyped-def]
        if any("POISON" in b.text for b in blocks):
            raise RuntimeError("poisoned block")
        return real(blocks, **kwargs)

    monkeypatch.setattr(annotate_module, "annotate_blocks", poisoned)
    summaries = {n: run(folder, tmp_path / f"out{n}", settings=RULES, batch_docs=n) for n in (1, 4, 64)}
    outputs = {n: tree(tmp_path / f"out{n}") for n in summaries}
    assert outputs[1] == outputs[4] == outputs[64]
    assert sorted(outputs[64]) == [f"doc{i:05d}.jsonl" for i in range(10) if i not in (3, 6)]
    for summary in summaries.values():
        assert (summary.processed, summary.failed) == (8, 2)
        failures = [(Path(f["origin"]).name, f["code"]) for f in summary.failures]
        assert failures == [("doc00003.txt", "E005"), ("doc00006.txt", "E555")]
        assert "poisoned block" in summary.failures[1]["detail"]


def test_bad_records_of_a_jsonl_source_are_failures_with_their_line(tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text(
        '{"id": "a", "text": "Serge lived in Paris."}\n'
        '{"id": "b"}\n'
        "{not json\n"
        '{"id": "a", "text": "Again."}\n'
        '{"id": "../up", "text": "Escape."}\n'
        '{"id": "c", "text": "Line one.\\r\\nLine two."}\n'
    )
    summary = run(source, tmp_path / "out", settings=RULES)
    codes = {f["origin"].rsplit(":", 1)[1]: f["code"] for f in summary.failures}
    assert codes == {"2": "E552", "3": "E010", "4": "E551", "5": "E554", "6": "E004"}
    assert sorted(tree(tmp_path / "out")) == ["a.jsonl"]


def test_cli_exit_status_says_whether_any_document_failed(tmp_path):
    folder = write_folder(tmp_path / "in", 2)
    ok = runner.invoke(app, ["annotate", str(folder), "-o", str(tmp_path / "out"), "--ner", "rules"])
    assert ok.exit_code == 0, ok.output
    assert "2 processed, 0 up to date, 0 failed of 2 documents" in ok.output
    (folder / "empty.txt").write_text("   \n")
    bad = runner.invoke(app, ["annotate", str(folder), "-o", str(tmp_path / "out"), "--ner", "rules"])
    assert bad.exit_code == 1
    assert "0 processed, 2 up to date, 1 failed of 3 documents" in bad.output
    assert f"{folder / 'empty.txt'}: E005" in bad.output
    assert "E558" in bad.output


def test_cli_segment_runs_a_folder_into_shards(tmp_path):
    folder = write_folder(tmp_path / "in", 4)
    result = runner.invoke(app, ["segment", str(folder), "-o", str(tmp_path / "out"), "--shard-size", "2"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for p in sorted((tmp_path / "out").glob("shard-*.jsonl")) for line in read_shard_lines(p)]
    assert {r["doc_id"] for r in lines} == {f"doc{i:05d}" for i in range(4)}
    assert all(r["meta"]["status"] == "segmented" for r in lines)


def test_bad_options_are_catalogue_errors(tmp_path):
    folder = write_folder(tmp_path / "in", 1)
    result = runner.invoke(
        app, ["annotate", str(folder), "-o", str(tmp_path / "o"), "--ner", "rules", "--workers", "0"]
    )
    assert result.exit_code == 1 and "E556" in result.output
    result = runner.invoke(
        app, ["annotate", str(folder), "-o", str(tmp_path / "o"), "--ner", "rules", "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 1 and "E556" in result.output
