"""`promorules ruleset test`: a coach's Gherkin scenarios run against their ruleset, with no Python and no pytest."""

import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

from promorules.cli import main
from promorules.coach.scenarios import STEPS

ROOT = Path(__file__).resolve().parents[2]

FEATURE = """\
Feature: Acme's committee wants four names

  Background:
    Given the default ruleset
    And the person described in "../../examples/priya-hiring-freeze.yaml"

  Scenario: Three sponsors are not enough at Acme
    When they ask for advice
    Then the advice includes "relationships.sponsor-count-2-3"
    And the text of "relationships.sponsor-count-2-3" mentions "get to at least 4"
    But the advice does not include "after.repeat-the-cycle"

  Scenario: A wrong expectation shows the advice
    When they ask for advice
    Then "relationships.sponsor-count-2-3" is ranked 1

  Scenario Outline: The freeze decides with <freeze>
    Given a person with these facts:
      | fact              | value    |
      | org.hiring_freeze | <freeze> |
    When they ask for advice
    Then the advice <verb> "timing.avoid-freeze"

    Examples:
      | freeze | verb             |
      | true   | includes         |
      | false  | does not include |
"""


def coach_ruleset(tmp_path: Path, feature: str = FEATURE) -> Path:
    root = tmp_path / "acme"
    (root / "features").mkdir(parents=True)
    (root / "ruleset.yaml").write_text(
        "extends: default\nname: acme\nversion: '1'\n"
        "thresholds:\n  min_sponsors: {default: 4}\n"
        "disable: [after.share-and-lift-others]\n"
    )
    (root / "features" / "sponsors.feature").write_text(feature)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "priya-hiring-freeze.yaml").write_text(
        (ROOT / "examples" / "priya-hiring-freeze.yaml").read_text()
    )
    return root


def run(*args):
    return CliRunner().invoke(main, ["ruleset", "test", *args])


def test_the_projects_features_all_pass_through_the_runner():
    pickles = 0
    for feature in sorted((ROOT / "features").glob("*.feature")):
        document = Parser().parse(feature.read_text())
        document["uri"] = str(feature)
        pickles += len(Compiler().compile(document))
    result = run("default", str(ROOT / "features"))
    assert result.exit_code == 0, result.output[-3000:]
    assert result.output.endswith(f"\n{pickles} scenarios: {pickles} passed, 0 failed\n")
    assert pickles >= 150


def test_a_coachs_scenarios_run_against_their_ruleset_by_default(tmp_path):
    root = coach_ruleset(tmp_path)
    result = run(str(root))
    feature = root / "features" / "sponsors.feature"
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"PASS  {feature}:7:1  Three sponsors are not enough at Acme"
    assert lines[1] == f"FAIL  {feature}:13:1  A wrong expectation shows the advice"
    assert lines[2] == '      step at line 15: Then "relationships.sponsor-count-2-3" is ranked 1'
    assert lines[3].startswith('      "relationships.sponsor-count-2-3" is ranked ') and lines[3].endswith(", not 1.")
    assert lines[4].startswith("      recommendations: 1. timing.avoid-freeze, 2. ")
    assert lines[5] == "      held back: none"  # with four sponsors needed, nothing is ready to ask
    assert lines[6] == "      stage: make_the_case"
    assert lines[7] == f"PASS  {feature}:26:1  The freeze decides with true"
    assert lines[8] == f"PASS  {feature}:27:1  The freeze decides with false"
    assert lines[-1] == "4 scenarios: 3 passed, 1 failed"


def test_the_same_scenarios_fail_against_the_bundled_ruleset(tmp_path):
    root = coach_ruleset(tmp_path)
    result = run("default", str(root / "features"))
    assert result.exit_code == 1
    assert f"FAIL  {root / 'features' / 'sponsors.feature'}:7:1  Three sponsors are not enough at Acme" in result.output
    assert '"relationships.sponsor-count-2-3" is not among the recommendations.' in result.output


def test_features_beside_the_ruleset_are_found_and_named_files_run_alone(tmp_path):
    root = coach_ruleset(tmp_path)
    beside = tmp_path / "features"
    (root / "features").rename(beside)
    (beside / "sponsors.feature").write_text(FEATURE.replace("../../examples", "../examples"))
    assert run(str(root)).output.endswith("4 scenarios: 3 passed, 1 failed\n")
    only = beside / "one.feature"
    only.write_text(FEATURE.split("  Scenario: A wrong")[0].replace("../../examples", "../examples"))
    result = run(str(root), str(only))
    assert result.exit_code == 0 and result.output.endswith("1 scenario: 1 passed, 0 failed\n")


def test_a_scenario_can_name_another_ruleset_and_set_a_threshold(tmp_path):
    root = coach_ruleset(tmp_path)
    (root / "features" / "sponsors.feature").write_text(
        textwrap.dedent("""\
        Feature: Other rulesets and thresholds
          Scenario: The bundled ruleset, by path, with a strict threshold
            Given the ruleset "../../bundled"
            And the threshold "min_sponsors" is 5
            And the person described in "../../examples/priya-hiring-freeze.yaml"
            When they ask for advice
            Then the text of "relationships.sponsor-count-2-3" mentions "get to at least 5"
            And the advice includes "after.share-and-lift-others"
        """)
    )
    (tmp_path / "bundled").symlink_to(ROOT / "rulesets" / "default")
    result = run(str(root))
    assert result.exit_code == 0, result.output


def test_an_unknown_step_fails_with_a_suggestion(tmp_path):
    root = coach_ruleset(tmp_path, "Feature: f\n  Scenario: s\n    When they ask for advise\n")
    result = run(str(root))
    assert result.exit_code == 1
    assert 'no step reads like this (did you mean "they ask for advice"?)' in result.output
    root = coach_ruleset(tmp_path / "again", "Feature: f\n  Scenario: s\n    Given they ask for advice\n")
    assert 'this is a "When" step; move it after When' in run(str(root)).output


def test_a_gherkin_mistake_is_bad_input_at_its_line(tmp_path):
    root = coach_ruleset(tmp_path, "Feature: f\n  Scenario: s\n    When they ask for advice\n  what is this\n")
    result = run(str(root))
    assert result.exit_code == 2
    assert (
        f"error: {root / 'features' / 'sponsors.feature'}:4:3: "
        'this line is not a step, a table row or a keyword line: "what is this"'
    ) in result.output
    assert "Traceback" not in result.output


def test_a_broken_ruleset_or_missing_features_are_bad_input(tmp_path):
    root = coach_ruleset(tmp_path)
    (root / "extra.yaml").write_text("rules:\n  - id: x\n    priority: 1\n    title: t\n    recommend: hi\n")
    result = run(str(root))
    assert result.exit_code == 2
    assert f'error: {root / "extra.yaml"}:2:5: rule "x" has no category' in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "ruleset.yaml").write_text("extends: default\nname: e\nversion: '1'\n")
    result = run(str(empty))
    assert result.exit_code == 2 and "no features/ folder inside or beside the ruleset" in result.output
    assert run(str(empty), str(tmp_path / "nope.feature")).exit_code == 2


def test_the_runner_works_without_pytest_installed(tmp_path):
    root = coach_ruleset(tmp_path)
    code = (
        "import sys; sys.modules['pytest'] = None; sys.modules['pytest_bdd'] = None\n"
        "from promorules.cli import main\n"
        "main(['ruleset', 'test', sys.argv[1]])"
    )
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert done.stdout.endswith("4 scenarios: 3 passed, 1 failed\n")


def test_every_step_is_documented_for_coaches():
    guide = (ROOT / "docs" / "coaching.md").read_text()
    for definition in STEPS:
        assert definition.phrase in guide, definition.phrase
