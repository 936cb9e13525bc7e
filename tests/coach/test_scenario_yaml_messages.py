"""An indentation slip in a YAML file a scenario uses is named as one: the line, and the spaces to fix.

PyYAML says "mapping values are not allowed in this context" for a key
indented under a key that has a value, and "did not find expected key" or
"... '-' indicator" for a line that lines up with nothing: true, but not what
a coach has to change.
"""

from pathlib import Path

from click.testing import CliRunner

from promorules.cli import main

RAW = ("mapping values are not allowed", "did not find expected", "could not find expected")


def run(*args):
    return CliRunner().invoke(main, ["ruleset", "test", *args])


def facts_feature(tmp_path: Path, facts: str) -> Path:
    (tmp_path / "me.yaml").write_text(facts)
    path = tmp_path / "coach.feature"
    path.write_text(
        "Feature: f\n"
        "  Scenario: s\n"
        '    Given the person described in "me.yaml"\n'
        "    When they ask for advice on 2026-11-24\n"
        '    Then the stage is "foundation"\n'
    )
    return path


def test_a_key_indented_under_a_value_in_a_facts_file(tmp_path):
    path = facts_feature(tmp_path, "org:\n  hiring_freeze: true\n    company_freeze: true\n")
    result = run("default", str(path))
    assert result.exit_code == 1
    assert (
        f'{tmp_path / "me.yaml"}:3:5: not valid YAML: this key is indented more than "hiring_freeze" on line 2 '
        "(4 spaces, not 2), which already has a value; line it up with the keys it belongs with"
    ) in result.output
    assert not any(raw in result.output for raw in RAW)


def test_a_missing_space_after_a_colon_in_a_facts_file(tmp_path):
    path = facts_feature(tmp_path, "frustrated:true\nscope_change: none\n")
    result = run("default", str(path))
    assert result.exit_code == 1
    assert (
        f'{tmp_path / "me.yaml"}:1:12: not valid YAML: write a space after the ":" here ("frustrated:true"): '
        "a key and its value need one"
    ) in result.output
    assert not any(raw in result.output for raw in RAW)


def test_a_line_that_lines_up_with_nothing_in_the_ruleset(tmp_path):
    root = tmp_path / "acme"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: acme\nversion: '1'\n")
    (root / "rules.yaml").write_text(
        "category: timing\nrules:\n  - id: acme.wait\n    priority: 50\n   title: Wait\n    when: months_in_role < 18\n"
    )
    (tmp_path / "coach.feature").write_text('Feature: f\n  Scenario: s\n    Then "acme.wait" is disabled\n')
    result = run(str(root), str(tmp_path / "coach.feature"))
    assert result.exit_code == 2
    assert result.output == (
        f"error: {root / 'rules.yaml'}:5:4: not valid YAML: this line is indented by 3 spaces, "
        "which lines up with no key above it; indent it like the key it belongs with (4 spaces)\n"
    )


def test_text_with_a_colon_keeps_its_quotes_hint(tmp_path):
    path = facts_feature(tmp_path, "org:\n  hiring_freeze: true\nnote: asked: twice\n")
    result = run("default", str(path))
    assert 'mapping values are not allowed in this context; text containing ": " must be in quotes' in result.output
