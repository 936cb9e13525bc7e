"""The Python evaluator: decides every rule and signal for one person, and says why.

It applies the same three-valued conditions as the durable-rules network and
serves three purposes: explanations ("months in role: 8, needs 12"), the
facts that would change the advice, and the oracle the durable engine is
tested against. It is also the engine where durable-rules cannot be imported.
"""

from __future__ import annotations

from typing import Optional

from ..ruleset import conditions as c
from .base import Match
from .codegen import TRUE, compile_program
from ..ruleset.model import Rule, Ruleset


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

    engine = "python"

    def __init__(self, ruleset: Ruleset):
        self.ruleset = ruleset
        self._order = signal_order(ruleset)
        self._derivers = {name: [r for r in ruleset.rules if r.derive == name] for name in self._order}
        self._program = compile_program(ruleset, self._order)
        self._ids = tuple(rule.id for rule in ruleset.rules)

    def signals(self, facts: dict) -> dict[str, Optional[bool]]:
        """Every signal's three-valued truth: true if any deriving rule holds, false if none can."""
        return self._program.signals(facts)

    def match(self, facts: dict) -> Match:
        values = self._program.signals(facts)
        truths = self._program.truths(facts, values)
        ids = self._ids
        fired = frozenset([ids[i] for i, truth in enumerate(truths) if truth == TRUE])
        return Match(fired, {k: v for k, v in values.items() if v is not None})

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
