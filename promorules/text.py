"""A value, a counted value and a filled template as a person reads them.

The lowest layer: the loader checks templates with these, the advice fills them, the handbook and the
explanations quote values with them, so "yes", "8 months" and "2026-11-24" read the same everywhere.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .ruleset.model import Ruleset, Template


def fill(template: "Template", facts: dict, ruleset: "Ruleset", when: Optional[date] = None) -> str:
    """Fill a template with facts and thresholds; nothing else can be reached from a template."""
    pieces = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(part)
        elif part[0] == "threshold":
            pieces.append(counted(ruleset.thresholds[part[1]].value, part))
        elif part[0] == "date":
            pieces.append(show(when))
        else:
            pieces.append(counted(facts.get(part[1]), part))
    return "".join(pieces)


def counted(value: Any, part: tuple) -> str:
    """A placeholder's value, with its word where it has one: "1 month", "8 months" ({name|month|months})."""
    if len(part) < 3:
        return show(value)
    one, many = part[2]
    return f"{show(value)} {one if value == 1 else many}"


def show(value: Any) -> str:
    """A fact's value as a person reads it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("_", " ")
    return str(value)
