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
from typing import Callable, NoReturn, Optional, Sequence

import yaml
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler, GherkinDocumentWithURI

from ..advice.model import Advice
from ..advisor import Advisor, Engine, bundled_ruleset_path
from ..engine.durable import durable_available
from ..errors import InputError, Location, Problem, did_you_mean
from ..facts.model import Facts, put_at
from ..facts.files import read_facts, validate_facts
from ..facts.files import worked_out as factsfile_worked_out
from ..advisor import load_ruleset
from ..ruleset.loader import BUNDLED, inspect_ruleset
from ..ruleset.model import Ruleset
from ..yamlsource import Located
from .gherkin_messages import description_problems, parser_problems
from .why_not import rule_reason

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


def fail(message: str) -> NoReturn:
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

    def run(
        self, scenario: "Scenario", arguments: dict, table: Optional[list] = None, rows: Optional[list] = None
    ) -> None:
        """Run the step; ``rows`` are the (line, column) of each table row, where they are known."""
        unfilled(scenario, [*arguments.values(), *(value for row in table or () for value in row)])
        scenario.table_rows = rows or []
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


def is_step(text: str) -> bool:
    return find_step(None, text) is not None


PLACEHOLDER = re.compile(r"<([^<>\s]+)>")


def unfilled(scenario: "Scenario", texts: Sequence[str]) -> None:
    """In a Scenario Outline, a ``<name>`` left in a step has no Examples column to fill it."""
    if scenario.columns is None:
        return
    for text in texts:
        for name in PLACEHOLDER.findall(text):
            fail(
                f"the placeholder <{name}> matches no column of the Examples{did_you_mean(name, scenario.columns)}; "
                f"the columns are: {', '.join(scenario.columns) or 'none'}"
            )


def closest_phrase(text: str) -> str:
    close = difflib.get_close_matches(text, [d.phrase for d in STEPS], n=1, cutoff=0.5)
    return f' (did you mean "{close[0]}"?)' if close else ""


# ------------------------------------------------------------------ one scenario's state


class Advisors:
    """Advisors by ruleset, engine and thresholds; each ruleset is loaded once per run, for both engines."""

    def __init__(self) -> None:
        self._rulesets: dict[tuple, Ruleset] = {}
        self._cache: dict[tuple, Advisor] = {}
        self._disabled: dict[str, dict] = {}

    def disabled(self, ruleset: Path) -> dict:
        """The rules a layer of ``ruleset`` disables: rule id -> where the ``disable:`` entry is."""
        if str(ruleset) not in self._disabled:
            try:
                self._disabled[str(ruleset)] = dict(inspect_ruleset(ruleset).disabled)
            except InputError:
                self._disabled[str(ruleset)] = {}  # the step that loads it says why it cannot be used
        return self._disabled[str(ruleset)]

    def facts_model(self, ruleset: Path, thresholds: dict) -> type[Facts]:
        """The facts model of ``ruleset``, with the facts it declares; `Facts` while the ruleset cannot be
        loaded (that problem is reported when the advice is asked for)."""
        try:
            return self.get(ruleset, "python", thresholds).ruleset.facts_model
        except InputError:
            return Facts

    def get(self, ruleset: Path, engine: Engine, thresholds: dict) -> Advisor:
        setting = (str(ruleset), tuple(sorted(thresholds.items())))
        if setting + (engine,) not in self._cache:
            if setting not in self._rulesets:
                self._rulesets[setting] = load_ruleset(ruleset, thresholds)
            self._cache[setting + (engine,)] = Advisor(self._rulesets[setting], engine=engine)
        return self._cache[setting + (engine,)]


class Scenario:
    """What the steps of one scenario build up: the ruleset, thresholds, facts, then the advice.

    ``ruleset`` is the ruleset under test, which "Given the default ruleset"
    selects; relative paths in steps are looked up in ``folders`` in order.
    ``file`` is the feature file and ``columns`` the Examples columns of a
    Scenario Outline (None for a plain scenario), for messages.
    """

    def __init__(
        self,
        ruleset: Path,
        folders: Sequence[Path],
        advisors: Optional[Advisors] = None,
        file: str = "",
        columns: Optional[Sequence[str]] = None,
    ):
        self.default_ruleset = Path(ruleset)
        self.ruleset = Path(ruleset)
        self.folders = [Path(folder) for folder in folders]
        self.advisors = advisors or Advisors()
        self.thresholds: dict = {}
        self.facts: dict = {}
        self.advice: Optional[Advice] = None
        self.person: Optional[Facts] = None  # the validated facts the advice was given for
        self.rule_ids: frozenset = frozenset()  # the rules of the ruleset the advice came from
        self._outlook = None
        self.file = file
        self.columns = None if columns is None else list(columns)
        self.table_rows: list = []  # (line, column) of each row of the current step's table
        self.positions: dict = {}  # a path into the facts -> (line, column) of the table row that set it

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
            from ..advisor import full_advice

            advisor = self.advisors.get(self.ruleset, "python", self.thresholds)
            self._outlook = full_advice(advisor, self.person)
        return self._outlook

    def known(self, *rule_ids: str) -> None:
        """A rule a step names must be in the ruleset: a misspelt id would otherwise pass unnoticed."""
        self.need_advice()
        for rule_id in rule_ids:
            if rule_id in self.rule_ids:
                continue
            where = self.advisors.disabled(self.ruleset).get(rule_id)
            if where is not None:
                fail(
                    f'rule "{rule_id}" is disabled by this ruleset\'s layer (at {where}); '
                    f'to check that it is switched off, write: Then "{rule_id}" is disabled'
                )
            fail(f'there is no rule "{rule_id}" in this ruleset{did_you_mean(rule_id, self.rule_ids)}')

    def loaded(self) -> Ruleset:
        """The ruleset under test with the scenario's thresholds; one that cannot be loaded fails the step."""
        try:
            return self.advisors.get(self.ruleset, "python", self.thresholds).ruleset
        except InputError as exc:
            fail(f"the ruleset {self.ruleset} cannot be used:\n{exc}")

    def reason(self, rule_id: str) -> str:
        """Why ``rule_id`` does or does not fire for this person: the comparisons that decide it."""
        advisor = self.advisors.get(self.ruleset, "python", self.thresholds)
        assert self.person is not None, "reasons are asked for only after the advice"
        return rule_reason(advisor, rule_id, self.person)

    def row(self, index: int) -> tuple:
        """The (line, column) of row ``index`` of the current step's table, (0, 0) where unknown."""
        return self.table_rows[index] if index < len(self.table_rows) else (0, 0)

    def where(self, index: int) -> str:
        """``file:line:col: `` of a table row, for messages, or nothing where the row's place is unknown."""
        line, col = self.row(index)
        return f"{Location(self.file, line, col)}: " if line else ""

    def recommendation(self, rule_id: str):
        self.known(rule_id)
        for rec in self.need_advice().recommendations:
            if rec.rule_id == rule_id:
                return rec
        fail(f'"{rule_id}" is not among the recommendations.')


def cell(text: str, where: str = ""):
    """A table cell read as a YAML value: true, 12, 2026-11-24, [10, 11]; empty means unknown."""
    text = text.strip()
    if text == "":
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        fail(f'{where}cannot read the value "{text}"; write it as in a facts file, e.g. true, 12, 2026-11-24')


def put(facts: dict, dotted: str, value, where: str = "") -> None:
    """Set a fact by its dotted name; an unknown value (empty cell) removes it."""
    try:
        put_at(facts, dotted, value)
    except ValueError as exc:
        fail(f"{where}{exc}")


def worked_out(name: str) -> Optional[str]:
    """Why ``name`` cannot be given in a table (see `factsfile.worked_out`), naming the table to use."""
    lists = {field_name: words for words, field_name in LISTS.items()}
    return factsfile_worked_out(
        name, lambda path: f'"{path}"' + (f' (a "their {lists[path]} are:" table)' if path in lists else "")
    )


# ------------------------------------------------------------------ Given


@step("given", r"the default ruleset", "the default ruleset")
def default_ruleset(scenario: Scenario) -> None:
    scenario.ruleset = scenario.default_ruleset


@step("given", r'the ruleset "(?P<path>.+?)"', 'the ruleset "PATH"')
def named_ruleset(scenario: Scenario, path: str) -> None:
    """As on the command line, "default" is the bundled ruleset unless a folder of that name is found."""
    found = scenario.path(path)
    scenario.ruleset = bundled_ruleset_path() if path == BUNDLED and not found.exists() else found


@step("given", r'the threshold "(?P<name>[a-z0-9_]+)" is (?P<value>.+)', 'the threshold "NAME" is VALUE')
def threshold_is(scenario: Scenario, name: str, value: str) -> None:
    scenario.thresholds[name] = cell(value.strip().strip('"'))


@step("given", r'the person described in "(?P<path>.+?)"', 'the person described in "FACTS FILE"')
def person_from_file(scenario: Scenario, path: str) -> None:
    """A facts file (YAML or JSON); later tables add to it."""
    try:
        model = scenario.advisors.facts_model(scenario.ruleset, scenario.thresholds)  # with the ruleset's own facts
        facts = read_facts(str(scenario.path(path)), model=model)
    except InputError as exc:
        fail(f"the facts file is not valid:\n{exc}")
    scenario.facts = facts.model_dump(exclude_none=True)


@step("given", r"a person with these facts:", "a person with these facts:")
def person_facts(scenario: Scenario, table: list) -> None:
    header, *rows = table
    if [h.strip() for h in header] != ["fact", "value"]:
        fail(f'{scenario.where(0)}the facts table needs the columns "fact" and "value"')
    for index, (name, value) in enumerate(rows, start=1):
        name, where = name.strip(), scenario.where(index)
        declared = scenario.advisors.facts_model(scenario.ruleset, scenario.thresholds).DECLARED
        reason = None if name in declared else worked_out(name)  # a fact of the ruleset's own is given as it is
        if reason:
            fail(where + reason)
        put(scenario.facts, name, cell(value, where), where)
        scenario.positions[tuple(name.split("."))] = scenario.row(index)


@step("given", r"their (?P<kind>.+?) are:", "their achievements are:")
def person_list(scenario: Scenario, kind: str, table: list) -> None:
    field_name = LISTS.get(kind.strip())
    if field_name is None:
        fail(f'unknown list "{kind}"; use one of: {", ".join(LISTS)}')
    header, *rows = table
    items: list[dict] = []
    for index, row in enumerate(rows, start=1):
        item: dict = {}
        where = scenario.where(index)
        for name, value in zip(header, row):
            value = cell(value, where)
            if value is not None:
                put(item, name.strip(), value, where)
        scenario.positions[(field_name, len(items))] = scenario.row(index)
        items.append(item)
    scenario.facts[field_name] = items
    scenario.positions[(field_name,)] = scenario.row(0)


# ------------------------------------------------------------------ When


def ask(scenario: Scenario, on: Optional[date] = None) -> None:
    """Validate the facts as a facts file is validated, each mistake at the table row that made it."""
    located = Located(scenario.facts, scenario.file, scenario.positions)
    model = scenario.advisors.facts_model(scenario.ruleset, scenario.thresholds)  # with the ruleset's own facts
    try:
        facts = validate_facts(located, as_of=on, model=model)
    except InputError as exc:
        shown = [str(problem) if problem.location.line else problem.message for problem in exc.problems]
        fail("the facts are not valid:\n" + "\n".join(shown))
    engines: list[Engine] = ["durable", "python"] if durable_available() else ["python"]
    try:
        advisors = [scenario.advisors.get(scenario.ruleset, engine, scenario.thresholds) for engine in engines]
        advices = [advisor.advise(facts) for advisor in advisors]
    except InputError as exc:
        fail(f"the ruleset {scenario.ruleset} cannot be used:\n{exc}")
    check(all(advice == advices[0] for advice in advices), "durable-rules and the Python evaluator disagree")
    scenario.rule_ids = frozenset(rule.id for rule in advisors[0].ruleset.rules)
    scenario.advice = advices[0]
    scenario.person = facts
    scenario._outlook = None


@step("when", r"they ask for advice", "they ask for advice")
def ask_now(scenario: Scenario) -> None:
    ask(scenario)


@step("when", r"they ask for advice on (?P<day>\d{4}-\d{2}-\d{2})", "they ask for advice on 2026-11-24")
def ask_on(scenario: Scenario, day: str) -> None:
    ask(scenario, _day(day))


@step(
    "when",
    r"they ask for advice on (?P<day>\d{4}-\d{2}-\d{2}) with no facts at all",
    "they ask for advice on 2026-11-24 with no facts at all",
)
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
    scenario.known(rule_id)
    ids = [r.rule_id for r in scenario.need_advice().recommendations]
    check(rule_id not in ids, f'"{rule_id}" should not be recommended.')


@step("then", r'"(?P<rule_id>.+?)" is ranked (?P<rank>\d+)', '"RULE" is ranked 1')
def ranked(scenario: Scenario, rule_id: str, rank: str) -> None:
    found = scenario.recommendation(rule_id).rank
    check(found == int(rank), f'"{rule_id}" is ranked {found}, not {rank}.')


@step("then", r'"(?P<first>.+?)" comes before "(?P<second>.+?)"', '"RULE" comes before "OTHER RULE"')
def comes_before(scenario: Scenario, first: str, second: str) -> None:
    scenario.known(first, second)
    one, two = scenario.recommendation(first).rank, scenario.recommendation(second).rank
    check(one < two, f'"{first}" is ranked {one}, after "{second}" ({two}).')


@step("then", r'"(?P<rule_id>.+?)" is held back by "(?P<holder>.+?)"', '"RULE" is held back by "OTHER RULE"')
def held_back_by(scenario: Scenario, rule_id: str, holder: str) -> None:
    """On failure, says which link is missing: the rule did not fire, the holder did not, or the ruleset
    never lets the holder hold the rule back."""
    scenario.known(rule_id, holder)
    advice = scenario.need_advice()
    held = {h.rule_id: h.held_back_by for h in advice.held_back}
    if holder in held.get(rule_id, []):
        return
    failed = f'"{rule_id}" is not held back by "{holder}": '
    fired = scenario.fired()
    if rule_id not in fired:
        fail(f'{failed}"{rule_id}" does not fire, so there is nothing to hold back;\n{scenario.reason(rule_id)}')
    if holder not in fired:
        fail(f'{failed}"{holder}" does not fire;\n{scenario.reason(holder)}')
    ruleset = scenario.loaded()
    holders = ruleset.holders_of(ruleset.rule(rule_id))
    if holder not in holders:
        named = ", ".join(holders) or "none"
        fail(f'{failed}the hold_back of "{holder}" does not name it (it can be held back by: {named})')
    others = ", ".join(held.get(rule_id, [])) or "nothing"
    fail(f"{failed}both fire, but it is held back by {others}.")


@step("then", r'"(?P<rule_id>.+?)" is not held back', '"RULE" is not held back')
def not_held_back(scenario: Scenario, rule_id: str) -> None:
    scenario.known(rule_id)
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
    check(path in missing, f'"{path}" is not among the missing facts: {", ".join(missing) or "none"}')


@step(
    "then",
    r'the top three are "(?P<first>[^"]+)", "(?P<second>[^"]+)" and "(?P<third>[^"]+)"',
    'the top three are "RULE", "RULE" and "RULE"',
)
def top_three(scenario: Scenario, first: str, second: str, third: str) -> None:
    scenario.known(first, second, third)
    top = [r.rule_id for r in scenario.need_advice().recommendations[:3]]
    check(top == [first, second, third], f"the top three are {', '.join(top) or 'none'}.")


@step("then", r'"(?P<rule_id>[^"]+)" fires', '"RULE" fires')
def fires(scenario: Scenario, rule_id: str) -> None:
    scenario.known(rule_id)
    if rule_id not in scenario.fired():
        fail(f'"{rule_id}" does not fire: {scenario.reason(rule_id)}')


@step("then", r'"(?P<rule_id>[^"]+)" does not fire', '"RULE" does not fire')
def does_not_fire(scenario: Scenario, rule_id: str) -> None:
    scenario.known(rule_id)
    if rule_id in scenario.fired():
        fail(f'"{rule_id}" fires: {scenario.reason(rule_id)}')


@step("then", r'"(?P<rule_id>[^"]+)" is disabled', '"RULE" is disabled')
def is_disabled(scenario: Scenario, rule_id: str) -> None:
    """A switch-off (``disable:`` in a layer) is checked by name; no advice is needed for it."""
    if rule_id in scenario.advisors.disabled(scenario.ruleset):
        return
    ids = [rule.id for rule in scenario.loaded().rules]
    if rule_id in ids:
        fail(f'"{rule_id}" is not disabled: it is a rule of this ruleset, and no layer\'s disable: names it')
    known = [*ids, *scenario.advisors.disabled(scenario.ruleset)]
    fail(f'there is no rule "{rule_id}" in this ruleset or the ones it extends{did_you_mean(rule_id, known)}')


@step("then", r'the signal "(?P<name>[^"]+)" is (?P<state>true|false|unknown)', 'the signal "NAME" is true')
def signal_is(scenario: Scenario, name: str, state: str) -> None:
    values = {s.name: s.value for s in scenario.need_advice().signals}
    if name not in values:
        fail(f'there is no signal "{name}"; the signals are: {", ".join(values)}')
    found = {True: "true", False: "false", None: "unknown"}[values[name]]
    check(found == state, f'the signal "{name}" is {found}, not {state}.')


def _misses_of(scenario: Scenario, rule_id: str):
    scenario.known(rule_id)
    misses = [miss for miss in scenario.outlook().nearest_misses if rule_id in miss.unlocks]
    if not misses:
        shown = (
            "; ".join(
                f"{', '.join(c.text for c in m.changes)} -> {', '.join(m.unlocks)}"
                for m in scenario.outlook().nearest_misses
            )
            or "none"
        )
        fail(f'nothing near would unlock "{rule_id}". What would change the advice: {shown}')
    return misses[0]


@step(
    "then",
    r'"(?P<rule_id>[^"]+)" would be unlocked by changing only "(?P<fact>[^"]+)"',
    '"RULE" would be unlocked by changing only "FACT"',
)
def unlocked_by_only(scenario: Scenario, rule_id: str, fact: str) -> None:
    changes = [c.fact for c in _misses_of(scenario, rule_id).changes]
    check(changes == [fact], f'"{rule_id}" would need changes to: {", ".join(changes)}')


@step(
    "then",
    r'"(?P<rule_id>[^"]+)" would be unlocked by "(?P<fact>[^"]+)" going from (?P<now>\S+) to (?P<needed>\S+)',
    '"RULE" would be unlocked by "FACT" going from 1 to 2',
)
def unlocked_by_value(scenario: Scenario, rule_id: str, fact: str, now: str, needed: str) -> None:
    change = next((c for c in _misses_of(scenario, rule_id).changes if c.fact == fact), None)
    if change is None:
        fail(f'"{rule_id}" does not wait on "{fact}"')
    check(
        (change.now, change.needed_value) == (cell(now), cell(needed)),
        f'"{fact}" would go from {change.now} to {change.needed_value}',
    )


@step(
    "then",
    r'"(?P<rule_id>[^"]+)" would be unlocked by time on (?P<day>\d{4}-\d{2}-\d{2})',
    '"RULE" would be unlocked by time on 2027-03-01',
)
def unlocked_on(scenario: Scenario, rule_id: str, day: str) -> None:
    days = [c.from_date for c in _misses_of(scenario, rule_id).changes if c.from_date]
    check(_day(day) in days, f'"{rule_id}" would be unlocked by time on {", ".join(map(str, days)) or "no date"}')


@step(
    "then", r'what would change the advice mentions "(?P<words>.+?)"', 'what would change the advice mentions "WORDS"'
)
def changes_mention(scenario: Scenario, words: str) -> None:
    texts = [c.text for miss in scenario.outlook().nearest_misses for c in miss.changes]
    check(any(words in text for text in texts), f'no change mentions "{words}": {"; ".join(texts) or "none"}')


@step("then", r"nothing near would unlock any held-back advice", "nothing near would unlock any held-back advice")
def no_misses(scenario: Scenario) -> None:
    misses = scenario.outlook().nearest_misses
    check(not misses, f"there are nearest misses: {'; '.join(c.text for m in misses for c in m.changes)}")


@step(
    "then",
    r'the dated plan includes "(?P<words>.+?)" on (?P<day>\d{4}-\d{2}-\d{2})',
    'the dated plan includes "WORDS" on 2027-01-11',
)
def plan_includes(scenario: Scenario, words: str, day: str) -> None:
    plan = scenario.outlook().plan
    check(
        any(item.date == _day(day) and words in item.what for item in plan),
        f'the plan has no "{words}" on {day}; the plan: {"; ".join(f"{i.date}: {i.what}" for i in plan) or "empty"}',
    )


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
    steps: dict = field(default_factory=dict)  # AST step id -> (keyword, line, [(line, column) of each table row])
    columns: dict = field(default_factory=dict)  # AST id of an Examples row -> the Examples' column names


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
        raise InputError(parser_problems(shown, text, exc.errors, is_step)) from None
    except ParserError as exc:
        raise InputError(parser_problems(shown, text, [exc], is_step)) from None
    slips = description_problems(shown, text, dict(document), is_step)
    if slips:
        raise InputError(slips)
    with_uri: GherkinDocumentWithURI = {**document, "uri": shown}
    feature = _Feature(shown, Compiler().compile(with_uri))
    _collect(document.get("feature") or {}, feature)
    return feature


def _collect(node, feature: _Feature) -> None:
    """Where each step and its table rows are, and the column names of each Examples row."""
    if isinstance(node, dict):
        for item in node.get("steps", ()):
            rows = (item.get("dataTable") or {}).get("rows", [])
            feature.steps[item["id"]] = (
                item["keyword"],
                item["location"]["line"],
                [
                    (
                        row["location"]["line"],
                        row["cells"][0]["location"]["column"] if row["cells"] else row["location"]["column"],
                    )
                    for row in rows
                ],
            )
        for examples in node.get("examples", ()):
            columns = [cell_["value"] for cell_ in (examples.get("tableHeader") or {}).get("cells", [])]
            for row in examples.get("tableBody", ()):
                feature.columns[row["id"]] = columns
        for value in node.values():
            if isinstance(value, (dict, list)):
                _collect(value, feature)
    elif isinstance(node, list):
        for item in node:
            _collect(item, feature)


NO_SCENARIOS = "this feature file has no scenarios, so nothing in it is checked"


def run_features(
    files: Sequence[Path], ruleset: Path, advisors: Optional[Advisors] = None, empty: Optional[list] = None
) -> list[ScenarioResult]:
    """Run every scenario of ``files`` against ``ruleset``; raise InputError for unreadable files.

    A file with no scenarios (empty, or only a Feature: line) is added to
    ``empty`` where given: a file that checks nothing must not pass unseen.
    """
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
        if not feature.pickles and empty is not None:
            empty.append(feature.file)
        folders = [Path(feature.file).parent, Path.cwd()]
        for pickle in feature.pickles:
            example = pickle["astNodeIds"][1:]
            columns = feature.columns.get(example[0], []) if example else None
            scenario = Scenario(ruleset, folders, advisors, feature.file, columns)
            results.append(run_pickle(feature, pickle, scenario))
    return results


NOTHING_CHECKED = "this scenario checks nothing: add a Then step"


def checks_something(kinds: Sequence[Optional[str]], texts: Sequence[str]) -> bool:
    """A scenario passes only if it checked the advice: at least one Then step (``*`` steps by their text)."""
    for kind, text in zip(kinds, texts):
        found = find_step(None, text) if kind is None else None
        if kind == "then" or (found is not None and found[0].kind == "then"):
            return True
    return False


def run_pickle(feature: _Feature, pickle: dict, scenario: Scenario) -> ScenarioResult:
    name = pickle["name"]
    line = pickle["location"]["line"]
    kinds = [KINDS.get(item.get("type", "")) for item in pickle["steps"]]
    for kind, item in zip(kinds, pickle["steps"]):
        keyword, step_line, rows = feature.steps.get(item["astNodeIds"][0], ("", line, []))
        written = f"{keyword.strip()} {item['text']}".strip()
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
            definition.run(scenario, arguments, table, rows)
        except ScenarioFailure as exc:
            return ScenarioResult(
                feature.file, name, line, False, written, step_line, str(exc), scenario.summary().strip("\n")
            )
    if not checks_something(kinds, [item["text"] for item in pickle["steps"]]):
        return ScenarioResult(feature.file, name, line, False, message=NOTHING_CHECKED)
    return ScenarioResult(feature.file, name, line, True)


@step(
    "then",
    r"the advice shows at most (?P<count>\d+) recommendations in full in at most (?P<lines>\d+) lines",
    "the advice shows at most 5 recommendations in full in at most 80 lines",
)
def shown_in_full(scenario: Scenario, count: str, lines: str) -> None:
    from ..advice.render import in_full, to_text

    advice = scenario.outlook()
    full, text = in_full(advice), to_text(advice)
    check(full <= int(count), f"{full} recommendations are shown in full, not at most {count}.")
    taken = len(text.splitlines())
    check(taken <= int(lines), f"the advice takes {taken} lines, not at most {lines}.")


@step(
    "then",
    r'what would change the advice never mentions "(?P<words>.+?)"',
    'what would change the advice never mentions "WORDS"',
)
def changes_never_mention(scenario: Scenario, words: str) -> None:
    texts = [c.text for miss in scenario.outlook().nearest_misses for c in miss.changes]
    check(not any(words in text for text in texts), f'a change mentions "{words}": {"; ".join(texts)}')


@step("then", r'the missing facts do not include "(?P<path>.+?)"', 'the missing facts do not include "FACT"')
def missing_excludes(scenario: Scenario, path: str) -> None:
    missing = [m.fact for m in scenario.need_advice().missing_facts]
    check(path not in missing, f'"{path}" is among the missing facts.')


@step("then", r'the first missing fact is "(?P<path>.+?)"', 'the first missing fact is "FACT"')
def first_missing(scenario: Scenario, path: str) -> None:
    missing = [m.fact for m in scenario.need_advice().missing_facts]
    check(missing[:1] == [path], f'the first missing fact is "{missing[0] if missing else "none"}", not "{path}".')


@step("then", r"the earliest day to ask is (?P<day>\d{4}-\d{2}-\d{2})", "the earliest day to ask is 2026-04-03")
def earliest_day_to_ask(scenario: Scenario, day: str) -> None:
    """The day the person reads: the last of the days the reasons to wait are gone (see outlook.earliest_day)."""
    days = [r.date for r in scenario.outlook().recommendations if r.waits and r.date]
    found = max(days) if days else None
    check(found == _day(day), f"the earliest day to ask is {found or 'not given'}, not {day}.")
