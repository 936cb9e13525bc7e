"""A slip in a feature file's keywords is named at its line with the keyword meant, never in parser wording.

The Gherkin parser says 'expected: #EOF, #TableRow, …' for a misspelt step
keyword, and says nothing at all for a misspelt ``Scenario:`` under
``Feature:``: it reads that line and the steps below it as the feature's
description, and the file has no scenarios.
"""

from pathlib import Path

from click.testing import CliRunner

from promorules.cli import main

NOTHING = "    When they ask for advice on 2026-11-24 with no facts at all\n"
CHECK = '    Then the stage is "foundation"\n'


def feature(tmp_path: Path, text: str, name: str = "coach.feature") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def run(*args):
    return CliRunner().invoke(main, ["ruleset", "test", *args])


def refused(tmp_path: Path, text: str) -> str:
    """The whole output of a run the file's mistake stops (exit 2, no scenario run)."""
    path = feature(tmp_path, text)
    result = run("default", str(path))
    assert result.exit_code == 2, result.output
    assert "#EOF" not in result.output and "expected:" not in result.output and "Traceback" not in result.output
    return result.output.replace(str(path), "coach.feature")


def test_a_misspelt_scenario_line_is_named_with_the_keyword_meant(tmp_path):
    for written in ("Scenari", "scenario", "Senario"):
        output = refused(tmp_path, f"Feature: f\n  {written}: s\n{NOTHING}{CHECK}")
        assert output == f'error: coach.feature:2:3: "{written}:" is not a keyword (did you mean "Scenario:"?)\n'


def test_misspelt_keywords_inside_a_scenario_are_each_named(tmp_path):
    output = refused(
        tmp_path,
        "Feature: f\n  Scenario: s\n"
        f"{NOTHING}    then there are no recommendations\n"
        f"  Scenario Outlin: o\n{CHECK}"
        "    Exampels:\n      | a |\n      | b |\n",
    )
    assert output == (
        'error: coach.feature:4:5: "then" is not a keyword (did you mean "Then"?)\n'
        'error: coach.feature:5:3: "Scenario Outlin:" is not a keyword (did you mean "Scenario Outline:"?)\n'
        'error: coach.feature:7:5: "Exampels:" is not a keyword (did you mean "Examples:"?)\n'
    )


def test_a_misspelt_step_keyword_under_a_scenario_title_is_not_taken_for_its_description(tmp_path):
    output = refused(tmp_path, f"Feature: f\n  Scenario: s\n    Wen they ask for advice on 2026-11-24\n{CHECK}")
    assert output == 'error: coach.feature:3:5: "Wen" is not a keyword (did you mean "When"?)\n'


def test_steps_with_no_scenario_line_above_them(tmp_path):
    output = refused(tmp_path, f"Feature: f\n{NOTHING}{CHECK}")
    assert output == (
        "error: coach.feature:2:5: this step is not inside a scenario; write 'Scenario: <name>' on a line above it\n"
    )


def test_a_line_that_is_no_step_and_no_keyword(tmp_path):
    output = refused(tmp_path, f"Feature: f\n  Scenario: s\n{NOTHING}    the committee meets in May\n")
    assert output.startswith(
        'error: coach.feature:4:5: this line is not a step, a table row or a keyword line: "the committee meets in May"'
    )


def test_a_keyword_without_its_colon(tmp_path):
    output = refused(tmp_path, f"Feature: f\n  Scenario: s\n{NOTHING}{CHECK}  Scenario Outline second\n{CHECK}")
    assert (
        output == 'error: coach.feature:5:3: a colon is missing after "Scenario Outline": write "Scenario Outline:"\n'
    )


def test_a_misspelt_feature_line(tmp_path):
    output = refused(tmp_path, f"featur: f\n  Scenario: s\n{NOTHING}{CHECK}")
    assert output == (
        "error: coach.feature:1:1: a feature file starts with 'Feature: <name>'; "
        '"featur:" is not a keyword (did you mean "Feature:"?)\n'
    )


def test_a_block_of_text_left_open_is_named_where_it_opens(tmp_path):
    output = refused(tmp_path, f'Feature: f\n  Scenario: s\n{NOTHING}      """\n      a note\n')
    assert output == (
        'error: coach.feature:4:7: this block of text (""") is never closed; end it with """ on a line of its own\n'
    )


def test_prose_in_a_description_is_left_alone(tmp_path):
    path = feature(
        tmp_path,
        "Feature: The conversation\n"
        '  When the answer is "no", each reason gets its own next step.\n'
        "  And the scenarios below: one per reason.\n\n"
        "  Scenario: s\n    The committee meets in May.\n"
        f"{NOTHING}{CHECK}",
    )
    result = run("default", str(path))
    assert result.exit_code == 0, result.output
