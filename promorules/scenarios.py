"""Gherkin scenarios a coach writes, checked without any Python: the step library and a small runner.

Every ``.feature`` file, the project's own and a coach's, is read by the same
steps: facts as tables, then checks on the advice. The library is a list of
step patterns, each a function over a `Scenario`; the project's test suite
binds it to pytest-bdd, and `run_features` runs it on its own (no pytest),
for ``promorules ruleset test``.

Each scenario is evaluated by both engines where durable-rules is installed,
and they must agree exactly.
"""
from __future__ import annotations

import difflib
import inspect
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Optional, Sequence

import yaml
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler
from pydantic import ValidationError

from .advisor import Advisor
from .durable_engine import durable_available
from .errors import InputError, Location, Problem
from .facts import Facts, put_at
from .factsfile import read_facts

LISTS = {
    "achievements": "achievements",
    "promotion requests": "promotion_requests",
    "setbacks": "setbacks",
    "people": "people",
    "above level activities": "above_level_activities",
    "performance gaps": "performance_gaps",
}


class ScenarioFailure(AssertionError):
    """A step found the advice (or the scenario's own text) not as the scenario says."""


def fail(message: str) -> None:
    raise ScenarioFailure(message)


def check(holds: bool, message: str) -> None:
    if not holds:
        raise ScenarioFailure(message)


# ------------------------------------------------------------------ the registry


@dataclass(frozen=True)
class StepDefinition:
    kind: str  # given, when or then
    pattern: re.Pattern
    phrase: str  # how a coach writes it, for hints and the documentation
    function: Callable
    table: bool  # the step reads a data table

    def run(self, scenario: "Scenario", arguments: dict, table: Optional[list] = None) -> None:
        if self.table:
            if table is None:
                fail(f'the step "{self.phrase}" needs a table below it')
            self.function(scenario, table=table, **arguments)
        else:
            self.function(scenario, **arguments)


STEPS: list[StepDefinition] = []


def step(kind: str, pattern: str, phrase: str):
    """Register a step; ``pattern`` must match the whole step text (after Given/When/Then)."""

    def register(function: Callable) -> Callable:
        takes_table = "table" in inspect.signature(function).parameters
        STEPS.append(StepDefinition(kind, re.compile(pattern), phrase, function, takes_table))
        return function

    return register


def find_step(kind: Optional[str], text: str) -> Optional[tuple[StepDefinition, dict]]:
    """The step definition for one written step (``kind`` None accepts any kind)."""
    for definition in STEPS:
        if kind is not None and definition.kind != kind:
            continue
        match = definition.pattern.fullmatch(text)
        if match:
            return definition, match.groupdict()
    return None


def closest_phrase(text: str) -> str:
    close = difflib.get_close_matches(text, [d.phrase for d in STEPS], n=1, cutoff=0.5)
    return f' (did you mean "{close[0]}"?)' if close else ""


# ------------------------------------------------------------------ one scenario's state


class Advisors:
    """Advisors by ruleset, engine and thresholds, each loaded once per run."""

    def __init__(self):
        self._cache: dict[tuple, Advisor] = {}

    def get(self, ruleset: Path, engine: str, thresholds: dict) -> Advisor:
        key = (str(ruleset), engine, tuple(sorted(thresholds.items())))
        if key not in self._cache:
            self._cache[key] = Advisor(ruleset, engine=engine, thresholds=thresholds)
        return self._cache[key]


class Scenario:
    """What the steps of one scenario build up: the ruleset, thresholds, facts, then the advice.

    ``ruleset`` is the ruleset under test, which "Given the default ruleset"
    selects; relative paths in steps are looked up in ``folders`` in order.
    """

    def __init__(self, ruleset: Path, folders: Sequence[Path], advisors: Optional[Advisors] = None):
        self.default_ruleset = Path(ruleset)
        self.ruleset = Path(ruleset)
        self.folders = [Path(folder) for folder in folders]
        self.advisors = advisors or Advisors()
        self.thresholds: dict = {}
        self.facts: dict = {}
        self.advice = None
        self.person: Optional[Facts] = None  # the validated facts the advice was given for
        self._outlook = None

    def path(self, written: str) -> Path:
        given = Path(written)
        if given.is_absolute():
            return given
        candidates = [folder / given for folder in self.folders]
        return next((path for path in candidates if path.exists()), candidates[0] if candidates else given)

    def summary(self) -> str:
        """The advice in three lines, shown with every failure."""
        advice = self.advice
        if advice is None:
            return "\n  (no advice yet: the scenario has not asked for it)"
        ranked = ", ".join(f"{r.rank}. {r.rule_id}" for r in advice.recommendations) or "none"
        held = ", ".join(f"{h.rule_id} (by {', '.join(h.held_back_by)})" for h in advice.held_back) or "none"
        stage = advice.stage.name if advice.stage else "none"
        return f"\n  recommendations: {ranked}\n  held back: {held}\n  stage: {stage}"

    def fired(self) -> set[str]:
        """Every rule whose conditions hold: recommended, held back, or deriving a signal."""
        advice = self.need_advice()
        fired = {r.rule_id for r in advice.recommendations} | {h.rule_id for h in advice.held_back}
        return fired.union(*(s.derived_by for s in advice.signals))

    def need_advice(self):
        if self.advice is None:
            fail('ask for advice first ("When they ask for advice")')
        return self.advice

    def outlook(self):
        """The advice with what would change it and the dated plan (worked out on first use)."""
        self.need_advice()
        if self._outlook is None:
            from .outlook import full_advice

            advisor = self.advisors.get(self.ruleset, "python", self.thresholds)
            self._outlook = full_advice(advisor, self.person)
        return self._outlook

    def recommendation(self, rule_id: str):
        for rec in self.need_advice().recommendations:
            if rec.rule_id == rule_id:
                return rec
        fail(f'"{rule_id}" is not among the recommendations.')


def cell(text: str):
    """A table cell read as a YAML value: true, 12, 2026-11-24, [10, 11]; empty means unknown."""
    text = text.strip()
    if text == "":
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        fail(f'cannot read the value "{text}"; write it as in a facts file, e.g. true, 12, 2026-11-24')


def put(facts: dict, dotted: str, value) -> None:
    """Set a fact by its dotted name; an unknown value (empty cell) removes it."""
    try:
        put_at(facts, dotted, value)
    except ValueError as exc:
        fail(str(exc))


# ------------------------------------------------------------------ Given


@step("given", r"the default ruleset", "the default ruleset")
def default_ruleset(scenario: Scenario) -> None:
    scenario.ruleset = scenario.default_ruleset


@step("given", r'the ruleset "(?P<path>.+?)"', 'the ruleset "PATH"')
def named_ruleset(scenario: Scenario, path: str) -> None:
    scenario.ruleset = scenario.path(path)


@step("given", r'the threshold "(?P<name>[a-z0-9_]+)" is (?P<value>.+)', 'the threshold "NAME" is VALUE')
def threshold_is(scenario: Scenario, name: str, value: str) -> None:
    scenario.thresholds[name] = cell(value.strip().strip('"'))


@step("given", r'the person described in "(?P<path>.+?)"', 'the person described in "FACTS FILE"')
def person_from_file(scenario: Scenario, path: str) -> None:
    """A facts file (YAML or JSON); later tables add to it."""
    try:
        facts = read_facts(str(scenario.path(path)))
    except InputError as exc:
        fail(f"the facts file is not valid:\n{exc}")
    scenario.facts = facts.model_dump(exclude_none=True)


@step("given", r"a person with these facts:", "a person with these facts:")
def person_facts(scenario: Scenario, table: list) -> None:
    header, *rows = table
    if [h.strip() for h in header] != ["fact", "value"]:
        fail('the facts table needs the columns "fact" and "value"')
    for name, value in rows:
        put(scenario.facts, name.strip(), cell(value))


@step("given", r"their (?P<kind>.+?) are:", "their achievements are:")
def person_list(scenario: Scenario, kind: str, table: list) -> None:
    field_name = LISTS.get(kind.strip())
    if field_name is None:
        fail(f'unknown list "{kind}"; use one of: {", ".join(LISTS)}')
    header, *rows = table
    items = []
    for row in rows:
        item: dict = {}
        for name, value in zip(header, row):
            value = cell(value)
            if value is not None:
                put(item, name.strip(), value)
        items.append(item)
    scenario.facts[field_name] = items


# ------------------------------------------------------------------ When


def ask(scenario: Scenario, on: Optional[date] = None) -> None:
    data = dict(scenario.facts)
    if on is not None:
        data["as_of"] = on
    try:
        facts = Facts.model_validate(data)
    except ValidationError as exc:
        fail(f"the facts are not valid:\n{exc}")
    engines = ["durable", "python"] if durable_available() else ["python"]
    try:
        advices = [scenario.advisors.get(scenario.ruleset, engine, scenario.thresholds).advise(facts)
                   for engine in engines]
    except InputError as exc:
        fail(f"the ruleset {scenario.ruleset} cannot be used:\n{exc}")
    check(all(advice == advices[0] for advice in advices), "durable-rules and the Python evaluator disagree")
    scenario.advice = advices[0]
    scenario.person = facts
    scenario._outlook = None


@step("when", r"they ask for advice", "they ask for advice")
def ask_now(scenario: Scenario) -> None:
    ask(scenario)


@step("when", r"they ask for advice on (?P<day>\d{4}-\d{2}-\d{2})", "they ask for advice on 2026-11-24")
def ask_on(scenario: Scenario, day: str) -> None:
    ask(scenario, _day(day))


@step("when", r"they ask for advice on (?P<day>\d{4}-\d{2}-\d{2}) with no facts at all",
      "they ask for advice on 2026-11-24 with no facts at all")
def ask_with_nothing(scenario: Scenario, day: str) -> None:
    scenario.facts = {}
    ask(scenario, _day(day))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f'"{text}" is not a date like 2026-11-24')


# ------------------------------------------------------------------ Then


@step("then", r'the advice includes "(?P<rule_id>.+?)"', 'the advice includes "RULE"')
def includes(scenario: Scenario, rule_id: str) -> None:
    scenario.recommendation(rule_id)


@step("then", r'the advice does not include "(?P<rule_id>.+?)"', 'the advice does not include "RULE"')
def excludes(scenario: Scenario, rule_id: str) -> None:
    ids = [r.rule_id for r in scenario.need_advice().recommendations]
    check(rule_id not in ids, f'"{rule_id}" should not be recommended.')


@step("then", r'"(?P<rule_id>.+?)" is ranked (?P<rank>\d+)', '"RULE" is ranked 1')
def ranked(scenario: Scenario, rule_id: str, rank: str) -> None:
    found = scenario.recommendation(rule_id).rank
    check(found == int(rank), f'"{rule_id}" is ranked {found}, not {rank}.')


@step("then", r'"(?P<first>.+?)" comes before "(?P<second>.+?)"', '"RULE" comes before "OTHER RULE"')
def comes_before(scenario: Scenario, first: str, second: str) -> None:
    one, two = scenario.recommendation(first).rank, scenario.recommendation(second).rank
    check(one < two, f'"{first}" is ranked {one}, after "{second}" ({two}).')


@step("then", r'"(?P<rule_id>.+?)" is held back by "(?P<holder>.+?)"', '"RULE" is held back by "OTHER RULE"')
def held_back_by(scenario: Scenario, rule_id: str, holder: str) -> None:
    held = {h.rule_id: h.held_back_by for h in scenario.need_advice().held_back}
    check(holder in held.get(rule_id, []), f'"{rule_id}" is not held back by "{holder}".')


@step("then", r'"(?P<rule_id>.+?)" is not held back', '"RULE" is not held back')
def not_held_back(scenario: Scenario, rule_id: str) -> None:
    held = [h.rule_id for h in scenario.need_advice().held_back]
    check(rule_id not in held, f'"{rule_id}" is held back.')


@step("then", r'the stage is "(?P<name>.+?)"', 'the stage is "STAGE"')
def stage_is(scenario: Scenario, name: str) -> None:
    advice = scenario.need_advice()
    stage = advice.stage.name if advice.stage else None
    check(stage == name, f'the stage is "{stage}", not "{name}".')


@step("then", r'"(?P<rule_id>[^"]+)" is dated (?P<day>\d{4}-\d{2}-\d{2})', '"RULE" is dated 2026-11-24')
def dated(scenario: Scenario, rule_id: str, day: str) -> None:
    found = scenario.recommendation(rule_id).date
    check(found == _day(day), f'"{rule_id}" is dated {found}, not {day}.')


@step("then", r'the text of "(?P<rule_id>.+?)" mentions "(?P<words>.+?)"', 'the text of "RULE" mentions "WORDS"')
def mentions(scenario: Scenario, rule_id: str, words: str) -> None:
    text = scenario.recommendation(rule_id).text
    check(words in text, f'the text of "{rule_id}" does not mention "{words}":\n  {text}')


@step("then", r'the missing facts include "(?P<path>.+?)"', 'the missing facts include "FACT"')
def missing_includes(scenario: Scenario, path: str) -> None:
    missing = [m.fact for m in scenario.need_advice().missing_facts]
    check(path in missing, f'"{path}" is not among the missing facts: {missing}')


@step("then", r'the top three are "(?P<first>[^"]+)", "(?P<second>[^"]+)" and "(?P<third>[^"]+)"',
      'the top three are "RULE", "RULE" and "RULE"')
def top_three(scenario: Scenario, first: str, second: str, third: str) -> None:
    top = [r.rule_id for r in scenario.need_advice().recommendations[:3]]
    check(top == [first, second, third], f"the top three are {top}.")


@step("then", r'"(?P<rule_id>[^"]+)" fires', '"RULE" fires')
def fires(scenario: Scenario, rule_id: str) -> None:
    check(rule_id in scenario.fired(), f'"{rule_id}" does not fire.')


@step("then", r'"(?P<rule_id>[^"]+)" does not fire', '"RULE" does not fire')
def does_not_fire(scenario: Scenario, rule_id: str) -> None:
    check(rule_id not in scenario.fired(), f'"{rule_id}" fires.')


@step("then", r'the signal "(?P<name>[^"]+)" is (?P<state>true|false|unknown)', 'the signal "NAME" is true')
def signal_is(scenario: Scenario, name: str, state: str) -> None:
    values = {s.name: s.value for s in scenario.need_advice().signals}
    if name not in values:
        fail(f'there is no signal "{name}"; the signals are: {", ".join(values)}')
    found = {True: "true", False: "false", None: "unknown"}[values[name]]
    check(found == state, f'the signal "{name}" is {found}, not {state}.')


def _misses_of(scenario: Scenario, rule_id: str):
    misses = [miss for miss in scenario.outlook().nearest_misses if rule_id in miss.unlocks]
    if not misses:
        shown = "; ".join(f"{', '.join(c.text for c in m.changes)} -> {', '.join(m.unlocks)}"
                          for m in scenario.outlook().nearest_misses) or "none"
        fail(f'nothing near would unlock "{rule_id}". What would change the advice: {shown}')
    return misses[0]


@step("then", r'"(?P<rule_id>[^"]+)" would be unlocked by changing only "(?P<fact>[^"]+)"',
      '"RULE" would be unlocked by changing only "FACT"')
def unlocked_by_only(scenario: Scenario, rule_id: str, fact: str) -> None:
    changes = [c.fact for c in _misses_of(scenario, rule_id).changes]
    check(changes == [fact], f'"{rule_id}" would need changes to: {", ".join(changes)}')


@step("then", r'"(?P<rule_id>[^"]+)" would be unlocked by "(?P<fact>[^"]+)" going from (?P<now>\S+) to (?P<needed>\S+)',
      '"RULE" would be unlocked by "FACT" going from 1 to 2')
def unlocked_by_value(scenario: Scenario, rule_id: str, fact: str, now: str, needed: str) -> None:
    change = next((c for c in _misses_of(scenario, rule_id).changes if c.fact == fact), None)
    if change is None:
        fail(f'"{rule_id}" does not wait on "{fact}"')
    check((change.now, change.needed_value) == (cell(now), cell(needed)),
          f'"{fact}" would go from {change.now} to {change.needed_value}')


@step("then", r'"(?P<rule_id>[^"]+)" would be unlocked by time on (?P<day>\d{4}-\d{2}-\d{2})',
      '"RULE" would be unlocked by time on 2027-03-01')
def unlocked_on(scenario: Scenario, rule_id: str, day: str) -> None:
    days = [c.from_date for c in _misses_of(scenario, rule_id).changes if c.from_date]
    check(_day(day) in days, f'"{rule_id}" would be unlocked by time on {", ".join(map(str, days)) or "no date"}')


@step("then", r'what would change the advice mentions "(?P<words>.+?)"', 'what would change the advice mentions "WORDS"')
def changes_mention(scenario: Scenario, words: str) -> None:
    texts = [c.text for miss in scenario.outlook().nearest_misses for c in miss.changes]
    check(any(words in text for text in texts), f'no change mentions "{words}": {texts}')


@step("then", r"nothing near would unlock any held-back advice", "nothing near would unlock any held-back advice")
def no_misses(scenario: Scenario) -> None:
    misses = scenario.outlook().nearest_misses
    check(not misses, f"there are nearest misses: {[c.text for m in misses for c in m.changes]}")


@step("then", r'the dated plan includes "(?P<words>.+?)" on (?P<day>\d{4}-\d{2}-\d{2})',
      'the dated plan includes "WORDS" on 2027-01-11')
def plan_includes(scenario: Scenario, words: str, day: str) -> None:
    plan = scenario.outlook().plan
    check(any(item.date == _day(day) and words in item.what for item in plan),
          f'the plan has no "{words}" on {day}: {[(str(i.date), i.what) for i in plan]}')


@step("then", r"there are no recommendations", "there are no recommendations")
def no_recommendations(scenario: Scenario) -> None:
    check(not scenario.need_advice().recommendations, "there are recommendations.")


# ------------------------------------------------------------------ the runner

KINDS = {"Context": "given", "Action": "when", "Outcome": "then"}


@dataclass(frozen=True)
class ScenarioResult:
    file: str
    name: str
    line: int
    passed: bool
    step: str = ""  # the step that failed, as written
    step_line: int = 0
    message: str = ""
    advice: str = ""  # the advice produced so far, in three lines

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, 0)


@dataclass
class _Feature:
    file: str
    pickles: list
    steps: dict = field(default_factory=dict)  # AST step id -> (keyword, line)


def read_feature(path: Path) -> _Feature:
    """Parse one .feature file; mistakes are reported as file:line:col."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(Location(shown), f"cannot read the feature file: {exc}")]) from None
    try:
        document = Parser().parse(text)
    except CompositeParserException as exc:
        raise InputError([_gherkin_problem(shown, error) for error in exc.errors]) from None
    except ParserError as exc:
        raise InputError([_gherkin_problem(shown, exc)]) from None
    document["uri"] = shown
    feature = _Feature(shown, Compiler().compile(document))
    _collect_steps(document.get("feature") or {}, feature.steps)
    return feature


def _gherkin_problem(file: str, error) -> Problem:
    location = getattr(error, "location", None) or {}
    message = re.sub(r"^\(\d+:\d+\): ", "", str(error))
    return Problem(Location(file, location.get("line", 0), location.get("column") or 1), message)


def _collect_steps(node, found: dict) -> None:
    if isinstance(node, dict):
        for item in node.get("steps", ()):
            found[item["id"]] = (item["keyword"], item["location"]["line"])
        for value in node.values():
            if isinstance(value, (dict, list)):
                _collect_steps(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect_steps(item, found)


def run_features(files: Sequence[Path], ruleset: Path, advisors: Optional[Advisors] = None) -> list[ScenarioResult]:
    """Run every scenario of ``files`` against ``ruleset``; raise InputError for unreadable files."""
    features = []
    problems: list[Problem] = []
    for path in files:
        try:
            features.append(read_feature(Path(path)))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    advisors = advisors or Advisors()
    results = []
    for feature in features:
        folders = [Path(feature.file).parent, Path.cwd()]
        for pickle in feature.pickles:
            scenario = Scenario(ruleset, folders, advisors)
            results.append(run_pickle(feature, pickle, scenario))
    return results


def run_pickle(feature: _Feature, pickle: dict, scenario: Scenario) -> ScenarioResult:
    name = pickle["name"]
    line = pickle["location"]["line"]
    for item in pickle["steps"]:
        keyword, step_line = feature.steps.get(item["astNodeIds"][0], ("", line))
        written = f"{keyword.strip()} {item['text']}".strip()
        kind = KINDS.get(item.get("type", ""))
        table = None
        argument = item.get("argument") or {}
        if "dataTable" in argument:
            table = [[cell_["value"] for cell_ in row["cells"]] for row in argument["dataTable"]["rows"]]
        found = find_step(kind, item["text"])
        try:
            if found is None:
                other = find_step(None, item["text"])
                if other is not None:
                    fail(f'this is a "{other[0].kind.capitalize()}" step; move it after {other[0].kind.capitalize()}')
                fail(f"no step reads like this{closest_phrase(item['text'])}")
            definition, arguments = found
            definition.run(scenario, arguments, table)
        except ScenarioFailure as exc:
            return ScenarioResult(feature.file, name, line, False, written, step_line, str(exc),
                                  scenario.summary().strip("\n"))
    return ScenarioResult(feature.file, name, line, True)
