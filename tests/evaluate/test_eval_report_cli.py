"""Files and commands: fixtures scored by hand, report files, `evaluate` and `agree`."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.image
import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.errors import SergeCorpusError
from serge_corpus.evaluate import evaluate_files

FIXTURES = Path(__file__).parents[1] / "fixtures" / "evaluate"
GOLD, PRED = FIXTURES / "gold.jsonl", FIXTURES / "pred.jsonl"
runner = CliRunner()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("report")
    return evaluate_files(GOLD, PRED, bootstrap=200, seed=1, report_dir=out), out


def test_fixture_counts_by_hand(report) -> None:
    result, _ = report
    ner = result["ner"]
    strict = {k: ner["strict"][k] for k in ("correct", "incorrect", "partial", "missed", "spurious")}
    assert strict == {"correct": 7, "incorrect": 3, "partial": 0, "missed": 1, "spurious": 0}
    assert ner["partial"]["partial"] == 2  # Brussels has the right boundaries, so it is correct there
    assert ner["dropped_labels"] == {"gold": {}, "pred": {"CARDINAL": 1}}
    assert ner["ignored_boilerplate"] == {"gold": 0, "pred": 1}
    assert ner["confusion"]["GPE"] == {"ORG": 1, "GPE": 2, "none": 1}
    dates = result["dates"]
    assert (dates["strict"]["correct"], dates["relaxed"]["correct"], dates["value"]["correct"]) == (3, 4, 2)
    assert {k: v["correct"] for k, v in dates["attributes"].items()} == {"type": 3, "value": 2, "mod": 4, "anchor": 3}
    s = result["sentences"]
    assert (s["correct"], s["pred"], s["gold"]) == (3, 3, 4)
    assert (s["internal"]["correct"], s["internal"]["gold"]) == (1, 2)
    assert result["meta"] == {"gold": str(GOLD), "pred": str(PRED), "records": 4}


def test_report_files(report) -> None:
    result, out = report
    assert sorted(p.name for p in out.iterdir()) == ["confusion.png", "per_label_f1.png", "report.json", "report.md"]
    for name in ("confusion.png", "per_label_f1.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        image = matplotlib.image.imread(out / name)
        assert image.shape[0] > 100 and image.shape[1] > 100
    saved = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert saved["ner"]["strict"] == result["ner"]["strict"]
    assert [e["gold"]["text"] for e in saved["errors"]["confusion"]] == ["Brussels"]
    assert [e["gold"]["text"] for e in saved["errors"]["boundary"]] == ["Bolsheviks", "Three years later"]
    assert saved["errors"]["spurious"] == []
    assert saved["errors"]["missed"][0]["gold"] == {"text": "USSR", "label": "GPE", "start": 80, "end": 84}
    assert saved["errors"]["missed"][0]["context"] == "Three years later he left the **USSR**."
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| schema | P | R | F1 | F1 95% CI |" in markdown
    assert "| label | P | R | F1 | F1 CI | gold | pred |" in markdown
    assert "| PERSON | 1.000 | 1.000 | 1.000 |" in markdown
    assert "### Boundary errors (same label, different edges)" in markdown
    assert "| 1 | Bolsheviks (NORP) | the Bolsheviks (NORP) | bio:1 |" in markdown
    assert "![confusion matrix](confusion.png)" in markdown


def test_cli_evaluate_json(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["evaluate", "--gold", str(GOLD), "--pred", str(PRED), "--json", "--bootstrap", "50", "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"ner", "dates", "sentences", "ci", "meta"}
    assert data["ci"]["resamples"] == 50 and data["ci"]["seed"] == 3
    assert data["ner"]["strict"]["f1"] == pytest.approx(2 * 0.7 * (7 / 11) / (0.7 + 7 / 11))


def test_cli_evaluate_summary_and_report(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["evaluate", "--gold", str(GOLD), "--pred", str(PRED), "--bootstrap", "0", "--report", str(tmp_path / "r")]
    )
    assert result.exit_code == 0, result.output
    assert "## Entities" in result.output and "## Dates" in result.output and "## Sentences" in result.output
    assert "CARDINAL 1" in result.output
    assert (tmp_path / "r" / "report.md").is_file()


def test_cli_evaluate_missing_record_names_file_line_and_id() -> None:
    result = runner.invoke(
        app, ["evaluate", "--gold", str(GOLD), "--pred", str(FIXTURES / "pred_missing_record.jsonl")]
    )
    assert result.exit_code == 1
    assert f"{GOLD}:3: record bio:2: field id: E140" in result.output


def test_prediction_problems_beyond_the_tolerated_ones_are_errors() -> None:
    with pytest.raises(SergeCorpusError) as err:
        evaluate_files(GOLD, FIXTURES / "pred_bad_offsets.jsonl", bootstrap=0)
    assert [(p.code, p.line) for p in err.value.problems] == [("E030", 2)]


def test_cli_agree(tmp_path: Path) -> None:
    out = tmp_path / "agreement.md"
    result = runner.invoke(
        app, ["agree", str(GOLD), str(FIXTURES / "annotator_b.jsonl"), "--json", "--report", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["annotators"] == ["gold", "annotator_b"]
    assert data["pairs"][0]["spans"]["exact"]["matched"] == 10
    assert "# Inter-annotator agreement" in out.read_text(encoding="utf-8")


def test_cli_agree_needs_two_files() -> None:
    result = runner.invoke(app, ["agree", str(GOLD)])
    assert result.exit_code == 1 and "E144" in result.output
