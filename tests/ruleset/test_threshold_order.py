"""``at_most:``: a threshold declares another it never exceeds, once, in the ruleset's data."""

import textwrap
from pathlib import Path

from promorules.coach.layers import effective_yaml
from promorules.ruleset.loader import bundled_ruleset_path, inspect_ruleset


def layer(tmp_path: Path, thresholds: str) -> Path:
    root = tmp_path / "acme"
    root.mkdir()
    head = "extends: default\nname: acme\nversion: '1'\nthresholds:\n"
    (root / "ruleset.yaml").write_text(head + textwrap.indent(textwrap.dedent(thresholds), "  "))
    return root


def test_the_bundled_ruleset_declares_its_minimums_at_most_their_targets():
    thresholds = inspect_ruleset(bundled_ruleset_path()).ruleset.thresholds
    declared = {name: item.at_most for name, item in thresholds.items() if item.at_most}
    assert declared == {
        "min_months_in_role": "ideal_tenure_max_months",
        "min_sponsors": "target_sponsors",
        "denial_processing_days": "post_denial_followup_days",
    }


def test_at_most_naming_no_threshold_is_an_error_at_its_line_with_a_hint(tmp_path):
    root = layer(tmp_path, "acme_days: {default: 2, unit: days, meaning: A wait., at_most: review_lead_day}\n")
    problems = [str(p) for p in inspect_ruleset(root).problems]
    assert problems == [
        f'{root / "ruleset.yaml"}:5:57: threshold "acme_days": at_most: "review_lead_day" is not a threshold '
        '(did you mean "review_lead_days"?)'
    ]


def test_at_most_between_a_number_and_a_choice_is_an_error(tmp_path):
    root = layer(tmp_path, "min_sponsors:\n  at_most: leave_policy\n")
    problems = [str(p) for p in inspect_ruleset(root).problems]
    assert problems == [
        f'{root / "ruleset.yaml"}:6:5: threshold "min_sponsors": at_most: names a number threshold, '
        "and one of the two has choices"
    ]


def test_a_layer_declares_an_order_for_its_own_thresholds_and_the_effective_view_keeps_it(tmp_path):
    root = layer(
        tmp_path,
        """\
        acme_min_days: {default: 10, unit: days, meaning: A least wait., at_most: acme_max_days}
        acme_max_days: {default: 30, unit: days, meaning: A longest wait.}
        """,
    )
    report = inspect_ruleset(root)
    assert report.problems == []
    assert report.ruleset.thresholds["acme_min_days"].at_most == "acme_max_days"
    text = effective_yaml(report)
    assert "    at_most: acme_max_days\n" in text and "    at_most: target_sponsors\n" in text
