"""The vocabulary file (user data) and the `serge-corpus dates` command."""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from serge_corpus.cli import app
from serge_corpus.dates import find_dates, load_vocabulary
from serge_corpus.dates.vocab import vocabulary_from_dict
from serge_corpus.errors import SergeCorpusError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dates"


def test_broken_vocabulary_names_every_bad_key() -> None:
    with pytest.raises(SergeCorpusError) as err:
        load_vocabulary(FIXTURES / "broken_vocabulary.toml")
    problems = err.value.problems
    assert {p.code for p in problems} == {"E100"}
    fields = {p.field for p in problems}
    assert "years.min" in fields and "months.names" in fields
    assert all(p.file and p.file.endswith("broken_vocabulary.toml") for p in problems)


def test_missing_vocabulary_file() -> None:
    with pytest.raises(SergeCorpusError) as err:
        load_vocabulary(FIXTURES / "nope.toml")
    assert err.value.problems[0].code == "E001"


def test_user_vocabulary_changes_detection() -> None:
    data = tomllib.loads(resources.files("serge_corpus.data").joinpath("dates.toml").read_text(encoding="utf-8"))
    data["years"]["min"] = 1500
    data["months"]["names"]["Dezember"] = 12
    vocab = vocabulary_from_dict(data)
    text = "In 1234 nothing; in Dezember 1917 everything."
    assert [s.text for s in find_dates(text)] == ["1234", "1917"]
    assert [(s.text, s.date.value) for s in find_dates(text, vocabulary=vocab)] == [("Dezember 1917", "1917-12")]


def test_copy_older_than_the_package_says_which_table_to_copy(tmp_path: Path) -> None:
    packaged = resources.files("serge_corpus.data").joinpath("dates.toml")
    data = tomllib.loads(packaged.read_text(encoding="utf-8"))
    old_copy = tmp_path / "dates.toml"
    kept = [line for line in packaged.read_text(encoding="utf-8").splitlines() if not line.startswith("[timeline")]
    old_copy.write_text("\n".join(kept), encoding="utf-8")
    assert "timeline" in data
    with pytest.raises(SergeCorpusError) as err:
        load_vocabulary(old_copy)
    timeline = [p for p in err.value.problems if p.field and p.field.startswith("timeline")]
    assert timeline, err.value.problems
    assert "copy the [timeline] table" in timeline[0].detail and str(packaged) in timeline[0].detail


def test_vocabulary_with_inverted_year_range_is_refused() -> None:
    data = tomllib.loads(resources.files("serge_corpus.data").joinpath("dates.toml").read_text(encoding="utf-8"))
    data["years"].update(min=2000, max=1000)
    with pytest.raises(SergeCorpusError) as err:
        vocabulary_from_dict(data)
    assert err.value.problems[0].field == "years"


runner = CliRunner()


def test_cli_prints_span_dicts_as_json() -> None:
    result = runner.invoke(app, ["dates", "In December of that year, aged 57, he died.", "--anchor", "1947"])
    assert result.exit_code == 0, result.output
    spans = json.loads(result.output)
    assert [(s["text"], s["date"]["value"], s["date"]["anchor"]) for s in spans] == [
        ("December of that year", "1947-12", "1947"),
        ("57", "P57Y", None),
    ]


def test_cli_reads_stdin() -> None:
    result = runner.invoke(app, ["dates", "-"], input="Born on December 30, 1890.")
    assert result.exit_code == 0
    assert json.loads(result.output)[0]["date"]["value"] == "1890-12-30"


def test_cli_bad_anchor_exits_1_with_the_fix() -> None:
    result = runner.invoke(app, ["dates", "That year.", "--anchor", "last spring"])
    assert result.exit_code == 1
    assert "E101" in result.output and "anchor" in result.output


def test_cli_conventions_timeml_adds_what_timeml_tags() -> None:
    text = "The former capital fell in 1919."
    plain = runner.invoke(app, ["dates", text])
    timeml = runner.invoke(app, ["dates", text, "--conventions", "timeml"])
    assert plain.exit_code == 0 and timeml.exit_code == 0, (plain.output, timeml.output)
    assert [s["text"] for s in json.loads(plain.output)] == ["1919"]
    found = json.loads(timeml.output)
    assert [s["text"] for s in found] == ["former", "1919"]
    assert found[0]["date"]["ref"] == "PAST"


def test_holiday_computed_from_another_holiday_and_a_dangling_name_is_e100() -> None:
    data = tomllib.loads(resources.files("serge_corpus.data").joinpath("dates.toml").read_text(encoding="utf-8"))
    data["holidays"]["Harvest Fair"] = "10-1#2"
    data["holidays"]["Fair Eve"] = "Harvest Fair-1"
    vocab = vocabulary_from_dict(data, "user.toml")
    spans = find_dates("The lanterns were lit on Fair Eve 2023.", vocabulary=vocab)
    assert [(s.text, s.date.value if s.date else None) for s in spans] == [("Fair Eve 2023", "2023-10-08")]
    data["holidays"]["Fair Morning"] = "Harvest Faire+1"  # misspelt: names no holiday
    with pytest.raises(SergeCorpusError) as err:
        vocabulary_from_dict(data, "user.toml")
    [problem] = err.value.problems
    assert problem.code == "E100" and problem.field == "holidays" and "Fair Morning" in str(problem.detail)
