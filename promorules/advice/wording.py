"""Conditions in plain English, for people who do not read YAML.

"months in role is under 12 (min_months_in_role)" reads better to a coach or
a frustrated employee than ``months_in_role < min_months_in_role``. Used by
``promorules explain`` and wherever a rule is shown to a person.
"""

from __future__ import annotations

from typing import Callable, Optional

from ..ruleset import conditions as c
from ..facts.derive import fact_in_words
from ..text import show


def atom_words(atom: c.Atom) -> str:
    """One comparison as a sentence fragment."""
    name = fact_in_words(atom.name, as_written=True)
    if atom.op == "known":
        return f"{name} is known"
    if atom.op == "unknown":
        return f"{name} is not known"
    if isinstance(atom.value, bool) and atom.threshold is None and atom.op == "eq":
        return name if atom.value else f"not {name}"
    threshold = f" ({atom.threshold})" if atom.threshold else ""
    return f"{name} {c.OPERATORS[atom.op].words} {show(atom.value)}{threshold}"


def condition_lines(
    condition: c.Condition,
    atom_line: Optional[Callable[[c.Atom], str]] = None,
    empty_line: Optional[Callable[[c.Condition], Optional[str]]] = None,
    indent: str = "",
) -> list[str]:
    """The condition as an indented outline in plain English.

    ``atom_line(atom)`` writes one comparison's line (by default "- " and its
    words); ``empty_line(node)`` may name an empty "all"/"any" (a policy
    switch decided when loading) instead of "always"/"never".
    """
    atom_line = atom_line or (lambda atom: f"- {atom_words(atom)}")

    def outline(node: c.Condition, indent: str) -> list[str]:
        if isinstance(node, c.Atom):
            return [f"{indent}{atom_line(node)}"]
        if isinstance(node, c.Not):
            inner = node.item
            if isinstance(inner, c.Atom):
                return outline(inner.negated(), indent)
            head = "none of these:" if isinstance(inner, c.AnyOf) else "not all of these:"
            return [f"{indent}- {head}"] + [line for item in inner.items for line in outline(item, indent + "  ")]
        if not node.items:
            named = empty_line(node) if empty_line else None
            return [f"{indent}- {named or ('always' if isinstance(node, c.All) else 'never')}"]
        if len(node.items) == 1:
            return outline(node.items[0], indent)
        head = "all of these:" if isinstance(node, c.All) else "any of these:"
        return [f"{indent}- {head}"] + [line for item in node.items for line in outline(item, indent + "  ")]

    return outline(condition, indent)


def truth_mark(truth: Optional[bool]) -> str:
    return {True: "[yes]", False: "[no] ", None: "[?]  "}[truth]
