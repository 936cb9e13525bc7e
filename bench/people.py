"""Reproducible, varied people for the benchmarks, as JSON-ready dicts (no hypothesis: 100,000 in seconds).

The shapes follow tests/support/people.py: every group of facts is present for some
people and absent for others, with values on both sides of the thresholds,
so people reach every stage and the advice varies as it does in a real
workforce.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Iterator

AS_OF = date(2026, 11, 24)


def people(count: int, seed: int = 2026) -> Iterator[dict]:
    """``count`` people, the same ones for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield person(rng)


def person(rng: random.Random) -> dict:
    def past(days: int) -> str:
        return (AS_OF - timedelta(days=rng.randint(0, days))).isoformat()

    def maybe(probability: float = 0.5) -> bool:
        return rng.random() < probability

    facts: dict = {"as_of": AS_OF.isoformat()}
    if maybe(0.85):
        facts["role_start_date"] = past(1500)
    if maybe(0.4):
        facts["last_promotion_date"] = past(2000)
        if "role_start_date" in facts and facts["last_promotion_date"] > facts["role_start_date"]:
            facts["last_promotion_date"] = facts["role_start_date"]
    for name, choices in (
        ("scope_change", ["none", "expanded", "dramatic"]),
        ("planned_setting", ["dedicated_1on1", "end_of_1on1", "casual", "lunch_arranged"]),
        ("manager_relationship", ["weak", "ok", "strong"]),
        ("effort_trend", ["rising", "steady", "declining"]),
    ):
        if maybe(0.6):
            facts[name] = rng.choice(choices)
    for name in (
        "self_assessment_done",
        "meets_all_responsibilities",
        "manager_visibly_stressed",
        "frustrated",
        "leadership_evidence",
        "has_mentor",
        "promotion_approved",
        "terms_final",
        "job_search_active",
    ):
        if maybe(0.5):
            facts[name] = maybe()
    if maybe(0.5):
        facts["performance_gaps"] = [
            {"area": "presentations", "status": rng.choice(["open", "in_progress", "closed"])}
            for _ in range(rng.randint(0, 3))
        ]
    if maybe(0.5):
        facts["setbacks"] = [{"date": past(300)} for _ in range(rng.randint(0, 2))]
    if maybe(0.6):
        kinds = ["higher_caliber", "mentoring", "lead_within_role", "publication", "carve_out", "cross_functional"]
        facts["above_level_activities"] = [
            {"kind": rng.choice(kinds), "active": maybe(0.8)} for _ in range(rng.randint(0, 3))
        ]
    if maybe(0.7):
        facts["achievements"] = [
            {
                "title": f"Result {n}",
                "date": past(500),
                "quantified": maybe(),
                "above_role": maybe(),
                "visible": maybe(),
                "major_win": maybe(0.2),
            }
            for n in range(rng.randint(0, 8))
        ]
    if maybe(0.5):
        facts["people"] = [
            {
                "name": f"Colleague {n}",
                "strength": rng.choice(["none", "weak", "meaningful", "strong"]),
                "stance": rng.choice(["champion", "supportive", "unknown", "opposed"]),
                "can_influence": maybe(),
            }
            for n in range(rng.randint(0, 4))
        ]
    if maybe(0.4):
        requests = sorted(past(900) for _ in range(rng.randint(1, 3)))
        facts["promotion_requests"] = [
            {
                "date": day,
                "outcome": rng.choice(["pending", "approved", "denied", "not_yet"]),
                "feedback_specific": maybe(),
                "action_plan_agreed": maybe(),
            }
            for day in requests
        ]
    if maybe(0.7):
        org: dict = {}
        for name in ("company_freeze", "hiring_freeze", "financial_difficulty"):
            if maybe(0.5):
                org[name] = maybe(0.2)
        if maybe(0.5):
            org["formality"] = rng.choice(["formal", "informal"])
        if maybe(0.5):
            org["next_review_start"] = (AS_OF + timedelta(days=rng.randint(-60, 200))).isoformat()
        facts["org"] = org
    return facts
