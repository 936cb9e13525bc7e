"""A target of the benches: a measured ratio, its limit, and whether it is met, printed the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Target:
    label: str  # what is compared, with the limit: "`promorules --version` <= 1.2x the import floor"
    ratio: Optional[float]  # None: not measured (``why`` says why)
    limit: float
    at_most: bool = False  # the ratio must stay at or under the limit (a time), not reach it (a rate)
    detail: str = ""  # how the ratio was formed, or the figures behind it
    why: str = ""

    @property
    def met(self) -> bool:
        if self.ratio is None:
            return False
        return self.ratio <= self.limit if self.at_most else self.ratio >= self.limit

    def line(self) -> str:
        if self.ratio is None:
            return f"    {self.label:68s} not measured: {self.why}"
        detail = f" ({self.detail})" if self.detail else ""
        return f"    {self.label:68s} {'met' if self.met else 'MISSED'}: {self.ratio:.2f}x{detail}"
