"""Conditions in plain English, for people who do not read YAML.

"months in role is under 12 (min_months_in_role)" reads better to a coach or
a frustrated employee than ``months_in_role < min_months_in_role``. Used by
``promorules explain`` and wherever a rule is shown to a person.
"""
from __future__ import annotations

from typing import Optional

from . import conditions as c
from .resolve import show

VERBS = {"eq": "is", "ne": "is not", "lt": "is under", "le": "is at most", "gt": "is over", "ge": "is at least"}


def fact_words(name: str) -> str:
    return name.replace("_", " ")


def atom_words(atom: c.Atom) -> str:
    """One comparison as a sentence fragment."""
    name = fact_words(atom.name)
    if atom.op == "known":
        return f"{name} is known"
    if atom.op == "unknown":
        return f"{name} is not known"
    if isinstance(atom.value, bool) and atom.threshold is None and atom.op == "eq":
        return name if atom.value else f"not {name}"
    threshold = f" ({atom.threshold})" if atom.threshold else ""
    return f"{name} {VERBS[atom.op]} {show(atom.value)}{threshold}"


def condition_lines(condition: c.Condition, mark=None, indent: str = "") -> list[str]:
    """The condition as an indented outline; ``mark(atom)`` may prefix each comparison (e.g. with its truth)."""
    if isinstance(condition, c.Atom):
        prefix = mark(condition) if mark else "-"
        return [f"{indent}{prefix} {atom_words(condition)}"]
    if isinstance(condition, c.Not):
        inner = condition.item
        if isinstance(inner, c.Atom):
            return condition_lines(inner.negated(), mark, indent)
        head = "none of these:" if isinstance(inner, c.AnyOf) else "not all of these:"
        return [f"{indent}- {head}"] + [line for item in inner.items for line in condition_lines(item, mark, indent + "  ")]
    if not condition.items:
        return [f"{indent}- always" if isinstance(condition, c.All) else f"{indent}- never"]
    if len(condition.items) == 1:
        return condition_lines(condition.items[0], mark, indent)
    head = "all of these:" if isinstance(condition, c.All) else "any of these:"
    lines = [f"{indent}- {head}"]
    for item in condition.items:
        lines += condition_lines(item, mark, indent + "  ")
    return lines


def truth_mark(truth: Optional[bool]) -> str:
    return {True: "[yes]", False: "[no] ", None: "[?]  "}[truth]
