"""The advisor: a ruleset, its engines, and `advise(facts) -> Advice`.

An Advisor holds no global state: two advisors with different rulesets live
side by side, and one advisor is safe to share between threads. Everything
built from a ruleset (the ruleset, its engines and what the advice needs of
it) lives in one immutable bundle, which `Advisor.reload` replaces with a
single assignment: an evaluation reads the bundle once, so it uses the old
ruleset or the new one wholly, never a mix.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal, Mapping, Optional, Union

from .advice.model import Advice
from .advice.outlook import dated_plan, earliest_days, nearest_misses
from .advice.resolve import Resolver
from .engine.base import Matcher
from .engine.compiler import fitted_network
from .engine.durable import DurableMatcher, durable_available
from .engine.python import PythonMatcher
from .errors import InputError, RulesetError
from .facts.derive import derive
from .facts.model import Facts
from .ruleset.loader import LoadReport, bundled_ruleset_path, inspect_ruleset, read_ruleset
from .ruleset.model import Ruleset

Engine = Literal["auto", "durable", "python"]
Thresholds = Mapping[str, Union[int, float, str]]


def load_ruleset(path: Union[str, Path], thresholds: Optional[Thresholds] = None) -> Ruleset:
    """Load and check a ruleset directory, and check it fits the engine; raise InputError listing every problem.

    ``thresholds`` sets threshold values in place of the manifest's defaults
    (a coach tuning one organisation, a scenario trying a policy).
    """
    report = check_ruleset(path, thresholds)
    if report.problems:
        raise RulesetError(report.problems)
    assert report.ruleset is not None, "a load without problems gives a ruleset"
    return report.ruleset


def check_ruleset(path: Union[str, Path], thresholds: Optional[Thresholds] = None) -> LoadReport:
    """What the loader found (`inspect_ruleset`), and, for a ruleset without mistakes, whether it fits the engine.

    The loader only reads and checks the files; the engine is asked here, one layer up, so `ruleset validate`
    and an advisor refuse the same rulesets.
    """
    report = inspect_ruleset(path, thresholds)
    if report.ruleset is not None:
        try:
            fitted_network(report.ruleset)
        except InputError as exc:
            report.problems = list(exc.problems)
            report.ruleset = None
    return report


@dataclass(frozen=True)
class _Loaded:
    """One ruleset and everything built from it; replaced whole, never changed."""

    ruleset: Ruleset
    evaluator: PythonMatcher
    matcher: Matcher
    resolver: Resolver
    engine: str


class Advisor:
    """Gives advice from one ruleset. ``engine="auto"`` uses durable-rules where it is installed."""

    def __init__(
        self,
        ruleset: Union[Ruleset, str, Path, None] = None,
        *,
        engine: Engine = "auto",
        thresholds: Optional[Thresholds] = None,
    ):
        """``thresholds`` tunes a ruleset given by path, e.g. ``{"leave_policy": "conservative"}``."""
        if engine not in ("auto", "durable", "python"):
            raise ValueError(f'engine must be "auto", "durable" or "python", not {engine!r}')
        if isinstance(ruleset, Ruleset):
            if thresholds:
                raise ValueError("thresholds can only be set when the advisor loads the ruleset itself")
            self._path: Optional[Path] = None
        else:
            self._path = Path(ruleset) if ruleset is not None else bundled_ruleset_path()
            ruleset = read_ruleset(self._path, thresholds)  # fitted to the engine once, in _build
        self._thresholds = dict(thresholds) if thresholds else None
        self._engine_choice: Engine = engine
        self._reload_lock = threading.Lock()
        self._pinned = False
        self._loaded = self._build(ruleset)

    def _build(self, ruleset: Ruleset) -> _Loaded:
        evaluator = PythonMatcher(ruleset)
        network = fitted_network(ruleset)  # checked against durable's limits even when not used
        use_durable = self._engine_choice == "durable" or (self._engine_choice == "auto" and durable_available())
        matcher = DurableMatcher(network) if use_durable else evaluator
        return _Loaded(ruleset, evaluator, matcher, Resolver(ruleset), "durable" if use_durable else "python")

    @property
    def ruleset(self) -> Ruleset:
        return self._loaded.ruleset

    @property
    def evaluator(self) -> PythonMatcher:
        """The Python evaluator of the current ruleset (explanations, what-ifs)."""
        return self._loaded.evaluator

    @property
    def engine(self) -> str:
        """The engine deciding the rules: "durable" or "python"."""
        return self._loaded.engine

    @property
    def path(self) -> Optional[Path]:
        """Where the ruleset is read from; None for an advisor given a loaded `Ruleset`."""
        return self._path

    def advise(self, facts: Union[Facts, Mapping], as_of: Optional[date] = None) -> Advice:
        """Ordered advice for one person. ``as_of`` overrides the facts' date; today if neither is set.

        ``facts`` is a `Facts` or a plain mapping of the same shape (dates as
        ``date`` or ``"2026-11-24"``); a mapping that does not fit raises
        pydantic's ``ValidationError``, naming each field.
        """
        person = with_as_of(facts, as_of)
        return self._advise_derived(person, derive(person))

    def _advise_derived(self, person: Facts, derived: dict) -> Advice:
        """The advice for a person whose facts are already derived (``derive(person)``)."""
        loaded = self._loaded  # read once: a reload during this evaluation does not affect it
        return loaded.resolver.advice(derived, loaded.matcher.match(derived), person)

    def pinned(self) -> "Advisor":
        """This advisor fixed on its current ruleset, for work that asks it several things in a row.

        The nearest misses and explanations read the ruleset, the evaluator and
        the advice; a pinned advisor keeps a reload from pairing two rulesets.
        """
        twin = copy.copy(self)  # shares the loaded bundle, which is never changed in place
        twin._pinned = True
        return twin

    def reload(self) -> None:
        """Read the ruleset again from its path and switch to it; evaluations under way finish on the old one.

        A ruleset that fails to load raises (`InputError`, naming file and
        line) and the advisor keeps the ruleset it had. The old ruleset's
        durable network is given back to durable-rules once nothing holds the
        old bundle (evaluations under way, pinned twins), so reloads keep
        memory flat (see `durable_engine._release`).
        """
        if self._pinned:
            raise ValueError("a pinned advisor cannot reload; reload the advisor it was pinned from")
        if self._path is None:
            raise ValueError("this advisor was given a loaded Ruleset, so it has no path to reload from")
        with self._reload_lock:  # two reloads at once still end on the newest file
            self._loaded = self._build(read_ruleset(self._path, self._thresholds))


def full_advice(advisor: Advisor, facts: Union[Facts, Mapping], as_of: Optional[date] = None) -> Advice:
    """The advice with its nearest misses and dated plan filled in (what the CLI shows).

    The advice comes from ``advisor.advise`` (a subclass's own advise is honoured); the outlook reads the
    same pinned ruleset and evaluator, so a reload meanwhile cannot pair one ruleset's advice with
    another's misses. The facts are derived once: the advice and the outlook read the same derived facts
    (a subclass that overrides ``advise`` gets the facts, and derives them itself).
    """
    advisor = advisor.pinned()
    person = with_as_of(facts, as_of)
    derived = derive(person)
    if type(advisor).advise is Advisor.advise:
        advice = advisor._advise_derived(person, derived)
    else:
        advice = advisor.advise(person)
    advice = advice.model_copy(
        update={"recommendations": earliest_days(advisor.ruleset, advisor.evaluator, person, advice)}
    )
    misses = nearest_misses(advisor.ruleset, advisor.evaluator, person, advice, derived)
    return advice.model_copy(update={"nearest_misses": misses, "plan": dated_plan(derived, advice, misses)})


def with_as_of(facts: Union[Facts, Mapping], as_of: Optional[date] = None) -> Facts:
    """Validated facts with ``as_of`` set (re-checking dates against it).

    Anything but a `Facts` or a mapping is a TypeError naming what was given:
    a JSON string or a list of pairs would otherwise fail deep inside, or pass.
    """
    if not isinstance(facts, (Facts, Mapping)):
        raise TypeError("facts must be a promorules.Facts or a mapping of facts, "
                        f"not {'None' if facts is None else type(facts).__name__}")
    if isinstance(facts, Facts):
        if as_of is None and facts.as_of is not None:
            return facts  # already validated; nothing to change
        data = facts.model_dump(exclude_none=True)
    else:
        data = dict(facts)
    if as_of is not None:
        data["as_of"] = as_of
    elif data.get("as_of") is None:
        data["as_of"] = date.today()
    if isinstance(facts, Facts) and facts.as_of == data["as_of"]:
        return facts
    return Facts.model_validate(data)
