"""`promorules ruleset validate`: errors and warnings a coach can act on, and the exit codes."""

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.cli import main
from promorules.coach.lint import lint
from promorules.ruleset.loader import inspect_ruleset

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES = len(inspect_ruleset(ROOT / "rulesets" / "default").ruleset.rules)


def layer_with_rules(tmp_path, rules: str, manifest_extra: str = "") -> Path:
    root = tmp_path / "mine"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: mine\nversion: '1'\n" + textwrap.dedent(manifest_extra))
    (root / "rules.yaml").write_text("category: timing\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return root


def rule(rule_id: str, when: str, extra: str = "") -> str:
    return (
        f"- id: {rule_id}\n  priority: 50\n  title: T\n  when: {when}\n{extra}"
        "  recommend: Advice.\n  sources:\n    - S3: Good timing\n"
    )


def warnings_of(root: Path) -> list[str]:
    report = inspect_ruleset(root)
    assert report.problems == []
    return [w.message for w in lint(report)]


def test_the_bundled_ruleset_has_no_warnings():
    result = CliRunner().invoke(main, ["ruleset", "validate", "default", "--strict"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" rules, 0 errors, 0 warnings\n")


@pytest.mark.parametrize(
    "when",
    [
        "[months_in_role < 3, months_in_role > 5]",
        "[months_in_role <= 3, months_in_role >= 3.5]",
        "[months_in_role == 4, months_in_role != 4]",
        "[months_in_role == 4, months_in_role == 5]",
        "[months_in_role < min_months_in_role, months_in_role > 20]",
        '[scope_change == dramatic, "scope_change in [none, expanded]"]',
        "[frustrated, not frustrated]",
        "[role_start_date is unknown, role_start_date is known]",
        "[sponsor_count is unknown, sponsor_count >= 1]",
        "[ready_to_ask, not ready_to_ask]",
        "{any: [[months_in_role < 1, months_in_role > 2], [frustrated, not frustrated]]}",
    ],
)
def test_conditions_that_can_never_be_true_are_warned_about(tmp_path, when):
    found = warnings_of(layer_with_rules(tmp_path, rule("coach.never", when)))
    assert len(found) == 1 and found[0].startswith('rule "coach.never": the condition can never be true'), found


@pytest.mark.parametrize(
    "when",
    [
        "[months_in_role <= 3, months_in_role >= 3]",
        "{any: [months_in_role < 3, months_in_role > 5]}",
        "[months_in_role != 4, months_in_role != 5]",
        "[scope_change != dramatic, scope_change != none]",
        "{not: {all: [frustrated, not frustrated]}}",
        "[leave_policy == aggressive, frustrated]",  # switched off by the policy: intended, not a slip
        "[months_in_role is known, sponsor_count is unknown]",
    ],
)
def test_conditions_that_can_hold_are_not_warned_about(tmp_path, when):
    assert warnings_of(layer_with_rules(tmp_path, rule("coach.fine", when))) == []


def test_the_warning_names_the_comparisons_that_clash(tmp_path):
    found = warnings_of(
        layer_with_rules(tmp_path, rule("coach.never", "[frustrated, months_in_role < 3, months_in_role > 5]"))
    )
    assert found == [
        'rule "coach.never": the condition can never be true '
        "(months_in_role < 3 and months_in_role > 5 cannot all hold)"
    ]


@pytest.mark.parametrize(
    "holder_when, held",
    [
        ("frustrated", True),  # the same condition
        ("months_in_role >= 1", True),  # implied: 12 or more is at least 1
        ("[frustrated, months_in_role >= 12]", True),
        ("[frustrated, months_in_role >= 13]", False),  # 12 does not reach 13
        ("{any: [frustrated, remote]}", True),
        ("remote", False),
        ("months_in_role is known", True),
    ],
)
def test_advice_always_held_back_is_warned_about(tmp_path, holder_when, held):
    target = rule("coach.target", "[frustrated, months_in_role >= 12]")
    holder = rule("coach.holder", holder_when, "  hold_back: [coach.target]\n")
    found = warnings_of(layer_with_rules(tmp_path, target + holder))
    expected = [
        'rule "coach.target" is always held back: whenever it applies, "coach.holder" applies too and holds it back'
    ]
    assert found == (expected if held else [])


def test_an_unconditional_holder_holds_back_everything_it_names_by_tag(tmp_path):
    target = rule("coach.target", "frustrated", "  tags: [coach-ask]\n")
    holder = "- id: coach.always\n  priority: 1\n  title: Always\n  hold_back: [coach-ask]\n"
    assert warnings_of(layer_with_rules(tmp_path, target + holder)) == [
        'rule "coach.target" is always held back: whenever it applies, "coach.always" applies too and holds it back'
    ]


def test_advice_without_source_and_unused_thresholds(tmp_path):
    rules = "- id: coach.bare\n  priority: 50\n  title: T\n  when: frustrated\n  recommend: Advice.\n"
    rules += "- id: coach.signal\n  priority: 1\n  title: S\n  when: frustrated\n  derive: coach_upset\n"
    extra = "thresholds:\n  coach_unused:\n    default: 2\n    unit: days\n    meaning: Nothing yet.\n"
    found = warnings_of(layer_with_rules(tmp_path, rules, extra))
    assert found == [
        'rule "coach.bare" gives advice but names no source',  # a signal rule needs none
        'threshold "coach_unused" is not used by any rule',
    ]


def test_a_threshold_used_only_in_a_text_or_a_date_or_a_policy_switch_counts_as_used(tmp_path):
    extra = (
        "thresholds:\n"
        "  coach_days: {default: 2, unit: days, meaning: A wait.}\n"
        "  coach_words: {default: 3, unit: words, meaning: A count.}\n"
        "  coach_policy: {default: strict, unit: policy, meaning: A switch., choices: [strict, relaxed]}\n"
    )
    rules = rule("coach.one", "[coach_policy == strict, frustrated]", "  date: as_of + coach_days days\n").replace(
        "Advice.", "Say {coach_words} words by {date}."
    )
    assert warnings_of(layer_with_rules(tmp_path, rules, extra)) == []


def test_errors_exit_1_and_are_all_listed_with_the_summary(tmp_path):
    rules = rule("coach.a", "months_in_rol > 3") + rule("coach.b", "frustrated").replace("S3:", "S9:")
    root = layer_with_rules(tmp_path, rules)
    result = CliRunner().invoke(main, ["ruleset", "validate", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        lines[0]
        == f'{root / "rules.yaml"}:6:5: rule "coach.a": unknown fact "months_in_rol" (did you mean "months_in_role"?)'
    )
    assert lines[1] == f'{root / "rules.yaml"}:16:9: rule "coach.b": unknown source "S9"'
    assert lines[2] == f"{root}: {DEFAULT_RULES + 2} rules, 2 errors, 0 warnings"
    assert "Traceback" not in result.output


def test_warnings_fail_only_with_strict(tmp_path):
    root = layer_with_rules(tmp_path, rule("coach.never", "[months_in_role < 3, months_in_role > 5]"))
    relaxed = CliRunner().invoke(main, ["ruleset", "validate", str(root)])
    assert relaxed.exit_code == 0
    assert relaxed.output.splitlines()[0] == (
        f'{root / "rules.yaml"}:6:5: warning: rule "coach.never": the condition can never be true '
        "(months_in_role < 3 and months_in_role > 5 cannot all hold)"
    )
    assert relaxed.output.splitlines()[-1].endswith(", 0 errors, 1 warning")
    assert CliRunner().invoke(main, ["ruleset", "validate", str(root), "--strict"]).exit_code == 1


def test_a_missing_ruleset_is_an_error_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["ruleset", "validate", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nothing'}: no such directory" in result.output
    assert result.output.splitlines()[-1] == f"{tmp_path / 'nothing'}: 0 rules, 1 error, 0 warnings"


def test_help_shows_an_example():
    for command in ("validate", "show", "doc", "test", "diff"):
        result = CliRunner().invoke(main, ["ruleset", command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, command


def test_a_declared_pair_whose_rules_can_both_apply_is_reported_at_the_pair_with_a_witness(tmp_path):
    rules = (
        rule("mine.hold", "frustrated")
        + rule("mine.go", "[months_in_role >= 12, not frustrated]")
        + rule("mine.plan", "months_in_role >= 12")
    )
    pairs = """
        pairs:
          - first: [mine.hold]
            second: [mine.go, mine.plan]
            yields: second
            reason: Hold first.
    """
    root = layer_with_rules(tmp_path, rules, pairs)
    found = [w for w in lint(inspect_ruleset(root)) if "pair:" in w.message]
    # mine.go can never apply with mine.hold (frustrated and not frustrated); mine.plan can
    assert [w.message for w in found] == [
        'pair: "mine.hold" and "mine.plan" can both apply, neither held back '
        "(for example when frustrated and months_in_role >= 12)"
    ]
    assert found[0].location.file.endswith("ruleset.yaml") and found[0].location.line == 6  # the pair's "- first:"
    strict = CliRunner().invoke(main, ["ruleset", "validate", str(root), "--strict"])
    assert strict.exit_code != 0 and "ruleset.yaml:6" in strict.output


def test_a_pair_kept_apart_by_a_hold_back_is_not_reported(tmp_path):
    rules = rule("mine.hold", "frustrated", "  hold_back: [mine.plan]\n") + rule("mine.plan", "months_in_role >= 12")
    pairs = """
        pairs:
          - first: [mine.hold]
            second: [mine.plan]
            yields: second
            reason: Hold first.
    """
    root = layer_with_rules(tmp_path, rules, pairs)
    assert [w for w in lint(inspect_ruleset(root)) if "pair:" in w.message] == []
