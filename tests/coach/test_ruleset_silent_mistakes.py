"""Mistakes a coach makes in a layer that used to load without a word: each is now a problem at the coach's line.

Each test writes a layer on the bundled guidance and runs `promorules ruleset validate` as a coach would.
"""

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.advisor import Advisor
from promorules.cli import main
from promorules.coach import lint
from promorules.errors import MAX_PROBLEMS
from promorules.facts.files import read_facts
from promorules.ruleset.loader import bundled_ruleset_path

BUNDLED = str(bundled_ruleset_path())
ROOT = Path(__file__).resolve().parents[2]


def layer(tmp_path: Path, manifest: str = "", rules: str = "") -> Path:
    root = tmp_path / "acme"
    root.mkdir()
    head = "extends: default\nname: acme\nversion: '1'\n"
    (root / "ruleset.yaml").write_text(head + textwrap.dedent(manifest))
    if rules:
        (root / "rules.yaml").write_text("category: timing\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return root


def validate(root: Path, strict: bool = True):
    result = CliRunner().invoke(main, ["ruleset", "validate", str(root)] + (["--strict"] if strict else []))
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()[:-1]  # without the summary


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``text``."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# ------------------------------------------------------------------ 1. true or false for a number


@pytest.mark.parametrize("value", ["true", "false", "yes", "on"])
def test_a_yes_no_value_for_a_number_of_months_is_an_error_at_the_layers_line(tmp_path, value):
    root = layer(tmp_path, f"thresholds:\n  min_months_in_role:\n    default: {value}\n")
    code, lines = validate(root, strict=False)
    assert code == 1
    word = "true" if value in ("true", "yes", "on") else "false"
    assert lines == [
        f"{root / 'ruleset.yaml'}:6:5: thresholds.min_months_in_role.default: "
        f"{word} is yes/no, not a number; write a number, or a choice"
    ]


def test_a_yes_no_value_for_a_new_threshold_or_a_priority_is_an_error(tmp_path):
    manifest = "thresholds:\n  acme_days: {default: true, unit: days, meaning: A wait.}\n"
    rules = "- id: acme.rule\n  priority: true\n  title: T\n  when: frustrated\n  recommend: R.\n"
    root = layer(tmp_path, manifest, rules)
    code, lines = validate(root, strict=False)
    assert code == 1
    assert any(f"{root / 'ruleset.yaml'}:5:" in line and "acme_days.default: true is yes/no" in line for line in lines)
    assert any(f"{root / 'rules.yaml'}:4:" in line and "priority: true is yes/no" in line for line in lines), lines


@pytest.mark.parametrize(
    "when", ["months_in_role >= true", "months_in_role == true", '"months_in_role in [true, 3]"', "sponsor_count < no"]
)
def test_a_yes_no_value_compared_with_a_number_fact_is_an_error(tmp_path, when):
    rules = f"- id: acme.rule\n  priority: 5\n  title: T\n  when: {when}\n  recommend: R.\n"
    root = layer(tmp_path, rules=rules)
    code, lines = validate(root, strict=False)
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"{root / 'rules.yaml'}:6:"), lines


# ------------------------------------------------------------------ 2. replaces: leaves keys out

FREEZE = """\
- id: timing.avoid-freeze
  replaces: true
  priority: 10
  title: Budgets are frozen at Acme until March
  recommend: Acme reopens budgets in March; keep building your case until then.
  sources:
    - S3: Bad timing
"""


def test_a_replacing_rule_without_when_or_hold_back_is_warned_about_at_its_own_line(tmp_path):
    root = layer(tmp_path, rules=FREEZE)
    code, lines = validate(root)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f'{root / "rules.yaml"}:3:5: warning: rule "timing.avoid-freeze" leaves out when:')
    assert f"of the rule it replaces (at {BUNDLED}/timing.yaml:" in lines[0]
    assert "so it applies to everyone" in lines[0] and "holds nothing back (it held back ask-now" in lines[0]
    assert '"when: []"' in lines[0] and '"hold_back: []"' in lines[0]
    assert validate(root, strict=False)[0] == 0  # a warning: only --strict fails


TEAM_RULE = """\
category: timing
rules:
  - id: team.wait
    priority: 10
    title: Wait
    when: frustrated
    hold_back: [ask-now]
    tags: [team-wait]
    stages: [make_the_case]
    recommend: Wait a little.
    sources:
      - S3: Bad timing
"""


@pytest.mark.parametrize(
    "written, left_out",
    [
        ("", "when:, hold_back:, tags: and stages:"),
        ("  when: frustrated\n  hold_back: [ask-now]\n  tags: [team-wait]\n", "stages:"),
        ("  when: frustrated\n  hold_back: [ask-now]\n  tags: [team-wait]\n  stages: [make_the_case]\n", None),
        ("  when: frustrated\n  hold_back: [ask-now]\n  tags: []\n  stages: []\n", None),  # emptied on purpose
    ],
)
def test_each_key_a_replacing_rule_leaves_out_is_named_and_an_empty_one_is_taken_as_meant(tmp_path, written, left_out):
    team = tmp_path / "team"
    team.mkdir()
    (team / "ruleset.yaml").write_text("extends: default\nname: team\nversion: '1'\n")
    (team / "rules.yaml").write_text(TEAM_RULE)
    top = tmp_path / "top"
    top.mkdir()
    (top / "ruleset.yaml").write_text("extends: ../team\nname: top\nversion: '1'\n")
    rule = "- id: team.wait\n  replaces: true\n  priority: 10\n  title: Wait\n" + written
    rule += "  recommend: Wait a while.\n  sources:\n    - S3: Bad timing\n"
    (top / "rules.yaml").write_text("category: timing\nrules:\n" + textwrap.indent(rule, "  "))
    code, lines = validate(top)
    if left_out is None:
        assert (code, lines) == (0, [])
    else:
        assert code == 1 and len(lines) == 1, lines
        assert lines[0].startswith(
            f'{top / "rules.yaml"}:3:5: warning: rule "team.wait" leaves out {left_out} of the rule it replaces '
            f"(at {team / 'rules.yaml'}:3:5), so it "
        )


# ------------------------------------------------------------------ 3. a rule a choice threshold switches off

SWITCHED = """\
- id: acme.aggressive-only
  priority: 50
  title: T
  when: [leave_policy == aggressive, months_in_role < 3, months_in_role > 5]
  recommend: Advice.
  sources:
    - S3: Good timing
"""


def test_an_impossible_condition_in_a_rule_switched_off_by_default_is_found_with_the_other_choice(tmp_path):
    root = layer(tmp_path, rules=SWITCHED)
    code, lines = validate(root)
    assert code == 1
    assert lines == [
        f'{root / "rules.yaml"}:6:5: warning: rule "acme.aggressive-only": the condition can never be true '
        "(months_in_role < 3 and months_in_role > 5 cannot all hold) (when leave_policy is aggressive)"
    ]


def test_every_other_value_that_shows_a_warning_is_named_once(tmp_path):
    rules = SWITCHED.replace("leave_policy == aggressive", "leave_policy != balanced")
    root = layer(tmp_path, rules=rules)
    _, lines = validate(root)
    assert len(lines) == 1
    assert lines[0].endswith("(when leave_policy is conservative, or leave_policy is aggressive)")


def test_a_choice_threshold_compared_with_a_fact_is_tried_with_its_other_values_too(tmp_path):
    manifest = """\
        thresholds:
          acme_scope: {default: expanded, choices: [expanded, dramatic], unit: scope, meaning: The scope asked for.}
        """
    rules = SWITCHED.replace("[leave_policy == aggressive, months_in_role < 3, months_in_role > 5]", "")
    rules = rules.replace("  when: \n", "  when: [scope_change == acme_scope, scope_change == expanded]\n")
    root = layer(tmp_path, manifest, rules)
    _, lines = validate(root)
    assert lines == [
        f'{root / "rules.yaml"}:6:5: warning: rule "acme.aggressive-only": the condition can never be true '
        "(scope_change == acme_scope and scope_change == expanded cannot all hold) (when acme_scope is dramatic)"
    ]


def test_another_choice_that_does_not_load_is_reported_at_the_threshold_that_offers_it(tmp_path):
    manifest = """\
        thresholds:
          acme_scope: {default: expanded, choices: [expanded, sideways], unit: scope, meaning: The scope asked for.}
        """
    rules = SWITCHED.replace("[leave_policy == aggressive, months_in_role < 3, months_in_role > 5]", "")
    rules = rules.replace("  when: \n", "  when: scope_change == acme_scope\n")
    root = layer(tmp_path, manifest, rules)
    _, lines = validate(root)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f'{root / "ruleset.yaml"}:5:3: warning: does not load: threshold "acme_scope": ')
    assert lines[0].endswith(
        '"sideways" is not a value of scope_change (none, expanded, dramatic) (when acme_scope is sideways)'
    )


def test_the_values_tried_are_bounded_and_those_left_untried_are_named(tmp_path, monkeypatch):
    monkeypatch.setattr(lint, "MAX_OTHER_CHOICES", 1)
    root = layer(tmp_path, rules=SWITCHED)
    _, lines = validate(root)
    assert lines == [
        f"{root}: warning: 1 other value of a choice threshold was not tried (leave_policy): at most 1 are, a load each"
    ]


# ------------------------------------------------------------------ 4. contradicting pairs across layers


def test_a_replacement_that_is_no_longer_ask_now_advice_is_reported_beside_the_reasons_to_wait(tmp_path):
    """The window to ask, reworded, with its tag changed: no reason to wait holds it back any more."""
    rules = """\
        - id: timing.tenure-window-with-scope
          replaces: true
          priority: 41
          title: You are in the usual window to ask
          tags: [acme-window]
          when:
            - ready_to_ask
            - months_in_role >= min_months_in_role
            - months_in_role <= ideal_tenure_max_months
            - scope_change in [expanded, dramatic]
          recommend: Ask now.
          sources:
            - S3: Good timing
        """
    root = layer(tmp_path, rules=rules)
    code, lines = validate(root)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(
        f'{root / "rules.yaml"}:3:5: warning: rule "timing.tenure-window-with-scope" is no longer tagged ask-now, '
        f"as the rule it replaces was, so the pair at {BUNDLED}/ruleset.yaml:"
    )
    assert "both can apply, neither held back (for example when" in lines[0]


def test_a_base_pair_a_layers_rule_brings_together_is_reported_at_that_rule_not_the_bundled_pair(tmp_path):
    """The bundled pair: once the manager declined to give feedback, asking for criteria yields."""
    rules = """\
        - id: escalate.ask-specific-criteria
          replaces: true
          category: escalation
          priority: 63
          stages: [after_a_no, foundation]
          title: Ask exactly what must change for a yes
          when: [told_no_last, not latest_feedback_specific]
          recommend: Ask what must change.
          sources:
            - S0: Gather feedback.
        """
    root = layer(tmp_path, rules=rules)
    code, lines = validate(root)
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{root / 'rules.yaml'}:3:5: warning: the pair at {BUNDLED}/ruleset.yaml:")
    assert '"escalate.no-feedback-means-groundwork" and "escalate.ask-specific-criteria" can both apply' in lines[0]


def test_a_new_rule_declared_to_contradict_asking_now_is_reported_at_the_layers_pair(tmp_path):
    """ "See your manager first" and "ask now": the coach declares them a pair, and the rules can meet."""
    rules = """\
        - id: acme.see-manager-first
          priority: 30
          title: Talk to your manager first
          when: [frustrated]
          recommend: Talk to your manager before anything else.
          sources:
            - S3: Good timing
        """
    pairs = """\
        pairs:
          - first: [acme.see-manager-first]
            second: [ask-now]
            yields: second
            reason: Your manager first.
        """
    root = layer(tmp_path, pairs, rules)
    code, lines = validate(root)
    assert code == 1 and lines
    assert all(line.startswith(f"{root / 'ruleset.yaml'}:5:5: warning: pair: ") for line in lines), lines
    assert any('"acme.see-manager-first" and "timing.tenure-window-with-scope" can both apply' in x for x in lines)


def test_a_layers_new_ask_now_rule_is_never_shown_beside_a_reason_to_wait(tmp_path):
    """Every reason to wait holds back the ask-now tag, so a new rule carrying it is held back, not contradicted:
    validate has nothing to report, and the advice shows the reason to wait alone."""
    rules = """\
        - id: acme.ask-anyway
          priority: 5
          title: Ask anyway
          tags: [ask-now]
          when: months_in_role >= 1
          recommend: Ask now.
          sources:
            - S3: Good timing
        """
    root = layer(tmp_path, rules=rules)
    assert validate(root) == (0, [])
    advice = Advisor(root).advise(read_facts(ROOT / "examples" / "priya-hiring-freeze.yaml"))
    shown = [r.rule_id for r in advice.recommendations]
    held = {h.rule_id: h.held_back_by for h in advice.held_back}
    assert "timing.avoid-freeze" in shown and "acme.ask-anyway" not in shown
    assert "timing.avoid-freeze" in held["acme.ask-anyway"]


# ------------------------------------------------------------------ 5. a threshold a layer changes


def test_a_threshold_that_makes_a_bundled_rule_impossible_is_reported_at_the_layers_threshold(tmp_path):
    root = layer(tmp_path, "thresholds:\n  min_months_in_role:\n    default: 24\n")
    code, lines = validate(root)
    assert code == 1
    assert all(line.startswith(f"{root / 'ruleset.yaml'}:5:3: warning: ") for line in lines), lines
    assert any(
        'threshold "min_months_in_role" is 24 here, which makes rule "timing.tenure-window-with-scope" '
        f"(at {BUNDLED}/timing.yaml:"
        in line
        and "cannot all hold: min_months_in_role is 24, ideal_tenure_max_months is 18)" in line
        for line in lines
    ), lines


@pytest.mark.parametrize(
    "manifest, name, message",
    [
        (
            "  min_sponsors: {default: 5}\n",
            "min_sponsors",
            'threshold "min_sponsors" is 5 here, above target_sponsors (3); min_sponsors is declared '
            "at_most: target_sponsors: raise target_sponsors too, or keep min_sponsors at 3 or less",
        ),
        (
            "  target_sponsors: {default: 1}\n",
            "target_sponsors",
            'threshold "target_sponsors" is 1 here, below min_sponsors (2); min_sponsors is declared '
            "at_most: target_sponsors: lower min_sponsors too, or keep target_sponsors at 2 or more",
        ),
        (
            "  min_months_in_role: {default: 20}\n",
            "min_months_in_role",
            'threshold "min_months_in_role" is 20 here, above ideal_tenure_max_months (18)',
        ),
        (
            "  post_denial_followup_days: {default: 14}\n",
            "post_denial_followup_days",
            'threshold "post_denial_followup_days" is 14 here, below denial_processing_days (21)',
        ),
    ],
)
def test_a_minimum_raised_above_its_target_is_reported_at_the_layers_threshold(tmp_path, manifest, name, message):
    root = layer(tmp_path, "thresholds:\n" + manifest)
    code, lines = validate(root)
    assert code == 1
    at = f"{root / 'ruleset.yaml'}:5:3: warning: "
    assert any(line.startswith(at + message) for line in lines), lines
    assert not any(BUNDLED in line.split(": warning")[0] for line in lines), lines


def test_a_minimum_and_its_target_raised_together_are_fine(tmp_path):
    root = layer(tmp_path, "thresholds:\n  min_sponsors: {default: 4}\n  target_sponsors: {default: 4}\n")
    assert validate(root) == (0, [])


# ------------------------------------------------------------------ facts a ruleset declares


@pytest.mark.parametrize(
    "when, never",
    [
        ("[department == sales, department == finance]", "department == sales and department == finance"),
        ("[talked_to_manager, not talked_to_manager]", "talked_to_manager and not talked_to_manager"),
        ("[missed_quota_count >= 3, missed_quota_count < 2]", "missed_quota_count >= 3 and missed_quota_count < 2"),
        ("[department != sales, department != finance]", None),
    ],
)
def test_conditions_on_a_rulesets_own_facts_are_checked_by_their_kind(tmp_path, when, never):
    root = tmp_path / "company"
    shutil.copytree(ROOT / "tests" / "coach" / "fixtures" / "company", root)
    rule = f"- id: company.check\n  priority: 50\n  title: T\n  when: {when}\n  recommend: R.\n"
    (root / "check.yaml").write_text(
        "category: company\nrules:\n" + textwrap.indent(rule + "  sources:\n    - C1: x\n", "  ")
    )
    code, lines = validate(root)
    if never is None:
        assert (code, lines) == (0, [])
    else:
        assert lines == [
            f'{root / "check.yaml"}:6:5: warning: rule "company.check": the condition can never be true '
            f"({never} cannot all hold)"
        ]


# ------------------------------------------------------------------ the list is capped


def test_a_long_list_of_problems_is_capped_with_a_count_of_the_rest(tmp_path):
    rules = "".join(
        f"- id: acme.r{n:03}\n  priority: 5\n  title: T\n  when: months_in_rol > {n}\n  recommend: R.\n"
        for n in range(70)
    )
    root = layer(tmp_path, rules=rules)
    result = CliRunner().invoke(main, ["ruleset", "validate", str(root)])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert len(lines) == MAX_PROBLEMS + 2
    assert lines[-2] == "... and 20 more problems"
    assert lines[-1].endswith(", 70 errors, 0 warnings")
