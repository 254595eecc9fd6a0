"""Streamed validate, evaluate and export: each document (or shard) equals what the one-file command gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_corpus import tree, write_folder
from typer.testing import CliRunner

from serge_corpus.batch import BatchRun, BatchSettings, EngineSpec, SourceSpec, run_batch
from serge_corpus.cli import app
from serge_corpus.evaluate import evaluate_files
from serge_corpus.formats import export_file
from serge_corpus.jsonl import validate_file

runner = CliRunner()
N = 8


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Predictions (rules backend) of N tiny documents, a gold that drops or relabels some spans, and both
    as one JSONL file of every document's records."""
    root = tmp_path_factory.mktemp("records")
    folder = write_folder(root / "texts", N)
    pred = root / "pred"
    run_batch(BatchRun(source=SourceSpec(folder, "folder"), out_dir=pred, settings=BatchSettings(backend="rules")))
    (pred / "run-summary.json").unlink()
    gold = root / "gold"
    gold.mkdir()
    for i, path in enumerate(sorted(pred.glob("*.jsonl"))):
        lines = []
        for j, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line)
            if record["spans"] and (i + j) % 3 == 0:
                record["spans"] = record["spans"][1:]  # a missed span
            elif (i + j) % 3 == 1:
                for span in record["spans"]:
                    if span["label"] not in ("DATE", "ORG"):
                        span["label"] = "ORG"  # a confusion
                        break
            lines.append(json.dumps(record, ensure_ascii=False))
        (gold / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    all_pred, all_gold = root / "all-pred.jsonl", root / "all-gold.jsonl"
    for folder_, joined in ((pred, all_pred), (gold, all_gold)):
        joined.write_text("".join(p.read_text(encoding="utf-8") for p in sorted(folder_.glob("*.jsonl"))))
    return {"pred": pred, "gold": gold, "all_pred": all_pred, "all_gold": all_gold}


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


# ---------------------------------------------------------------- validate


def test_validate_streams_a_folder_and_lists_every_problem_of_each_file(records, tmp_path):
    folder = tmp_path / "recs"
    folder.mkdir()
    for path in sorted(records["gold"].glob("*.jsonl"))[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    broken = sorted(folder.glob("*.jsonl"))[1]
    lines = broken.read_text().splitlines()
    record = json.loads(lines[0])
    record["offset"] = -1
    record["spans"] = [{"start": 0, "end": 999, "label": "PERSON", "text": "x"}]
    lines[0] = json.dumps(record)
    broken.write_text("\n".join(lines) + "\n\n")

    result = invoke("validate", str(folder), "--summary", str(tmp_path / "summary.json"))
    assert result.exit_code == 1
    expected = [str(p) for p in validate_file(broken)]
    assert len(expected) >= 2
    assert [line for line in result.stderr.splitlines() if ": E0" in line] == expected
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["documents"], summary["processed"], summary["failed"]) == (3, 2, 1)
    assert summary["failures"][0]["problems"] == expected


def test_validate_by_document_gives_the_line_numbers_of_the_whole_file(records, tmp_path):
    lines = records["all_gold"].read_text().splitlines()
    record = json.loads(lines[-1])
    record["offset"] = -1
    lines[-1] = json.dumps(record)
    big = tmp_path / "all.jsonl"
    big.write_text("\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:]) + "\n")  # a blank line shifts the numbers
    whole = [str(p) for p in validate_file(big)]
    assert whole and all(f"{big}:{len(lines) + 1}:" in p for p in whole)

    result = invoke("validate", str(big), "--by-document")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if ": E0" in line] == whole
    assert invoke("validate", str(records["all_gold"]), "--by-document").exit_code == 0


# ---------------------------------------------------------------- evaluate


def strip_paths(result: dict) -> dict:
    return result | {"meta": result["meta"] | {"gold": None, "pred": None}}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_evaluate_streamed_equals_one_file_per_document_and_all_records_pooled(records, tmp_path, workers):
    out = tmp_path / "out"
    gold, pred = records["gold"], records["pred"]
    args = ["evaluate", "--gold", str(gold), "--pred", str(pred), "-o", str(out), "--bootstrap", "50"]
    result = invoke(*args, "--workers", workers)
    assert result.exit_code == 0, result.output
    for path in sorted(gold.glob("*.jsonl")):
        alone = evaluate_files(path, pred / path.name, bootstrap=50)
        assert json.loads((out / f"{path.stem}.json").read_text()) == alone
    pooled = json.loads((out / "pooled.json").read_text())
    everything = evaluate_files(records["all_gold"], records["all_pred"], bootstrap=50)
    assert pooled["ner"]["strict"]["f1"] < 1.0  # the gold differs: a real comparison
    assert strip_paths(pooled) == strip_paths(everything)
    assert pooled["ci"]["metrics"] == everything["ci"]["metrics"]


def test_evaluate_streams_two_jsonl_files_of_many_documents(records, tmp_path):
    out = tmp_path / "out"
    result = invoke("evaluate", "--gold", str(records["all_gold"]), "--pred", str(records["all_pred"]), "-o", str(out))
    assert result.exit_code == 0, result.output
    everything = evaluate_files(records["all_gold"], records["all_pred"])
    assert strip_paths(json.loads((out / "pooled.json").read_text())) == strip_paths(everything)
    assert len(list(out.glob("doc*.json"))) == N


def test_evaluate_reports_documents_without_predictions_or_out_of_order(records, tmp_path):
    pred = tmp_path / "pred"
    pred.mkdir()
    for path in sorted(records["pred"].glob("*.jsonl"))[1:]:
        (pred / path.name).write_bytes(path.read_bytes())
    result = invoke("evaluate", "--gold", str(records["gold"]), "--pred", str(pred), "-o", str(tmp_path / "a"))
    assert result.exit_code == 1
    summary = json.loads((tmp_path / "a" / "run-summary.json").read_text())
    assert [(f["doc_id"], f["code"]) for f in summary["failures"]] == [("doc00000", "E559")]

    lines = records["all_pred"].read_text().splitlines(keepends=True)
    first = [line for line in lines if '"doc00000"' in line]
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("".join([line for line in lines if line not in first] + first))
    result = invoke("evaluate", "--gold", str(records["all_gold"]), "--pred", str(swapped), "-o", str(tmp_path / "b"))
    assert result.exit_code == 1
    summary = json.loads((tmp_path / "b" / "run-summary.json").read_text())
    assert {f["code"] for f in summary["failures"]} == {"E560"}


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["conll", "doccano", "brat"])
def test_export_of_a_folder_writes_what_export_writes_for_each_file(records, tmp_path, fmt):
    out = tmp_path / "out"
    result = invoke("export", str(records["gold"]), "--to", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    for path in sorted(records["gold"].glob("*.jsonl")):
        alone = tmp_path / "alone" / path.stem
        export_file(path, fmt, alone)
        written = out / path.stem
        if fmt != "brat":
            written, alone = written.with_suffix(written.suffix + {"conll": ".conll", "doccano": ".jsonl"}[fmt]), alone
            assert written.read_bytes() == alone.read_bytes()
        else:
            assert tree(written, "*") == tree(alone, "*") and tree(alone, "*")


def test_export_shards_of_a_parquet_file_equal_export_of_their_documents(records, tmp_path):
    shards = tmp_path / "shards"
    run_batch(
        BatchRun(
            source=SourceSpec(records["gold"], "records"),
            out_dir=tmp_path / "parquet",
            settings=BatchSettings(task="export", options={"to": "conll"}),
            shard_size=100,
            shard_format="conll",
        )
    )
    # A Parquet file of records (what `annotate --shard-format parquet` writes), exported in shards of 3 documents.
    import pyarrow as pa
    import pyarrow.parquet as pq

    from serge_corpus.batch.outputs import parquet_schema

    rows = []
    for path in sorted(records["gold"].glob("*.jsonl")):
        for line in path.read_text().splitlines():
            r = json.loads(line)
            rows.append(
                {k: r.get(k) for k in ("doc_id", "id", "block", "section", "offset", "text")} | {"record": line}
            )
    pq.write_table(pa.Table.from_pylist(rows, schema=parquet_schema()), tmp_path / "gold.parquet")
    result = invoke("export", str(tmp_path / "gold.parquet"), "--to", "conll", "-o", str(shards), "--shard-size", "3")
    assert result.exit_code == 0, result.output
    paths = sorted(records["gold"].glob("*.jsonl"))
    assert len(list(shards.glob("shard-*.conll"))) == 3
    for index in range(3):
        joined = tmp_path / f"join{index}.jsonl"
        joined.write_text("".join(p.read_text() for p in paths[3 * index : 3 * index + 3]))
        export_file(joined, "conll", tmp_path / f"join{index}.conll")
        assert (shards / f"shard-{index:05d}.conll").read_bytes() == (tmp_path / f"join{index}.conll").read_bytes()
    assert (tmp_path / "parquet" / "shard-00000.conll").read_bytes() == export_file_bytes(records["all_gold"], tmp_path)


def export_file_bytes(path: Path, tmp_path: Path) -> bytes:
    export_file(path, "conll", tmp_path / "all.conll")
    return (tmp_path / "all.conll").read_bytes()


def test_export_two_workers_write_the_same_bytes_as_one(records, tmp_path):
    for workers in (1, 2):
        run_batch(
            BatchRun(
                source=SourceSpec(records["gold"], "records"),
                out_dir=tmp_path / str(workers),
                settings=BatchSettings(task="export", options={"to": "doccano"}),
                engine=EngineSpec("local", workers=workers),
            )
        )
    assert tree(tmp_path / "1") == tree(tmp_path / "2") and len(tree(tmp_path / "1")) == N


def test_every_streaming_command_takes_the_shared_batch_options():
    for command in ("annotate", "segment", "validate", "evaluate", "export"):
        text = runner.invoke(app, [command, "--help"], terminal_width=200).output
        assert all(option in text for option in ("--workers", "--engine", "--scheduler", "--glob", "--summary"))
    assert "--shard-size" in runner.invoke(app, ["export", "--help"], terminal_width=200).output


def test_bootstrap_draws_do_not_depend_on_how_many_resamples_share_a_product(monkeypatch):
    # Many blocks make the bootstrap take fewer resamples per matrix product (memory); the CIs must not move.
    import numpy as np

    import serge_corpus.evaluate.bootstrap as bootstrap

    counts = np.random.default_rng(1).integers(0, 5, (3000, 4, 3)).astype(float)
    monkeypatch.setattr(bootstrap, "_CELLS", 1 << 40)
    whole = bootstrap._resampled_f1(counts, 700, 0)
    monkeypatch.setattr(bootstrap, "_CELLS", 3000 * 7)
    assert np.array_equal(bootstrap._resampled_f1(counts, 700, 0), whole)


def test_a_folder_without_record_files_is_an_error_not_an_empty_success(tmp_path):
    (tmp_path / "notes.txt").write_text("not records\n")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "E561" in result.output


def test_per_document_outputs_get_the_mode_a_plain_write_gives(records, tmp_path):
    # The temp files they are renamed from are private (0600); shared storage needs the usual mode.
    from serge_corpus.jsonl import current_umask

    expected = 0o666 & ~current_umask()
    run_batch(
        BatchRun(
            source=SourceSpec(write_folder(tmp_path / "in", 2), "folder"),
            out_dir=tmp_path / "seg",
            settings=BatchSettings(task="segment"),
        )
    )
    invoke("export", str(records["gold"]), "--to", "conll", "-o", str(tmp_path / "conll"))
    invoke("evaluate", "--gold", str(records["gold"]), "--pred", str(records["pred"]), "-o", str(tmp_path / "ev"))
    written = [
        *(tmp_path / "seg").glob("doc*.jsonl"),
        *(tmp_path / "conll").glob("*.conll"),
        *(tmp_path / "ev").glob("doc*"),
    ]
    assert len(written) == 2 + 2 * N
    assert {p.stat().st_mode & 0o777 for p in written} == {expected}


# ---------------------------------------------------------------- resuming evaluate -o and export


def copy_folder(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.jsonl")):
        (target / path.name).write_bytes(path.read_bytes())
    return target


def outputs(folder: Path) -> dict[str, bytes]:
    """Every file written, the hidden state included (the run summary aside: it holds timings)."""
    return {name: data for name, data in tree(folder, "**/*").items() if name != "run-summary.json"}


def drop_a_span(path: Path) -> None:
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        record = json.loads(line)
        if record["spans"]:
            record["spans"] = record["spans"][:-1]
            lines[i] = json.dumps(record, ensure_ascii=False)
            break
    path.write_text("\n".join(lines) + "\n")


def test_evaluate_rerun_skips_up_to_date_documents_and_pools_their_counts_from_disk(records, tmp_path):
    gold, pred = records["gold"], copy_folder(records["pred"], tmp_path / "pred")
    out, clean = tmp_path / "out", tmp_path / "clean"
    args = ["--gold", str(gold), "--pred", str(pred), "--bootstrap", "50"]
    assert invoke("evaluate", *args, "-o", str(out)).exit_code == 0
    first = outputs(out)
    assert invoke("evaluate", *args, "-o", str(out)).exit_code == 0
    summary = json.loads((out / "run-summary.json").read_text())
    assert (summary["processed"], summary["skipped"]) == (0, N)
    assert outputs(out) == first  # pooled from the counts on disk: the same bytes

    # Change one document's predictions and lose another's result: those two are redone, in document order.
    names = sorted(p.name for p in pred.glob("*.jsonl"))
    drop_a_span(pred / names[2])
    (out / names[5].replace(".jsonl", ".json")).unlink()
    assert invoke("evaluate", *args, "-o", str(out)).exit_code == 0
    summary = json.loads((out / "run-summary.json").read_text())
    assert (summary["processed"], summary["skipped"]) == (2, N - 2)
    assert invoke("evaluate", *args, "-o", str(clean)).exit_code == 0
    assert outputs(out)["pooled.json"] != first["pooled.json"]  # the change shows
    assert outputs(out) == outputs(clean)  # per-document results and pooled.json, CIs included, byte for byte

    # Other settings redo everything; so does --force.
    assert invoke("evaluate", *args[:-1], "20", "-o", str(out)).exit_code == 0
    assert json.loads((out / "run-summary.json").read_text())["processed"] == N
    assert invoke("evaluate", *args[:-1], "20", "-o", str(out), "--force").exit_code == 0
    assert json.loads((out / "run-summary.json").read_text())["skipped"] == 0


def test_evaluate_of_two_jsonl_files_resumes_too(records, tmp_path):
    out = tmp_path / "out"
    args = ["evaluate", "--gold", str(records["all_gold"]), "--pred", str(records["all_pred"]), "-o", str(out)]
    assert invoke(*args).exit_code == 0
    first = outputs(out)
    assert invoke(*args).exit_code == 0
    assert json.loads((out / "run-summary.json").read_text())["skipped"] == N
    assert outputs(out) == first


@pytest.mark.parametrize("fmt", ["conll", "brat"])
def test_export_rerun_skips_up_to_date_documents(records, tmp_path, fmt):
    source, out = copy_folder(records["gold"], tmp_path / "gold"), tmp_path / "out"
    args = ["export", str(source), "--to", fmt, "-o", str(out)]
    assert invoke(*args).exit_code == 0
    first = outputs(out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != "run-summary.json"}
    assert invoke(*args).exit_code == 0
    summary = json.loads((out / "run-summary.json").read_text())
    assert (summary["processed"], summary["skipped"]) == (0, N)
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing rewritten

    name = sorted(source.glob("*.jsonl"))[3].name
    drop_a_span(source / name)
    assert invoke(*args).exit_code == 0
    assert json.loads((out / "run-summary.json").read_text())["processed"] == 1
    clean = tmp_path / "clean"
    assert invoke("export", str(source), "--to", fmt, "-o", str(clean)).exit_code == 0
    assert outputs(out) == outputs(clean) != first
    assert invoke(*args, "--force").exit_code == 0
    assert json.loads((out / "run-summary.json").read_text())["processed"] == N


def test_a_corpus_given_to_a_records_command_is_a_catalogue_error(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manifest.json").write_text('{"documents": []}')
    for args in (
        ["export", str(corpus), "--to", "conll", "-o", str(tmp_path / "o")],
        ["evaluate", "--gold", str(corpus), "--pred", str(corpus), "-o", str(tmp_path / "e")],
    ):
        result = invoke(*args)
        assert result.exit_code != 0 and "E569" in result.output and str(corpus) in result.output


# ---------------------------------------------------------------- validate: record ids across documents


def test_validate_finds_a_record_id_reused_by_another_document_naming_both_places(records, tmp_path):
    folder = copy_folder(records["gold"], tmp_path / "recs")
    first = sorted(folder.glob("*.jsonl"))[0]
    copy = folder / "zz-copy.jsonl"  # the same document's records twice: a shard copied into the run again
    copy.write_bytes(first.read_bytes())
    lines = len(first.read_text().splitlines())

    result = invoke("validate", str(folder), "--summary", str(tmp_path / "summary.json"))
    assert result.exit_code == 1
    reported = [line for line in result.stderr.splitlines() if "E568" in line]
    assert len(reported) == lines
    assert reported[0].startswith(f"{copy}:1: record ") and f"at {first}:1)" in reported[0]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["documents"], summary["processed"], summary["failed"]) == (N + 1, N, 1)
    assert summary["failures"][0]["doc_id"] == "zz-copy" and summary["failures"][0]["code"] == "E568"


def test_validate_by_document_finds_an_id_reused_in_a_later_document_where_validate_file_does(records, tmp_path):
    lines = records["all_gold"].read_text().splitlines()
    reused = json.loads(lines[1])["id"]  # a record of the first document
    record = json.loads(lines[-1])
    record["id"] = reused
    lines[-1] = json.dumps(record)
    big = tmp_path / "all.jsonl"
    big.write_text("\n".join(lines) + "\n")
    whole = [p for p in validate_file(big) if p.code == "E014"]  # the whole file at once: the same line
    assert [(p.line, p.record_id) for p in whole] == [(len(lines), reused)]

    result = invoke("validate", str(big), "--by-document")
    assert result.exit_code == 1
    reported = [line for line in result.stderr.splitlines() if ": E" in line and "E558" not in line]
    assert len(reported) == 1 and reported[0].startswith(f"{big}:{len(lines)}: record {reused}: field id: E568")
    assert f"at {big}:2)" in reported[0]


def test_ids_that_only_share_a_hash_are_not_reported(records, tmp_path, monkeypatch):
    import numpy as np

    from serge_corpus.batch import record_ids

    monkeypatch.setattr(record_ids, "id_hashes", lambda ids: np.array([7] if list(ids) else [], dtype=np.uint64))
    monkeypatch.setattr(record_ids, "_CHUNK", 3)  # many chunks: their joining is exercised too
    result = invoke("validate", str(records["gold"]))
    assert result.exit_code == 0, result.output


def test_the_id_register_finds_hashes_held_by_two_documents_only():
    import numpy as np

    from serge_corpus.batch.record_ids import IdRegister, id_hashes

    register = IdRegister()
    documents = [["a:1", "a:2"], ["b:1", "a:2"], ["c:1"], ["c:1", "d:1", "b:1"]]
    for index, ids in enumerate(documents):
        register.add(index, id_hashes(ids))
    shared = register.shared()
    expected = {int(id_hashes([i])[0]): docs for i, docs in (("a:2", {0, 1}), ("b:1", {1, 3}), ("c:1", {2, 3}))}
    assert shared == expected
    assert len(id_hashes(["x", "x", "y"])) == 2 and id_hashes([]).dtype == np.uint64
