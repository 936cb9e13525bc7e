"""The advisor: a ruleset, its engines, and `advise(facts) -> Advice`.

An Advisor holds no global state: two advisors with different rulesets live
side by side, and one advisor is safe to share between threads.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, Mapping, Optional, Union

from .advice import Advice
from .compiler import compile_ruleset
from .derive import derive
from .durable_engine import DurableMatcher, durable_available
from .evaluator import PythonMatcher
from .facts import Facts
from .loader import load_ruleset
from .resolve import build_advice
from .ruleset import Ruleset

Engine = Literal["auto", "durable", "python"]


def bundled_ruleset_path() -> Path:
    """The default ruleset: inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "rulesets" / "default", package.parent / "rulesets" / "default"):
        if (candidate / "ruleset.yaml").is_file():
            return candidate
    raise FileNotFoundError("the bundled ruleset is missing from this installation")


class Advisor:
    """Gives advice from one ruleset. ``engine="auto"`` uses durable-rules where it is installed."""

    def __init__(
        self,
        ruleset: Union[Ruleset, str, Path, None] = None,
        *,
        engine: Engine = "auto",
        thresholds: Optional[Mapping[str, Union[int, float, str]]] = None,
    ):
        """``thresholds`` tunes a ruleset given by path, e.g. ``{"leave_policy": "conservative"}``."""
        if not isinstance(ruleset, Ruleset):
            ruleset = load_ruleset(ruleset if ruleset is not None else bundled_ruleset_path(), thresholds)
        elif thresholds:
            raise ValueError("thresholds can only be set when the advisor loads the ruleset itself")
        self.ruleset = ruleset
        self.evaluator = PythonMatcher(ruleset)
        network = compile_ruleset(ruleset)  # checked against durable's limits even when not used
        use_durable = engine == "durable" or (engine == "auto" and durable_available())
        self.engine: str = "durable" if use_durable else "python"
        self._matcher = DurableMatcher(network) if use_durable else self.evaluator

    def advise(self, facts: Union[Facts, dict], as_of: Optional[date] = None) -> Advice:
        """Ordered advice for one person. ``as_of`` overrides the facts' date; today if neither is set."""
        person = with_as_of(facts, as_of)
        derived = derive(person)
        match = self._matcher.match(derived)
        return build_advice(self.ruleset, derived, match, self.evaluator)


def with_as_of(facts: Union[Facts, dict], as_of: Optional[date] = None) -> Facts:
    """Validated facts with ``as_of`` set (re-checking dates against it)."""
    data = facts.model_dump(exclude_none=True) if isinstance(facts, Facts) else dict(facts)
    if as_of is not None:
        data["as_of"] = as_of
    elif data.get("as_of") is None:
        data["as_of"] = date.today()
    if isinstance(facts, Facts) and facts.as_of == data["as_of"]:
        return facts
    return Facts.model_validate(data)
