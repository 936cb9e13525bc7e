"""The Python evaluator: decides every rule and signal for one person, and says why.

It applies the same three-valued conditions as the durable-rules network and
serves three purposes: explanations ("months in role: 8, needs 12"), the
facts that would change the advice, and the oracle the durable engine is
tested against. It is also the engine where durable-rules cannot be imported.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import conditions as c
from .codegen import TRUE, compile_program
from .ruleset import Rule, Ruleset


@dataclass(frozen=True)
class Match:
    """What an engine decided for one person: the rules whose condition holds, and the signals."""

    fired: frozenset  # rule ids, recommendation, hold-back and derive rules alike
    signals: dict  # signal name -> True / False (absent: unknown)


def signal_order(ruleset: Ruleset) -> list[str]:
    """Signals in an order where each comes after the signals it depends on."""
    depends: dict[str, set] = {}
    for rule in ruleset.rules:
        if rule.derive:
            depends.setdefault(rule.derive, set()).update(a.name for a in c.atoms(rule.condition) if a.signal)
    ordered: list[str] = []

    def visit(name: str) -> None:
        if name in ordered:
            return
        for other in sorted(depends.get(name, ())):
            visit(other)
        ordered.append(name)

    for name in depends:
        visit(name)
    return ordered


class PythonMatcher:
    """Evaluates a ruleset directly in Python. Stateless, so safe to share between threads.

    The conditions run as Python compiled once per ruleset (`codegen`); the
    plain tree walk of `conditions.evaluate` defines what they mean.
    """

    def __init__(self, ruleset: Ruleset):
        self.ruleset = ruleset
        self._order = signal_order(ruleset)
        self._derivers = {name: [r for r in ruleset.rules if r.derive == name] for name in self._order}
        self._program = compile_program(ruleset, self._order)
        self._ids = tuple(rule.id for rule in ruleset.rules)
        self._deriver_indexes = {
            name: tuple(i for i, r in enumerate(ruleset.rules) if r.derive == name) for name in self._order
        }

    def signals(self, facts: dict) -> dict[str, Optional[bool]]:
        """Every signal's three-valued truth: true if any deriving rule holds, false if none can."""
        return self._program.signals(facts)

    def match(self, facts: dict) -> Match:
        values = self._program.signals(facts)
        truths = self._program.truths(facts, values)
        ids = self._ids
        fired = frozenset([ids[i] for i, truth in enumerate(truths) if truth == TRUE])
        return Match(fired, {k: v for k, v in values.items() if v is not None})

    def undecided_by_rule(self, facts: dict, signals: dict, translate: Optional[dict] = None) -> "Undecided":
        """For each undecided rule, the fact names whose being unknown leaves it undecided.

        The same as `undecided_inputs` for each rule (signals followed down to
        their facts), with one pass over the whole ruleset shared by all rules.
        ``translate`` maps each fact name to the names reported in its place
        (the advice reports input paths).
        """
        return Undecided(self._program.undecided(facts, signals), self._ids, self._deriver_indexes, translate)

    def undecided_inputs(self, rule: Rule, facts: dict, signals: dict, memo: Optional[dict] = None) -> set[str]:
        """Fact names whose being unknown leaves ``rule`` undecided, following signals down.

        ``memo`` (signal name -> fact names) can be shared across the rules of one evaluation.
        """
        memo = {} if memo is None else memo

        def collect(condition: c.Condition) -> set[str]:
            found: set[str] = set()
            for atom in c.undecided_atoms(condition, facts, signals):
                if not atom.signal:
                    found.add(atom.name)
                    continue
                if atom.name not in memo:  # signals never depend on themselves: the loader refuses loops
                    memo[atom.name] = set().union(
                        *(collect(deriver.condition) for deriver in self._derivers.get(atom.name, ()))
                    )
                found |= memo[atom.name]
            return found

        return collect(rule.condition)


class Undecided:
    """The undecided rules of one evaluation; each rule's facts are collected when asked for."""

    def __init__(self, raw: dict, ids: tuple, derivers: dict, translate: Optional[dict] = None):
        self._raw = raw  # rule index -> (fact names, signal names) of its undecided comparisons
        self._index = {ids[i]: i for i in raw}
        self._derivers = derivers
        self._translate = translate
        self._memo: dict[str, set[str]] = {}

    def get(self, rule_id: str) -> Optional[set[str]]:
        """The fact names for an undecided rule; None for a rule that is decided."""
        index = self._index.get(rule_id)
        if index is None:
            return None
        names, signal_names = self._raw[index]
        found = self._facts(names)
        for name in signal_names:
            found |= self._signal(name)
        return found

    def _facts(self, names: list[str]) -> set[str]:
        translate = self._translate
        if translate is None:
            return set(names)
        found: set[str] = set()
        for name in names:
            found.update(translate[name])
        return found

    def _signal(self, name: str) -> set[str]:
        found = self._memo.get(name)
        if found is None:  # signals never depend on themselves: the loader refuses loops
            found = set()
            for index in self._derivers.get(name, ()):
                entry = self._raw.get(index)
                if entry is not None:
                    found |= self._facts(entry[0])
                    for below in entry[1]:
                        found |= self._signal(below)
            self._memo[name] = found
        return found
