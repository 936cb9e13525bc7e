"""What every engine gives the layers above: a `Match` for one person's derived facts.

Both engines (durable-rules in `durable`, the Python evaluator in `python`) implement `Matcher`, so the
advisor and the resolver depend on this contract alone, not on either engine, the way an HTTP client
depends on a transport's base class rather than on one transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Match:
    """What an engine decided for one person: the rules whose condition holds, and the signals."""

    fired: frozenset  # rule ids, recommendation, hold-back and derive rules alike
    signals: dict  # signal name -> True / False (absent: unknown)


class Matcher(Protocol):
    """An engine: which rules of its ruleset match one person's derived facts (`facts.derive.derive`)."""

    @property
    def engine(self) -> str:
        """The engine deciding now, as `Advisor.engine` reports it: "durable" or "python"."""
        ...

    def match(self, facts: dict) -> Match: ...
