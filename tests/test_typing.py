"""The package is typed (py.typed): mypy accepts it as users' type checkers will see it."""

from pathlib import Path

from mypy import api

ROOT = Path(__file__).parents[1]


def test_package_type_checks():
    stdout, stderr, status = api.run(
        [str(ROOT / "src" / "serge_corpus"), "--config-file", str(ROOT / "pyproject.toml")]
    )
    assert status == 0, stdout + stderr
