"""Why a rule did or did not fire for a scenario's person, in the words `promorules explain` uses.

A scenario that fails with only '"X" does not fire' sends the coach to run
``promorules explain X --facts`` by hand; the failure itself names the
comparisons that decided it, each with the person's own value.
"""

from __future__ import annotations

from typing import Any, Optional

from ..advice.wording import atom_words, truth_mark
from ..advisor import Advisor, with_as_of
from ..facts.derive import FACTS, derive, fact_in_words
from ..facts.model import Facts
from ..ruleset import conditions as c
from ..text import show
from ..text_safety import one_line


def atom_for_person(atom: c.Atom, derived: dict, signals: dict) -> str:
    """One comparison marked with whether it holds, and the person's value (as `explain` shows it)."""
    value: Any = signals.get(atom.name) if atom.signal else derived.get(atom.name)
    shown = "not known" if value is None else one_line(show(value))
    label = "" if atom.signal else f"{fact_in_words(atom.name)}; "
    return f"{truth_mark(c.evaluate(atom, derived, signals))} {atom_words(atom)}  ({label}yours: {shown})"


def _deciding(node: c.Condition, derived: dict, signals: dict, wanted: Optional[bool]) -> list[c.Atom]:
    """The comparisons (of a condition in `c.nnf`) that make it come out ``wanted``.

    For a condition that does not hold: the parts of an "all" that do not hold,
    and every alternative of an "any". For one that cannot be decided: the parts
    left undecided. For one that holds: every part of an "all", the first
    alternative of an "any" that holds.
    """
    truth = c.evaluate(node, derived, signals)
    if truth is not wanted:
        return []
    if isinstance(node, c.Atom):
        return [node]
    if wanted is True:
        return c.deciding_atoms_of_normal(node, derived, signals)
    found: list[c.Atom] = []
    for item in getattr(node, "items", ()):
        found += _deciding(item, derived, signals, wanted)
    return found


def rule_reason(advisor: Advisor, rule_id: str, facts: Facts) -> str:
    """Why ``rule_id``'s conditions hold, do not hold, or cannot be decided for this person; one line each."""
    advisor = advisor.pinned()
    with advisor.ruleset.facts_scope():  # the ruleset's own facts are read, and named by their labels
        return _reason(advisor, rule_id, facts)


def _reason(advisor: Advisor, rule_id: str, facts: Facts) -> str:
    rule = advisor.ruleset.rule(rule_id)
    derived = derive(with_as_of(facts))
    signals = advisor.evaluator.signals(derived)
    normal = c.nnf(rule.condition)
    truth = c.evaluate(normal, derived, signals)
    atoms = list(dict.fromkeys(_deciding(normal, derived, signals, truth)))
    lines = [f"  {atom_for_person(atom, derived, signals)}" for atom in atoms]
    if truth is True:
        return "\n".join([f'the conditions of "{rule_id}" hold for this person:', *lines])
    if truth is False:
        return "\n".join([f'the conditions of "{rule_id}" that do not hold for this person:', *lines])
    names = sorted(advisor.evaluator.undecided_inputs(rule, derived, signals))
    paths = sorted({path for name in names if name in FACTS for path in FACTS[name].inputs})
    told = ", ".join(paths) or ", ".join(fact_in_words(name, as_written=True) for name in names)
    head = f'the conditions of "{rule_id}" cannot be decided for this person; give: {told or "more facts"}'
    return "\n".join([head, *lines])
