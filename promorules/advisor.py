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
import os
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Mapping, Optional, Union, overload, cast

from pydantic import ValidationError

from .advice.model import MAX_ID_LENGTH, Advice
from .advice.outlook import dated_plan, earliest_days, nearest_misses
from .advice.resolve import Resolver
from .advice.views import (
    MISSING_IN_SUMMARY,
    AnyView,
    IdsView,
    SummaryView,
    ViewName,
    check_view,
    every,
    from_parts,
    in_full,
)
from .engine.base import Matcher
from .engine.compiler import fitted_network
from .engine.durable import DurableMatcher, durable_available
from .engine.python import PythonMatcher
from .errors import InputError, Location, Problem, RulesetError, argument_error
from .facts.derive import derive
from .facts.files import first_problems
from .facts.model import Facts
from .yamlsource import Located
from .ruleset.bundled import bundled_ruleset_path
from .ruleset.model import Ruleset

if TYPE_CHECKING:
    from .ruleset.loader import LoadReport

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
    from .ruleset.loader import inspect_ruleset  # here, not above: `advise` from the cache never reads YAML

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


class Advisor:
    """Gives advice from one ruleset. ``engine="auto"`` uses durable-rules where it is installed.

    ``engine="durable"`` insists on durable-rules being installed. With either,
    the Python evaluator takes over once durable has failed too often in the
    process (see `engine`).
    """

    def __init__(
        self,
        ruleset: Union[Ruleset, str, Path, None] = None,
        *,
        engine: Engine = "auto",
        thresholds: Optional[Thresholds] = None,
    ):
        """``thresholds`` tunes a ruleset given by path, e.g. ``{"leave_policy": "conservative"}``.

        A wrong argument raises `InputError` naming it, as every mistake of the caller's does.
        """
        if engine not in ("auto", "durable", "python"):
            raise argument_error("engine", f'engine must be "auto", "durable" or "python", not {engine!r}')
        if thresholds is not None and not isinstance(thresholds, Mapping):
            raise argument_error(
                "thresholds", f"thresholds must be a mapping of names to values, not {_kind(thresholds)}"
            )
        if isinstance(ruleset, Ruleset):
            if thresholds:
                raise argument_error(
                    "thresholds", "thresholds can only be set when the advisor loads the ruleset itself"
                )
            self._path: Optional[Path] = None
        elif ruleset is not None and not isinstance(ruleset, (str, os.PathLike)):
            raise argument_error(
                "ruleset", f"ruleset must be a promorules.Ruleset or the path of a ruleset folder, not {_kind(ruleset)}"
            )
        else:
            from .ruleset.loader import read_ruleset

            self._path = Path(ruleset) if ruleset is not None else bundled_ruleset_path()
            ruleset = read_ruleset(self._path, thresholds)  # fitted to the engine once, in _build
        self._thresholds = dict(thresholds) if thresholds else None
        self._engine_choice: Engine = engine
        self._reload_lock = threading.Lock()
        self._pinned = False
        self._loaded = self._build(ruleset)

    def _build(self, ruleset: Ruleset) -> _Loaded:
        with ruleset.facts_scope():  # the ruleset's own facts are facts to its rules
            evaluator = PythonMatcher(ruleset)
            network = fitted_network(ruleset)  # checked against durable's limits even when not used
            use_durable = self._engine_choice == "durable" or (self._engine_choice == "auto" and durable_available())
            matcher = DurableMatcher(network, fallback=evaluator) if use_durable else evaluator
            return _Loaded(ruleset, evaluator, matcher, Resolver(ruleset))

    @property
    def ruleset(self) -> Ruleset:
        return self._loaded.ruleset

    @property
    def evaluator(self) -> PythonMatcher:
        """The Python evaluator of the current ruleset (explanations, what-ifs)."""
        return self._loaded.evaluator

    @property
    def engine(self) -> str:
        """The engine deciding the rules: "durable" or "python".

        "python" also once durable-rules is set aside: after
        `durable.MAX_RETIRED_SESSIONS` failed evaluations in one process,
        whose memory durable never gives back, the Python evaluator (which
        agrees with it on every rule) decides for every advisor of the process.
        """
        return self._loaded.matcher.engine

    @property
    def path(self) -> Optional[Path]:
        """Where the ruleset is read from; None for an advisor given a loaded `Ruleset`."""
        return self._path

    @overload
    def advise(
        self,
        facts: Union[Facts, Mapping],
        as_of: Optional[date] = None,
        *,
        view: Literal["full"] = "full",
        id: Optional[str] = None,
    ) -> Advice: ...

    @overload
    def advise(
        self,
        facts: Union[Facts, Mapping],
        as_of: Optional[date] = None,
        *,
        view: Literal["summary"],
        id: Optional[str] = None,
    ) -> SummaryView: ...

    @overload
    def advise(
        self,
        facts: Union[Facts, Mapping],
        as_of: Optional[date] = None,
        *,
        view: Literal["ids"],
        id: Optional[str] = None,
    ) -> IdsView: ...

    def advise(
        self,
        facts: Union[Facts, Mapping],
        as_of: Optional[date] = None,
        *,
        view: ViewName = "full",
        id: Optional[str] = None,
    ) -> AnyView:
        """Ordered advice for one person. ``as_of`` overrides the facts' date; today if neither is set.

        ``facts`` is a `Facts` or a plain mapping of the same shape (dates as
        ``date`` or ``"2026-11-24"``); facts that do not fit raise `InputError`,
        one problem per field, worded as the command line words them.

        ``view`` is ``"full"`` (the `Advice`), ``"summary"`` or ``"ids"``
        (`promorules.advice.views`); the compact views skip the full advice's costly
        parts. ``id`` is the caller's own id for the person (a string of at most
        128 characters), echoed in what is returned and never read as a fact;
        a mapping's ``"id"`` key is taken the same way. A bad id raises `IdError`.
        """
        check_view(view)
        facts, person_id = split_id(facts, id)
        person = with_as_of(facts, as_of, self.ruleset.facts_model)
        return self._advise_derived(person, derive(person), view, person_id)

    def _advise_derived(
        self, person: Facts, derived: dict, view: ViewName = "full", person_id: Optional[str] = None
    ) -> AnyView:
        """The advice for a person whose facts are already derived (``derive(person)``)."""
        loaded = self._loaded  # read once: a reload during this evaluation does not affect it
        with loaded.ruleset.facts_scope():
            return self._advice_of(loaded, person, derived, view, person_id)

    @staticmethod
    def _advice_of(loaded: _Loaded, person: Facts, derived: dict, view: ViewName, person_id: Optional[str]) -> AnyView:
        match = loaded.matcher.match(derived)
        resolver = loaded.resolver
        if view == "summary":
            parts = resolver.brief(derived, match, person, MISSING_IN_SUMMARY, in_full)
            return from_parts(parts, view, person_id, resolver.view_records)
        if view == "ids":
            parts = resolver.brief(derived, match, person, 0, every, texts=False)
            return from_parts(parts, view, person_id, resolver.view_records)
        advice = loaded.resolver.advice(derived, match, person)
        return advice if person_id is None else advice.model_copy(update={"id": person_id})

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
            raise _cannot_reload("a pinned advisor cannot reload; reload the advisor it was pinned from")
        if self._path is None:
            raise _cannot_reload("this advisor was given a loaded Ruleset, so it has no path to reload from")
        from .ruleset.loader import read_ruleset

        with self._reload_lock:  # two reloads at once still end on the newest file
            self._loaded = self._build(read_ruleset(self._path, self._thresholds))


def _cannot_reload(why: str) -> InputError:
    """A reload this advisor cannot do: a mistake of the calling code, refused like any other bad input."""
    return InputError([Problem(Location("Advisor.reload"), why)])


def full_advice(advisor: Advisor, facts: Union[Facts, Mapping], as_of: Optional[date] = None) -> Advice:
    """The advice with its nearest misses and dated plan filled in (what the CLI shows).

    The advice comes from ``advisor.advise`` (a subclass's own advise is honoured); the outlook reads the
    same pinned ruleset and evaluator, so a reload meanwhile cannot pair one ruleset's advice with
    another's misses. The facts are derived once: the advice and the outlook read the same derived facts
    (a subclass that overrides ``advise`` gets the facts, and derives them itself).
    """
    advisor = advisor.pinned()
    person = with_as_of(facts, as_of, advisor.ruleset.facts_model)
    derived = derive(person)
    with advisor.ruleset.facts_scope():
        return _with_outlook(advisor, person, derived)


def _with_outlook(advisor: Advisor, person: Facts, derived: dict) -> Advice:
    if type(advisor).advise is Advisor.advise:
        advice = cast(Advice, advisor._advise_derived(person, derived))  # the full view
    else:
        advice = advisor.advise(person)
    advice = advice.model_copy(
        update={"recommendations": earliest_days(advisor.ruleset, advisor.evaluator, person, advice)}
    )
    misses = nearest_misses(advisor.ruleset, advisor.evaluator, person, advice, derived)
    return advice.model_copy(update={"nearest_misses": misses, "plan": dated_plan(derived, advice, misses)})


class IdError(InputError, ValueError):
    """An ``id`` that is not a string of 1 to 128 characters, or two ids that differ for one person."""

    def __init__(self, message: str, where: str = "id"):
        super().__init__([Problem(Location(where), message, field=where)])
        self.message = message


def check_id(value: Any, where: str = "id") -> Optional[str]:
    """The caller's id for a person, checked: None, or a string of 1 to `MAX_ID_LENGTH` characters.

    An id is joined on, never shown or advised on, so anything else (a number
    that a spreadsheet may have rounded, a list, a long text) is refused.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        kind = (
            "a boolean"
            if isinstance(value, bool)
            else "a number"
            if isinstance(value, (int, float))
            else "a list"
            if isinstance(value, (list, tuple))
            else "an object"
            if isinstance(value, Mapping)
            else type(value).__name__
        )
        raise IdError(f'{where}: must be a string (an id such as "E-1042"), not {kind}', where)
    if not value or len(value) > MAX_ID_LENGTH:
        raise IdError(f"{where}: must be 1 to {MAX_ID_LENGTH} characters, not {len(value)}", where)
    if not value.isprintable():
        raise IdError(f"{where}: must be printable text (no line breaks, control characters or lone surrogates)", where)
    return value


def split_id(facts: Any, given: Optional[str] = None) -> tuple[Any, Optional[str]]:
    """The facts without their ``"id"`` key, and the person's id (``given``, or that key's value).

    The id travels beside the facts so it never reaches validation (where it
    would be an unknown fact) nor derivation.
    """
    person_id = check_id(given)
    if isinstance(facts, Mapping) and "id" in facts:
        own = check_id(facts["id"])
        if person_id is not None and own is not None and own != person_id:
            raise IdError('id: the facts\' "id" and the id given differ; give one of them')
        facts = {key: value for key, value in facts.items() if key != "id"}
        person_id = person_id if person_id is not None else own
    return facts, person_id


def with_as_of(facts: Union[Facts, Mapping], as_of: Optional[date] = None, model: type[Facts] = Facts) -> Facts:
    """Validated facts with ``as_of`` set (re-checking dates against it).

    ``model`` is the facts model of the ruleset (`Ruleset.facts_model`: `Facts` with the ruleset's own facts).

    Anything but a `Facts` or a mapping is an InputError naming what was given:
    a JSON string or a list of pairs would otherwise fail deep inside, or pass.
    Facts that do not fit are an InputError worded by `first_problems`, as the
    command line, the batch and the service word them, never pydantic's own.
    """
    if not isinstance(facts, (Facts, Mapping)):
        raise argument_error(
            "facts",
            f"facts must be a promorules.Facts or a mapping of facts, not {_kind(facts)}",
        )
    if isinstance(facts, Facts):
        if as_of is None and facts.as_of is not None and isinstance(facts, model):
            return facts  # already validated; nothing to change
        data = facts.model_dump(exclude_none=True)
    else:
        data = dict(facts)
    if as_of is not None:
        data["as_of"] = as_of
    elif data.get("as_of") is None:
        data["as_of"] = date.today()
    if isinstance(facts, model) and facts.as_of == data["as_of"]:
        return facts
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise first_problems(Located(data, FACTS_PLACE), exc.errors(include_url=False), model) from None


FACTS_PLACE = "facts"  # where the API's facts problems are: "facts: frustrated: must be true or false (got 'maybe')"


def _kind(value: Any) -> str:
    """What was given instead, by its type's name."""
    return "None" if value is None else type(value).__name__
