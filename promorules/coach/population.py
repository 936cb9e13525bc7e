"""A reproducible, varied population of people, for seeing who a ruleset change affects.

A handful of example people rarely exercises a coach's new rule (no example
has been 14 months in the role); a few hundred generated people do. Every
group of facts is present for some people and absent for others, with values
on both sides of the bundled thresholds, so people reach every stage and
every reason to wait. The same count and seed always give the same people,
so two runs of ``ruleset diff`` compare the same crowd.

`covering` picks, from that stream, people who between them reach every
stage and every gate of the rulesets compared, then fills up with the stream
in order: a change to a rare situation is never missed because the sample
happened not to contain it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Callable, Iterable, Iterator

AS_OF = date(2026, 11, 24)
COMPONENTS = ["current_role", "above_beyond", "impact", "ask", "forward_looking"]
OUTCOMES = ["pending", "approved", "denied", "not_yet"]
ACTIVITIES = [
    "higher_caliber",
    "mentoring",
    "lead_within_role",
    "publication",
    "carve_out",
    "cross_functional",
    "next_role_duty",
    "support_boss",
]


def people(count: int, seed: int = 2026) -> Iterator[dict]:
    """``count`` people as JSON-ready dicts, the same ones for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield person(rng)


def covering(
    count: int, seed: int, reached: Callable[[dict], Iterable[str]], goals: set[str], search: int = 20_000
) -> list[dict]:
    """``count`` people: first, in stream order, one who reaches each goal not yet reached; then the stream.

    ``reached(person)`` names what a person reaches (stages, gates); at most ``search`` people are looked at,
    so a goal no generated person reaches costs bounded time and is simply left out.
    """
    chosen: list[dict] = []
    rest: list[dict] = []
    missing = set(goals)
    for candidate in people(max(search, count), seed):
        found = missing & set(reached(candidate)) if missing else set()
        if found:
            chosen.append(candidate)
            missing -= found
        elif len(rest) < count:
            rest.append(candidate)
        if not missing and len(chosen) + len(rest) >= count:
            break
    return (chosen + rest)[:count]


def declared_values(rng: random.Random, declared: Iterable) -> dict:
    """Values for the facts a ruleset declares (`DeclaredFact`), each unknown for some people, so a company's own
    rule (people in sales who missed quota twice) is reached by generated people too. Numbers stay small (near
    their lower bound), where a rule on a count or a number of months draws its line."""
    values: dict = {}
    for fact in declared:
        if rng.random() < 0.25:
            continue
        if fact.type == "yes_no":
            values[fact.name] = rng.random() < 0.5
        elif fact.type == "choice":
            values[fact.name] = rng.choice(fact.choices)
        elif fact.type == "date":
            values[fact.name] = (AS_OF - timedelta(days=rng.randint(0, 730))).isoformat()
        else:
            low, high = fact.bounds
            top = min(high, low + 24)
            number = (
                rng.randint(int(low), int(top)) if fact.type in ("count", "months", "years") else rng.uniform(low, top)
            )
            values[fact.name] = number
    return values


def person(rng: random.Random) -> dict:
    """One person; each fact group appears with its own probability, so most people know only part."""

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
        ("target_role_tried", ["not_tried", "liked", "disliked"]),
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
        "target_role_is_management",
        "soul_search_done",
        "soul_search_found_gaps",
        "growth_blocked",
    ):
        if maybe(0.5):
            facts[name] = maybe()
    if maybe(0.5):
        facts["performance_gaps"] = [
            {"area": "presentations", "status": rng.choice(["open", "in_progress", "closed"])}
            for _ in range(rng.randint(0, 3))
        ]
    if maybe(0.5):
        facts["setbacks"] = [{"date": past(300), "addressed": maybe()} for _ in range(rng.randint(0, 2))]
    if maybe(0.6):
        facts["above_level_activities"] = [
            {"kind": rng.choice(ACTIVITIES), "active": maybe(0.8)} for _ in range(rng.randint(0, 3))
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
    if maybe(0.3):
        facts["case_document"] = {"components": rng.sample(COMPONENTS, rng.randint(0, 5))}
    if maybe(0.3):
        facts["current_comp"] = rng.choice([80_000, 100_000])
        facts["market_rate_current_level"] = rng.choice([90_000, 100_000])
    if maybe(0.4):
        usual = rng.choice(OUTCOMES)  # people tend to hear the same answer again
        facts["promotion_requests"] = [
            _request(rng, day, usual) for day in sorted(past(900) for _ in range(rng.randint(1, 4)))
        ]
    if maybe(0.7):
        facts["org"] = _organisation(rng)
    if maybe(0.2):  # a strong performer: the later stages and the reasons to leave need a solid foundation
        facts.update(
            self_assessment_done=True,
            meets_all_responsibilities=True,
            performance_gaps=[],
            soul_search_done=True,
            soul_search_found_gaps=False,
        )
        facts["achievements"] = [
            {"title": f"Result {n}", "date": past(300), "quantified": True} for n in range(rng.randint(3, 6))
        ]
        if maybe():
            facts.update(setbacks=[], above_level_activities=[{"kind": rng.choice(ACTIVITIES), "active": True}])
    return facts


def _request(rng: random.Random, day: str, usual: str) -> dict:
    request = {
        "date": day,
        "outcome": usual if rng.random() < 0.6 else rng.choice(OUTCOMES),
        "feedback_specific": rng.random() < 0.5,
        "action_plan_agreed": rng.random() < 0.5,
    }
    for name in ("direct_conversation_held", "criteria_requested", "plan_offered", "criteria_changed_vs_previous"):
        if rng.random() < 0.4:
            request[name] = rng.random() < 0.5
    if rng.random() < 0.3:
        request["criteria"] = ["Lead a project end to end"]
    if rng.random() < 0.3:
        request["revisit_date"] = (AS_OF + timedelta(days=rng.randint(-30, 120))).isoformat()
    if rng.random() < 0.3:
        request["plan_agreed_date"] = day
        request["progress_since"] = rng.choice(["none", "some", "criteria_met"])
    return request


def _organisation(rng: random.Random) -> dict:
    org: dict = {}
    for name in ("company_freeze", "hiring_freeze", "financial_difficulty"):
        if rng.random() < 0.5:
            org[name] = rng.random() < 0.2
    if rng.random() < 0.3:
        org["values_person_skillset"] = rng.random() < 0.5
    if rng.random() < 0.2:
        org["dysfunction"] = {"high_turnover": rng.random() < 0.5, "chronic_inefficiency": rng.random() < 0.5}
    if rng.random() < 0.5:
        org["formality"] = rng.choice(["formal", "informal"])
    if rng.random() < 0.5:
        org["next_review_start"] = (AS_OF + timedelta(days=rng.randint(-60, 200))).isoformat()
    return org
