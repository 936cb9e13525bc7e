"""What would change this advice, and when: the nearest misses and the dated plan.

A person told "not yet" wants to know what exactly stands in the way. For
each piece of "ask now" advice that is held back or not yet due, this finds
the smallest set of facts that would have to change (following signals down
to the facts behind them), checks the change really unlocks it, and, where
time alone will do it (months in role, a freeze window), says from when.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property
from typing import Any, Optional, cast

from ..ruleset import conditions as c
from .model import Advice, Change, NearMiss, PlanItem
from ..dates import add_months
from ..facts.derive import FACTS, derive, fact_in_words
from ..facts.model import Facts
from ..text import show
from .resolve import first_day_free
from ..engine.python import PythonMatcher
from ..ruleset.model import Rule, Ruleset

ASK_NOW = "ask-now"
MAX_CHANGES = 3
MISSES_SHOWN = 3
HORIZON_MONTHS = 36
REVISIT_MONTHS = 3
# The past cannot be changed, only outgrown: what was asked and answered, setbacks, promotions, and how far the
# job has already changed (a scope that grew is no lever: "needs to be dramatic" is not advice anyone can take).
HISTORY = {"promotion_requests", "setbacks", "last_promotion_date", "scope_change"}
# Facts the person changes by acting, never by waiting: a setback not dealt with leaves the year's count only
# by being dealt with (S0: act on criticism where it can be seen), so time is never offered as the way out.
ACTED_ON = {"unaddressed_setback_count_12m"}
# Advice for the moment of asking that warns rather than invites ("not in passing"): held back with the ask,
# but nothing a person should change their facts to unlock.
CAUTION = "caution"


def earliest_day(evaluator: PythonMatcher, facts: Facts, rule: Rule, start: date) -> Optional[date]:
    """The first day from ``start`` on which ``rule`` (a reason to wait) no longer holds by time alone.

    The one meaning of "earliest day" in the advice: the date a wait shows, the header's "from" and
    "what would change" all name the first day the reason to wait is gone, never its last day.
    None when time alone does not lift it within three years.
    """

    def holds(day: date) -> bool:
        derived = derive(facts.model_copy(update={"as_of": day}))
        return c.evaluate(rule.condition, derived, evaluator.signals(derived)) is True

    return first_day_free(holds, start)


def earliest_days(ruleset: Ruleset, evaluator: PythonMatcher, facts: Facts, advice: Advice) -> list:
    """Each reason to wait dated by the first day it is gone (see `earliest_day`), its text to match."""
    recs = []
    for rec in advice.recommendations:
        if rec.waits and rec.date and rec.date >= advice.as_of:
            rule = ruleset.rule(rec.rule_id)
            day = earliest_day(evaluator, facts, rule, rec.date)
            if day is not None and day != rec.date:
                rec = rec.model_copy(update={"date": day, "text": rec.text.replace(show(rec.date), show(day))})
        recs.append(rec)
    return recs


# ------------------------------------------------------------------ nearest misses


def nearest_misses(
    ruleset: Ruleset, evaluator: PythonMatcher, facts: Facts, advice: Advice, derived: Optional[dict] = None
) -> list[NearMiss]:
    """The smallest changes that would unlock each "ask now" rule not recommended today.

    ``evaluator`` is the Python evaluator of ``ruleset`` (it tries each change); ``derived`` is
    ``derive(facts)``, for a caller that has it already.
    """
    derived = derived if derived is not None else derive(facts)
    signals = evaluator.signals(derived)
    clock = _Clock(facts, derived)
    search = _Search(ruleset, derived, signals, clock)
    active = {r.rule_id for r in advice.recommendations}
    found: dict[tuple, list[Rule]] = {}
    for rule in ruleset.rules:
        if ASK_NOW not in rule.tags or CAUTION in rule.tags or not rule.recommend or rule.id in active:
            continue
        needed = search.unlock(rule)
        if needed is None or not needed or len(needed) > MAX_CHANGES:
            continue
        if not _unlocks(ruleset, evaluator, derived, rule, needed):
            continue
        found.setdefault(tuple(sorted(needed, key=_atom_key)), []).append(rule)
    can_ask = any(ASK_NOW in rule.tags for rule in ruleset.rules if rule.id in active)
    changed = {atoms: [_change(atom, derived, clock) for atom in atoms] for atoms in found}
    # Time alone brings asking within reach first on this day: a later day that time alone brings
    # (the review cycle over, so "no review coming" applies) is no way to unlock anything sooner.
    soonest = min((day for day in map(_ready_on, changed.values()) if day is not None), default=None)
    misses = []
    for atoms, rules in found.items():
        changes = changed[atoms]
        ready = _ready_on(changes)
        if ready is not None and soonest is not None:
            if can_ask or ready > soonest:
                continue  # someone who can ask today, or sooner, is not held up by a later window
        rules.sort(key=lambda r: (r.priority, r.id))
        misses.append(NearMiss(changes=changes, unlocks=[r.id for r in rules], titles=[r.title for r in rules]))
    misses.sort(key=lambda m: (len(m.changes), -len(m.unlocks), ruleset.rule(m.unlocks[0]).priority, m.unlocks[0]))
    return misses[:MISSES_SHOWN]


class _Search:
    """Cheapest sets of comparisons that would make a condition true or false, through signals."""

    def __init__(self, ruleset, facts: dict, signals: dict, clock: "_Clock"):
        self.ruleset = ruleset
        self.facts = facts
        self.signals = signals
        self.clock = clock
        self.memo: dict[tuple, Optional[frozenset]] = {}

    def unlock(self, rule: Rule) -> Optional[frozenset]:
        needed = self.make(rule.condition, True)
        if needed is None:
            return None
        for holder in map(self.ruleset.rule, self.ruleset.holders_of(rule)):
            if c.evaluate(holder.condition, self.facts, self.signals) is True:
                stop = self.make(holder.condition, False)
                if stop is None:
                    return None
                needed |= stop
        return needed

    def make(self, condition: c.Condition, want: bool) -> Optional[frozenset]:
        return self._true(c.nnf(condition, negate=not want))

    def _true(self, node: c.Condition) -> Optional[frozenset]:
        if isinstance(node, c.Atom):
            return self._atom(node)
        assert not isinstance(node, c.Not), "a condition in negation normal form has no not"
        parts = [self._true(item) for item in node.items]
        if isinstance(node, c.All):
            if any(p is None for p in parts):
                return None
            return frozenset().union(*(p for p in parts if p is not None))
        options = [p for p in parts if p is not None]
        return (
            min(options, key=lambda p: (len(p), sum(map(self._distance, p)), sorted(map(_atom_key, p))))
            if options
            else None
        )

    def _distance(self, atom: c.Atom) -> int:
        """How far a choice is from the person's own, in the order of the choices: "expanded" is one step
        from "none" and "dramatic" two, so a person is never told to reach the far one when the near one does."""
        choices = FACTS[atom.name].choices if atom.op == "eq" and atom.name in FACTS else None
        now = self.facts.get(atom.name)
        if not choices or now not in choices or atom.value not in choices:
            return 0
        return abs(choices.index(atom.value) - choices.index(now))

    def _atom(self, atom: c.Atom) -> Optional[frozenset]:
        if c.evaluate(atom, self.facts, self.signals) is True:
            return frozenset()
        if not atom.signal:
            # An unknown fact is a question to ask (the missing facts), not a change to make;
            # and nobody can change the past, or make time run backwards.
            if self.facts.get(atom.name) is None or not self.clock.can_change(atom):
                return None
            return frozenset([atom])
        key = (atom.name, atom.value)
        if key not in self.memo:
            self.memo[key] = None  # the loader refuses signal loops; this only guards re-entry
            derivers = [r.condition for r in self.ruleset.rules if r.derive == atom.name]
            whole = c.nnf(c.AnyOf(tuple(derivers)), negate=not atom.value)
            self.memo[key] = self._true(whole)
        return self.memo[key]


def _unlocks(ruleset: Ruleset, evaluator: PythonMatcher, derived: dict, rule: Rule, needed: frozenset) -> bool:
    """Apply the change to the derived facts and check the rule is then recommended, not held back."""
    changed = dict(derived)
    for atom in needed:
        value = _satisfying(atom)
        if value is _NO_VALUE:
            return False
        changed[atom.name] = value
    match = evaluator.match(changed)
    if rule.id not in match.fired:
        return False
    return not match.fired.intersection(ruleset.holders_of(rule))


_NO_VALUE = object()


def _satisfying(atom: c.Atom) -> Any:
    """A value of the fact that meets the comparison."""
    info = FACTS[atom.name]
    value = atom.value
    if atom.op in ("eq", "ge", "le"):
        return value
    if atom.op in ("gt", "lt"):
        number = cast(float, value)  # "<" and ">" compare numbers
        step = 1 if isinstance(number, int) else 1e-6
        return number + step if atom.op == "gt" else number - step
    if atom.op == "ne":
        if isinstance(value, bool):
            return not value
        others = [choice for choice in info.choices if choice != value]
        return others[0] if others else _NO_VALUE
    return _NO_VALUE  # "is known" needs a real answer; "is unknown" cannot be asked for


def _atom_key(atom: c.Atom) -> tuple:
    return (atom.name, atom.op, str(atom.value))


def _change(atom: c.Atom, derived: dict, clock: "_Clock") -> Change:
    """The change as the person reads it."""
    info = FACTS[atom.name]
    now = derived.get(atom.name)
    when = clock.first_day(atom)
    gap = None
    if isinstance(now, (int, float)) and not isinstance(now, bool) and isinstance(atom.value, (int, float)):
        gap = abs(_satisfying(atom) - now)
        gap = round(gap, 2) if isinstance(gap, float) else gap
    return Change(
        fact=atom.name,
        description=info.description,
        now=now,
        needed=atom.text(),
        needed_value=atom.value,
        gap=gap,
        from_date=when,
        text=_change_text(atom, now, gap, when),
    )


def _change_text(atom: c.Atom, now: Any, gap, when: Optional[date]) -> str:
    """The change as a person reads it: the fact by its label, the value to reach, and when time brings it.

    Never the engine's words: no threshold names (a coach finds them with `explain`), no "under 0" for a
    day that has to pass, no "less" for what time alone brings (the day says it). Only comparisons of
    facts the person gave get here: the search never changes an unknown fact (that is asked for among
    the missing facts), and "is known" / "is unknown" have no value to reach.
    """
    name = fact_in_words(atom.name)
    if atom.op not in ("eq", "ne") and atom.name.startswith("days_until_") and atom.value == 0:
        passed = "once that day has come" if atom.op in ("le", "lt") else "while that day is still ahead"
        return f"{name}: {show(now)} now, {passed}" + (f", from {when.isoformat()}" if when else "")
    if when:
        return f"{name}: {show(now)} now, {_value_words(atom).removeprefix('to be ')} from {when.isoformat()}"
    if isinstance(now, int) and not isinstance(now, bool) and (atom.op, atom.value) in (("lt", 1), ("le", 0)):
        return f"{name}: {show(now)} now, needs none"
    text = f"{name}: {show(now)} now, needs {_value_words(atom)}"
    if gap and atom.op in ("ge", "gt"):
        return f"{text} ({show(gap)} more)"
    if gap and atom.op in ("le", "lt"):
        return f"{text} ({show(gap)} fewer)"
    return text


def _value_words(atom: c.Atom) -> str:
    """The value the fact has to reach, in words ("12 or more", "to be on or after 2027-01-01", "to be yes")."""
    row = c.OPERATORS[atom.op]
    return (row.reach_date if isinstance(atom.value, date) else row.reach).format(v=show(atom.value))


def _ready_on(changes: list[Change]) -> Optional[date]:
    """The day time alone brings every one of the changes, or None when one of them needs the person."""
    days = [change.from_date for change in changes]
    return max(day for day in days if day is not None) if all(days) else None


class _Clock:
    """What time alone does to the facts: which ones move, and when a comparison comes true."""

    def __init__(self, facts: Facts, derived: dict):
        if facts.as_of is None:
            raise ValueError("the outlook needs facts.as_of; Advisor fills it in")
        self.today: date = facts.as_of
        self.facts = facts
        self.derived = derived
        self.days: dict[tuple, Optional[date]] = {}

    @cached_property
    def later(self) -> list[dict]:
        """The facts a month, four, seven and twelve months on (some facts move in cycles)."""
        return [self._on(add_months(self.today, months)) for months in (1, 4, 7, 12)]

    def _on(self, day: date) -> dict:
        return derive(self.facts.model_copy(update={"as_of": day}))

    def moves(self, name: str) -> bool:
        if name in ACTED_ON:
            return False
        return any(later.get(name) != self.derived.get(name) for later in self.later)

    def can_change(self, atom: c.Atom) -> bool:
        """Time will make it hold, or the person can: not the past, not time running backwards."""
        if self.first_day(atom) is not None or atom.name in ACTED_ON:
            return True
        return not self.moves(atom.name) and not set(FACTS[atom.name].inputs) & HISTORY

    def first_day(self, atom: c.Atom) -> Optional[date]:
        """The first day on which the comparison holds by time alone, within three years."""
        key = _atom_key(atom)
        if key not in self.days:
            self.days[key] = self._first_day(atom) if self.moves(atom.name) else None
        return self.days[key]

    def _first_day(self, atom: c.Atom) -> Optional[date]:
        start = self.today

        def holds(day: date) -> bool:
            return c.compare(atom, self._on(day).get(atom.name)) is True

        previous = start
        for months in range(1, HORIZON_MONTHS + 1):
            day = add_months(start, months)
            if holds(day):
                low, high = previous, day  # false at low, true at high
                while (high - low).days > 1:
                    middle = low + timedelta(days=(high - low).days // 2)
                    low, high = (low, middle) if holds(middle) else (middle, high)
                return high
            previous = day
        return None


# ------------------------------------------------------------------ the dated plan


def dated_plan(derived: dict, advice: Advice, misses: list[NearMiss]) -> list[PlanItem]:
    """Dated next steps from today on: the advice's dates, the calendar, and what time will change.

    ``derived`` is ``derive(facts)`` for the person the advice is for.
    """
    today = advice.as_of
    items: list[PlanItem] = []
    for rec in advice.recommendations:
        if rec.date and rec.date >= today:
            items.append(PlanItem(date=rec.date, what=f"{rec.date_label}: {rec.title}", rule_id=rec.rule_id))
    calendar = {
        "meeting_scheduled": "Your promotion meeting",
        "org_next_review_start": "The review cycle starts",
        "org_review_end": "The review cycle ends",
        "next_budget_season_start": "Budget season starts",
        "latest_revisit_date": "The agreed date to revisit the decision",
    }
    advised_days = {item.date for item in items}
    for name, what in calendar.items():
        day = derived.get(name)
        if isinstance(day, date) and day >= today and day not in advised_days:
            items.append(PlanItem(date=day, what=what))
    for miss in misses:
        days = [change.from_date for change in miss.changes if change.from_date]
        if not days:
            continue
        if len(days) == len(miss.changes):  # time alone will do it, on the last of the days
            items.append(
                PlanItem(
                    date=max(days), what=f'Time alone brings "{miss.titles[0]}" within reach', rule_id=miss.unlocks[0]
                )
            )
        else:  # time is one of the changes: promise nothing more than the timing
            what = f'The timing is right for "{miss.titles[0]}" from this day, once the other changes it needs are made'
            items.extend(PlanItem(date=day, what=what, rule_id=miss.unlocks[0]) for day in days)
    # Come back at the first date that changes something, and within a few months at the latest.
    latest = add_months(today, REVISIT_MONTHS)
    revisit = min([item.date for item in items if item.date > today] + [latest])
    items.append(PlanItem(date=revisit, what="Update your facts and ask for advice again"))
    unique = {(item.date, item.what): item for item in items}
    return [unique[key] for key in sorted(unique)]
