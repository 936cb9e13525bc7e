"""Facts a ruleset declares for itself (``facts:`` in ruleset.yaml), beside promorules' own.

A company ruleset may need to know a person's department or how often they missed quota. Such a fact
is declared with a type of the kinds the facts model already has, and extends the facts model of that
ruleset only: `facts_model` builds the extended model (cached per set of declarations), so a facts file,
a CSV row, the API and the service validate it exactly as a built-in fact, with the same wording of
mistakes; `catalogue` gives the rules' view of it (a `FactInfo`), put in scope with `declared_scope`.
"""

from __future__ import annotations

import functools
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional

from pydantic import BeforeValidator, Field, create_model

from ..errors import Location
from .derive import FactInfo, Kind, facts_in_scope
from .model import Date, Facts, YesNo, _a_number, described

# Each type a declared fact may have, and the kind of fact a rule sees: a yes/no, a choice, a date or a number.
TYPES: dict[str, Kind] = {
    "yes_no": "bool",
    "choice": "enum",
    "date": "date",
    "count": "number",
    "months": "number",
    "years": "number",
    "number": "number",
    "money": "number",
}
WHOLE = ("count", "months", "years")  # whole numbers, from 0 unless the declaration says otherwise
NUMBERS = WHOLE + ("number", "money")
# The widest bounds, as the built-in counts and money have them (and as the engines take numbers).
LIMITS: dict[str, tuple[float, float]] = {
    "count": (0, 1_000_000),
    "months": (0, 1_200),
    "years": (0, 100),
    "number": (-1e12, 1e12),
    "money": (0, 1e12),
}


@dataclass(frozen=True)
class DeclaredFact:
    """One fact as a ruleset declares it; ``column`` is its CSV column (its name unless given)."""

    name: str
    type: str
    label: str
    question: str
    description: str
    column: str
    choices: tuple[str, ...] = ()
    low: Optional[float] = None  # the bounds of a number, as written (None: the type's own)
    high: Optional[float] = None
    location: Location = Location("")

    @property
    def kind(self) -> Kind:
        return TYPES[self.type]

    @property
    def bounds(self) -> tuple[float, float]:
        low, high = LIMITS[self.type]
        return (low if self.low is None else self.low, high if self.high is None else self.high)


def _annotation(fact: DeclaredFact) -> Any:
    if fact.type == "yes_no":
        return YesNo
    if fact.type == "choice":
        return Literal[fact.choices]  # type: ignore[valid-type]
    if fact.type == "date":
        return Date
    low, high = fact.bounds
    if fact.type in WHOLE:
        return Annotated[int, Field(ge=int(low), le=int(high)), BeforeValidator(_a_number)]
    return Annotated[float, Field(ge=low, le=high, allow_inf_nan=False), BeforeValidator(_a_number)]


@functools.lru_cache(maxsize=64)
def _model(declared: tuple[DeclaredFact, ...]) -> type[Facts]:
    fields: dict[str, Any] = {
        fact.name: (
            Optional[_annotation(fact)],
            described(Field(default=None, description=fact.description), label=fact.label, question=fact.question),
        )
        for fact in declared
    }
    model = create_model("Facts", __base__=Facts, __doc__=Facts.__doc__, **fields)
    model.DECLARED = tuple(fact.name for fact in declared)
    return model


def facts_model(declared: tuple[DeclaredFact, ...]) -> type[Facts]:
    """The facts model with the declared facts in it: `Facts` itself when there are none."""
    return _model(declared) if declared else Facts


def as_fact_info(fact: DeclaredFact) -> FactInfo:
    """The fact as rules, advice and questions see it: an input read as it is given."""
    return FactInfo(fact.name, fact.kind, fact.description, (fact.name,), fact.choices, fact.label)


@functools.lru_cache(maxsize=64)
def catalogue(declared: tuple[DeclaredFact, ...]) -> dict[str, FactInfo]:
    return {fact.name: as_fact_info(fact) for fact in declared}


def declared_scope(declared: tuple[DeclaredFact, ...]) -> Any:
    """A block in which the rules' facts (`FACTS`) include the declared ones."""
    return facts_in_scope(catalogue(declared)) if declared else nullcontext()


def type_in_words(fact: DeclaredFact) -> str:
    """The declared type in a coach's words, for the handbook and `explain`."""
    words = {
        "yes_no": "yes or no",
        "choice": "one of " + ", ".join(fact.choices),
        "date": "a date",
        "count": "a count",
        "months": "a number of months",
        "years": "a number of years",
        "number": "a number",
        "money": "an amount of money",
    }
    return words[fact.type]
