"""`promorules ruleset diff`: who a ruleset change affects, and how, over a folder of facts files."""

import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from promorules import Advisor
from promorules.cli import main
from promorules.facts.files import read_facts

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def acme(tmp_path: Path) -> Path:
    """Four sponsors needed, sharing-and-lifting dropped, and make-the-case never reached."""
    root = tmp_path / "acme"
    root.mkdir()
    (root / "ruleset.yaml").write_text(
        "extends: default\nname: acme\nversion: '1'\n"
        "thresholds:\n  min_sponsors: {default: 4}\n"
        "disable: [after.share-and-lift-others]\n"
    )
    (root / "stage.yaml").write_text(
        "category: stage\nrules:\n"
        "  - id: stage.make-the-case\n    replaces: true\n    priority: 1\n    title: Never here\n"
        "    when: [frustrated, not frustrated]\n    derive: stage_make_the_case\n"
    )
    return root


def diff(*args):
    return CliRunner().invoke(main, ["ruleset", "diff", *args])


def ranks(advisor: Advisor, path: Path) -> dict:
    return {r.rule_id: r.rank for r in advisor.advise(read_facts(str(path))).recommendations}


def test_json_lists_each_persons_changes_as_the_advisors_give_them(tmp_path):
    root = acme(tmp_path)
    result = diff("default", str(root), "--facts", str(EXAMPLES), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert [person["file"] for person in data["people"]] == [str(path) for path in files]
    old, new = Advisor(), Advisor(root)
    for person, path in zip(data["people"], files):
        before, after = ranks(old, path), ranks(new, path)
        assert {(a["rule_id"], a["rank"]) for a in person["added"]} == {(r, after[r]) for r in after if r not in before}
        assert {(a["rule_id"], a["rank"]) for a in person["removed"]} == {
            (r, before[r]) for r in before if r not in after
        }
        assert {(m["rule_id"], m["old_rank"], m["new_rank"]) for m in person["moved"]} == {
            (r, before[r], after[r]) for r in after if r in before and before[r] != after[r]
        }
    priya = data["people"][[p.name for p in files].index("priya-hiring-freeze.yaml")]
    assert (priya["old_stage"], priya["new_stage"]) == ("make_the_case", "step_up")
    assert {"rule_id": "after.share-and-lift-others", "rank": 8, "held_back_by": []} in priya["removed"]
    summary = data["summary"]
    assert summary["people"] == 6 and summary["unreadable"] == 0
    assert summary["changed"] + summary["unchanged"] == 6
    assert summary["added"] == sum(len(p["added"]) for p in data["people"])
    assert summary["removed"] == sum(len(p["removed"]) for p in data["people"])
    assert summary["moved_up"] + summary["moved_down"] == sum(len(p["moved"]) for p in data["people"])
    assert summary["stage_changes"] == sum(p["old_stage"] != p["new_stage"] for p in data["people"])


def test_text_names_ranks_stage_changes_and_a_summary(tmp_path):
    root = acme(tmp_path)
    result = diff("default", str(root), "--facts", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    text = result.output
    priya = text.split(f"{EXAMPLES / 'priya-hiring-freeze.yaml'}:\n", 1)[1].split("\n" + str(EXAMPLES), 1)[0]
    assert "  stage: make_the_case -> step_up\n" in priya
    assert "  - after.share-and-lift-others (was rank 8)\n" in priya
    summary = json.loads(diff("default", str(root), "--facts", str(EXAMPLES), "--format", "json").output)["summary"]
    assert text.splitlines()[-1] == (
        f"6 people: {summary['changed']} changed, {summary['unchanged']} unchanged; {summary['added']} added, "
        f"{summary['removed']} removed, {summary['moved_up']} moved up, {summary['moved_down']} moved down, "
        f"{summary['stage_changes']} stage changes; 0 files could not be read"
    )
    assert diff("default", str(root), "--facts", str(EXAMPLES)).output == text  # deterministic


def test_the_same_ruleset_changes_nobody():
    result = diff("default", str(ROOT / "rulesets" / "default"), "--facts", str(EXAMPLES))
    assert result.exit_code == 0
    assert result.output.count(": unchanged\n") == 6
    assert result.output.splitlines()[-1].startswith("6 people: 0 changed, 6 unchanged; 0 added, 0 removed")


def test_a_file_that_cannot_be_read_is_named_and_counted_never_dropped(tmp_path):
    folder = tmp_path / "people"
    folder.mkdir()
    shutil.copy(EXAMPLES / "priya-hiring-freeze.yaml", folder / "a-priya.yaml")
    (folder / "b-broken.yaml").write_text("as_of: 2026-01-01\nrole_start_dat: 2025-01-01\n")
    (folder / "c-broken.json").write_text('{"as_of": "2026-01-01",')
    (folder / "notes.txt").write_text("not a facts file")
    result = diff("default", str(acme(tmp_path)), "--facts", str(folder))
    assert result.exit_code == 2
    assert (
        f"{folder / 'b-broken.yaml'}: cannot be read\n  {folder / 'b-broken.yaml'}:2:1: unknown fact "
        '"role_start_dat" (did you mean "role_start_date"?)' in result.output
    )
    assert f"{folder / 'c-broken.json'}: cannot be read\n" in result.output
    assert f"{folder / 'a-priya.yaml'}:\n  stage: make_the_case -> step_up" in result.output
    assert result.output.splitlines()[-1].endswith("; 2 files could not be read")
    data = json.loads(diff("default", "default", "--facts", str(folder), "--format", "json").output)
    assert [bad["file"] for bad in data["unreadable"]] == [str(folder / "b-broken.yaml"), str(folder / "c-broken.json")]
    assert data["summary"]["people"] == 1 and data["summary"]["unreadable"] == 2


def test_bad_rulesets_and_folders_are_bad_input(tmp_path):
    assert diff("default", str(tmp_path / "none"), "--facts", str(EXAMPLES)).exit_code == 2
    result = diff("default", "default", "--facts", str(tmp_path / "nobody"))
    assert result.exit_code == 2 and "not a folder of facts files" in result.output


def eighteen_months(tmp_path: Path) -> Path:
    """A company layer: 18 months in the role before asking, a gate on the ask-now advice."""
    root = tmp_path / "company"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: company\nversion: '1'\n")
    (root / "timing.yaml").write_text(
        "category: timing\nrules:\n"
        "  - id: timing.company-18-months\n    priority: 11\n    title: Give the role 18 months here\n"
        "    when: [months_in_role >= 12, months_in_role < 18]\n    hold_back: [ask-now]\n"
        "    recommend: Here, people ask after 18 months in the role.\n"
        "    sources:\n      - S3: Bad timing\n"
    )
    return root


def rows(output: str) -> dict:
    return {row["rule_id"]: row for row in json.loads(output)["rules"]}


def test_a_new_rule_gains_people_in_the_generated_population_that_the_examples_miss(tmp_path):
    root = eighteen_months(tmp_path)
    examples_only = diff("default", str(root), "--facts", str(EXAMPLES), "--format", "json")
    assert examples_only.exit_code == 0, examples_only.output
    assert rows(examples_only.output)["timing.company-18-months"]["gaining"] == 0
    both = diff("default", str(root), "--facts", str(EXAMPLES), "--people", "200", "--format", "json")
    row = rows(both.output)["timing.company-18-months"]
    assert row["change"] == "added" and row["gaining"] > 0 and row["losing"] == 0
    data = json.loads(both.output)
    assert data["generated"] == 200 and data["summary"]["people"] == 206
    assert (
        diff("default", str(root), "--people", "200", "--format", "json").output
        == diff("default", str(root), "--people", "200", "--format", "json").output
    )  # seeded: the same crowd


def test_the_generated_population_reaches_every_stage_and_gate():
    from promorules.coach.diff import population

    advisor = Advisor()
    gates = {rule.id for rule in advisor.ruleset.rules if advisor.ruleset.is_gate(rule)}
    stages, fired = set(), set()
    for person in population(advisor, advisor, 200, 2026):
        advice = advisor.advise(person)
        stages.add(advice.stage.name)
        fired |= {r.rule_id for r in advice.recommendations} | {h.rule_id for h in advice.held_back}
    assert stages == {stage.name for stage in advisor.ruleset.stages}
    assert gates <= fired, sorted(gates - fired)


def reworded(tmp_path: Path) -> Path:
    root = tmp_path / "reworded"
    shutil.copytree(ROOT / "rulesets" / "default", root)
    path = root / "timing.yaml"
    text = path.read_text()
    written = "title: Give the role {min_months_in_role|month|months} first"
    assert written in text
    path.write_text(text.replace(written, "title: Settle into the role first"))
    return root


def test_a_reworded_rule_shows_as_reworded_not_unchanged(tmp_path):
    result = diff("default", str(reworded(tmp_path)), "--facts", str(EXAMPLES), "--format", "json")
    assert result.exit_code == 0, result.output
    found = rows(result.output)
    assert found["timing.avoid-under-12-months"]["change"] == "reworded (title)"
    assert [rule for rule, row in found.items() if row["change"] != "unchanged"] == ["timing.avoid-under-12-months"]
    text = diff("default", str(reworded(tmp_path / "again")), "--facts", str(EXAMPLES)).output
    assert re.search(r"^timing\.avoid-under-12-months \(Settle into the role first\) +reworded \(title\) ", text, re.M)


def test_a_threshold_setting_moves_people_and_the_table_says_who(tmp_path):
    result = diff("default", "default", "--threshold", "min_months_in_role=18", "--people", "200", "--format", "json")
    assert result.exit_code == 0, result.output
    row = rows(result.output)["timing.avoid-under-12-months"]
    assert row["change"] == "unchanged" and row["gaining"] > 0
    markdown = diff(
        "default", "default", "--threshold", "min_months_in_role=18", "--people", "200", "--format", "markdown"
    ).output
    assert "| rule | change | gaining it | losing it | rank moves |\n|---|---|---|---|---|\n" in markdown
    assert (
        f"| timing.avoid-under-12-months (Give the role 18 months first) | unchanged | {row['gaining']} | " in markdown
    )
    bad = diff("default", "default", "--threshold", "min_month_in_role=18", "--people", "5")
    assert bad.exit_code == 2 and "min_month_in_role" in bad.output and "Traceback" not in bad.output


def test_person_names_the_condition_that_flipped_with_their_value(tmp_path):
    person = tmp_path / "sam.yaml"
    person.write_text("as_of: 2026-11-24\nrole_start_date: 2025-10-01\nscope_change: none\n")
    result = diff("default", "default", "--threshold", "min_months_in_role=18", "--person", str(person))
    assert result.exit_code == 0, result.output
    why = result.output.split(f"Why the advice for {person} changed:\n", 1)[1]
    assert "timing.avoid-under-12-months (Give the role 18 months first): gained\n" in why
    assert "    - months in the current role: under 18 (min_months_in_role): was no, now yes (theirs: 13)\n" in why


def test_nobody_to_compare_is_bad_input():
    result = diff("default", "default")
    assert result.exit_code == 2 and "give --facts DIR, --people N or --person FILE" in result.output


SALES_MANIFEST = """\
extends: default
name: acme-sales
version: '1'
facts:
  department:
    type: choice
    choices: [sales, engineering]
    label: department
    question: Which department do you work in?
    description: The department the person works in.
  missed_quota_count:
    type: count
    max: 12
    label: quotas missed in the last year
    question: How many times did you miss your quota in the last year?
    description: Times the quota was missed in the last twelve months.
"""
SALES_RULE = """\
category: timing
rules:
  - id: acme.sales-quota-first
    priority: 14
    title: Talk the missed quotas over first
    when: [department == sales, missed_quota_count >= 2]
    hold_back: [ask-now, at-the-ask]
    recommend: Talk the missed quotas over with your manager before you ask.
    sources:
      - S3: Bad timing
"""


def sales(tmp_path: Path) -> tuple[Path, Path]:
    """A layer with facts of its own and a reason to wait on them, and a folder with one salesperson."""
    root = tmp_path / "acme-sales"
    root.mkdir()
    (root / "ruleset.yaml").write_text(SALES_MANIFEST)
    (root / "sales.yaml").write_text(SALES_RULE)
    people = tmp_path / "people"
    people.mkdir()
    dana = "as_of: 2027-06-14\nrole_start_date: 2025-09-01\ndepartment: sales\nmissed_quota_count: 2\n"
    (people / "dana.yaml").write_text(dana)
    return root, people


def test_a_person_with_the_new_rulesets_own_facts_is_compared_and_why_is_said(tmp_path):
    root, people = sales(tmp_path)
    result = diff("default", str(root), "--facts", str(people), "--person", str(people / "dana.yaml"))
    assert result.exit_code == 0, result.output
    assert f"{people / 'dana.yaml'}:\n  + acme.sales-quota-first at rank " in result.output
    assert "0 files could not be read" in result.output
    assert "department: sales: was not there, now yes (theirs: sales)" in result.output
    assert "quotas missed in the last year: at least 2: was not there, now yes (theirs: 2)" in result.output
    back = diff(str(root), "default", "--facts", str(people))  # the other way round, the same person is read
    assert back.exit_code == 0 and "  - acme.sales-quota-first (was rank " in back.output, back.output


def test_generated_people_are_given_the_rulesets_own_facts_and_reach_its_rule(tmp_path):
    from promorules.coach.diff import population

    root, _ = sales(tmp_path)
    old, new = Advisor(), Advisor(root)
    crowd = population(old, new, 60, 2026)
    departments = {person.department for person in crowd}
    assert departments == {"sales", "engineering", None}
    reached = [p for p in crowd if "acme.sales-quota-first" in {r.rule_id for r in new.advise(p).recommendations}]
    assert reached, "no generated person reaches the rule on the ruleset's own facts"
    assert [p.model_dump() for p in population(old, new, 60, 2026)] == [p.model_dump() for p in crowd]
    table = diff("default", str(root), "--people", "60")
    row = re.search(r"acme\.sales-quota-first \(Talk the missed quotas over first\)\s+added\s+(\d+)", table.output)
    assert row and int(row[1]) >= 1, table.output
