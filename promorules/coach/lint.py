"""Warnings about a ruleset that loads but probably does not say what its author meant.

The loader refuses what cannot work; this module points at what works but is
likely a slip: a condition that can never be true, advice that is always held
back, advice without a source, a threshold no rule uses. Conditions are
reasoned about on their branches without ``not`` (`conditions.to_dnf`), the
same form the engine runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, cast

from ..ruleset import conditions as c
from ..facts.derive import FACTS
from ..errors import Location
from ..ruleset.loader import LoadReport
from ..ruleset.model import Rule, Ruleset

Branch = tuple  # of conditions.Atom, all of which must hold


@dataclass(frozen=True, order=True)
class LintWarning:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"


def lint(report: LoadReport) -> list[LintWarning]:
    """Every warning for a ruleset that loaded without problems, in file and line order."""
    ruleset = report.ruleset
    if ruleset is None:
        return []
    found: list[LintWarning] = []
    for rule in ruleset.rules:
        found += never_true(rule)
        if rule.recommend is not None and not rule.sources:
            found.append(LintWarning(rule.location, f'rule "{rule.id}" gives advice but names no source'))
    found += always_held_back(ruleset)
    found += shown_together(ruleset)
    for name, threshold in ruleset.thresholds.items():
        if name not in report.threshold_uses:
            found.append(LintWarning(threshold.location, f'threshold "{name}" is not used by any rule'))
    return sorted(set(found))


# ------------------------------------------------------------------ conditions that can never be true


def never_true(rule: Rule) -> list[LintWarning]:
    branches = _branches(rule.condition)
    if not branches:  # switched off by a threshold (a policy): intended, not a slip
        return []
    conflicts = [found for found in map(conflict, branches) if found is not None]
    if len(conflicts) < len(branches):  # some branch can hold
        return []
    where = getattr(rule.condition, "location", None) or rule.location
    if not where.file:
        where = rule.location
    shown = " and ".join(atom.text() for atom in conflicts[0])
    return [LintWarning(where, f'rule "{rule.id}": the condition can never be true ({shown} cannot all hold)')]


def conflict(branch: Branch) -> Optional[list[c.Atom]]:
    """The comparisons of one branch that cannot all hold together, or None if the branch can hold."""
    groups: dict[tuple, list[c.Atom]] = {}
    for atom in branch:
        groups.setdefault((atom.signal, atom.name), []).append(atom)
    for (signal, name), atoms in sorted(groups.items()):
        if not _possible(signal, name, atoms):
            return atoms
    return None


def _possible(signal: bool, name: str, atoms: list[c.Atom]) -> bool:
    if signal:
        return len({atom.value for atom in atoms}) == 1
    unknown = [atom for atom in atoms if atom.op == "unknown"]
    tests = [atom for atom in atoms if atom.op not in ("known", "unknown")]
    if unknown:  # a comparison on an unknown fact is never true, and "known" contradicts "unknown"
        return len(unknown) == len(atoms)
    if not tests:
        return True
    info = FACTS.get(name)
    if info is not None and info.kind in ("bool", "enum"):
        allowed = {True, False} if info.kind == "bool" else set(info.choices)
        for atom in tests:
            if atom.op == "eq":
                allowed &= {atom.value}
            elif atom.op == "ne":
                allowed -= {atom.value}
        return bool(allowed)
    return _interval_possible(tests)


def _interval_possible(tests: list[c.Atom]) -> bool:
    """Numbers: intersect the bounds, then check the points that must or must not be hit."""
    low, low_closed, high, high_closed = -math.inf, True, math.inf, True
    equal: set = set()
    excluded: set = set()
    for atom in tests:
        # bool and enum facts were settled by their choices above; what is left is compared by order with the
        # +-inf bounds, which mypy cannot see from the Value union, hence the cast (no conversion happens)
        value = cast(float, atom.value)
        if atom.op == "eq":
            equal.add(value)
        elif atom.op == "ne":
            excluded.add(value)
        elif atom.op in ("gt", "ge"):
            closed = atom.op == "ge"
            if value > low or (value == low and not closed):
                low, low_closed = value, closed
        else:
            closed = atom.op == "le"
            if value < high or (value == high and not closed):
                high, high_closed = value, closed

    def inside(value) -> bool:
        above = value > low or (value == low and low_closed)
        below = value < high or (value == high and high_closed)
        return above and below and value not in excluded

    if equal:
        return len(equal) == 1 and inside(next(iter(equal)))
    if low < high:
        return True
    return low == high and low_closed and high_closed and low not in excluded


# ------------------------------------------------------------------ advice that is always held back


def always_held_back(ruleset: Ruleset) -> list[LintWarning]:
    found = []
    for holder in ruleset.rules:
        if not holder.hold_back:
            continue
        holder_branches = _branches(holder.condition)
        for target_id in ruleset.held_back_by(holder):
            target = ruleset.rule(target_id)
            if target.recommend is None:
                continue
            if implied(holder_branches, _branches(target.condition)):
                found.append(
                    LintWarning(
                        target.location,
                        f'rule "{target.id}" is always held back: whenever it '
                        f'applies, "{holder.id}" applies too and holds it back',
                    )
                )
    return found


# ------------------------------------------------------------------ a declared pair whose rules can both apply

MAX_PAIR_BRANCHES = 2_000  # combinations of branches tried per two rules: bounded work for a large ruleset


def shown_together(ruleset: Ruleset) -> list[LintWarning]:
    """Pairs that must not be shown side by side whose two rules can both apply, neither held back.

    Two rules can both apply when a branch of each can hold together (the same satisfiability check as
    `never_true`, over the atoms of both); the branch is the witness, named in the warning. A pair with
    ``yields:`` is still kept apart by the resolver, but its author reads where the conditions meet, and
    ``--strict`` refuses it. Signals are taken as free: a witness may need a signal its facts rule out.
    """
    found = []
    for pair in ruleset.pairs:
        if not pair.yields:
            continue  # a pair that fits together is meant to be shown together
        for first_id in sorted(ruleset.named(pair.first)):
            for second_id in sorted(ruleset.named(pair.second) - {first_id}):
                first, second = ruleset.rule(first_id), ruleset.rule(second_id)
                if first.recommend is None or second.recommend is None:
                    continue
                witness = _together(ruleset, first, second)
                if witness is not None:
                    shown = " and ".join(atom.text() for atom in witness) or "always"
                    found.append(
                        LintWarning(
                            pair.location,
                            f'pair: "{first.id}" and "{second.id}" can both apply, '
                            f"neither held back (for example when {shown})",
                        )
                    )
    return found


def _together(ruleset: Ruleset, first: Rule, second: Rule) -> Optional[Branch]:
    """A branch on which both rules hold and no rule holding either back surely holds, or None."""
    holders = [_branches(ruleset.rule(h).condition) for h in ruleset.holders_of(first) + ruleset.holders_of(second)]
    tried = 0
    for mine in _branches(first.condition):
        for theirs in _branches(second.condition):
            tried += 1
            if tried > MAX_PAIR_BRANCHES:
                return None
            both = tuple(dict.fromkeys(mine + theirs))
            if conflict(both) is None and not any(implied(holder, [both]) for holder in holders):
                return both
    return None


def implied(conclusion: list[Branch], premise: list[Branch]) -> bool:
    """Whenever ``premise`` holds, ``conclusion`` holds too (a safe approximation: it may miss some cases)."""
    possible = [branch for branch in premise if conflict(branch) is None]
    if not possible or not conclusion:
        return False
    return all(any(all(_follows(branch, atom) for atom in target) for target in conclusion) for branch in possible)


def _follows(branch: Branch, atom: c.Atom) -> bool:
    """``atom`` is true whenever every comparison of ``branch`` is."""
    same = [other for other in branch if other.name == atom.name and other.signal == atom.signal]
    if atom.signal:
        return atom in same
    if atom.op == "unknown":
        return any(other.op == "unknown" for other in same)
    if not any(other.op != "unknown" for other in same):
        return False  # the fact might be unknown, and then the comparison is not true
    if atom.op == "known":
        return True
    return conflict(branch + (atom.negated(),)) is not None


def _branches(condition: c.Condition) -> list[Branch]:
    return c.to_dnf(condition, limit=10_000)
