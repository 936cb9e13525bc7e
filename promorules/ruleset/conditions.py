"""The condition language of rules: parse it, check it, evaluate it, explain it.

A condition is written the way a coach would say it::

    months_in_role < min_months_in_role     # a fact against a threshold
    scope_change != dramatic                # an enum fact against one of its values
    planned_setting in [casual, end_of_1on1]
    frustrated                              # a yes/no fact (or a signal) is true
    not ready_to_ask                        # ... is false
    role_start_date is known

and combined with ``all:``, ``any:`` and ``not:`` (a plain list means ``all``).

Logic is three-valued: a comparison on an unknown fact is *unknown*, ``not``
of unknown is unknown, ``all`` is false as soon as one part is false and
``any`` is true as soon as one part is true. A rule fires only when its
condition is *true*. The same semantics drive the durable-rules network (via
`to_dnf`) and the Python evaluator here, which also explains every decision.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Optional, Union

from ..errors import Location

Value = Union[int, float, bool, str]


@dataclass(frozen=True)
class Operator:
    """One comparison a condition can make, with every way the package writes, evaluates and words it.

    A new operator is one row of `OPERATORS` (and its negation's row): the parser reads its symbol, the
    Python engine evaluates ``compare``, the generated code inlines ``python``, durable-rules gets ``durable``
    (an operator without one is refused by the durable engine, naming it), and the advice says ``words``.
    The last three columns are templates of the value (``{v}``, shown as the advice shows values): how the
    handbook words a comparison, and how the outlook words the value a fact has to reach (a date's own way).
    """

    name: str  # as an Atom holds it
    symbol: str  # as a coach writes it in a condition ("" for "is known" / "is unknown")
    negation: str  # the operator that holds exactly when this one does not
    compare: Optional[Callable[[Any, Any], bool]]  # (actual, expected) -> bool; None for known/unknown
    python: str  # the comparison as Python source, "{a}" the actual value and "{b}" the expected one
    durable: str  # durable-rules' operator; "" when durable has none
    words: str  # "months in role is at least 12"
    bound: str  # "which is at least 12 (min_months_in_role)"
    needs: str  # "needs at least 12"
    plain: str = ""  # the handbook's "months in the role: {v}" -> "at least {v}"
    reach: str = ""  # the outlook's "needs {v} or more"
    reach_date: str = ""  # the same for a date: "needs to be on or after {v}"


OPERATORS: dict[str, Operator] = {
    row.name: row
    for row in (
        Operator(
            "eq", "==", "ne", operator.eq, "{a} == {b}", "$eq", "is", "", "needs", "{v}", "to be {v}", "to be {v}"
        ),
        Operator(
            "ne",
            "!=",
            "eq",
            operator.ne,
            "{a} != {b}",
            "$neq",
            "is not",
            "anything but",
            "needs anything but",
            "not {v}",
            "to be anything but {v}",
            "to be any day but {v}",
        ),
        Operator(
            "lt",
            "<",
            "ge",
            operator.lt,
            "{a} < {b}",
            "$lt",
            "is under",
            "under",
            "needs under",
            "under {v}",
            "fewer than {v}",
            "to be before {v}",
        ),
        Operator(
            "le",
            "<=",
            "gt",
            operator.le,
            "{a} <= {b}",
            "$lte",
            "is at most",
            "at most",
            "needs at most",
            "at most {v}",
            "{v} or fewer",
            "to be on or before {v}",
        ),
        Operator(
            "gt",
            ">",
            "le",
            operator.gt,
            "{a} > {b}",
            "$gt",
            "is over",
            "over",
            "needs more than",
            "over {v}",
            "more than {v}",
            "to be after {v}",
        ),
        Operator(
            "ge",
            ">=",
            "lt",
            operator.ge,
            "{a} >= {b}",
            "$gte",
            "is at least",
            "at least",
            "needs at least",
            "at least {v}",
            "{v} or more",
            "to be on or after {v}",
        ),
        Operator("known", "", "unknown", None, "", "$ex", "is known", "", ""),
        Operator("unknown", "", "known", None, "", "$nex", "is not known", "", ""),
        # a list ("x in [a, b]"): read as its own grammar, checked into an any-of of "eq" when loading
        Operator("in", "", "notin", None, "", "", "is one of", "", ""),
        Operator("notin", "", "in", None, "", "", "is not one of", "", ""),
    )
}


def by_symbol(symbol: str) -> Operator:
    """The operator a coach wrote as ``symbol`` ("<=")."""
    return next(row for row in OPERATORS.values() if row.symbol == symbol)


@dataclass(frozen=True)
class Atom:
    """One comparison. ``threshold`` names the threshold ``value`` came from, if any."""

    name: str
    op: str  # eq ne lt le gt ge known unknown
    value: Optional[Value] = None
    threshold: Optional[str] = None
    signal: bool = False
    location: Location = field(default=Location(""), compare=False)

    def negated(self) -> "Atom":
        if self.signal:
            return Atom(self.name, "eq", not self.value, None, True, self.location)
        if self.op == "eq" and isinstance(self.value, bool):
            return Atom(self.name, "eq", not self.value, self.threshold, False, self.location)
        return Atom(self.name, OPERATORS[self.op].negation, self.value, self.threshold, False, self.location)

    def text(self) -> str:
        """The condition as a coach would write it."""
        if self.op in ("known", "unknown"):
            return f"{self.name} is {self.op}"
        if self.op == "eq" and isinstance(self.value, bool) and self.threshold is None:
            return self.name if self.value else f"not {self.name}"
        operand = self.threshold or _literal(self.value)
        return f"{self.name} {OPERATORS[self.op].symbol} {operand}"


@dataclass(frozen=True)
class All:
    items: tuple
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True)
class AnyOf:
    items: tuple
    location: Location = field(default=Location(""), compare=False)


@dataclass(frozen=True)
class Not:
    item: Any
    location: Location = field(default=Location(""), compare=False)


Condition = Union[Atom, All, AnyOf, Not]
ALWAYS = All(())


def _literal(value: Optional[Value]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------- parsing

_ATOM = r"""^\s*(?P<neg>not\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*
        (?:
            (?P<op>{symbols}|=)\s*(?P<operand>\S.*?)
          | \s(?P<inop>not\s+in|in)\s*\[(?P<items>.*)\]
          | \s+is\s+(?P<known>known|unknown)
        )?\s*$"""


@lru_cache(maxsize=4)
def _atom_pattern(symbols: tuple[str, ...]) -> re.Pattern:
    """The grammar of one comparison, its operators read from `OPERATORS` (longest symbol first)."""
    ordered = sorted(symbols, key=lambda symbol: (-len(symbol), symbol))
    return re.compile(_ATOM.format(symbols="|".join(re.escape(symbol) for symbol in ordered)), re.VERBOSE)


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class RawAtom:
    """A parsed but not yet type-checked comparison; operands are still words."""

    negated: bool
    name: str
    op: str  # eq ne lt le gt ge in notin known unknown bool
    operands: tuple
    location: Location


class ConditionSyntaxError(ValueError):
    """A condition that cannot be read; ``name`` is the fact it compares, when the name was read."""

    def __init__(self, message: str, name: str = ""):
        super().__init__(message)
        self.name = name


def parse_atom(text: str, location: Location) -> RawAtom:
    """Split one written comparison into its parts; the words are resolved later."""
    match = _atom_pattern(tuple(row.symbol for row in OPERATORS.values() if row.symbol)).match(text)
    if not match:
        raise ConditionSyntaxError(
            f'cannot read the condition "{text}"; write it like "months_in_role < min_months_in_role"'
        )
    negated = bool(match["neg"])
    name = match["name"]
    if match["op"]:
        if match["op"] == "=":
            turned = match["operand"][:1]  # "=>" and "=<" are ">=" and "<=" written back to front
            meant, written = (f"{turned}=", f"={turned}") if turned in ("<", ">") else ("==", "=")
            raise ConditionSyntaxError(f'write "{meant}" to compare, not "{written}", in "{text}"')
        return RawAtom(negated, name, by_symbol(match["op"]).name, (_operand(match["operand"], text, name),), location)
    if match["inop"]:
        words = tuple(_operand(part, text, name) for part in match["items"].split(",") if part.strip())
        if not words:
            raise ConditionSyntaxError(f'the list in "{text}" is empty')
        op = "in" if match["inop"] == "in" else "notin"
        return RawAtom(negated, name, op, words, location)
    if match["known"]:
        return RawAtom(negated, name, match["known"], (), location)
    return RawAtom(negated, name, "bool", (), location)


def _operand(raw: str, text: str, name: str) -> Any:
    raw = raw.strip()
    if _NUMBER.match(raw):
        return float(raw) if "." in raw else int(raw)
    if raw in ("true", "false"):
        return raw == "true"
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return ("quoted", raw[1:-1])
    if _WORD.match(raw):
        return ("word", raw)
    raise ConditionSyntaxError(f'cannot read "{raw}" in the condition "{text}"', name)


# --------------------------------------------------------------------- normal forms


def nnf(condition: Condition, negate: bool = False) -> Condition:
    """Push every ``not`` down onto the comparisons (valid in three-valued logic)."""
    if isinstance(condition, Atom):
        return condition.negated() if negate else condition
    if isinstance(condition, Not):
        return nnf(condition.item, not negate)
    items = tuple(nnf(item, negate) for item in condition.items)
    flip = negate
    if isinstance(condition, All):
        return AnyOf(items, condition.location) if flip else All(items, condition.location)
    return All(items, condition.location) if flip else AnyOf(items, condition.location)


class TooManyBranches(ValueError):
    pass


def to_dnf(condition: Condition, limit: int) -> list[tuple[Atom, ...]]:
    """The condition as an OR of ANDs of comparisons, without any ``not``.

    Each inner tuple becomes one durable-rules pattern; the rule fires if any
    does. Raises TooManyBranches past ``limit`` terms.
    """

    def expand(node: Condition) -> list[tuple[Atom, ...]]:
        if isinstance(node, Atom):
            return [(node,)]
        if isinstance(node, AnyOf):
            terms: list[tuple[Atom, ...]] = []
            for item in node.items:
                terms.extend(expand(item))
                if len(terms) > limit:
                    raise TooManyBranches(len(terms))
            return terms
        assert isinstance(node, All), "nnf leaves a Not only inside an atom"
        terms = [()]
        for item in node.items:
            terms = [left + right for left in terms for right in expand(item)]
            if len(terms) > limit:
                raise TooManyBranches(len(terms))
        return terms

    unique = []
    for term in expand(nnf(condition)):
        deduped = tuple(dict.fromkeys(term))
        if deduped not in unique:
            unique.append(deduped)
    return unique


def atoms(condition: Condition):
    """Every comparison in the condition, in order."""
    if isinstance(condition, Atom):
        yield condition
    elif isinstance(condition, Not):
        yield from atoms(condition.item)
    else:
        for item in condition.items:
            yield from atoms(item)


# --------------------------------------------------------------------- evaluation

Truth = Optional[bool]  # None is "unknown"


def compare(atom: Atom, actual: Any) -> Truth:
    """One comparison in three-valued logic."""
    if atom.op == "known":
        return actual is not None
    if atom.op == "unknown":
        return actual is None
    if actual is None:
        return None
    compare = OPERATORS[atom.op].compare
    assert compare is not None  # only "known" and "unknown" have none, handled above
    return compare(actual, atom.value)


def evaluate(condition: Condition, facts: dict, signals: dict) -> Truth:
    """Three-valued truth of a checked condition; signals map name -> True/False/None."""
    if isinstance(condition, Atom):
        if condition.signal:
            value = signals.get(condition.name)
            return None if value is None else value == condition.value
        return compare(condition, facts.get(condition.name))
    if isinstance(condition, Not):
        result = evaluate(condition.item, facts, signals)
        return None if result is None else not result
    results = [evaluate(item, facts, signals) for item in condition.items]
    if isinstance(condition, All):
        if any(r is False for r in results):
            return False
        return None if any(r is None for r in results) else True
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


def deciding_atoms_of_normal(node: Condition, facts: dict, signals: dict) -> list[Atom]:
    """The comparisons that make a true condition, already in `nnf`, true: all parts
    of an ``all``, the first true part of an ``any``. Used to explain why a rule fired."""

    def walk(item: Condition) -> list[Atom]:
        if isinstance(item, Atom):
            return [item]
        if isinstance(item, All):
            return [atom for part in item.items for atom in walk(part)]
        assert isinstance(item, AnyOf), "a condition in nnf has no Not above an atom"
        for part in item.items:
            if evaluate(part, facts, signals) is True:
                return walk(part)
        return []

    return walk(node)


def undecided_atoms(condition: Condition, facts: dict, signals: dict) -> list[Atom]:
    """Comparisons whose unknown value leaves an unknown condition undecided (one pass)."""
    return _truth_and_unknowns(condition, facts, signals)[1]


def _truth_and_unknowns(node: Condition, facts: dict, signals: dict) -> tuple[Truth, list[Atom]]:
    if isinstance(node, Atom):
        truth = evaluate(node, facts, signals)
        return truth, ([node] if truth is None else [])
    if isinstance(node, Not):
        truth, below = _truth_and_unknowns(node.item, facts, signals)
        return (None if truth is None else not truth), below
    decisive = isinstance(node, AnyOf)  # true decides an "any", false decides an "all"
    unknown: list[Atom] = []
    for item in node.items:
        truth, below = _truth_and_unknowns(item, facts, signals)
        if truth is decisive:
            return decisive, []
        unknown += below
    return (None, unknown) if unknown else (not decisive, [])
