"""The commands a person uses: advise's sections, explain, case."""

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from promorules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PRIYA = str(EXAMPLES / "priya-hiring-freeze.yaml")
CLAIRE_READY = str(EXAMPLES / "claire-ready-to-ask.yaml")
CLAIRE_FIRST = str(EXAMPLES / "claire-first-visit.yaml")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def one_sponsor_short(tmp_path) -> str:
    """Ready to ask in every way but one: a single person would speak up for them."""
    facts = yaml.safe_load((EXAMPLES / "claire-ready-to-ask.yaml").read_text())
    facts["people"] = facts["people"][:1]
    path = tmp_path / "one-short.yaml"
    path.write_text(yaml.safe_dump(facts))
    return str(path)


def test_one_sponsor_short_is_told_exactly_that(tmp_path):
    result = run("advise", one_sponsor_short(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.output
    advice = json.loads(result.output)
    first = advice["nearest_misses"][0]
    assert [c["fact"] for c in first["changes"]] == ["sponsor_count"]
    change = first["changes"][0]
    assert (change["now"], change["needed_value"], change["gap"]) == (1, 2, 1)
    assert "conversation.request-dedicated-meeting" in first["unlocks"]
    text = run("advise", one_sponsor_short(tmp_path)).output
    assert "sponsors ready to speak up: 1 now, needs 2 or more (1 more)" in text
    assert "Asking now waits on sponsors ready to speak up: 1 now" in text


def test_time_alone_gives_a_date(tmp_path):
    facts = yaml.safe_load((EXAMPLES / "claire-ready-to-ask.yaml").read_text())
    facts["role_start_date"] = "2026-10-01"  # eight months in the role on 2027-06-14
    facts["scope_change"] = "none"
    path = tmp_path / "new-ish.yaml"
    path.write_text(yaml.safe_dump(facts))
    advice = json.loads(run("advise", str(path), "--format", "json").output)
    changes = [c for miss in advice["nearest_misses"] for c in miss["changes"] if c["fact"] == "months_in_role"]
    assert changes and changes[0]["from_date"] == "2027-10-01"
    assert changes[0]["now"] == 8 and changes[0]["gap"] == 4
    plan = [(item["date"], item["what"]) for item in advice["plan"]]
    assert ("2027-10-01", "12 months in the role on: Give the role 12 months first") in plan
    assert plan == sorted(plan)


def test_a_ready_person_has_nothing_in_the_way():
    advice = json.loads(run("advise", CLAIRE_READY, "--format", "json").output)
    unlocked = {rule for miss in advice["nearest_misses"] for rule in miss["unlocks"]}
    assert "conversation.request-dedicated-meeting" not in unlocked
    assert advice["plan"][0]["date"] == "2027-07-05"


def test_the_freeze_is_what_stands_in_priyas_way():
    advice = json.loads(run("advise", PRIYA, "--format", "json").output)
    first = advice["nearest_misses"][0]
    assert [(c["fact"], c["now"], c["needed_value"]) for c in first["changes"]] == [("freeze_active", True, False)]
    assert "relationships.ask-for-good-word" in first["unlocks"]


def test_markdown_to_share_with_a_coach():
    result = run("advise", PRIYA, "--format", "markdown")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("# Make the case, not asking yet\n")
    for heading in (
        "## What to do, in order",
        "## Held back for now",
        "## What would change this advice",
        "## Your dated plan",
        "## Tell us more: facts that could change this advice",
    ):
        assert heading in text
    assert "### 1. Hold the formal request while the company is frozen" in text
    assert run("advise", PRIYA, "--format", "markdown").output == text  # deterministic


def test_explain_a_rule_in_plain_language():
    result = run("explain", "timing.avoid-under-12-months")
    assert result.exit_code == 0, result.output
    assert "months in role is under 12 (min_months_in_role)" in result.output
    assert "min_months_in_role = 12 months" in result.output
    assert '- When and how to ask for a promotion (checklists and scripts), "Bad timing"\n' in result.output


def test_explain_with_facts_marks_each_condition(tmp_path):
    result = run("explain", "signal.ready-to-ask", "--facts", one_sponsor_short(tmp_path))
    assert result.exit_code == 0, result.output
    # The condition as the rule is written, then the fact as the advice names it, and the person's value.
    assert "[no]  sponsor count is at least 2 (min_sponsors)  (sponsors ready to speak up; yours: 1)" in result.output
    assert "[yes] foundation solid  (yours: yes)" in result.output
    assert "For you: it does not apply." in result.output
    held = run("explain", "conversation.request-dedicated-meeting", "--facts", PRIYA).output
    assert "For you: it applies, but it is held back by timing.avoid-freeze." in held


def test_explain_an_unknown_rule_suggests_the_right_one():
    result = run("explain", "timing.avoid-freze")
    assert result.exit_code == 2
    assert 'no rule with this id (did you mean "timing.avoid-freeze"?)' in result.output


def test_case_draft_has_five_parts_and_flags_the_weak_ones(tmp_path):
    out = tmp_path / "case.md"
    result = run("case", CLAIRE_FIRST, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    for part in (
        "## 1. My current role, done well",
        "## 2. Beyond my role",
        "## 3. Impact, in numbers",
        "## 4. The ask",
        "## 5. What the promotion lets me do next, for the organisation",
    ):
        assert part in text
    assert "**5 of the five parts need work.**" in text
    assert "0 results with numbers from the last twelve months; aim for at least 5." in text
    assert "`promorules explain case.quantified-results-5-10`" in text
    ready = run("case", CLAIRE_READY).output
    assert "**2 of the five parts need work.**" in ready
    assert "- Sample turnaround cut from 5 days to 3 (2027-05-20)" in ready
    assert "missing: salary, benefits, responsibilities" in ready


def test_every_command_has_help_with_an_example():
    for command in ("advise", "explain", "case", "interview"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output and "promorules " + command in result.output


def test_a_draft_that_cannot_be_written_is_named_not_an_internal_problem(tmp_path):
    target = tmp_path / "no-such-folder" / "my-case.md"
    result = run("case", CLAIRE_READY, "-o", str(target))
    assert result.exit_code == 2, result.output
    assert f"error: {target}: cannot write the file: the folder {target.parent} does not exist" in result.output
    assert "internal problem" not in result.output
