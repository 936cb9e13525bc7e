"""The shown advice never contradicts itself, for thousands of generated people in every stage and gate.

Each property is one way advice loses a person's trust: being told to ask while a reason to wait
holds; an "earliest day" on which the reason still holds; being asked for something already given
or refused; advice to leave before an honest look at one's own gaps; two pieces of advice the
ruleset declares as contradicting, side by side. The people come from the strategy the other
property tests use (tests/support/people.py), drawn reproducibly.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
import yaml

from promorules.ruleset import conditions as c
from promorules.advisor import Advisor
from promorules.facts.derive import derive
from promorules.facts.model import Facts
from promorules.advice.outlook import ASK_NOW, earliest_day
from tests.support.people import varied_people

PEOPLE = 2_000
EXAMPLES = Path(__file__).parents[2] / "examples"
# Stages where the promotion is still to be won: every missing basic decides what to do next.
BEFORE_A_PROMOTION = {"foundation", "step_up", "make_the_case", "after_a_no"}
# The reasons to wait that the drawn facts reach: bad timing, the foundation, leaving and the new role.
CORE_GATES = {
    "timing.avoid-freeze",
    "timing.avoid-after-setback",
    "timing.avoid-under-12-months",
    "timing.avoid-stressed-manager",
    "stage.foundation-first",
    "after.crush-new-role-first-year",
}

# A recommendation that asks for something, and the facts of the latest request that say it is already
# given or was refused: (rule, field of the latest request, value that makes the ask pointless).
# "Criteria given" and "feedback given" are the same answer: a list of criteria is specific feedback.
ALREADY_ANSWERED = [
    ("escalate.ask-specific-criteria", "feedback_specific", True),
    ("escalate.ask-specific-criteria", "manager_declined_meaningful_feedback", True),
    ("escalate.ask-specific-criteria", "criteria", "some"),
    ("escalate.thank-and-recommit", "feedback_specific", True),
    ("escalate.thank-and-recommit", "criteria", "some"),
    ("escalate.thank-and-recommit", "manager_declined_meaningful_feedback", True),
    ("conversation.pushback-experience", "feedback_specific", True),
    ("conversation.pushback-experience", "criteria", "some"),
    ("conversation.pushback-experience", "manager_declined_meaningful_feedback", True),
    ("readiness.informal-review", "manager_declined_meaningful_feedback", True),
    ("escalate.ask-timeline", "timeline_given", True),
    ("escalate.ask-timeline", "criteria_deadline", "some"),
    ("escalate.ask-timeline", "revisit_date", "some"),
    ("escalate.ask-revisit-date", "revisit_date", "some"),
    ("escalate.action-plan-with-buy-in", "action_plan_agreed", True),
    ("escalate.get-it-in-writing", "summarised_in_writing", True),
]
# What the latest request's answer may have said, one situation per generated person in turn (with the
# rest of the drawn facts unchanged): criteria with or without a "by when", a revisit date, a refusal
# to give feedback. Generated requests never carry these, so without them the checks above prove little.
ANSWERS = [
    {},
    {"feedback_specific": True, "criteria": ["Lead the Q3 launch"]},
    {"criteria": ["Lead the Q3 launch", "Mentor two engineers"], "timeline_given": True},
    {"criteria": ["Lead the Q3 launch"], "criteria_deadline": date(2027, 9, 30)},
    {"criteria": ["Lead the Q3 launch"], "timeline_given": True, "revisit_date": date(2027, 3, 1)},
    {"feedback_specific": False, "timeline_given": True},
    {"manager_declined_meaningful_feedback": True},
    {"feedback_specific": True, "summarised_in_writing": True, "criteria": ["Own the roadmap"]},
    {"stated_reason": "experience_gap", "feedback_specific": True},
    {"stated_reason": "experience_gap", "manager_declined_meaningful_feedback": True},
]


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def _reflected(person: dict, index: int) -> dict:
    """Every third person has looked honestly at their own gaps and found none, so that the leaving advice
    (which waits for that) is reached too; the rest keep the drawn facts as they are."""
    if index % 3:
        return person
    return {**person, "soul_search_done": True, "soul_search_found_gaps": False}


def latest_request(person: dict) -> dict:
    """The latest request on or before as_of, as the engine reads it: by date, the later one of a tie."""
    requests = [r for r in person.get("promotion_requests") or [] if r["date"] <= person["as_of"]]
    return sorted(requests, key=lambda r: r["date"])[-1] if requests else {}


def _answered(person: dict, index: int) -> dict:
    """The person's latest request gets one of ANSWERS, in turn, so every answered situation is reached."""
    latest = latest_request(person)
    if not latest:
        return person
    answer = ANSWERS[(index // 3) % len(ANSWERS)]
    requests = [{**r, **answer} if r is latest else r for r in person["promotion_requests"]]
    return {**person, "promotion_requests": requests}


def _given(value, wanted) -> bool:
    """``wanted`` "some" means any value at all was recorded (a list of criteria, a date)."""
    return bool(value) if wanted == "some" else value == wanted


@pytest.fixture(scope="module")
def advised(advisor):
    people = [_answered(_reflected(person, index), index) for index, person in enumerate(varied_people(PEOPLE))]
    # The examples too: the drawn set shifts with what else is imported, and a stage such as
    # considering a move is reached by only a handful of drawn people.
    people += [yaml.safe_load(path.read_text()) for path in sorted(EXAMPLES.glob("*.yaml"))]
    return [(person, advisor.advise(Facts.model_validate(person))) for person in people]


def test_the_people_cover_every_stage_and_every_gate(advisor, advised):
    """Guards the properties below: they would prove little for people who never reach a stage or a gate."""
    stages = {advice.stage.name for _, advice in advised if advice.stage}
    assert stages == {stage.name for stage in advisor.ruleset.stages}
    gates = {r.rule_id for _, advice in advised for r in advice.recommendations if r.waits}
    assert gates >= CORE_GATES, CORE_GATES - gates
    assert any(gate.startswith("leave.") for gate in gates), "a reason to leave is reached"
    assert len(advised) >= PEOPLE


def test_no_ask_now_advice_is_shown_while_a_reason_to_wait_holds(advisor, advised):
    ruleset = advisor.ruleset
    for person, advice in advised:
        waits = [r.rule_id for r in advice.recommendations if r.waits]
        asks = [r.rule_id for r in advice.recommendations if ASK_NOW in ruleset.rule(r.rule_id).tags]
        assert not (waits and asks), (person, waits, asks)


def test_no_declared_pair_is_shown_side_by_side(advisor, advised):
    ruleset = advisor.ruleset
    pairs = [(ruleset.named(p.first), ruleset.named(p.second)) for p in ruleset.pairs if p.yields]
    assert pairs, "the default ruleset declares pairs"
    for person, advice in advised:
        shown = {r.rule_id for r in advice.recommendations}
        for first, second in pairs:
            assert not ((shown & first) and (shown & second) and (shown & first) != (shown & second)), (person, shown)


def test_no_advice_asks_for_what_the_facts_say_is_given_or_refused(advised):
    reached = set()
    for person, advice in advised:
        latest = latest_request(person)
        shown = {r.rule_id for r in advice.recommendations}
        for rule_id, field, value in ALREADY_ANSWERED:
            answered = _given(latest.get(field), value)
            assert not (rule_id in shown and answered), (person, rule_id, field)
            if answered and latest.get("outcome") in ("denied", "not_yet"):
                reached.add(field)
    assert reached == {field for _, field, _ in ALREADY_ANSWERED}, "every answered situation is generated"


@pytest.mark.parametrize("response", ["yes", "hesitant"])
def test_no_supporter_already_asked_is_asked_again(advisor, response):
    """Asking people who already answered to speak up asks for an answer given: Claire, ready to ask, with
    both supporters not yet advocating already asked, is not told to ask them."""
    claire = yaml.safe_load((EXAMPLES / "claire-ready-to-ask.yaml").read_text())
    shown = {r.rule_id for r in advisor.advise(Facts.model_validate(claire)).recommendations}
    assert "relationships.ask-for-good-word" in shown
    for supporter in claire["people"]:
        if not supporter.get("already_advocating"):
            supporter.update(asked_date=date(2026, 9, 1), asked_response=response)
    shown = {r.rule_id for r in advisor.advise(Facts.model_validate(claire)).recommendations}
    assert "relationships.ask-for-good-word" not in shown


def test_no_advice_to_leave_before_an_honest_look_at_ones_own_gaps(advised):
    for person, advice in advised:
        clean = next((s.value for s in advice.signals if s.name == "soul_search_clean"), None)
        leaving = [r.rule_id for r in advice.recommendations if r.category == "leaving"]
        assert clean is True or not leaving, (person, leaving)


def test_an_earliest_day_is_never_a_day_the_reason_to_wait_still_holds(advisor, advised):
    checked = 0
    for person, advice in advised:
        facts = Facts.model_validate(person)
        for rec in advice.recommendations:
            if not (rec.waits and rec.date and rec.date >= advice.as_of):
                continue
            rule = advisor.ruleset.rule(rec.rule_id)
            if earliest_day(advisor.evaluator, facts, rule, rec.date) is None:
                continue  # time alone does not lift it: the date is a day to look again, not the earliest day
            derived = derive(facts.model_copy(update={"as_of": rec.date}))  # the day the advice shows
            assert c.evaluate(rule.condition, derived, advisor.evaluator.signals(derived)) is not True, person
            checked += 1
    assert checked >= 20, "enough people with a dated reason to wait"


def test_the_dates_shown_are_the_earliest_days(advisor):
    """What every advice shows (the plain advice of batch and the service, and full_advice with its plan and
    what would change) is the day the reason to wait is gone, not its last day."""
    from promorules.advisor import full_advice

    person = {"as_of": date(2026, 3, 1), "role_start_date": date(2024, 1, 1), "setbacks": [{"date": date(2026, 2, 1)}]}
    for advice in (advisor.advise(Facts.model_validate(person)), full_advice(advisor, Facts.model_validate(person))):
        wait = next(r for r in advice.recommendations if r.rule_id == "timing.avoid-after-setback")
        assert wait.date == date(2026, 4, 3)  # 2026-02-01 + 60 days is 2026-04-02, the cooldown's last day
        assert "2026-04-03" in wait.text and "2026-04-02" not in wait.text
        assert all(item.date != date(2026, 4, 2) for item in advice.plan)


def test_tell_us_more_asks_the_basics_first_and_about_leaving_only_after_a_refusal(advisor, advised):
    """A coach asks when the role began before anything else, and never asks someone who was never
    refused whether they have searched their soul or whether their work is being outsourced.

    Before a promotion is won, every missing basic comes first, in a coach's order; once one is approved
    or pending, or a move is weighed, the basics about readiness for that promotion no longer lead: those
    that still come first keep the coach's order."""
    from promorules.facts.questions import AFTER_A_REFUSAL_CATEGORIES, AFTER_A_REFUSAL_STAGES, BASICS

    ruleset = advisor.ruleset
    refusal_signals = {s.signal for s in ruleset.stages if s.name in AFTER_A_REFUSAL_STAGES}
    after_a_refusal = {
        r.id
        for r in ruleset.rules
        if r.category in AFTER_A_REFUSAL_CATEGORIES
        or (r.stages and set(r.stages) <= AFTER_A_REFUSAL_STAGES)
        or r.derive in refusal_signals
    }
    never_refused = 0
    for person, advice in advised:
        paths = [m.fact for m in advice.missing_facts]
        if advice.stage is not None and advice.stage.name in BEFORE_A_PROMOTION:
            ranks = [BASICS.index(p) if p in BASICS else len(BASICS) for p in paths]
        else:
            ranks = [BASICS.index(p) for p in itertools.takewhile(lambda p: p in BASICS, paths)]
        assert ranks == sorted(ranks), (person, paths)
        requests = person.get("promotion_requests")
        if requests is not None and not any(r["outcome"] in ("denied", "not_yet") for r in requests):
            never_refused += 1
            assert "soul_search_done" not in paths, person
            for missing in advice.missing_facts:
                assert missing.fact in BASICS or set(missing.rules) - after_a_refusal, (person, missing.fact)
    assert never_refused >= 100


def test_the_header_says_what_the_first_recommendation_is(advisor, advised):
    """The one header line is drawn from #1 alone: "not asking yet" (with the wait's date, when it has one)
    exactly when #1 is a reason to wait; a move when #1 is advice to look outside; and never #1's title,
    which the line after it names."""
    from promorules.advice.render import headline

    kinds = set()
    for person, advice in advised:
        header = headline(advice)
        if not advice.recommendations:
            continue
        first = advice.recommendations[0]
        titles = [r.title for r in advice.recommendations]
        assert not any(title in header for title in titles), (header, person)
        if first.category == "leaving":
            kinds.add("move")
            assert "not asking" not in header and ("move" in header.lower() or "elsewhere" in header), header
        elif first.waits:
            kinds.add("wait")
            assert "not asking yet" in header, header
            if first.date and first.date >= advice.as_of:
                kinds.add("dated wait")
                assert first.date.isoformat() in header, (header, first.date)
        else:
            kinds.add("step")
            assert "not asking" not in header, (header, first.rule_id)
            if advice.stage:
                assert header.startswith(advice.stage.title), header
    assert kinds == {"move", "wait", "dated wait", "step"}, kinds
