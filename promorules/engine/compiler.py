"""Compile a checked ruleset into a durable-rules network that cannot hit durable's crash paths.

durable-rules 2.0.28 crashes or hangs on several inputs (see docs/engine.md).
The network built here avoids them by construction, and `check_network`
re-verifies the result independently before it reaches the C module:

* no negation, ``any`` or ``$or``: conditions are rewritten without ``not``
  (`conditions.to_dnf`) and each alternative becomes its own durable rule;
* every pattern starts with a positive type tag, so ``$nex`` never stands alone;
* rules are spread over group tags (``__g0``, ``__g1``, ...) that every person
  fact carries, so no node of the network has more than `GROUP_SIZE` children
  that can match at once (durable aborts past 64) or more than 512 in all
  (durable hangs);
* signals are separate facts, asserted by our driver when a deriving rule
  fires; a signal is derived *true* when one of its rules holds and *false*
  when none can, so rules test "not signal" positively.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

from ..errors import Location, Problem, PromorulesError, RulesetError
from ..ruleset import conditions as c
from ..facts.derive import FACTS
from ..ruleset.model import Ruleset
from .cache import stored_network

GROUP_SIZE = 40
MAX_SIMULTANEOUS_CHILDREN = 60
MAX_CHILDREN = 500
MAX_DURABLE_RULES = 4000
MAX_IDENTICAL_CHAINS = 200
MAX_PATTERNS = 16
MAX_PERSON_PROPERTIES = 200
MAX_SIGNALS = 400


class NetworkError(PromorulesError, ValueError):
    """The compiled network would cross one of durable-rules' limits."""

    exit_code = 2
    http_status = 422


def fitted_network(ruleset: Ruleset) -> "Network":
    """The ruleset's network; a ruleset too large for durable-rules is an InputError at its manifest.

    Asked of every ruleset an advisor uses, even on the Python engine, so a ruleset that works here works
    wherever durable-rules is installed.
    """
    known = stored_network(ruleset)  # `promorules advise` keeps it with the ruleset (engine/cache.py)
    if known is not None:
        return known
    try:
        return compile_ruleset(ruleset)
    except NetworkError as exc:
        manifest = str(Path(ruleset.path) / "ruleset.yaml") if ruleset.path else "ruleset.yaml"
        raise RulesetError([Problem(Location(manifest), f"the ruleset is too large for the engine: {exc}")]) from None


@dataclass(frozen=True)
class Action:
    """What our driver does when a durable rule fires."""

    rule_id: Optional[str]  # the promorules rule that holds, if any
    signal: Optional[str] = None  # the signal to assert
    value: bool = True


@dataclass(frozen=True)
class Network:
    name: str
    definition: str  # JSON for durable_rules_engine.create_ruleset
    actions: dict  # durable rule name -> Action
    facts: tuple[str, ...]  # the facts a person fact carries
    groups: int

    @cached_property
    def signals_read(self) -> frozenset:
        """The (signal, value) pairs some pattern tests; asserting any other would match nothing.

        Worked out once per network from its definition, and kept with it by `advise`'s cache.
        """
        read = set()
        for rule in json.loads(self.definition).values():
            for pattern in rule["all"]:
                steps = next(iter(pattern.values()))["$and"]
                if steps[0] == {"__type": "signal"}:
                    fields = {key: value for step in steps[1:] for key, value in step.items()}
                    read.add((fields["name"], fields["value"]))
        return frozenset(read)


def compile_ruleset(ruleset: Ruleset) -> Network:
    """Build (and check) the durable network for a ruleset."""
    branches: list[tuple[str, tuple[c.Atom, ...], Action]] = []
    for rule in ruleset.rules:
        action = Action(rule.id, rule.derive, True)
        for index, term in enumerate(c.to_dnf(rule.condition, limit=10_000)):
            branches.append((f"{rule.id}#{index}", term, action))
    for signal in ruleset.signals:
        derivers = tuple(r.condition for r in ruleset.rules if r.derive == signal)
        negation = c.Not(c.AnyOf(derivers))
        for index, term in enumerate(c.to_dnf(negation, limit=10_000)):
            branches.append((f"~{signal}#{index}", term, Action(None, signal, False)))

    used = sorted({atom.name for _, term, _ in branches for atom in term if not atom.signal})
    definition: dict[str, Any] = {}
    actions: dict[str, Action] = {}
    for position, (name, term, action) in enumerate(branches):
        group = position // GROUP_SIZE
        person: list[dict] = [{"__type": "person"}, {f"__g{group}": 1}]
        person += [_expression(atom) for atom in sorted((a for a in term if not a.signal), key=_atom_key)]
        patterns = [{"m": {"$and": person}}]
        for index, atom in enumerate(sorted((a for a in term if a.signal), key=_atom_key)):
            steps: list[dict] = [{"__type": "signal"}, {"name": atom.name}, {"value": bool(atom.value)}]
            patterns.append({f"s{index}": {"$and": steps}})
        definition[name] = {"pri": 0 if action.signal else 1, "all": patterns}
        actions[name] = action
    groups = math.ceil(len(branches) / GROUP_SIZE) if branches else 0
    network = Network(ruleset.name or "ruleset", json.dumps(definition, sort_keys=True), actions, tuple(used), groups)
    check_network(network)
    return network


def _atom_key(atom: c.Atom):
    return (atom.name, atom.op, str(atom.value))


def _expression(atom: c.Atom) -> dict:
    durable = c.OPERATORS[atom.op].durable
    if not durable:
        raise NetworkError(
            f'{atom.text()}: durable-rules has no operator for "{c.OPERATORS[atom.op].symbol}"; use the Python engine'
        )
    if atom.op in ("known", "unknown"):
        return {durable: {atom.name: 1}}
    if atom.op == "eq":
        return {atom.name: atom.value}  # durable's own short form for equality
    return {durable: {atom.name: atom.value}}


class PersonFact:
    """The person fact for durable: only the facts the network tests, unknown ones left out.

    Dates and texts are only ever tested for being known, so they travel as 1.
    What depends only on the network is worked out once, here.
    """

    def __init__(self, network: Network):
        self.head = {"__type": "person", **{f"__g{group}": 1 for group in range(network.groups)}}
        self.fields = tuple((name, FACTS[name].kind in ("date", "text")) for name in network.facts)

    def fact(self, facts: dict) -> tuple[dict, bool]:
        """The person fact, and whether it holds a float (which `encode` has to write itself)."""
        fact: dict[str, Any] = dict(self.head)
        get = facts.get
        floats = False
        for name, as_one in self.fields:
            value = get(name)
            if value is None:
                continue
            if as_one:
                value = 1
            elif isinstance(value, float):
                if not math.isfinite(value):
                    raise ValueError(f"{name} is not a finite number")
                floats = True
            fact[name] = value
        return fact, floats

    @staticmethod
    def text(fact: dict, floats: bool, sid: str, fact_id: str) -> str:
        """A person fact from `fact` as durable reads it, with its session and fact ids."""
        fact = {**fact, "sid": sid, "id": fact_id}
        return encode(fact) if floats else _compact(fact)


_compact = json.JSONEncoder(separators=(",", ":")).encode


def encode(fact: dict) -> str:
    """JSON that durable's parser reads correctly: it rejects '1e-05', so exponents get a '.0'."""
    if not any(isinstance(value, float) for value in fact.values()):
        return _compact(fact)
    parts = []
    for key, value in fact.items():
        if isinstance(value, float):
            text = repr(value)
            if "e" in text and "." not in text:
                mantissa, exponent = text.split("e")
                text = f"{mantissa}.0e{exponent}"
        else:
            text = json.dumps(value)
        parts.append(f"{json.dumps(key)}:{text}")
    return "{" + ",".join(parts) + "}"


# ------------------------------------------------------------------ the independent check


def check_network(network: Network) -> None:
    """Verify the durable definition against durable-rules' limits; raise NetworkError if crossed."""
    definition = json.loads(network.definition)
    if len(definition) > MAX_DURABLE_RULES:
        raise NetworkError(f"{len(definition)} durable rules; at most {MAX_DURABLE_RULES}")
    reserved = [name for name in network.facts if name in ("sid", "id") or name[:1] in "_$" or "." in name]
    if reserved:
        raise NetworkError(f"fact names reserved by durable-rules: {', '.join(reserved)}")
    person_properties = 1 + network.groups + len(network.facts) + 2  # + sid and id
    if person_properties > MAX_PERSON_PROPERTIES:
        raise NetworkError(f"a person fact would carry {person_properties} properties; at most {MAX_PERSON_PROPERTIES}")
    trie: dict = {}
    chains: Counter = Counter()
    for name, rule in definition.items():
        if not 0 <= rule["pri"] <= 65535:
            raise NetworkError(f"{name}: priority {rule['pri']} outside 0..65535")
        if set(rule) - {"pri", "all"}:
            raise NetworkError(f"{name}: only all-patterns are allowed")
        if not 1 <= len(rule["all"]) <= MAX_PATTERNS:
            raise NetworkError(f"{name}: {len(rule['all'])} patterns; at most {MAX_PATTERNS}")
        signature = []
        for pattern in rule["all"]:
            ((alias, body),) = pattern.items()
            if "$not" in alias or set(body) != {"$and"}:
                raise NetworkError(f"{name}: patterns must be one positive $and")
            steps = body["$and"]
            first = steps[0]
            if set(first) != {"__type"} or not isinstance(first["__type"], str):
                raise NetworkError(f"{name}: every pattern must start with a type tag")
            for step in steps:
                ((key, _),) = step.items()
                if key in ("$or", "$not", "$and", "$any", "$all"):
                    raise NetworkError(f"{name}: nested {key} is not allowed")
            keys = tuple(_frozen(step) for step in steps)
            node = trie
            for step, key in zip(steps, keys):
                node = node.setdefault(key, (step, {}))[1]
            signature.append(keys)
        chains[tuple(signature)] += 1
    signals = {name for rule in definition.values() for name in _signal_names(rule)}
    if len(signals) > MAX_SIGNALS:
        raise NetworkError(f"{len(signals)} signals; at most {MAX_SIGNALS}")
    _check_fan_out(trie, "root")
    worst = max(chains.values(), default=0)
    if worst > MAX_IDENTICAL_CHAINS:
        raise NetworkError(f"{worst} durable rules share one identical condition chain; at most {MAX_IDENTICAL_CHAINS}")


def _signal_names(rule: dict):
    for pattern in rule["all"]:
        for step in next(iter(pattern.values()))["$and"]:
            if "name" in step:
                yield step["name"]


def _check_fan_out(node: dict, above: Any) -> None:
    """Children that can match one fact at once: equality tests on one property exclude each other.

    ``node`` maps each step (frozen, see `_frozen`) to the step and its children.
    """
    if len(node) > MAX_CHILDREN:
        raise NetworkError(f"{len(node)} conditions under one node ({_shown(above)}); at most {MAX_CHILDREN}")
    exclusive: set = set()
    simultaneous = 0
    for step, _ in node.values():
        ((field, _),) = step.items()
        if not field.startswith("$") and not field.startswith("__g"):
            exclusive.add(field)
        else:
            simultaneous += 1
    simultaneous += len(exclusive)
    if simultaneous > MAX_SIMULTANEOUS_CHILDREN:
        raise NetworkError(
            f"{simultaneous} conditions under one node could match at once ({_shown(above)}); "
            f"at most {MAX_SIMULTANEOUS_CHILDREN}"
        )
    for step, child in node.values():
        _check_fan_out(child, step)


def _frozen(value: Any) -> Any:
    """A pattern step as a hashable key: equal steps give equal keys, whatever their key order.

    Types are kept, as in the JSON durable reads: 1, 1.0 and true are different tests.
    """
    if isinstance(value, dict):
        return ("{}", tuple(sorted((key, _frozen(item)) for key, item in value.items())))
    if isinstance(value, list):
        return ("[]", tuple(_frozen(item) for item in value))
    return (type(value).__name__, value)


def _shown(step: Any) -> str:
    """Where a crossed limit is, for its message: the step as durable reads it, or "root"."""
    return step if isinstance(step, str) else json.dumps(step, sort_keys=True)
