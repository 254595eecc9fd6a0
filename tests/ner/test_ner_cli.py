"""`serge-corpus ner …` commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from serge_corpus.cli import app

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ner"
runner = CliRunner()


def test_backends_json_lists_every_backend():
    result = runner.invoke(app, ["ner", "backends", "--json"])
    assert result.exit_code == 0
    assert [row["name"] for row in json.loads(result.stdout)] == [
        "spacy",
        "stanza",
        "gazetteer",
        "rules",
        "ensemble",
        "model",
    ]


def test_check_patterns_ok_and_broken():
    ok = runner.invoke(app, ["ner", "check-patterns", str(FIXTURES / "patterns_small.jsonl")])
    assert ok.exit_code == 0 and "11 patterns" in ok.stdout
    broken_path = FIXTURES / "patterns_broken.jsonl"
    broken = runner.invoke(app, ["ner", "check-patterns", str(broken_path)])
    assert broken.exit_code == 1
    assert f"{broken_path}:3: field label: E127" in broken.output


def test_check_policy_reports_bad_field(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"mode": "loudest"}), encoding="utf-8")
    result = runner.invoke(app, ["ner", "check-policy", str(path)])
    assert result.exit_code == 1 and "field mode: E128" in result.output
