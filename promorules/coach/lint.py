"""Warnings about a ruleset that loads but probably does not say what its author meant.

The loader refuses what cannot work; this module points at what works but is
likely a slip: a condition that can never be true, advice that is always held
back, two pieces of advice of a declared pair that can be shown together, advice
without a source, a threshold no rule uses, and what a layer's change does
beyond what it says (`changes`). Conditions are reasoned about on their branches
without ``not`` (`conditions.to_dnf`), the same form the engine runs.

A condition on a choice threshold is decided when loading, so a rule the default
value switches off would hide its slips: the ruleset is checked again with every
other value of each choice threshold a condition tests. In a stack of layers, each
warning is shown at the coach's own change (`blame`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, cast

from ..ruleset import conditions as c
from ..facts.derive import FACTS
from ..errors import MAX_PROBLEMS, Location
from ..ruleset.loader import LoadReport
from ..ruleset.model import GATE, Pair, Rule, Ruleset
from ..text import show
from .blame import Blame
from .changes import left_out, out_of_order

Branch = tuple  # of conditions.Atom, all of which must hold
MAX_OTHER_CHOICES = 100  # values of choice thresholds tried beyond the ones set: a load each, about 50 ms


@dataclass(frozen=True, order=True)
class LintWarning:
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: warning: {self.message}"


def lint(report: LoadReport) -> list[LintWarning]:
    """Every warning for a ruleset that loaded without problems, in file and line order: with its thresholds
    as they are, then those that only another value of a choice threshold brings out."""
    if report.ruleset is None:
        return []
    found = warnings(report)
    return sorted(set(found + other_choices(report, found)))


def warnings(report: LoadReport, varied: str = "") -> list[LintWarning]:
    """The warnings for the ruleset of ``report`` with its thresholds as they are; ``varied`` names a choice
    threshold set only to try another value, which is nobody's change to blame."""
    ruleset = report.ruleset
    assert ruleset is not None
    blame = Blame(report, varied)
    found: list[LintWarning] = []
    with ruleset.facts_scope():  # a fact the ruleset declares is reasoned about by its kind, as promorules' own
        for rule in ruleset.rules:
            found += never_true(rule, blame)
            if rule.recommend is not None and not rule.sources:
                found.append(LintWarning(rule.location, f'rule "{rule.id}" gives advice but names no source'))
        found += always_held_back(ruleset, blame)
        found += shown_together(ruleset, blame)
        found += left_pairs(report)
    found += [LintWarning(where, message) for where, message in left_out(report) + out_of_order(blame)]
    for name, threshold in ruleset.thresholds.items():
        if name not in report.threshold_uses:
            found.append(LintWarning(threshold.location, f'threshold "{name}" is not used by any rule'))
    return found


# ------------------------------------------------------------------ every value of each choice threshold


def other_choices(report: LoadReport, found: list[LintWarning]) -> list[LintWarning]:
    """What loading with another value of a choice threshold a rule uses brings out, beyond ``found``: each
    warning once, saying with which values; a problem that stops the load is a warning too. At most
    `MAX_OTHER_CHOICES` values are tried, and a warning says how many were left untried."""
    from ..advisor import check_ruleset  # the advisor, one layer up, also asks the engine (as validate does)

    ruleset = report.ruleset
    assert ruleset is not None
    tries = [
        (name, value)
        for name, threshold in sorted(ruleset.thresholds.items())
        if threshold.choices and name in report.threshold_uses
        for value in threshold.choices
        if value != threshold.value
    ]
    known = set(found)
    extra: dict[LintWarning, list[str]] = {}
    for name, value in tries[:MAX_OTHER_CHOICES]:
        variant = check_ruleset(ruleset.path, {**ruleset.settings, name: value})
        if variant.problems:
            tried = Location(f"{ruleset.path} (threshold {name})")  # the loader's place for a value given
            home = ruleset.thresholds[name].location  # where the value comes from: the threshold's choices
            seen = [
                LintWarning(home if p.location == tried else p.location, f"does not load: {p.message}")
                for p in variant.problems[:MAX_PROBLEMS]
            ]
        else:
            seen = [warning for warning in warnings(variant, varied=name) if warning not in known]
        for warning in seen:
            extra.setdefault(warning, []).append(f"{name} is {value}")
    result = [LintWarning(w.location, f"{w.message} (when {', or '.join(values)})") for w, values in extra.items()]
    if len(tries) > MAX_OTHER_CHOICES:
        untried = ", ".join(dict.fromkeys(name for name, _ in tries[MAX_OTHER_CHOICES:]))
        left = len(tries) - MAX_OTHER_CHOICES
        were = (
            "1 other value of a choice threshold was" if left == 1 else f"{left} other values of choice thresholds were"
        )
        result.append(
            LintWarning(
                Location(ruleset.path), f"{were} not tried ({untried}): at most {MAX_OTHER_CHOICES} are, a load each"
            )
        )
    return result


# ------------------------------------------------------------------ conditions that can never be true


def never_true(rule: Rule, blame: Blame) -> list[LintWarning]:
    """A rule whose condition can never hold; when a layer's threshold made it so, at that threshold."""
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
    used = [atom.threshold for branch in conflicts for atom in branch if atom.threshold]
    place, moved = blame.topmost(where, thresholds=used)
    if moved:
        return [
            LintWarning(
                place,
                f'threshold "{moved}" is {show(blame.ruleset.thresholds[moved].value)} here, which makes rule '
                f'"{rule.id}" (at {where}) never true ({shown} cannot all hold: {blame.values(used)})',
            )
        ]
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


def always_held_back(ruleset: Ruleset, blame: Blame) -> list[LintWarning]:
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
                used = _thresholds(holder.condition) + _thresholds(target.condition)
                where, moved = blame.topmost(target.location, [holder.location], used)
                found.append(
                    LintWarning(
                        where,
                        _set_here(blame, moved, "so ") + f'rule "{target.id}" is always held back: whenever it '
                        f'applies, "{holder.id}" applies too and holds it back',
                    )
                )
    return found


def _thresholds(condition: c.Condition) -> list[str]:
    return [atom.threshold for atom in c.atoms(condition) if atom.threshold]


def _set_here(blame: Blame, moved: str, joint: str) -> str:
    """'threshold "x" is 5 here, so ': the start of a warning shown at the threshold a layer changed."""
    return f'threshold "{moved}" is {show(blame.ruleset.thresholds[moved].value)} here, {joint}' if moved else ""


# ------------------------------------------------------------------ a declared pair whose rules can both apply

MAX_PAIR_BRANCHES = 2_000  # combinations of branches tried per two rules: bounded work for a large ruleset


def shown_together(ruleset: Ruleset, blame: Blame) -> list[LintWarning]:
    """Pairs that must not be shown side by side whose two rules can both apply, neither held back.

    Two rules can both apply when a branch of each can hold together (the same satisfiability check as
    `never_true`, over the atoms of both); the branch is the witness, named in the warning. A pair with
    ``yields:`` is still kept apart by the resolver, but its author reads where the conditions meet, and
    ``--strict`` refuses it. Signals are taken as free: a witness may need a signal its facts rule out.
    A pair of the base that a layer's rule or threshold brings together is reported at that rule or threshold.
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
                    used = [atom.threshold for atom in witness if atom.threshold]
                    where, moved = blame.topmost(pair.location, [first.location, second.location], used)
                    named = "pair:" if where == pair.location else f"the pair at {pair.location}:"
                    found.append(
                        LintWarning(
                            where,
                            _set_here(blame, moved, "so ") + f'{named} "{first.id}" and "{second.id}" can both apply, '
                            f"neither held back (for example when {shown})",
                        )
                    )
    return found


def left_pairs(report: LoadReport) -> list[LintWarning]:
    """A replacing rule that is no longer on a side of a ``yields:`` pair the rule it replaces was on (a tag
    or a hold-back changed), and that can now apply beside a rule of the other side, neither held back."""
    ruleset = report.ruleset
    assert ruleset is not None
    found = []
    for rule_id, origin in report.origins.items():
        old = origin.replaced_data
        if old is None or any(key not in origin.data for key in ("tags", "hold_back") if old.get(key)):
            continue  # a key left out is reported as such (changes.left_out)
        rule = ruleset.rule(rule_id)
        old_names = {rule_id, *old.get("tags", ())} | ({GATE} if "ask-now" in old.get("hold_back", ()) else set())
        new_names = {rule_id, *rule.tags} | ({GATE} if ruleset.is_gate(rule) else set())
        for pair in ruleset.pairs:
            if not pair.yields or rule.recommend is None:
                continue
            for side, other in ((pair.first, pair.second), (pair.second, pair.first)):
                lost = sorted(old_names & set(side) - new_names)
                if not lost:
                    continue
                witness = _beside(ruleset, rule, ruleset.named(other))
                if witness is not None:
                    found.append(LintWarning(origin.location, _left_message(rule, pair, lost, *witness)))
    return found


def _beside(ruleset: Ruleset, rule: Rule, others) -> Optional[tuple[str, Branch]]:
    """A rule of ``others`` that can apply together with ``rule``, neither held back, and the witness."""
    for other_id in sorted(others - {rule.id}):
        other = ruleset.rule(other_id)
        if other.recommend is not None:
            witness = _together(ruleset, rule, other)
            if witness is not None:
                return other_id, witness
    return None


def _left_message(rule: Rule, pair: Pair, lost: list[str], other_id: str, witness: Branch) -> str:
    was = " and ".join("a reason to wait (holding back ask-now)" if name == GATE else f"tagged {name}" for name in lost)
    shown = " and ".join(atom.text() for atom in witness) or "always"
    return (
        f'rule "{rule.id}" is no longer {was}, as the rule it replaces was, so the pair at {pair.location} '
        f'no longer keeps it apart from "{other_id}": both can apply, neither held back (for example when {shown})'
    )


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
