"""A threshold value that breaks a rule is reported where the value was set, not in the rule's (bundled) file."""

import textwrap
from pathlib import Path

import pytest

from promorules.errors import RulesetError
from promorules.ruleset.loader import bundled_ruleset_path, inspect_ruleset, read_ruleset

BUNDLED = bundled_ruleset_path()


def folder(root: Path, manifest: str, rules: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "ruleset.yaml").write_text(textwrap.dedent(manifest))
    if rules:
        (root / "rules.yaml").write_text(textwrap.dedent(rules))
    return root


def test_a_layers_threshold_that_pushes_a_bundled_date_too_far_is_an_error_at_the_layers_line(tmp_path):
    root = folder(
        tmp_path / "acme",
        """\
        extends: default
        name: acme
        version: '1'
        thresholds:
          min_months_in_role: {default: 2000}
          ideal_tenure_max_months: {default: 3000}
        """,
    )
    problems = [str(p) for p in inspect_ruleset(root).problems]
    assert len(problems) == 1
    assert problems[0].startswith(
        f'{root / "ruleset.yaml"}:5:3: threshold "min_months_in_role": the value set here does not fit rule '
        f'"timing.avoid-under-12-months" (at {BUNDLED / "timing.yaml"}:'
    )
    assert problems[0].endswith("2000 months is too far: at most 1,200")


def test_a_value_given_when_loading_is_named_as_given(tmp_path):
    with pytest.raises(RulesetError) as caught:
        read_ruleset(BUNDLED, {"min_months_in_role": 2000})
    shown = [str(p) for p in caught.value.problems]
    assert shown[0].startswith(
        f'{BUNDLED} (threshold min_months_in_role): threshold "min_months_in_role": the value given does not fit rule'
    )


def test_a_choice_a_higher_layer_sets_is_reported_there_and_a_rule_of_the_same_layer_keeps_its_own_line(tmp_path):
    base = folder(
        tmp_path / "acme",
        """\
        extends: default
        name: acme
        version: '1'
        thresholds:
          acme_scope: {default: expanded, choices: [expanded, sideways], unit: scope, meaning: The scope asked for.}
        """,
        """\
        category: timing
        rules:
          - id: acme.scope
            priority: 50
            title: T
            when: scope_change == acme_scope
            recommend: Advice.
            sources:
              - S3: Good timing
        """,
    )
    top = folder(
        tmp_path / "top", "extends: ../acme\nname: top\nversion: '1'\nthresholds:\n  acme_scope: {default: sideways}\n"
    )
    assert [str(p) for p in inspect_ruleset(top).problems] == [
        f'{top / "ruleset.yaml"}:5:3: threshold "acme_scope": the value set here does not fit rule "acme.scope" '
        f'(at {base / "rules.yaml"}:6:5): "sideways" is not a value of scope_change (none, expanded, dramatic)'
    ]
    (base / "ruleset.yaml").write_text(
        (base / "ruleset.yaml").read_text().replace("default: expanded", "default: sideways")
    )
    assert [str(p) for p in inspect_ruleset(base).problems] == [
        f'{base / "rules.yaml"}:6:5: rule "acme.scope": "sideways" is not a value of scope_change '
        "(none, expanded, dramatic)"
    ]
