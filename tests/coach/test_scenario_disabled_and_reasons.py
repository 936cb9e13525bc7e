"""A coach can test a switch-off, and a rule that did (not) fire is explained at the failing step.

A layer that disables a rule is a decision the coach wants kept: ``"RULE" is
disabled`` checks it. When a step about firing or holding back fails, the
message names the comparisons that decided it, with the person's values, so
the coach does not have to run ``promorules explain`` to find out why.
"""

import textwrap
from pathlib import Path

from click.testing import CliRunner

from promorules.cli import main

NOTHING = "    When they ask for advice on 2026-11-24 with no facts at all\n"
NO_FREEZE = """\
    Given a person with these facts:
      | fact                     | value |
      | org.hiring_freeze        | false |
      | org.company_freeze       | false |
      | org.financial_difficulty | false |
    When they ask for advice on 2026-11-24
"""


def feature(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "coach.feature"
    path.write_text(textwrap.dedent(text))
    return path


def acme(tmp_path: Path) -> Path:
    """A company layer that switches one bundled rule off."""
    root = tmp_path / "acme"
    root.mkdir()
    (root / "ruleset.yaml").write_text(
        "extends: default\nname: acme\nversion: '1'\ndisable: [after.share-and-lift-others]\n"
    )
    return root


def run(*args):
    return CliRunner().invoke(main, ["ruleset", "test", *args])


def test_a_switch_off_can_be_checked_and_passes(tmp_path):
    path = feature(
        tmp_path,
        """\
        Feature: Acme's switch-off
          Scenario: sharing the credit is not Acme's advice
            Then "after.share-and-lift-others" is disabled
        """,
    )
    result = run(str(acme(tmp_path)), str(path))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("1 scenario: 1 passed, 0 failed\n")


def test_a_switch_off_that_is_not_there_fails_and_says_why(tmp_path):
    path = feature(
        tmp_path,
        """\
        Feature: Switch-offs that do not hold
          Scenario: a rule still in the ruleset
            Then "timing.avoid-freeze" is disabled
          Scenario: a misspelt rule
            Then "after.share-and-lift-other" is disabled
        """,
    )
    result = run(str(acme(tmp_path)), str(path))
    assert result.exit_code == 1
    assert (
        '"timing.avoid-freeze" is not disabled: it is a rule of this ruleset, and no layer\'s disable: names it'
    ) in result.output
    assert (
        'there is no rule "after.share-and-lift-other" in this ruleset or the ones it extends '
        '(did you mean "after.share-and-lift-others"?)'
    ) in result.output


def test_other_steps_on_a_disabled_rule_point_to_the_switch_off_step(tmp_path):
    root = acme(tmp_path)
    path = feature(
        tmp_path,
        f"""\
        Feature: Disabled
          Scenario: a disabled rule
        {NOTHING}    Then "after.share-and-lift-others" does not fire
        """,
    )
    result = run(str(root), str(path))
    assert result.exit_code == 1
    assert (
        f'rule "after.share-and-lift-others" is disabled by this ruleset\'s layer (at {root / "ruleset.yaml"}:4:11); '
        'to check that it is switched off, write: Then "after.share-and-lift-others" is disabled'
    ) in result.output


def test_a_rule_that_does_not_fire_names_the_condition_that_failed(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Why not
          Scenario: no freeze
        {NO_FREEZE}    Then "timing.avoid-freeze" fires
          Scenario: nothing known
        {NOTHING}    Then "timing.avoid-freeze" fires
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    at = lines.index(
        '"timing.avoid-freeze" does not fire: the conditions of "timing.avoid-freeze" that do not hold for this person:'
    )
    assert lines[at + 1] == "[no]  freeze active  (a freeze or money trouble; yours: no)"
    assert (
        '"timing.avoid-freeze" does not fire: the conditions of "timing.avoid-freeze" cannot be decided for this '
        "person; give: org.company_freeze, org.financial_difficulty, org.hiring_freeze"
    ) in lines


def test_a_rule_that_fires_against_the_scenario_says_what_held(tmp_path):
    path = feature(
        tmp_path,
        """\
        Feature: Why
          Scenario: a freeze
            Given a person with these facts:
              | fact              | value |
              | org.hiring_freeze | true  |
            When they ask for advice on 2026-11-24
            Then "timing.avoid-freeze" does not fire
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    at = lines.index('"timing.avoid-freeze" fires: the conditions of "timing.avoid-freeze" hold for this person:')
    assert lines[at + 1] == "[yes] freeze active  (a freeze or money trouble; yours: yes)"


def test_held_back_by_says_which_rule_did_not_fire_and_why(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Held back
          Scenario: the holder does not fire
        {NOTHING}    Then "readiness.self-assessment" is held back by "after.crush-new-role-first-year"
          Scenario: the held rule does not fire
        {NO_FREEZE}    Then "timing.avoid-freeze" is held back by "after.crush-new-role-first-year"
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    assert "is not held back." not in result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert (
        '"readiness.self-assessment" is not held back by "after.crush-new-role-first-year": '
        '"after.crush-new-role-first-year" does not fire;'
    ) in lines
    assert (
        '"timing.avoid-freeze" is not held back by "after.crush-new-role-first-year": '
        '"timing.avoid-freeze" does not fire, so there is nothing to hold back;'
    ) in lines
    assert "[no]  freeze active  (a freeze or money trouble; yours: no)" in lines


def test_held_back_by_a_rule_whose_hold_back_does_not_name_it(tmp_path):
    path = feature(
        tmp_path,
        f"""\
        Feature: Held back
          Scenario: both fire, neither holds the other back
        {NOTHING}    Then "readiness.self-assessment" is held back by "readiness.informal-review"
        """,
    )
    result = run("default", str(path))
    assert result.exit_code == 1
    assert (
        '"readiness.self-assessment" is not held back by "readiness.informal-review": '
        'the hold_back of "readiness.informal-review" does not name it (it can be held back by: '
    ) in result.output
