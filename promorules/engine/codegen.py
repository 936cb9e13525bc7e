"""A ruleset's conditions written out as Python, compiled once per ruleset.

Every evaluation decides every rule and signal, and the advice needs the facts
that leave each undecided rule undecided. Walking the condition trees does
that one node at a time; the same three-valued logic as straight-line Python
runs many times faster. Truth values are small ints, so that ``all`` is
``min``, ``any`` is ``max`` and ``not`` is ``2 - x``:

    0 false, 1 unknown, 2 true

`conditions.evaluate` stays the plain definition of the logic, and the tests
hold the two equal on random facts and random rulesets. Only names and rule
ids from a checked ruleset, and the input paths of our own derived facts,
reach the generated source, as string literals written by ``repr``, besides
integers computed here (bit masks and indexes); values never do: each is
bound to a name in the functions' namespace.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import count
from typing import Any, Callable, Container

from ..ruleset import conditions as c
from ..ruleset.model import Rule, Ruleset
from .cache import generated

FALSE, UNKNOWN, TRUE = 0, 1, 2
DECODE = (False, None, True)


@dataclass(frozen=True)
class Program:
    """The compiled conditions of one ruleset (facts are the flat derived facts)."""

    signals: Callable[[dict], dict]
    """Every signal, in dependency order: True, False or None (unknown)."""
    truths: Callable[[dict, dict], tuple]
    """Each rule's condition (in ruleset order) as 0/1/2, given the signals."""


def compile_program(ruleset: Ruleset, signal_order: list[str]) -> Program:
    namespace: dict[str, Any] = {"DECODE": DECODE}
    constants: dict[tuple, str] = {}

    def write() -> str:
        return "\n\n".join(
            [
                _signals_function(ruleset, signal_order, namespace, constants),
                _truths_function(ruleset, namespace, constants),
            ]
        )

    _run("program", write, ruleset, namespace)
    return Program(namespace["signals"], namespace["truths"])


@dataclass(frozen=True)
class Undecided:
    """What leaves each rule undecided, for one person: ``run(facts, signals, skip)``.

    Sets are bit masks (ints): a mask of rules has bit i for ``rules[i]``
    (rule ids in sorted order, so a mask reads back sorted), a mask of paths
    bit i for ``paths[i]``, a mask of signals bit i for ``signals[i]``. The
    missing facts of one advice are a few hundred set unions, and on ints
    each is one machine-level operation instead of a Python set.

    ``run`` returns ``(needed, through, derivers)``:

    * ``needed``: path index -> the undecided rules (that ``deciding`` accepts
      and ``skip`` does not hold) comparing a fact read from that path while
      it is unknown;
    * ``through``: signal index -> the undecided rules testing that signal
      while it is unknown;
    * ``derivers``: for each undecided rule deriving a signal (by its index in
      the ruleset), ``(paths, signals)`` it compares while unknown, to follow
      signals down to their facts.

    Only comparisons under undecided parts of a condition count: a decided
    part decides nothing.
    """

    run: Callable[[dict, dict, Container[str]], tuple[dict, dict, dict]]
    rules: tuple[str, ...]
    paths: tuple[str, ...]
    signals: tuple[str, ...]


def compile_undecided(
    ruleset: Ruleset, report: Callable[[str], tuple[str, ...]], deciding: Callable[[Rule], bool]
) -> Undecided:
    """``report(fact)`` gives the input paths behind a fact; ``deciding(rule)`` the rules whose advice counts."""
    atoms = [atom for rule in ruleset.rules for atom in c.atoms(rule.condition)]
    rules = tuple(sorted(rule.id for rule in ruleset.rules if deciding(rule)))
    paths = tuple(sorted({path for atom in atoms if not atom.signal for path in report(atom.name)}))
    derived = {rule.derive for rule in ruleset.rules if rule.derive}
    signals = tuple(sorted({atom.name for atom in atoms if atom.signal} | derived))
    masks = _Masks(rules, paths, signals, report)
    namespace: dict[str, Any] = {"DECODE": DECODE, "defaultdict": defaultdict}
    _run("undecided", lambda: _undecided_function(ruleset, namespace, {}, masks, deciding), ruleset, namespace)
    return Undecided(namespace["undecided"], rules, paths, signals)


class _Masks:
    """The bit of each rule, path and signal, written as literals into the generated code."""

    def __init__(self, rules: tuple[str, ...], paths: tuple[str, ...], signals: tuple[str, ...], report):
        self.rule = {rule_id: 1 << i for i, rule_id in enumerate(rules)}
        self.path = {path: i for i, path in enumerate(paths)}
        self.signal = {name: i for i, name in enumerate(signals)}
        self.report = report

    def paths_of(self, fact: str) -> int:
        mask = 0
        for path in self.report(fact):
            mask |= 1 << self.path[path]
        return mask


def _run(kind: str, write: Callable[[], str], ruleset: Ruleset, namespace: dict) -> None:
    """Write the source of ``kind`` (binding its constants in ``namespace``) and run it, or run the code kept by
    `advise`'s cache for this ruleset."""
    code = generated(ruleset, kind, namespace, write, f"<conditions of {ruleset.name or 'a ruleset'}>")
    exec(code, namespace)  # noqa: S102 - our own code, from checked names; values are bound, not written


class _Function:
    """Straight-line code for one function: each atom and node is computed once, into a local."""

    def __init__(self, namespace: dict, constants: dict[tuple, str]):
        self.lines: list[str] = []
        self.namespace = namespace
        self.constants = constants
        self.locals: dict[Any, str] = {}
        self.flags = count()  # numbers the flags of undecided nodes, unique within the generated function

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def constant(self, value: Any) -> str:
        key = (type(value), value)
        if key not in self.constants:
            name = f"k{len(self.constants)}"
            self.constants[key] = name
            self.namespace[name] = value
        return self.constants[key]

    def local(self, key: Any, expression: str) -> str:
        if key not in self.locals:
            name = f"t{len(self.locals)}"
            self.locals[key] = name
            self.emit(f"{name} = {expression}")
        return self.locals[key]

    def truth(self, node: c.Condition) -> str:
        """The local (or literal) holding the node's truth, emitting the code that computes it."""
        if isinstance(node, c.Atom):
            return self.local(_atom_key(node), self._atom(node))
        if isinstance(node, c.Not):
            inner = self.truth(node.item)
            if inner in ("0", "2"):
                return "2" if inner == "0" else "0"
            return self.local(("not", inner), f"2 - {inner}")
        items = [self.truth(item) for item in node.items]
        if not items:
            return "2" if isinstance(node, c.All) else "0"
        if len(items) == 1:
            return items[0]
        combine = "min" if isinstance(node, c.All) else "max"
        if len(items) == 2:  # a conditional is cheaper than a call
            first, second = items
            pick = "<=" if combine == "min" else ">="
            return self.local((combine, *items), f"{first} if {first} {pick} {second} else {second}")
        return self.local((combine, *items), f"{combine}({', '.join(items)})")

    def _atom(self, atom: c.Atom) -> str:
        read = f"h({atom.name!r})" if atom.signal else f"g({atom.name!r})"
        if atom.op == "known":
            return f"0 if {read} is None else 2"
        if atom.op == "unknown":
            return f"2 if {read} is None else 0"
        compare = c.OPERATORS[atom.op].python.format(a="v", b=self.constant(atom.value))
        return f"1 if (v := {read}) is None else (2 if {compare} else 0)"

    def undecided_atoms(self, node: c.Condition, live: str, on_fact, on_signal) -> None:
        """Code run for each atom whose unknown value keeps ``node`` undecided.

        ``live`` is a Python expression that is true when every node above is undecided;
        only undecided children of an undecided node matter (a decided child decides nothing).
        ``on_fact(name)`` and ``on_signal(name)`` give the statement to run, or "".
        """
        truth = self.truth(node)
        if truth in ("0", "2"):
            return
        here = f"{live} and {truth} == 1" if live else f"{truth} == 1"
        if isinstance(node, c.Atom):
            statement = on_signal(node.name) if node.signal else on_fact(node.name)
            if statement:
                self.emit(f"if {here}: {statement}")
            return
        flag = f"l{next(self.flags)}"
        self.emit(f"{flag} = {here}")
        children = [node.item] if isinstance(node, c.Not) else list(node.items)
        for child in children:
            self.undecided_atoms(child, flag, on_fact, on_signal)


def _atom_key(atom: c.Atom) -> tuple:
    return ("atom", atom.name, atom.op, type(atom.value), atom.value, atom.signal)


def _signals_function(ruleset: Ruleset, order: list[str], namespace: dict, constants: dict) -> str:
    body = _Function(namespace, constants)
    body.emit("g = f.get")
    body.emit("s = {}")
    body.emit("h = s.get")
    for name in order:
        derivers = [body.truth(rule.condition) for rule in ruleset.rules if rule.derive == name]
        value = derivers[0] if len(derivers) == 1 else f"max({', '.join(derivers)})" if derivers else "1"
        body.emit(f"s[{name!r}] = DECODE[{value}]")
    body.emit("return s")
    return "def signals(f):\n" + "\n".join(body.lines)


def _truths_function(ruleset: Ruleset, namespace: dict, constants: dict) -> str:
    body = _Function(namespace, constants)
    body.emit("g = f.get")
    body.emit("h = s.get")
    results = [body.truth(rule.condition) for rule in ruleset.rules]
    body.emit(f"return ({', '.join(results)}{',' if len(results) == 1 else ''})")
    return "def truths(f, s):\n" + "\n".join(body.lines)


def _undecided_function(ruleset: Ruleset, namespace: dict, constants: dict, masks: _Masks, deciding) -> str:
    body = _Function(namespace, constants)
    body.emit("g = f.get")
    body.emit("h = s.get")
    body.emit("needed = defaultdict(int)")
    body.emit("through = defaultdict(int)")
    body.emit("out = {}")
    roots = [body.truth(rule.condition) for rule in ruleset.rules]
    for index, (rule, root) in enumerate(zip(ruleset.rules, roots)):
        if root in ("0", "2"):
            continue
        block = _Function(namespace, constants)
        block.locals = body.locals  # every truth is already computed above
        block.flags = body.flags  # the blocks share one function's locals
        if deciding(rule):
            bit = hex(masks.rule[rule.id])
            block.lines = []
            block.undecided_atoms(
                rule.condition,
                "",
                lambda name: "; ".join(f"needed[{masks.path[path]}] |= {bit}" for path in masks.report(name)),
                lambda name: f"through[{masks.signal[name]}] |= {bit}",
            )
            body.emit(f"if {root} == 1 and {rule.id!r} not in skip:")
            body.lines += ["    " + line for line in block.lines]
        if rule.derive:
            block.lines = []
            block.emit("F = S = 0")
            block.undecided_atoms(
                rule.condition,
                "",
                lambda name: f"F |= {hex(masks.paths_of(name))}" if masks.report(name) else "",
                lambda name: f"S |= {hex(1 << masks.signal[name])}",
            )
            block.emit(f"out[{index}] = (F, S)")
            body.emit(f"if {root} == 1:")
            body.lines += ["    " + line for line in block.lines]
    body.emit("return needed, through, out")
    return "def undecided(f, s, skip):\n" + "\n".join(body.lines)
