"""The dated plan promises only what time alone will bring, and brings the person back soon."""

from datetime import date
from pathlib import Path

from promorules import Advisor
from promorules.advice.model import Change, NearMiss
from promorules.advisor import with_as_of
from promorules.dates import add_months
from promorules.facts.derive import derive
from promorules.facts.files import read_facts
from promorules import full_advice
from promorules.advice.outlook import REVISIT_MONTHS, dated_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ADVISOR = Advisor()


def plan_of(name: str):
    advice = full_advice(ADVISOR, read_facts(str(EXAMPLES / name)))
    return advice, advice.plan


def test_a_date_that_only_helps_is_not_promised_as_unlocking_the_advice():
    advice, plan = plan_of("priya-hiring-freeze.yaml")  # the freeze must also end
    budget = [item for item in plan if item.rule_id == "timing.budget-allocation"]
    assert budget and all("within reach" not in item.what for item in budget)
    assert all("once the other changes it needs are made" in item.what for item in budget)
    assert all("_" not in item.what for item in plan), "a plan line shows a fact's internal name"


def test_time_alone_is_promised_on_the_last_day_when_every_change_is_a_date():
    facts = {"as_of": "2026-11-24", "role_start_date": "2026-05-01"}
    advice = ADVISOR.advise(facts)

    def change(fact: str, day: date) -> Change:
        return Change(fact=fact, description="", now=False, needed=fact, text=fact, from_date=day)

    miss = NearMiss(
        changes=[change("in_budget_season", date(2027, 10, 1)), change("tenure_ok", date(2027, 5, 1))],
        unlocks=["timing.budget-allocation"],
        titles=["Ask while money is being allocated"],
    )
    plan = dated_plan(derive(with_as_of(facts)), advice, [miss])
    promised = [item for item in plan if item.rule_id == "timing.budget-allocation"]
    assert [(item.date, item.what) for item in promised] == [
        (date(2027, 10, 1), 'Time alone brings "Ask while money is being allocated" within reach')
    ]


def test_the_person_is_asked_back_within_a_few_months_at_the_latest():
    advice, plan = plan_of("claire-first-visit.yaml")
    back = [item.date for item in plan if item.what == "Update your facts and ask for advice again"]
    assert back == [min(back[0], add_months(advice.as_of, REVISIT_MONTHS))]
    assert back[0] <= add_months(advice.as_of, REVISIT_MONTHS)
    assert back[0] > advice.as_of >= date(2026, 1, 1)
