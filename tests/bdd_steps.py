"""The one step library behind every .feature file: facts as tables, checks on the advice.

Coaches write scenarios with these steps only, so new features need no Python.
Every scenario is evaluated by both engines (durable-rules and the Python
evaluator), which must agree exactly.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from pytest_bdd import given, parsers, then, when

from promorules import Advisor, Facts
from promorules.errors import InputError
from promorules.factsfile import read_facts

ROOT = Path(__file__).resolve().parent.parent
LISTS = {
    "achievements": "achievements",
    "promotion requests": "promotion_requests",
    "setbacks": "setbacks",
    "people": "people",
    "above level activities": "above_level_activities",
    "performance gaps": "performance_gaps",
}


@lru_cache(maxsize=None)
def advisor(ruleset: str, engine: str, thresholds: tuple = ()) -> Advisor:
    return Advisor(ROOT / ruleset, engine=engine, thresholds=dict(thresholds))


def cell(text: str):
    """A table cell read as a YAML value: true, 12, 2026-11-24, [10, 11]; empty means unknown."""
    text = text.strip()
    return None if text == "" else yaml.safe_load(text)


def put(facts: dict, dotted: str, value) -> None:
    """Set a fact by its dotted name; an unknown value (empty cell) removes it."""
    *groups, name = dotted.split(".")
    for group in groups:
        facts = facts.setdefault(group, {})
    if value is None:
        facts.pop(name, None)
    else:
        facts[name] = value


class Scenario:
    def __init__(self):
        self.ruleset = "rulesets/default"
        self.thresholds: dict = {}
        self.facts: dict = {}
        self.advice = None

    def summary(self) -> str:
        advice = self.advice
        ranked = ", ".join(f"{r.rank}. {r.rule_id}" for r in advice.recommendations) or "none"
        held = ", ".join(f"{h.rule_id} (by {', '.join(h.held_back_by)})" for h in advice.held_back) or "none"
        stage = advice.stage.name if advice.stage else "none"
        return f"\n  recommendations: {ranked}\n  held back: {held}\n  stage: {stage}"

    def fired(self) -> set[str]:
        """Every rule whose conditions hold: recommended, held back, or deriving a signal."""
        advice = self.advice
        fired = {r.rule_id for r in advice.recommendations} | {h.rule_id for h in advice.held_back}
        return fired.union(*(s.derived_by for s in advice.signals))

    def recommendation(self, rule_id: str):
        for rec in self.advice.recommendations:
            if rec.rule_id == rule_id:
                return rec
        pytest.fail(f'"{rule_id}" is not among the recommendations.{self.summary()}')


@pytest.fixture
def scenario():
    return Scenario()


# ------------------------------------------------------------------ Given


@given("the default ruleset")
def default_ruleset(scenario):
    scenario.ruleset = "rulesets/default"


@given(parsers.parse('the ruleset "{path}"'))
def named_ruleset(scenario, path):
    scenario.ruleset = path


@given(parsers.re(r'the threshold "(?P<name>[a-z0-9_]+)" is (?P<value>.+)'))
def threshold_is(scenario, name, value):
    scenario.thresholds[name] = cell(value.strip().strip('"'))


@given(parsers.parse('the person described in "{path}"'))
def person_from_file(scenario, path):
    """A facts file (YAML or JSON), relative to the project; later tables add to it."""
    try:
        facts = read_facts(str(ROOT / path))
    except InputError as exc:
        pytest.fail(f"the facts file is not valid:\n{exc}")
    scenario.facts = facts.model_dump(exclude_none=True)


@given("a person with these facts:")
def person_facts(scenario, datatable):
    header, *rows = datatable
    if [h.strip() for h in header] != ["fact", "value"]:
        pytest.fail('the facts table needs the columns "fact" and "value"')
    for name, value in rows:
        put(scenario.facts, name.strip(), cell(value))


@given(parsers.parse("their {kind} are:"))
def person_list(scenario, kind, datatable):
    field = LISTS.get(kind.strip())
    if field is None:
        pytest.fail(f'unknown list "{kind}"; use one of: {", ".join(LISTS)}')
    header, *rows = datatable
    items = []
    for row in rows:
        item = {}
        for name, value in zip(header, row):
            value = cell(value)
            if value is not None:
                put(item, name.strip(), value)
        items.append(item)
    scenario.facts[field] = items


# ------------------------------------------------------------------ When


def ask(scenario, on=None):
    data = dict(scenario.facts)
    if on is not None:
        data["as_of"] = on
    try:
        facts = Facts.model_validate(data)
    except ValidationError as exc:
        pytest.fail(f"the facts are not valid:\n{exc}")
    thresholds = tuple(sorted(scenario.thresholds.items()))
    durable = advisor(scenario.ruleset, "durable", thresholds).advise(facts)
    python = advisor(scenario.ruleset, "python", thresholds).advise(facts)
    assert durable == python, "durable-rules and the Python evaluator disagree"
    scenario.advice = durable


@when("they ask for advice")
def ask_now(scenario):
    ask(scenario)


@when(parsers.re(r"they ask for advice on (?P<day>\d{4}-\d{2}-\d{2})"))
def ask_on(scenario, day):
    ask(scenario, date.fromisoformat(day))


@when(parsers.re(r"they ask for advice on (?P<day>\d{4}-\d{2}-\d{2}) with no facts at all"))
def ask_with_nothing(scenario, day):
    scenario.facts = {}
    ask(scenario, date.fromisoformat(day))


# ------------------------------------------------------------------ Then


@then(parsers.parse('the advice includes "{rule_id}"'))
def includes(scenario, rule_id):
    scenario.recommendation(rule_id)


@then(parsers.parse('the advice does not include "{rule_id}"'))
def excludes(scenario, rule_id):
    ids = [r.rule_id for r in scenario.advice.recommendations]
    assert rule_id not in ids, f'"{rule_id}" should not be recommended.{scenario.summary()}'


@then(parsers.parse('"{rule_id}" is ranked {rank:d}'))
def ranked(scenario, rule_id, rank):
    found = scenario.recommendation(rule_id).rank
    assert found == rank, f'"{rule_id}" is ranked {found}, not {rank}.{scenario.summary()}'


@then(parsers.parse('"{first}" comes before "{second}"'))
def comes_before(scenario, first, second):
    assert scenario.recommendation(first).rank < scenario.recommendation(second).rank, scenario.summary()


@then(parsers.parse('"{rule_id}" is held back by "{holder}"'))
def held_back_by(scenario, rule_id, holder):
    held = {h.rule_id: h.held_back_by for h in scenario.advice.held_back}
    assert holder in held.get(rule_id, []), f'"{rule_id}" is not held back by "{holder}".{scenario.summary()}'


@then(parsers.parse('"{rule_id}" is not held back'))
def not_held_back(scenario, rule_id):
    held = [h.rule_id for h in scenario.advice.held_back]
    assert rule_id not in held, f'"{rule_id}" is held back.{scenario.summary()}'


@then(parsers.parse('the stage is "{name}"'))
def stage_is(scenario, name):
    stage = scenario.advice.stage.name if scenario.advice.stage else None
    assert stage == name, f'the stage is "{stage}", not "{name}".{scenario.summary()}'


@then(parsers.re(r'"(?P<rule_id>[^"]+)" is dated (?P<day>\d{4}-\d{2}-\d{2})'))
def dated(scenario, rule_id, day):
    found = scenario.recommendation(rule_id).date
    assert found == date.fromisoformat(day), f'"{rule_id}" is dated {found}, not {day}'


@then(parsers.parse('the text of "{rule_id}" mentions "{words}"'))
def mentions(scenario, rule_id, words):
    text = scenario.recommendation(rule_id).text
    assert words in text, f'the text of "{rule_id}" does not mention "{words}":\n  {text}'


@then(parsers.parse('the missing facts include "{path}"'))
def missing_includes(scenario, path):
    missing = [m.fact for m in scenario.advice.missing_facts]
    assert path in missing, f'"{path}" is not among the missing facts: {missing}'


@then(parsers.re(r'the top three are "(?P<first>[^"]+)", "(?P<second>[^"]+)" and "(?P<third>[^"]+)"'))
def top_three(scenario, first, second, third):
    top = [r.rule_id for r in scenario.advice.recommendations[:3]]
    assert top == [first, second, third], f"the top three are {top}.{scenario.summary()}"


@then(parsers.re(r'"(?P<rule_id>[^"]+)" fires'))
def fires(scenario, rule_id):
    assert rule_id in scenario.fired(), f'"{rule_id}" does not fire.{scenario.summary()}'


@then(parsers.re(r'"(?P<rule_id>[^"]+)" does not fire'))
def does_not_fire(scenario, rule_id):
    assert rule_id not in scenario.fired(), f'"{rule_id}" fires.{scenario.summary()}'


@then(parsers.re(r'the signal "(?P<name>[^"]+)" is (?P<state>true|false|unknown)'))
def signal_is(scenario, name, state):
    values = {s.name: s.value for s in scenario.advice.signals}
    if name not in values:
        pytest.fail(f'there is no signal "{name}"; the signals are: {", ".join(values)}')
    found = {True: "true", False: "false", None: "unknown"}[values[name]]
    assert found == state, f'the signal "{name}" is {found}, not {state}.{scenario.summary()}'


@then("there are no recommendations")
def no_recommendations(scenario):
    assert not scenario.advice.recommendations, scenario.summary()
