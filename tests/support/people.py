"""Hypothesis strategies for random people, shared by the engine tests and the benchmarks' checks."""

from __future__ import annotations

from datetime import date, timedelta

import json

from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st

AS_OF = date(2026, 11, 24)


def past(days: int = 2000):
    """A date up to ``days`` before AS_OF."""
    return st.integers(0, days).map(lambda n: AS_OF - timedelta(days=n))


def maybe(strategy):
    return st.none() | strategy


achievement = st.fixed_dictionaries(
    {"title": st.just("A result"), "date": past(500)},
    optional={
        "quantified": st.booleans(),
        "above_role": st.booleans(),
        "visible": st.booleans(),
        "major_win": st.booleans(),
    },
)
person = st.fixed_dictionaries(
    {"name": st.just("Someone")},
    optional={
        "strength": st.sampled_from(["none", "weak", "meaningful", "strong"]),
        "stance": st.sampled_from(["champion", "supportive", "unknown", "opposed"]),
        "can_influence": st.booleans(),
        "endorsement_backfire_risk": st.booleans(),
    },
)
request = st.fixed_dictionaries(
    {"date": past(900), "outcome": st.sampled_from(["pending", "approved", "denied", "not_yet"])},
    optional={"feedback_specific": st.booleans(), "action_plan_agreed": st.booleans()},
)
activity = st.fixed_dictionaries(
    {"kind": st.sampled_from(["higher_caliber", "mentoring", "lead_within_role", "publication", "carve_out"])},
    optional={"active": st.booleans()},
)
org = st.fixed_dictionaries(
    {},
    optional={
        "company_freeze": st.booleans(),
        "hiring_freeze": st.booleans(),
        "financial_difficulty": st.booleans(),
        "formality": st.sampled_from(["formal", "informal"]),
        "next_review_start": st.integers(-60, 200).map(lambda n: AS_OF + timedelta(days=n)),
        "last_funding_date": past(400),
    },
)

facts = st.fixed_dictionaries(
    {"as_of": st.just(AS_OF)},
    optional={
        "role_start_date": past(1500),
        "last_promotion_date": past(1500),
        "scope_change": st.sampled_from(["none", "expanded", "dramatic"]),
        "self_assessment_done": st.booleans(),
        "meets_all_responsibilities": st.booleans(),
        "performance_gaps": st.lists(
            st.fixed_dictionaries({"area": st.just("x"), "status": st.sampled_from(["open", "closed"])}), max_size=3
        ),
        "setbacks": st.lists(st.fixed_dictionaries({"date": past(200)}), max_size=2),
        "above_level_activities": st.lists(activity, max_size=3),
        "achievements": st.lists(achievement, max_size=8),
        "people": st.lists(person, max_size=4),
        "promotion_requests": st.lists(request, max_size=3),
        "manager_visibly_stressed": st.booleans(),
        "planned_setting": st.sampled_from(["dedicated_1on1", "end_of_1on1", "casual", "lunch_arranged"]),
        "promotion_approved": st.booleans(),
        "terms_final": st.booleans(),
        "org": org,
    },
)


def varied_people(count: int) -> list[dict]:
    """Distinct, reproducible people drawn from the same strategy as the property tests."""
    found: list[dict] = []
    seen: set[str] = set()

    def collect(person) -> bool:
        key = json.dumps(person, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            found.append(person)
        return len(found) >= count

    find(
        facts,
        collect,
        settings=settings(
            max_examples=20 * count, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
        ),
    )
    return found
