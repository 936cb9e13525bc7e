"""A corpus of ruleset mistakes, each reported by `promorules ruleset validate` at its exact file and line.

Every folder of tests/support/ruleset_mistakes/ is a ruleset with one mistake and an
expected.txt listing exactly the errors and warnings validate must print.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.advisor import bundled_ruleset_path
from promorules.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "support" / "ruleset_mistakes"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())


def expected_lines(name: str) -> list[str]:
    text = (CORPUS / name / "expected.txt").read_text().replace("{bundled}", str(bundled_ruleset_path()))
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def validate(name: str, monkeypatch, *options):
    monkeypatch.chdir(CORPUS)
    return CliRunner().invoke(main, ["ruleset", "validate", name, *options])


def test_the_corpus_has_at_least_twenty_distinct_mistakes():
    errors = [name for name in CASES if any(": warning: " not in line for line in expected_lines(name))]
    assert len(errors) >= 20, errors
    assert len({tuple(expected_lines(name)) for name in CASES}) == len(CASES)


@pytest.mark.parametrize("name", CASES)
def test_each_mistake_is_reported_exactly_at_its_file_and_line(name, monkeypatch):
    result = validate(name, monkeypatch)
    *findings, summary = result.output.splitlines()
    assert findings == expected_lines(name), result.output
    for line in findings:
        file, line_number, col = line.split(":")[:3]
        assert (CORPUS / file).is_file() or file.startswith(str(bundled_ruleset_path())), line
        assert int(line_number) >= 1 and int(col) >= 1, line
    errors = [line for line in findings if ": warning: " not in line]
    warnings = len(findings) - len(errors)
    assert summary.startswith(f"{name}: ") and summary.endswith(
        f"{len(errors)} error{'' if len(errors) == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"
    )
    assert result.exit_code == (1 if errors else 0)
    if warnings and not errors:
        assert validate(name, monkeypatch, "--strict").exit_code == 1
