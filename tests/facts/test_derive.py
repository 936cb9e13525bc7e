"""Derived facts: measurements from one person's facts; unknown stays unknown."""

from datetime import date

import pytest
from pydantic import ValidationError

from promorules.facts.derive import derive, input_description
from promorules.facts.model import Facts


def derived(**facts):
    return derive(Facts.model_validate({"as_of": "2026-11-24", **facts}))


def test_nothing_known_means_nothing_measured():
    d = derived()
    for name in (
        "months_in_role",
        "sponsor_count",
        "quantified_achievements_12m",
        "open_gap_count",
        "denial_count",
        "freeze_active",
        "days_since_last_setback",
    ):
        assert d[name] is None, name
    assert d["as_of"] == date(2026, 11, 24)


def test_months_in_role_counts_whole_months():
    assert derived(as_of="2026-01-30", role_start_date="2025-01-31")["months_in_role"] == 11
    assert derived(as_of="2026-01-31", role_start_date="2025-01-31")["months_in_role"] == 12
    assert derived(as_of="2025-02-28", role_start_date="2024-02-29")["months_in_role"] == 12


def test_an_empty_list_is_known():
    d = derived(setbacks=[], achievements=[], people=[], promotion_requests=[])
    assert d["setback_count_12m"] == 0
    assert d["days_since_last_setback"] is None  # no setback at all: nothing to count from
    assert d["quantified_achievements_12m"] == 0
    assert d["sponsor_count"] == 0
    assert d["denied_request_count"] == 0


def test_the_twelve_month_window_includes_its_first_day():
    results = [
        {"title": "on the day", "date": "2025-11-24", "quantified": True},
        {"title": "a day too early", "date": "2025-11-23", "quantified": True},
        {"title": "unmeasured", "date": "2026-05-01"},
    ]
    d = derived(achievements=results)
    assert d["quantified_achievements_12m"] == 1
    assert d["achievements_12m"] == 2


def test_dates_after_as_of_are_refused_with_the_field_named():
    with pytest.raises(ValidationError, match=r"achievements\[0\]\.date after as_of \(2026-11-24\)"):
        derived(achievements=[{"title": "future", "date": "2026-12-01"}])
    with pytest.raises(ValidationError, match="role_start_date after as_of"):
        derived(role_start_date="2027-01-01")


def test_only_real_sponsors_count():
    sponsor = {"name": "A", "strength": "strong", "stance": "champion", "can_influence": True}
    people = [
        sponsor,
        {**sponsor, "name": "B", "strength": "weak"},
        {**sponsor, "name": "C", "stance": "opposed"},
        {**sponsor, "name": "D", "can_influence": None},
        {**sponsor, "name": "E", "endorsement_backfire_risk": True},
        {**sponsor, "name": "F", "ask_crosses_political_line": True},
        {**sponsor, "name": "G", "strength": "meaningful", "stance": "supportive", "already_advocating": True},
    ]
    d = derived(people=people)
    assert d["sponsor_count"] == 2
    assert d["champions_to_ask"] == 1


def test_vague_denials_count_the_latest_run_and_skip_pending():
    requests = [
        {"date": "2024-01-10", "outcome": "denied", "feedback_specific": False},
        {"date": "2024-06-10", "outcome": "approved"},
        {"date": "2025-01-10", "outcome": "not_yet"},
        {"date": "2025-06-10", "outcome": "denied", "feedback_specific": True},
        {"date": "2025-12-10", "outcome": "not_yet", "feedback_specific": False},
        {"date": "2026-06-10", "outcome": "denied"},
        {"date": "2026-10-10", "outcome": "pending"},
    ]
    d = derived(promotion_requests=requests, last_promotion_date="2024-07-01")
    assert d["consecutive_denials"] == 4
    assert d["consecutive_vague_denials"] == 2
    assert d["denial_count"] == 4  # since the last promotion
    assert d["denied_request_count"] == 5
    assert d["pending_request"] is True
    assert d["latest_outcome"] == "pending"
    assert d["days_since_latest_denial"] == (date(2026, 11, 24) - date(2026, 6, 10)).days


def test_freeze_is_three_valued():
    assert derived(org={"hiring_freeze": True})["freeze_active"] is True
    assert derived(org={"hiring_freeze": False})["freeze_active"] is None
    flags = {"company_freeze": False, "hiring_freeze": False, "financial_difficulty": False}
    assert derived(org=flags)["freeze_active"] is False


def test_budget_season_is_q4_unless_the_organisation_says_otherwise():
    assert derived()["in_budget_season"] is True
    assert derived()["next_budget_season_start"] == date(2027, 10, 1)
    assert derived(as_of="2026-09-15")["next_budget_season_start"] == date(2026, 10, 1)
    march = derived(org={"budget_season_months": [3]})
    assert march["in_budget_season"] is False
    assert march["next_budget_season_start"] == date(2027, 3, 1)


def test_review_window_measures():
    d = derived(org={"next_review_start": "2027-01-19", "review_end": "2027-02-26"})
    assert d["days_until_review_start"] == 56
    assert d["review_ended"] is False


def test_input_descriptions_come_from_the_facts_model():
    assert input_description("org.hiring_freeze") == "Hiring is paused."
    assert input_description("promotion_requests[-1].action_plan_agreed") == "A plan exists and the manager bought in."
    assert input_description("no_such_fact") == ""


def test_derive_is_deterministic():
    facts = {
        "role_start_date": "2024-03-31",
        "achievements": [{"title": "x", "date": "2026-02-01", "quantified": True}],
    }
    assert derived(**facts) == derived(**facts)


def test_approval_is_read_from_the_latest_request_unless_given():
    assert derived()["promotion_approved"] is None
    assert derived(promotion_requests=[])["promotion_approved"] is False
    denied = [{"date": "2026-05-01", "outcome": "denied"}]
    approved = denied + [{"date": "2026-10-01", "outcome": "approved"}]
    assert derived(promotion_requests=denied)["promotion_approved"] is False
    assert derived(promotion_requests=approved)["promotion_approved"] is True
    assert derived(promotion_requests=approved, promotion_approved=False)["promotion_approved"] is False
