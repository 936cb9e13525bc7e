"""A threshold set for one run shows in the advice, so the advice can be reproduced; a nonsense one is refused."""

from pathlib import Path

from click.testing import CliRunner

from promorules import Advisor
from promorules.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "priya-hiring-freeze.yaml")


def test_the_advice_names_the_thresholds_set_for_it():
    assert Advisor().advise({"as_of": "2026-11-24"}).ruleset.settings == {}
    tuned = Advisor(thresholds={"min_months_in_role": 24, "leave_policy": "conservative"})
    assert tuned.advise({"as_of": "2026-11-24"}).ruleset.settings == {
        "leave_policy": "conservative",
        "min_months_in_role": 24,
    }
    shown = CliRunner().invoke(main, ["advise", EXAMPLE, "--threshold", "min_months_in_role=24"])
    assert "ruleset default 0.1.0 with min_months_in_role=24)" in shown.output


def test_a_count_cannot_be_set_below_zero():
    refused = CliRunner().invoke(main, ["advise", EXAMPLE, "--threshold", "min_sponsors=-1"])
    assert refused.exit_code == 2
    assert "-1 is below zero; min_sponsors counts people and its default is 2" in refused.output
