"""A corpus manifest as a batch source: each document keeps its manifest metadata (dct, date_mode)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_corpus import tree
from typer.testing import CliRunner

from serge_corpus.annotate import annotate
from serge_corpus.batch import BatchRun, BatchSettings, SourceSpec, run_batch
from serge_corpus.batch.inputs import source_kind
from serge_corpus.cli import app
from serge_corpus.corpus import load_corpus, sha256_text
from serge_corpus.jsonl import read_records

RULES = BatchSettings(backend="rules")
NEWS = "The minister resigned yesterday. Talks resume next week, on Monday.\n"
DOCS = (  # doc_id, text, dct, date_mode
    ("news-a", NEWS, "2013-03-15", "news"),
    ("news-b", NEWS, "2020-07-01", None),  # news is the default mode
    ("story", NEWS, "2013-03-15", "narrative"),  # a narrative's DCT resolves nothing (D168)
    ("undated", "Victor Serge arrived in Paris on 1 May 1925. He left the next day.\n", None, None),
)


def write_corpus(folder: Path, docs: tuple = DOCS, name: str = "manifest.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for doc_id, text, dct, mode in docs:
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        entry = {
            **{field: "x" for field in ("title", "author", "provenance", "licence")},
            "doc_id": doc_id,
            "path": f"{doc_id}.txt",
            "language": "en",
            "sha256": sha256_text(text),
            "dct": dct,
        }
        entries.append(entry | ({"date_mode": mode} if mode else {}))
    manifest = folder / name
    manifest.write_text(json.dumps({"documents": entries}, indent=1), encoding="utf-8")
    return manifest


def dates(path: Path) -> list[tuple[str, str | None]]:
    return [
        (s.text, s.date.value if s.date else None) for b in read_records(path) for s in b.spans if s.label == "DATE"
    ]


def without_settings(path: Path) -> list[dict]:
    return [b.to_dict() | {"meta": {k: v for k, v in b.meta.items() if k != "settings"}} for b in read_records(path)]


@pytest.mark.parametrize("given", ["folder", "manifest"])
def test_each_corpus_document_gets_what_annotate_gives_it_with_its_manifest_dct(tmp_path, given):
    manifest = write_corpus(tmp_path / "corpus", name="manifest.json" if given == "folder" else "my-corpus.json")
    source = manifest.parent if given == "folder" else manifest
    assert source_kind(source) == "corpus"
    out = tmp_path / "out"
    summary = run_batch(BatchRun(source=SourceSpec(source, "corpus"), out_dir=out, settings=RULES))
    assert (summary.processed, summary.failed) == (len(DOCS), 0)
    corpus = load_corpus(source)
    for doc_id, *_ in DOCS:
        alone = annotate(corpus.load(doc_id), ner="rules").blocks
        assert without_settings(out / f"{doc_id}.jsonl") == [b.to_dict() for b in alone]
    # The metadata made a difference: a real comparison.
    assert ("yesterday", "2013-03-14") in dates(out / "news-a.jsonl")
    assert ("yesterday", "2020-06-30") in dates(out / "news-b.jsonl")
    assert ("yesterday", None) in dates(out / "story.jsonl")


def test_a_new_manifest_dct_redoes_that_document_only_and_shards_follow(tmp_path):
    manifest = write_corpus(tmp_path / "corpus")
    out, shards = tmp_path / "out", tmp_path / "shards"
    for target, size in ((out, None), (shards, 2)):
        run_batch(
            BatchRun(source=SourceSpec(manifest.parent, "corpus"), out_dir=target, settings=RULES, shard_size=size)
        )
    data = json.loads(manifest.read_text())
    data["documents"][1]["dct"] = "2021-01-10"
    manifest.write_text(json.dumps(data))
    again = run_batch(BatchRun(source=SourceSpec(manifest.parent, "corpus"), out_dir=out, settings=RULES))
    assert (again.processed, again.skipped) == (1, len(DOCS) - 1)
    assert ("yesterday", "2021-01-09") in dates(out / "news-b.jsonl")
    resharded = run_batch(
        BatchRun(source=SourceSpec(manifest.parent, "corpus"), out_dir=shards, settings=RULES, shard_size=2)
    )
    assert (resharded.processed, resharded.skipped) == (2, 2)  # the shard of news-b only


def test_jsonl_records_carry_their_own_dct_and_a_bad_one_fails_that_document(tmp_path):
    source = tmp_path / "docs.jsonl"
    rows = [
        {"id": "a", "text": NEWS, "dct": "2013-03-15"},
        {"id": "b", "text": NEWS, "dct": "2013-03-15", "date_mode": "narrative"},
        {"id": "c", "text": NEWS, "dct": "15 March 2013"},
        {"id": "d", "text": NEWS, "date_mode": "poetry"},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = run_batch(BatchRun(source=SourceSpec(source, "jsonl"), out_dir=tmp_path / "out", settings=RULES))
    assert ("yesterday", "2013-03-14") in dates(tmp_path / "out" / "a.jsonl")
    assert ("yesterday", None) in dates(tmp_path / "out" / "b.jsonl")
    assert [(f["doc_id"], f["code"], f["origin"]) for f in summary.failures] == [
        ("c", "E567", f"{source}:3"),
        ("d", "E567", f"{source}:4"),
    ]
    assert "'dct'" in summary.failures[0]["detail"] and "'date_mode'" in summary.failures[1]["detail"]


def test_cli_annotate_and_segment_take_a_manifest_file(tmp_path):
    manifest = write_corpus(tmp_path / "corpus", name="corpus.json")
    runner = CliRunner()
    result = runner.invoke(app, ["annotate", str(manifest), "-o", str(tmp_path / "a"), "--ner", "rules"])
    assert result.exit_code == 0, result.output
    assert ("yesterday", "2013-03-14") in dates(tmp_path / "a" / "news-a.jsonl")
    result = runner.invoke(app, ["segment", str(manifest), "-o", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert sorted(tree(tmp_path / "s")) == sorted(f"{d[0]}.jsonl" for d in DOCS)
    # --dct overrides every document's, as for one file
    result = runner.invoke(
        app, ["annotate", str(manifest), "-o", str(tmp_path / "d"), "--ner", "rules", "--dct", "1999-12-31"]
    )
    assert result.exit_code == 0, result.output
    assert ("yesterday", "1999-12-30") in dates(tmp_path / "d" / "news-a.jsonl")


def test_a_broken_manifest_is_a_catalogue_error_with_the_field(tmp_path):
    manifest = write_corpus(tmp_path / "corpus")
    data = json.loads(manifest.read_text())
    data["documents"][0]["dct"] = "March 2013"
    manifest.write_text(json.dumps(data))
    result = CliRunner().invoke(app, ["annotate", str(manifest), "-o", str(tmp_path / "out"), "--ner", "rules"])
    assert result.exit_code != 0
    assert "E060" in result.output and "dct" in result.output and str(manifest) in result.output


def test_validate_checks_a_corpus_manifest_and_every_text_as_a_batch(tmp_path):
    manifest = write_corpus(tmp_path / "corpus", name="corpus.json")
    runner = CliRunner()
    for given in (manifest, write_corpus(tmp_path / "other").parent):  # a manifest file, a corpus folder
        result = runner.invoke(app, ["validate", str(given)])
        assert result.exit_code == 0, result.output
    (manifest.parent / "story.txt").write_text(NEWS + "An edit after the manifest was written.\n", encoding="utf-8")
    (manifest.parent / "undated.txt").write_bytes(b"\xef\xbb\xbfVictor Serge.\n")
    result = runner.invoke(app, ["validate", str(manifest), "--summary", str(tmp_path / "summary.json")])
    assert result.exit_code == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [(f["doc_id"], f["code"], f["origin"]) for f in summary["failures"]] == [
        ("story", "E062", str(manifest.parent / "story.txt")),
        ("undated", "E003", str(manifest.parent / "undated.txt")),
    ]
    assert (summary["processed"], summary["failed"]) == (len(DOCS) - 2, 2)
