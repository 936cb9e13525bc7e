"""The fast paths mean exactly what the plain definitions say.

Conditions run as Python compiled once per ruleset, and the missing facts are
collected in one pass; `conditions.evaluate` and `PythonMatcher.undecided_inputs`
(tree walks, written plainly) define the results. These tests hold the two
equal on random facts, on random rulesets and on the example people.
"""

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promorules import Advisor
from promorules.ruleset import conditions as c
from promorules.advisor import with_as_of
from promorules.facts.derive import FACTS, derive, input_description
from promorules.engine.python import PythonMatcher
from promorules.facts.files import read_facts
from promorules import load_ruleset
from promorules.advice.resolve import Resolver
from tests.support import people
from tests.support.random_rules import BOOLS, ENUMS, NUMBERS, derived_facts, load_random_ruleset, rulesets

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = load_ruleset(ROOT / "rulesets" / "default")
PYTHON = Advisor(DEFAULT, engine="python")


def plain_signals(matcher: PythonMatcher, facts: dict) -> dict:
    values: dict = {}
    for name in matcher._order:
        results = [c.evaluate(rule.condition, facts, values) for rule in matcher._derivers[name]]
        values[name] = True if True in results else (None if None in results else False)
    return values


def plain_fired(ruleset, facts: dict, signals: dict) -> frozenset:
    return frozenset(r.id for r in ruleset.rules if c.evaluate(r.condition, facts, signals) is True)


def gave(person, path: str) -> bool:
    """The person gave this input (a latest request of an empty list counts: there is none to ask about)."""
    value = person.model_dump() if person is not None else {}
    for step in path.replace("[-1]", ".[-1]").split("."):
        if step == "[-1]":
            if value == []:
                return True
            value = value[-1]
        else:
            value = value.get(step)
        if value is None:
            return False
    return True


def plain_missing(ruleset, facts: dict, signals: dict, fired: frozenset, evaluator: PythonMatcher, person=None) -> list:
    """The missing facts as first defined: one tree walk per deciding rule; none the person gave."""
    stage_rules = []
    possible = set()  # the person's stage, and earlier ones still undecided
    current = None
    for stage in ruleset.stages:
        value = signals.get(stage.signal) if stage.signal else True
        if value is True:
            current = stage.name
            possible.add(stage.name)
            break
        if value is None:
            stage_rules += [r.id for r in ruleset.rules if r.derive == stage.signal]
            possible.add(stage.name)
    needed: dict = {}
    descriptions: dict = {}
    memo: dict = {}
    for rule in ruleset.rules:
        deciding = rule.recommend is not None or rule.hold_back or rule.id in stage_rules
        if not deciding or rule.id in fired:
            continue
        for name in evaluator.undecided_inputs(rule, facts, signals, memo):
            for path in FACTS[name].inputs:
                needed.setdefault(path, set()).add(rule.id)
                descriptions.setdefault(path, input_description(path) or FACTS[name].description)
    # A coach's order: the basics first (questions.BASICS); for someone never refused, no question that
    # only advice after a refusal waits on, and such advice does not count towards a question's place.
    from promorules.facts.questions import AFTER_A_REFUSAL_CATEGORIES, AFTER_A_REFUSAL_STAGES, BASICS
    from promorules.facts.questions import PAST_THE_ASK_STAGES

    refusal_signals = {s.signal for s in ruleset.stages if s.name in AFTER_A_REFUSAL_STAGES}
    after = {
        r.id
        for r in ruleset.rules
        if r.category in AFTER_A_REFUSAL_CATEGORIES
        or (r.stages and set(r.stages) <= AFTER_A_REFUSAL_STAGES)
        or r.derive in refusal_signals
    }
    if (facts.get("denied_request_count") or 0) >= 1:
        after = set()
    # The person's moment: a question counts only rules that could be shown in a possible stage (no stages:,
    # or one listed; stage rules everywhere) and that no holding rule holds back; what decides the stage or
    # a reason to wait before details; no question about the latest item of a list the person left empty.
    every_stage_rule = {r.id for r in ruleset.rules for s in ruleset.stages if s.signal and r.derive == s.signal}
    held = {target for r in ruleset.rules if r.id in fired and r.hold_back for target in ruleset.held_back_by(r)}
    shown = {
        r.id
        for r in ruleset.rules
        if (not r.stages or set(r.stages) & possible or r.id in every_stage_rule) and r.id not in held
    }
    if current is None:
        shown = {r.id for r in ruleset.rules if r.id not in held}
    deciding = every_stage_rule | {r.id for r in ruleset.rules if ruleset.is_gate(r)}

    def listed(path: str) -> bool:
        head = path.split("[-1].", 1)[0] if "[-1]." in path else None
        return head is None or person is None or bool(getattr(person, head, None))

    kept = [p for p in needed if not gave(person, p) and (p in BASICS or needed[p] - after) and listed(p)]
    counted = {p: (needed[p] & shown) - after for p in kept}
    leads = {p: bool(counted[p]) or (current not in PAST_THE_ASK_STAGES and p in BASICS) for p in kept}

    def key(path: str) -> tuple:
        if not leads[path]:
            return (1, len(BASICS), 0, 0, -len(needed[path] - after), path)
        rank = BASICS.index(path) if path in BASICS else len(BASICS)
        return (0, rank, -len(counted[path] & deciding), -len(counted[path]), -len(needed[path] - after), path)

    ordered = sorted(kept, key=key)
    return [{"fact": p, "description": descriptions[p], "rules": sorted(needed[p])} for p in ordered]


def check_against_plain(advisor: Advisor, person) -> None:
    person = with_as_of(person)
    facts = derive(person)
    evaluator = advisor.evaluator
    signals = plain_signals(evaluator, facts)
    assert evaluator.signals(facts) == signals
    match = evaluator.match(facts)
    assert match.fired == plain_fired(advisor.ruleset, facts, signals)
    assert match.signals == {k: v for k, v in signals.items() if v is not None}
    advice = advisor.advise(person)
    expected = plain_missing(advisor.ruleset, facts, match.signals, match.fired, evaluator, person)
    assert [m.model_dump() for m in advice.missing_facts] == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people.facts)
def test_compiled_conditions_and_missing_facts_match_the_plain_definitions(person):
    check_against_plain(PYTHON, person)


def test_the_example_people_match_the_plain_definitions():
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        check_against_plain(PYTHON, read_facts(str(path)))


@settings(max_examples=300, deadline=None)
@given(derived_facts(sorted({a.name for r in DEFAULT.rules for a in c.atoms(r.condition) if not a.signal})))
def test_compiled_conditions_match_on_random_derived_facts(facts):
    evaluator = PYTHON.evaluator
    signals = plain_signals(evaluator, facts)
    assert evaluator.signals(facts) == signals
    assert evaluator.match(facts).fired == plain_fired(DEFAULT, facts, signals)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rulesets(), st.lists(derived_facts(NUMBERS + BOOLS + sorted(ENUMS)), min_size=5, max_size=5))
def test_compiled_conditions_match_on_random_rulesets(tmp_path_factory, rules, samples):
    ruleset = load_random_ruleset(tmp_path_factory, rules)
    evaluator = PythonMatcher(ruleset)
    for facts in samples:
        facts = {**facts, "as_of": date(2026, 11, 24)}
        signals = plain_signals(evaluator, facts)
        assert evaluator.signals(facts) == signals, rules
        match = evaluator.match(facts)
        assert match.fired == plain_fired(ruleset, facts, signals), rules
        advice = Advisor(ruleset, engine="python")._loaded.resolver.advice(facts, match)
        expected = plain_missing(ruleset, facts, match.signals, match.fired, evaluator)
        assert [m.model_dump() for m in advice.missing_facts] == expected, rules


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rulesets(), st.lists(derived_facts(NUMBERS + BOOLS + sorted(ENUMS)), min_size=8, max_size=8))
def test_records_shared_between_advices_never_change_one(tmp_path_factory, rules, samples):
    """A resolver that has advised many people gives each one exactly what a fresh resolver gives.

    Recommendations, reasons, signal states and missing facts are records
    shared between advices; their keys must hold everything they depend on.
    """
    ruleset = load_random_ruleset(tmp_path_factory, rules)
    evaluator = PythonMatcher(ruleset)
    warm = Resolver(ruleset)
    for facts in samples + samples[::-1]:
        facts = {**facts, "as_of": date(2026, 11, 24)}
        match = evaluator.match(facts)
        fresh = Resolver(ruleset).advice(facts, match).model_dump_json()
        assert warm.advice(facts, match).model_dump_json() == fresh, rules


def test_a_value_equal_to_one_seen_before_is_still_shown_as_given(tmp_path_factory):
    """0.0 and -0.0 (or 1 and 1.0) are equal in Python; each person still sees their own value."""
    rules = [{"id": "r0", "priority": 1, "title": "t", "when": "open_gap_count < 3", "recommend": "text"}]
    ruleset = load_random_ruleset(tmp_path_factory, rules)
    evaluator = PythonMatcher(ruleset)
    warm = Resolver(ruleset)
    for value in (0.0, -0.0, 0, 1, 1.0):
        facts = {"open_gap_count": value, "as_of": date(2026, 11, 24)}
        match = evaluator.match(facts)
        assert repr(warm.advice(facts, match).recommendations[0].why[0].value) == repr(value)
