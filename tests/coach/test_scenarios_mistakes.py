"""A coach's mistakes in scenarios are caught and named in plain words, at the line to fix.

A misspelt rule, placeholder or fact must never let a scenario pass, and no
message may show parser or pydantic wording. The same checks hold under
``promorules ruleset test`` and under pytest-bdd.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from promorules.cli import main

ROOT = Path(__file__).resolve().parents[2]
NOTHING = "    When they ask for advice on 2026-11-24 with no facts at all\n"


def feature(tmp_path: Path, text: str, name: str = "coach.feature") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def run(*args):
    return CliRunner().invoke(main, ["ruleset", "test", *args])


def test_a_misspelt_rule_fails_every_step_that_names_it(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Typos
          Scenario: not included
        {NOTHING}    Then the advice does not include "leave.repeated-vage-no"
          Scenario: does not fire
        {NOTHING}    Then "leave.repeated-vage-no" does not fire
          Scenario: included
        {NOTHING}    Then the advice includes "leave.repeated-vage-no"
          Scenario: held back by a misspelt rule
        {NOTHING}    Then "readiness.self-assessment" is not held back
            And "readiness.self-assessment" is held back by "leave.repeated-vage-no"
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    assert result.output.endswith("4 scenarios: 0 passed, 4 failed\n")
    expected = 'there is no rule "leave.repeated-vage-no" in this ruleset (did you mean "leave.repeated-vague-no"?)'
    assert result.output.count(expected) == 4
    assert "is not among the recommendations" not in result.output


def test_an_unfilled_outline_placeholder_names_the_columns(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Outline
          Scenario Outline: a misspelt column
        {NOTHING}    Then the advice does not include "<rule>"

            Examples:
              | rul                     | other |
              | leave.repeated-vague-no | x     |
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    assert (
        'the placeholder <rule> matches no column of the Examples (did you mean "rul"?); the columns are: rul, other'
    ) in result.output


def test_a_rule_disabled_by_a_layer_says_so(tmp_path):
    root = tmp_path / "acme"
    root.mkdir()
    (root / "ruleset.yaml").write_text(
        "extends: default\nname: acme\nversion: '1'\ndisable: [after.share-and-lift-others]\n"
    )
    path = feature(
        tmp_path,
        f"""\
        Feature: Disabled
          Scenario: a disabled rule
        {NOTHING}    Then the advice does not include "after.share-and-lift-others"
        """,
    )
    result = run(str(root), str(path))
    assert result.exit_code == 1
    assert (
        f'rule "after.share-and-lift-others" is disabled by this ruleset\'s layer '
        f"(at {root / 'ruleset.yaml'}:4:11); to check that it is switched off, write: "
        'Then "after.share-and-lift-others" is disabled'
    ) in result.output


def test_facts_table_mistakes_are_named_at_their_row(tmp_path):
    path = feature(
        tmp_path,
        """\
        Feature: Facts
          Scenario: wrong facts
            Given a person with these facts:
              | fact              | value |
              | org.hiring_freez  | true  |
              | org.hiring_freeze | often |
            When they ask for advice on 2026-11-24
            Then there are no recommendations
          Scenario: a fact worked out from others
            Given a person with these facts:
              | fact          | value |
              | sponsor_count | 3     |
            When they ask for advice on 2026-11-24
            Then there are no recommendations
          Scenario: a misspelt fact worked out from others
            Given a person with these facts:
              | fact         | value |
              | sponsr_count | 3     |
            When they ask for advice on 2026-11-24
            Then there are no recommendations
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    assert f'{path}:5:9: unknown fact "org.hiring_freez" (did you mean "hiring_freeze"?)' in result.output
    assert f"{path}:6:9: org.hiring_freeze: " in result.output
    derived = (
        '"sponsor_count" is worked out from people, so it cannot be given; '
        'give "people" (a "their people are:" table) instead'
    )
    assert f"{path}:12:9: {derived}" in result.output
    assert f'{path}:18:9: unknown fact "sponsr_count" (did you mean "sponsor_count"?); {derived}' in result.output
    assert "validation error" not in result.output and "pydantic" not in result.output


def test_a_file_without_its_feature_line_is_one_plain_mistake(tmp_path):
    path = feature(tmp_path, f"Scenario: s\n{NOTHING}    Then there are no recommendations\n")
    result = run("default", str(path))
    assert result.exit_code == 2
    assert result.output == f"error: {path}:1:1: a feature file starts with 'Feature: <name>'\n"


def test_an_uneven_table_names_the_row_that_differs(tmp_path):
    short_header = feature(
        tmp_path,
        """\
        Feature: f
          Scenario: s
            Given a person with these facts:
              | fact |
              | org.hiring_freeze | true |
              | org.hiring_freeze | true |
            Then there are no recommendations
        """,
        "header.feature",
    )
    long_row = feature(
        tmp_path,
        """\
        Feature: f
          Scenario: s
            Given a person with these facts:
              | fact | value |
              | org.hiring_freeze | true |
              | org.hiring_freeze | true | x |
            Then there are no recommendations
        """,
        "row.feature",
    )
    result = run("default", str(short_header), str(long_row))
    assert result.exit_code == 2
    assert result.output == (
        f"error: {short_header}:4:7: this table row has 1 cell, the other rows have 2\n"
        f"error: {long_row}:6:7: this table row has 3 cells, the other rows have 2\n"
    )


def test_an_empty_features_folder_is_named(tmp_path):
    result = run("default", str(tmp_path))
    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path}: no .feature files in this folder\n"


def test_a_scenario_that_checks_nothing_fails(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Nothing checked
          Scenario: only asks
        {NOTHING}
          Scenario: no steps at all

          Scenario: checks
        {NOTHING}    Then there are no recommendations
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    assert result.output.splitlines()[:4] == [
        f"FAIL  {path}:2:1  only asks",
        "      this scenario checks nothing: add a Then step",
        f"FAIL  {path}:5:1  no steps at all",
        "      this scenario checks nothing: add a Then step",
    ]
    assert result.output.endswith("3 scenarios: 0 passed, 3 failed\n")  # the last one has advice


def test_the_ruleset_named_default_is_the_bundled_one_unless_a_folder_has_that_name(tmp_path):
    text = f"""\
        Feature: Default by name
          Scenario: s
            Given the ruleset "default"
        {NOTHING}    Then the advice includes "readiness.self-assessment"
        """
    acme = tmp_path / "acme"
    acme.mkdir()
    (acme / "ruleset.yaml").write_text(
        "extends: default\nname: acme\nversion: '1'\ndisable: [readiness.self-assessment]\n"
    )
    result = run(str(acme), str(feature(tmp_path, text)))
    assert result.exit_code == 0, result.output
    (tmp_path / "default").symlink_to(acme)  # a folder of that name beside the feature wins, as on the command line
    result = run("default", str(tmp_path / "coach.feature"))
    assert result.exit_code == 1 and "is disabled by this ruleset's layer" in result.output


def test_failures_list_rules_as_plain_text(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Order
          Scenario: s
        {NOTHING}    Then the top three are "readiness.self-assessment", "readiness.informal-review" and "case.achievement-log-monthly"
        """,
    )
    result = run("default", str(path))
    assert (
        "the top three are readiness.self-assessment, readiness.informal-review, readiness.know-leveling-criteria."
    ) in result.output
    assert "['" not in result.output


def test_pytest_bdd_runs_the_same_checks(tmp_path):
    feature(
        tmp_path,
        f"""\
        Feature: Under pytest
          Scenario: a misspelt rule
        {NOTHING}    Then "leave.repeated-vage-no" does not fire
          Scenario Outline: a misspelt column
        {NOTHING}    Then the advice does not include "<rule>"
            Examples:
              | rul                     |
              | leave.repeated-vague-no |
          Scenario: only asks
        {NOTHING}
          Scenario: a fact worked out from others
            Given a person with these facts:
              | fact          | value |
              | sponsor_count | 3     |
            When they ask for advice on 2026-11-24
            Then there are no recommendations
        """,
    )
    (tmp_path / "test_coach.py").write_text(
        "from pytest_bdd import scenarios\nfrom tests.support.bdd_steps import *  # noqa\nscenarios('coach.feature')\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_coach.py"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert "4 failed" in done.stdout, done.stdout[-3000:]
    assert 'there is no rule "leave.repeated-vage-no" in this ruleset' in done.stdout
    assert "the placeholder <rule> matches no column of the Examples" in done.stdout
    assert "coach.feature:11: this scenario checks nothing: add a Then step" in done.stdout
    assert 'coach.feature:17:13: "sponsor_count" is worked out from people' in done.stdout
