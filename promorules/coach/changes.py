"""Warnings about what a layer's change does that its author may not have meant.

A layer changes a threshold with only the keys it gives, so a coach easily takes ``replaces: true`` for the
same kind of change; but a replacing rule is the whole rule, and a key it leaves out is gone (a rule without
``when:`` applies to everyone). And a threshold that keeps to another (``at_most:``, as min_sponsors keeps
to target_sponsors) can be changed past it in a layer that never mentions the other.
"""

from __future__ import annotations

from ..errors import Location
from ..ruleset.loader import LoadReport
from ..text import show
from .blame import Blame

# A key a replacing rule leaves out, and what the rule does without it ({} lists what the replaced rule had).
LEFT_OUT = {
    "when": "applies to everyone",
    "hold_back": "holds nothing back (it held back {})",
    "tags": "has no tags (it was tagged {}, which hold-backs and pairs name)",
    "stages": "belongs to every stage (it belonged to {})",
}


def left_out(report: LoadReport) -> list[tuple[Location, str]]:
    """Replacing rules that leave out keys the rule they replace had, at the replacing rule's id."""
    found = []
    for rule_id, origin in report.origins.items():
        old = origin.replaced_data
        if old is None:
            continue
        keys = [key for key in LEFT_OUT if key not in origin.data and old.get(key)]
        if not keys:
            continue
        effects = [
            LEFT_OUT[key].format(", ".join(map(str, old[key])) if isinstance(old[key], list) else "") for key in keys
        ]
        written = [f"{key}:" for key in keys]
        empty = " or ".join(f'"{key}: []"' for key in keys)
        found.append(
            (
                origin.location,
                f'rule "{rule_id}" leaves out {_and(written)} of the rule it replaces (at {origin.replaced}), '
                f"so it {_and(effects)}; replaces: takes the whole rule: copy {'them' if len(keys) > 1 else 'it'}, "
                f"or write {empty} where that is meant",
            )
        )
    return found


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def out_of_order(blame: Blame) -> list[tuple[Location, str]]:
    """Thresholds above the one they are declared ``at_most:``, at the change that put them out of order."""
    found = []
    thresholds = blame.ruleset.thresholds
    for name, threshold in thresholds.items():
        other = thresholds.get(threshold.at_most)
        if other is None or not isinstance(threshold.value, (int, float)) or not isinstance(other.value, (int, float)):
            continue
        if threshold.value <= other.value:
            continue
        where, moved = blame.topmost(blame.value_set_at(name), thresholds=[other.name])
        declared = f"{name} is declared at_most: {other.name}"
        if moved:
            message = (
                f'threshold "{other.name}" is {show(other.value)} here, below {name} ({show(threshold.value)}); '
                f"{declared}: lower {name} too, or keep {other.name} at {show(threshold.value)} or more"
            )
        else:
            message = (
                f'threshold "{name}" is {show(threshold.value)} here, above {other.name} ({show(other.value)}); '
                f"{declared}: raise {other.name} too, or keep {name} at {show(other.value)} or less"
            )
        found.append((where, message))
    return found
