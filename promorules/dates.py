"""Calendar arithmetic for "months in role", "one year after" and similar.

A month is counted the way people count anniversaries: from 31 January, one
month later is the last day of February; from 29 February, a year later is
28 February. ``months_between(a, add_months(a, n)) == n`` for every n >= 0.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``; negative when ``end`` comes first."""
    if end < start:
        return -months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def days_between(start: date, end: date) -> int:
    """Days from ``start`` to ``end``; negative when ``end`` comes first."""
    return (end - start).days
