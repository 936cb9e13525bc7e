"""A coach's ruleset extends the bundled one: thresholds changed, rules disabled, replaced and added, no copy."""

import json
import re
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from promorules import Advisor
from promorules.advisor import bundled_ruleset_path
from promorules.cli import main
from promorules.errors import InputError
from promorules.facts.files import read_facts
from promorules import load_ruleset
from promorules.ruleset.loader import inspect_ruleset

ROOT = Path(__file__).resolve().parents[2]
PRIYA = ROOT / "examples" / "priya-hiring-freeze.yaml"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def layer(folder: Path, manifest: str, **rule_files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ruleset.yaml").write_text(textwrap.dedent(manifest))
    for name, text in rule_files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text))
    return folder


def advice_ids(ruleset, facts=PRIYA):
    advice = Advisor(ruleset).advise(read_facts(str(facts)))
    return [r.rule_id for r in advice.recommendations], advice


NEW_RULE = """\
    category: relationships
    rules:
      - id: coach.brief-the-committee
        priority: 24
        title: Brief the committee members one by one
        when: sponsor_count < min_sponsors
        recommend: Meet each of the {min_sponsors} committee members before the review.
        sources:
          - S3: Build your case before the conversation
"""


def test_a_threshold_change_keeps_the_rest_of_the_threshold_and_changes_the_advice(tmp_path):
    root = layer(
        tmp_path / "mine",
        """\
        extends: default
        name: acme-coaching
        version: 1.0.0
        thresholds:
          min_sponsors:
            default: 4
            origin: Acme's committee wants four names.
    """,
    )
    ruleset = load_ruleset(root)
    threshold = ruleset.thresholds["min_sponsors"]
    assert (threshold.value, threshold.unit, threshold.origin) == (4, "people", "Acme's committee wants four names.")
    assert (ruleset.name, ruleset.version) == ("acme-coaching", "1.0.0")
    assert ruleset.description == load_ruleset(bundled_ruleset_path()).description  # inherited
    ids, advice = advice_ids(root)
    default_ids, _ = advice_ids(None)
    assert "relationships.sponsor-count-2-3" in ids and "relationships.sponsor-count-2-3" not in default_ids
    text = next(r.text for r in advice.recommendations if r.rule_id == "relationships.sponsor-count-2-3")
    assert "get to at least 4" in text
    assert advice.ruleset.name == "acme-coaching"


def test_disable_replace_and_add_rules_by_id(tmp_path):
    root = layer(
        tmp_path / "mine",
        """\
        extends: default
        name: acme-coaching
        version: 1.0.0
        disable: [after.share-and-lift-others]
    """,
        timing="""\
        category: timing
        rules:
          - id: timing.avoid-freeze
            replaces: true
            priority: 10
            title: Budgets are frozen at Acme until March
            when: freeze_active
            hold_back: [ask-now]
            recommend: Acme reopens budgets in March; prepare the case until then.
            sources:
              - S3: Bad timing
    """,
        relationships=NEW_RULE,
    )
    ruleset = load_ruleset(root)
    ids = [rule.id for rule in ruleset.rules]
    assert "after.share-and-lift-others" not in ids
    assert ids.count("timing.avoid-freeze") == 1
    replaced = ruleset.rule("timing.avoid-freeze")
    assert replaced.title == "Budgets are frozen at Acme until March"
    assert replaced.location.file == str(root / "timing.yaml")
    assert len(ruleset.rules) == len(load_ruleset(bundled_ruleset_path()).rules)  # -1 disabled, +1 added
    recommended, advice = advice_ids(root)
    assert recommended[0] == "timing.avoid-freeze"
    assert advice.recommendations[0].text == "Acme reopens budgets in March; prepare the case until then."
    assert "after.share-and-lift-others" not in recommended
    assert "conversation.request-dedicated-meeting" in [h.rule_id for h in advice.held_back]  # its hold-back works


def test_layers_chain_and_the_top_layer_wins(tmp_path):
    middle = layer(
        tmp_path / "acme",
        """\
        extends: default
        name: acme
        version: '1'
        thresholds:
          min_sponsors: {default: 4}
          min_months_in_role: {default: 9}
    """,
        relationships=NEW_RULE,
    )
    top = layer(
        tmp_path / "acme-sales",
        """\
        extends: ../acme
        name: acme-sales
        version: '1'
        thresholds:
          min_sponsors: {default: 5}
        disable: [coach.brief-the-committee]
    """,
    )
    report = inspect_ruleset(top)
    assert report.problems == []
    assert report.layers == (
        str(bundled_ruleset_path() / "ruleset.yaml"),
        str(middle / "ruleset.yaml"),
        str(top / "ruleset.yaml"),
    )
    thresholds = report.ruleset.thresholds
    assert thresholds["min_sponsors"].value == 5 and thresholds["min_months_in_role"].value == 9
    assert "coach.brief-the-committee" not in [rule.id for rule in report.ruleset.rules]
    assert [str(where) for where in report.threshold_changes["min_sponsors"]] == [
        f"{middle / 'ruleset.yaml'}:5:3",
        f"{top / 'ruleset.yaml'}:5:3",
    ]


def test_extends_is_relative_to_the_layer_not_the_current_directory(tmp_path, monkeypatch):
    layer(tmp_path / "base", "extends: default\nname: base\nversion: '1'\n", relationships=NEW_RULE)
    top = layer(tmp_path / "deep" / "top", "extends: ../../base\nname: top\nversion: '1'\n")
    monkeypatch.chdir(ROOT)
    assert "coach.brief-the-committee" in [rule.id for rule in load_ruleset(top).rules]


def test_advisor_and_advise_command_take_a_layered_ruleset_unchanged(tmp_path):
    root = layer(
        tmp_path / "mine", "extends: default\nname: mine\nversion: '2'\nthresholds:\n  min_sponsors: {default: 4}\n"
    )
    result = CliRunner().invoke(main, ["advise", str(PRIYA), "--ruleset", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    advice = json.loads(result.output)
    assert advice["ruleset"] == {"name": "mine", "version": "2", "settings": {}}
    assert "relationships.sponsor-count-2-3" in [r["rule_id"] for r in advice["recommendations"]]
    tuned = CliRunner().invoke(
        main, ["advise", str(PRIYA), "--ruleset", str(root), "--format", "json", "--threshold", "min_sponsors=3"]
    )
    assert "relationships.sponsor-count-2-3" not in [r["rule_id"] for r in json.loads(tuned.output)["recommendations"]]
    assert json.loads(tuned.output)["ruleset"]["settings"] == {"min_sponsors": 3}


def test_a_mistake_in_a_layer_stops_advice_with_the_layers_file_and_line(tmp_path):
    root = layer(
        tmp_path / "mine",
        "extends: default\nname: mine\nversion: '1'\n",
        relationships=NEW_RULE.replace("sponsor_count <", "sponsor_cnt <"),
    )
    result = CliRunner().invoke(main, ["advise", str(PRIYA), "--ruleset", str(root)])
    assert result.exit_code == 2
    assert (
        f'error: {root / "relationships.yaml"}:6:5: rule "coach.brief-the-committee": unknown fact "sponsor_cnt"'
        in result.output
    )


def test_a_hold_back_naming_a_disabled_rule_is_not_a_mistake(tmp_path):
    root = layer(
        tmp_path / "mine",
        "extends: default\nname: mine\nversion: '1'\ndisable: [timing.already-doing-next-level]\n",
        extra="""\
        category: timing
        rules:
          - id: coach.hold
            priority: 5
            title: Hold
            when: frustrated
            hold_back: [timing.already-doing-next-level]
    """,
    )
    assert "coach.hold" in [rule.id for rule in load_ruleset(root).rules]


def test_a_replacing_rule_that_stops_deriving_a_used_signal_is_reported_where_it_is(tmp_path):
    root = layer(
        tmp_path / "mine",
        "extends: default\nname: mine\nversion: '1'\n",
        signals="""\
        category: readiness
        rules:
          - id: signal.ready-to-ask
            replaces: true
            priority: 1
            title: Ready
            when: frustrated
            derive: ready_now
    """,
    )
    with pytest.raises(InputError) as caught:
        load_ruleset(root)
    [problem] = caught.value.problems
    assert str(problem.location) == f"{root / 'signals.yaml'}:3:5"
    assert 'no rule derives the signal "ready_to_ask" any more' in problem.message


def test_the_effective_ruleset_is_yaml_that_loads_back_to_the_same_advice(tmp_path):
    root = layer(
        tmp_path / "mine",
        """\
        extends: default
        name: acme-coaching
        version: 1.0.0
        thresholds:
          min_sponsors: {default: 4}
        disable: [after.share-and-lift-others]
    """,
        relationships=NEW_RULE,
    )
    result = CliRunner().invoke(main, ["ruleset", "show", str(root), "--effective"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert f"  # from {root / 'relationships.yaml'}:3:5\n  - id: coach.brief-the-committee\n" in text
    assert f"  # from {bundled_ruleset_path() / 'timing.yaml'}:9:5\n  - id: timing.avoid-freeze\n" in text
    assert f"changed at {root / 'ruleset.yaml'}:5:3" in text
    assert "after.share-and-lift-others" not in text.split("\nrules:\n", 1)[1]
    assert (
        f"# Disabled by a layer, so not in force:\n#   after.share-and-lift-others (at {root / 'ruleset.yaml'}:" in text
    )
    data = yaml.safe_load(text)
    rules = data.pop("rules")
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "ruleset.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    (flat / "rules.yaml").write_text(yaml.safe_dump({"rules": rules}, sort_keys=False))
    layered, merged = Advisor(root), Advisor(flat)
    assert [r.id for r in layered.ruleset.rules] == [r.id for r in merged.ruleset.rules]
    for example in EXAMPLES:
        facts = read_facts(str(example))
        assert layered.advise(facts) == merged.advise(facts), example.name
    assert CliRunner().invoke(main, ["ruleset", "show", str(root), "--effective"]).output == text  # deterministic


def test_show_without_effective_names_the_layers(tmp_path):
    root = layer(tmp_path / "mine", "extends: default\nname: mine\nversion: '1'\n")
    result = CliRunner().invoke(main, ["ruleset", "show", str(root)])
    assert result.exit_code == 0
    rules = len(load_ruleset(bundled_ruleset_path()).rules)
    assert result.output.startswith(f"mine 1: {rules} rules, ")
    assert f"  {bundled_ruleset_path() / 'ruleset.yaml'}\n  {root / 'ruleset.yaml'}\n" in result.output


def test_the_layer_examples_of_the_format_guide_load_and_their_mistakes_read_as_documented(tmp_path, monkeypatch):
    doc = (ROOT / "docs" / "rulesets.md").read_text()
    manifest = next(b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if b.startswith("# layer manifest"))
    rules = next(b for b in re.findall(r"```yaml\n(.*?)```", doc, re.S) if b.startswith("# layer rule file"))
    root = layer(tmp_path / "acme", manifest, timing=rules)
    ruleset = load_ruleset(root)
    assert ruleset.thresholds["min_sponsors"].value == 4
    assert ruleset.thresholds["committee_lead_days"].unit == "days"
    assert ruleset.rule("timing.avoid-freeze").title == "Budgets are frozen at Acme until March"
    assert "after.share-and-lift-others" not in [rule.id for rule in ruleset.rules]
    (root / "ruleset.yaml").write_text(
        manifest.replace("- after.share-and-lift-others", "- after.share-and-lift-other")
    )
    (root / "timing.yaml").write_text(rules.replace("    replaces: true\n", ""))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        load_ruleset("acme")
    shown = doc.split("and `replaces: true` left out of `timing.yaml`:\n\n```\n", 1)[1].split("```", 1)[0]
    expected = shown.replace("...", str(bundled_ruleset_path())).splitlines()
    assert [str(problem) for problem in caught.value.problems] == expected


def test_a_layer_adds_categories_and_sources_and_refuses_to_redefine_a_source(tmp_path):
    root = layer(
        tmp_path / "mine",
        """\
        extends: default
        name: mine
        version: '1'
        categories: [acme]
        sources:
          ACME:
            file: acme-promotion-policy.pdf
            title: Acme's promotion policy
    """,
        acme="""\
        category: acme
        rules:
          - id: acme.read-the-policy
            priority: 30
            title: Read the promotion policy
            recommend: Read Acme's promotion policy before anything else.
            sources:
              - ACME: Section 2, Criteria
    """,
    )
    ruleset = load_ruleset(root)
    assert ruleset.categories[-1] == "acme"
    assert ruleset.sources["ACME"].title == "Acme's promotion policy"
    advice = Advisor(root).advise(read_facts(str(PRIYA)))
    cited = next(r.sources for r in advice.recommendations if r.rule_id == "acme.read-the-policy")
    assert [(c.source, c.title, c.section) for c in cited] == [
        ("ACME", "Acme's promotion policy", "Section 2, Criteria")
    ]
    (root / "ruleset.yaml").write_text(
        "extends: default\nname: mine\nversion: '1'\nsources:\n  S3: {file: x.txt, title: X}\n"
    )
    (root / "acme.yaml").unlink()
    with pytest.raises(InputError) as caught:
        load_ruleset(root)
    assert [str(p) for p in caught.value.problems] == [
        f'{root / "ruleset.yaml"}:5:3: the source "S3" is already defined by the ruleset this one extends; '
        "give yours another id"
    ]


def test_a_source_with_no_file_such_as_a_company_policy_is_cited_like_any_other(tmp_path):
    root = layer(
        tmp_path / "mine",
        """\
        extends: default
        name: mine
        version: '1'
        sources:
          ACME:
            title: Acme's promotion policy
            publisher: Acme HR
    """,
        acme="""\
        category: case
        rules:
          - id: acme.read-the-policy
            priority: 30
            title: Read the promotion policy
            recommend: Read Acme's promotion policy before anything else.
            sources:
              - ACME: Criteria
    """,
    )
    assert load_ruleset(root).sources["ACME"].file is None
    done = CliRunner().invoke(main, ["explain", "acme.read-the-policy", "--ruleset", str(root)])
    assert done.exit_code == 0, done.output
    assert "Acme's promotion policy" in done.output and "None" not in done.output
    shown = CliRunner().invoke(main, ["ruleset", "show", str(root), "--effective"])
    assert "ACME:\n    title: Acme's promotion policy\n    publisher: Acme HR\n" in shown.output


def test_a_folder_called_default_is_reached_with_a_path(tmp_path):
    layer(tmp_path / "default", "extends: default\nname: team\nversion: '1'\n", relationships=NEW_RULE)
    top = layer(tmp_path / "mine", "extends: ../default\nname: mine\nversion: '1'\n")
    assert "coach.brief-the-committee" in [rule.id for rule in load_ruleset(top).rules]
    beside = layer(tmp_path / "beside", "extends: default\nname: beside\nversion: '1'\n")
    assert "coach.brief-the-committee" not in [rule.id for rule in load_ruleset(beside).rules]  # the bundled one


def test_a_new_threshold_named_like_an_inherited_one_is_refused_unless_written_in_full(tmp_path):
    manifest = """\
        extends: default
        name: acme-coaching
        version: 1.0.0
        thresholds:
          min_sponsor:
            default: 4
    """
    with pytest.raises(InputError) as caught:
        load_ruleset(layer(tmp_path / "typo", manifest))
    assert [p.message for p in caught.value.problems] == [
        'unknown threshold "min_sponsor" (did you mean "min_sponsors"?); to add a new threshold give meaning: and unit:'
    ]
    full = manifest.rstrip(" ") + "            unit: people\n            meaning: Sponsors for a single sign-off.\n"
    assert load_ruleset(layer(tmp_path / "full", full)).thresholds["min_sponsor"].value == 4
