"""A coach's mistakes in a ruleset are all reported at once, each at its file and line."""

import shutil
import textwrap
from pathlib import Path

import pytest

from promorules.errors import InputError
from promorules import load_ruleset

DEFAULT = Path(__file__).resolve().parents[2] / "rulesets" / "default"

GOOD_RULE = """\
rules:
  - id: extra.ok
    category: timing
    priority: 50
    title: A fine rule
    when: months_in_role >= min_months_in_role
    recommend: You have {months_in_role} months in the role.
    sources:
      - S3: Good timing
"""


def ruleset_with(tmp_path, text: str, name: str = "extra.yaml") -> Path:
    root = tmp_path / "rs"
    shutil.copytree(DEFAULT, root)
    (root / name).write_text(textwrap.dedent(text))
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_ruleset(root)
    return [str(p) for p in caught.value.problems]


def test_the_default_ruleset_loads():
    ruleset = load_ruleset(DEFAULT)
    assert ruleset.name == "default"
    assert any(rule.id == "timing.avoid-freeze" for rule in ruleset.rules)


def test_a_good_extra_rule_loads(tmp_path):
    ruleset = load_ruleset(ruleset_with(tmp_path, GOOD_RULE))
    assert ruleset.rule("extra.ok").priority == 50


@pytest.mark.parametrize(
    "line, expected, text",
    [
        (
            6,
            'unknown fact "months_in_rol" (did you mean "months_in_role"?)',
            GOOD_RULE.replace("months_in_role >= min", "months_in_rol >= min"),
        ),
        (
            6,
            'unknown threshold "min_month_in_role" (did you mean "min_months_in_role"?)',
            GOOD_RULE.replace("min_months_in_role", "min_month_in_role"),
        ),
        (
            4,
            "priority: 70000 is out of range; write a whole number from 1 to 999",
            GOOD_RULE.replace("priority: 50", "priority: 70000"),
        ),
        (6, 'write "==" to compare', GOOD_RULE.replace(">=", "=")),
        (
            6,
            '"huge" is not a value of scope_change',
            GOOD_RULE.replace("months_in_role >= min_months_in_role", "scope_change == huge"),
        ),
        (
            6,
            '"freeze_active" is yes/no',
            GOOD_RULE.replace("months_in_role >= min_months_in_role", "freeze_active > 3"),
        ),
        (
            6,
            '"role_start_date" is a date; conditions can only ask whether it "is known"',
            GOOD_RULE.replace("months_in_role >= min_months_in_role", "role_start_date < 3"),
        ),
        (
            6,
            '"role_start_date" is a date; conditions can only ask whether it "is known"; '
            'compare "months_in_role" instead',
            GOOD_RULE.replace("months_in_role >= min_months_in_role", "role_start_date > 2025-01-01"),
        ),
        (6, 'write ">=" to compare, not "=>"', GOOD_RULE.replace(">=", "=>")),
        (6, 'write "<=" to compare, not "=<"', GOOD_RULE.replace(">=", "=<")),
        (
            6,
            '"has_mentor" is yes/no: write "has_mentor" or "not has_mentor"',
            GOOD_RULE.replace("months_in_role >= min_months_in_role", "has_mentor == maybe"),
        ),
        (
            7,
            'the placeholder "{months_in_role.__class__}" is not a fact or threshold',
            GOOD_RULE.replace("{months_in_role}", "{months_in_role.__class__}"),
        ),
        (7, 'the placeholder "{0}" is not a fact or threshold', GOOD_RULE.replace("{months_in_role}", "{0}")),
        (7, 'a lone "{" or "}"', GOOD_RULE.replace("{months_in_role}", "{months_in_role")),
        (9, 'unknown source "S9"', GOOD_RULE.replace("S3: Good", "S9: Good")),
        (
            3,
            'unknown category "timming" (did you mean "timing"?)',
            GOOD_RULE.replace("category: timing", "category: timming"),
        ),
        (7, 'unknown key "recomend" (did you mean "recommend"?)', GOOD_RULE.replace("recommend:", "recomend:")),
        (2, "needs an effect", GOOD_RULE.replace("    recommend: You have {months_in_role} months in the role.\n", "")),
        (2, '"title" is required', GOOD_RULE.replace("    title: A fine rule\n", "")),
        (
            6,
            'unknown combinator "either"',
            GOOD_RULE.replace("when: months_in_role >= min_months_in_role", "when: {either: [freeze_active]}"),
        ),
        (5, 'hold_back names "ask-later"', GOOD_RULE.replace("    title:", "    hold_back: [ask-later]\n    title:")),
        (
            6,
            '"in_review_window" is a signal',
            GOOD_RULE.replace("months_in_role >= min_months_in_role", "in_review_window == 3"),
        ),
        (2, 'the key "rules" appears twice', "rules: []\n" + GOOD_RULE),
        (
            6,
            "anchors and aliases",
            GOOD_RULE.replace(
                "when: months_in_role >= min_months_in_role", "when: &a months_in_role >= 1\n    rationale: *a"
            ),
        ),
        (
            6,
            "the tag",
            GOOD_RULE.replace(
                "when: months_in_role >= min_months_in_role", "when: !!python/object/apply:os.system [echo hacked]"
            ),
        ),
    ],
)
def test_each_mistake_is_reported_at_its_line(tmp_path, line, expected, text):
    found = problems(ruleset_with(tmp_path, text))
    where = f"extra.yaml:{line}:"
    assert any(where in p and expected in p for p in found), found


def test_all_mistakes_are_reported_together(tmp_path):
    text = GOOD_RULE.replace("months_in_role >=", "months_in_rol >=").replace("S3:", "S9:")
    text = text.replace("category: timing", "category: timming")
    assert len(problems(ruleset_with(tmp_path, text))) == 3


def test_duplicate_ids_point_at_both_places(tmp_path):
    text = GOOD_RULE + GOOD_RULE.replace("rules:\n", "")
    found = problems(ruleset_with(tmp_path, text))
    assert any('rule id "extra.ok" is used twice (first at' in p and "extra.yaml:10:" in p for p in found), found


def test_signal_cycles_are_refused(tmp_path):
    text = """\
    rules:
      - id: loop.a
        category: timing
        priority: 1
        title: a
        when: loop_b
        derive: loop_a
      - id: loop.b
        category: timing
        priority: 1
        title: b
        when: loop_a
        derive: loop_b
    """
    found = problems(ruleset_with(tmp_path, text))
    assert any("signals depend on each other in a loop: loop_a -> loop_b -> loop_a" in p for p in found), found


def test_too_many_branches_is_refused(tmp_path):
    alternatives = "\n".join(f"          - months_in_role == {n}" for n in range(6))
    text = GOOD_RULE.replace(
        "when: months_in_role >= min_months_in_role",
        "when:\n" + "\n".join(f"      - any:\n{alternatives}" for _ in range(2)),
    )
    found = problems(ruleset_with(tmp_path, text))
    assert any("more than 32 alternative branches" in p for p in found), found


def test_manifest_mistakes_point_at_the_manifest(tmp_path):
    root = ruleset_with(tmp_path, GOOD_RULE)
    manifest = root / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("    unit: months\n", "    unit: months\n    units: x\n", 1))
    found = problems(root)
    assert any("ruleset.yaml:" in p and 'unknown key "units" (did you mean "unit"?)' in p for p in found), found


def test_a_rule_file_that_is_a_list_is_refused(tmp_path):
    found = problems(ruleset_with(tmp_path, "- id: x\n"))
    assert any("extra.yaml:1:1: a rule file must be a mapping" in p for p in found), found


def test_a_missing_directory_is_reported(tmp_path):
    assert any("nothing: no such directory" in p for p in problems(tmp_path / "nothing"))
    (tmp_path / "a-file").write_text("")
    assert any("not a ruleset directory (a ruleset is a directory)" in p for p in problems(tmp_path / "a-file"))


def test_a_policy_threshold_is_decided_when_loading(tmp_path):
    text = GOOD_RULE.replace(
        "when: months_in_role >= min_months_in_role", "when: [leave_policy == aggressive, freeze_active]"
    )
    balanced = load_ruleset(ruleset_with(tmp_path / "b", text))
    assert balanced.rule("extra.ok").condition.items[0].items == ()  # an "any" of nothing: never true
    root = ruleset_with(tmp_path / "a", text)
    manifest = root / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("default: balanced", "default: aggressive"))
    aggressive = load_ruleset(root)
    assert aggressive.rule("extra.ok").condition.items[0].items == ()  # an "all" of nothing: always true
    assert type(aggressive.rule("extra.ok").condition.items[0]).__name__ == "All"


def test_a_broken_threshold_does_not_hide_the_rule_files_mistakes(tmp_path):
    root = ruleset_with(tmp_path, GOOD_RULE.replace("months_in_role >=", "months_in_rol >="))
    manifest = root / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("    unit: months\n", "    unit: months\n    units: x\n", 1))
    found = problems(root)
    assert any('unknown key "units"' in p for p in found), found
    assert any('unknown fact "months_in_rol"' in p for p in found), found
    assert not any('"min_months_in_role"' in p for p in found), found  # no echo of the broken threshold


def test_a_rule_can_only_name_stages_of_the_manifest(tmp_path):
    found = problems(ruleset_with(tmp_path, GOOD_RULE.replace("    title:", "    stages: [fundation]\n    title:")))
    assert any('unknown stage "fundation" (did you mean "foundation"?)' in p for p in found), found


def test_thresholds_can_be_tuned_when_loading_and_policies_fold_again(tmp_path):
    text = GOOD_RULE.replace(
        "when: months_in_role >= min_months_in_role", "when: [leave_policy == aggressive, freeze_active]"
    )
    root = ruleset_with(tmp_path, text)
    tuned = load_ruleset(root, {"leave_policy": "aggressive", "min_months_in_role": 9})
    assert tuned.thresholds["min_months_in_role"].value == 9
    assert type(tuned.rule("extra.ok").condition.items[0]).__name__ == "All"  # the switch is on
    assert load_ruleset(root).thresholds["min_months_in_role"].value == 12  # the files are untouched


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("leave_polcy", "aggressive", 'unknown threshold "leave_polcy" (did you mean "leave_policy"?)'),
        ("leave_policy", "reckless", '"reckless" is not one of conservative, balanced, aggressive'),
        ("min_months_in_role", "soon", '"soon" is not a number; min_months_in_role is 12 months by default'),
        ("min_months_in_role", 9.5, "9.5 is not a whole number (months)"),
        ("min_months_in_role", float("nan"), "is not a finite number"),
    ],
)
def test_a_bad_threshold_setting_names_the_threshold(tmp_path, name, value, expected):
    with pytest.raises(InputError) as caught:
        load_ruleset(ruleset_with(tmp_path, GOOD_RULE), {name: value})
    [problem] = caught.value.problems
    assert f"(threshold {name})" in str(problem)
    assert expected in problem.message


def test_a_rule_file_ending_in_yml_is_read_like_yaml(tmp_path):
    ruleset = load_ruleset(ruleset_with(tmp_path, GOOD_RULE, name="extra.yml"))
    assert ruleset.rule("extra.ok").location.file.endswith("extra.yml")


def test_a_manifest_named_ruleset_yml_beside_ruleset_yaml_is_not_taken_for_a_rule_file(tmp_path):
    root = ruleset_with(tmp_path, "name: other\n", name="ruleset.yml")
    assert problems(root) == [f"{root / 'ruleset.yml'}: the manifest is read from ruleset.yaml only; rename this file"]


def test_threshold_placeholders_in_title_and_date_label_are_filled_after_tuning(tmp_path):
    text = GOOD_RULE.replace("title: A fine rule", "title: Wait {min_months_in_role} months") + (
        "    date: role_start_date + min_months_in_role months\n    date_label: After {min_months_in_role} months, on\n"
    )
    root = ruleset_with(tmp_path, text)
    assert load_ruleset(root).rule("extra.ok").title == "Wait 12 months"
    tuned = load_ruleset(root, {"min_months_in_role": 24}).rule("extra.ok")
    assert (tuned.title, tuned.date_label) == ("Wait 24 months", "After 24 months, on")


@pytest.mark.parametrize(
    "title, expected",
    [
        (
            "Wait {months_in_role} months",
            'title: the placeholder "{months_in_role}" is a fact, but a title is the same '
            "for everyone; only thresholds can go in it",
        ),
        (
            "Wait {min_month_in_role} months",
            'title: the placeholder "{min_month_in_role}" is not a threshold (did you mean "min_months_in_role"?)',
        ),
        ("Wait { months", 'a lone "{" or "}" in the text; write "{{" or "}}" for a brace'),
    ],
)
def test_a_title_holds_thresholds_only(tmp_path, title, expected):
    root = ruleset_with(tmp_path, GOOD_RULE.replace("title: A fine rule", f"title: {title}"))
    assert problems(root) == [f'{root / "extra.yaml"}:5:5: rule "extra.ok": {expected}']


@pytest.mark.parametrize(
    "written, meant",
    [
        ("has_mentor == yes", "has_mentor"),
        ("has_mentor == no", "has_mentor == false"),
        ("has_mentor != no", "has_mentor != false"),
        ("has_mentor == true", "has_mentor"),
    ],
)
def test_a_yes_no_fact_can_be_compared_with_yes_or_no(tmp_path, written, meant):
    def condition(when, folder):
        text = GOOD_RULE.replace("months_in_role >= min_months_in_role", when)
        return load_ruleset(ruleset_with(tmp_path / folder, text)).rule("extra.ok").condition

    assert condition(written, "written") == condition(meant, "meant")


@pytest.mark.parametrize(
    "before, after, expected",
    [
        ("priority: 50", "priority: high", "rules[0].priority: write a whole number from 1 to 999"),
        ("title: A fine rule", "title: 2024", 'rules[0].title: write it as text in quotes, e.g. "2024"'),
        ("title: A fine rule", "title: [A, fine rule]", "rules[0].title: write text here, not a list"),
        (
            "    title: A fine rule",
            "    title: A fine rule\n    tags: ask-now",
            "rules[0].tags: write a list of tags, e.g. [ask-now]",
        ),
        (
            "    title: A fine rule",
            "    title: A fine rule\n    replaces: maybe",
            "rules[0].replaces: write true or false",
        ),
        ("- S3: Good timing", "- S3", "rules[0].sources[0]: write a source as  - S3: Section title"),
    ],
)
def test_a_value_of_the_wrong_kind_is_explained_in_plain_words(tmp_path, before, after, expected):
    found = problems(ruleset_with(tmp_path, GOOD_RULE.replace(before, after)))
    assert len(found) == 1 and found[0].endswith(expected), found
    assert "Input should" not in found[0] and "_RuleSpec" not in found[0]


def test_a_threshold_default_of_the_wrong_kind_is_reported_once(tmp_path):
    root = ruleset_with(tmp_path, GOOD_RULE)
    manifest = root / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("default: 12", "default: [12]", 1))
    found = problems(root)
    assert [p.split(": ", 1)[1] for p in found] == [
        "thresholds.min_months_in_role.default: write a number, or a word if the threshold lists choices:"
    ]
