"""promorules side by side with its peers, zen-engine and json-rules-engine, on the same rules and people.

    pip install -e '.[bench]'                 # zen-engine; Node and npm for json-rules-engine (optional)
    .venv/bin/python bench/peers.py           # every target: 8 to 15 minutes on 2 busy cores
    .venv/bin/python bench/peers.py --quick   # 2,000 people for the agreement check, shorter timings

The default ruleset is written out, by this script, as the peers' own models:
a ZEN decision graph (JDM: one expression node per level of signals, then a
decision table with one row per rule, hit policy "collect") and
json-rules-engine rules (signals set as facts by rules run first). The peers get
the derived facts (months in role, counts of achievements...) as their inputs,
worked out beforehand and not timed; promorules is timed from the raw facts,
as a caller gives them, validation and derivation included.

A comparison of speed means nothing unless the engines do the same work, so
the run first checks, for every person, that all engines agree on which rules
fire (their condition holds, before any hold-back; the rules deriving signals
included), and fails (exit 1) listing the first disagreements if they do not.
Then each engine makes one pass over the people per round, the engines in
turn, round after round, in this one process (json-rules-engine in one Node
process kept for the whole run), and the median pass gives its rate.

Two more sections measure the command line as people run it: the cold start
of `promorules --version`, `--help` and `advise` against the import floor
(bench/coldstart.py), and `batch` with 2 workers against one process
(bench/scaling.py). Every target is printed at the end as met or MISSED.
"""

from __future__ import annotations

import argparse
import inspect
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, Optional, Union

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "peers" / "node"
sys.path.insert(0, str(ROOT / "bench"))

import coldstart  # noqa: E402
import scaling  # noqa: E402
from machine import load, machine  # noqa: E402
from people import people  # noqa: E402
from targets import Target  # noqa: E402

from promorules import Advisor, Facts  # noqa: E402

Tree = tuple  # ("all" | "any", parts) / ("fact", name, op, value) / ("signal", name, value)


# ------------------------------------------------------------------ what promorules does not export


@lru_cache(maxsize=None)
def promorules_internals():
    """The derivation of facts and the kinds of condition node: all the bench reads beyond `promorules`' exports.

    The peers are given the derived facts, and their models are written from
    the loaded conditions; neither is part of the public API yet, so this is
    the one place to repoint when the modules move.
    """
    from promorules.facts.derive import derive
    from promorules.ruleset.conditions import All, AnyOf, Atom, Not

    def derived_facts(person: dict) -> dict:
        return derive(Facts.model_validate(person))

    return derived_facts, (Atom, All, AnyOf, Not)


# ------------------------------------------------------------------ the rules, as the peers can hold them

NEGATED = {
    "eq": "ne",
    "ne": "eq",
    "lt": "ge",
    "ge": "lt",
    "gt": "le",
    "le": "gt",
    "known": "unknown",
    "unknown": "known",
}


def definite(condition, negate: bool = False) -> Tree:
    """A two-valued tree that is true exactly when the three-valued ``condition`` (or its negation) is true.

    promorules' conditions are three-valued (a comparison on an unknown fact is
    unknown, and a rule fires only on true); the peers' are two-valued. With
    every ``not`` pushed onto the comparisons, "definitely true" is the same
    and/or of comparisons that are each true only on a known value.
    """
    Atom, All, AnyOf, Not = promorules_internals()[1]
    if isinstance(condition, Not):
        return definite(condition.item, not negate)
    if isinstance(condition, Atom):
        if condition.signal:
            assert condition.op == "eq" and isinstance(condition.value, bool), condition
            return ("signal", condition.name, condition.value != negate)
        return ("fact", condition.name, NEGATED[condition.op] if negate else condition.op, condition.value)
    assert isinstance(condition, (All, AnyOf)), condition
    kind = "all" if isinstance(condition, All) != negate else "any"
    return folded(kind, [definite(item, negate) for item in condition.items])


TRUE: Tree = ("all", ())
FALSE: Tree = ("any", ())


def folded(kind: str, parts: list[Tree]) -> Tree:
    """``all``/``any`` of ``parts`` without constant parts, as a model written by hand would be.

    Thresholds set when loading can make a comparison constant (``leave_policy
    == aggressive`` under the default policy), and json-rules-engine reads an
    empty ``any`` as true, so constants are folded away before either model
    is written.
    """
    decisive, neutral = (FALSE, TRUE) if kind == "all" else (TRUE, FALSE)
    if decisive in parts:
        return decisive
    kept = tuple(part for part in parts if part != neutral)
    return kept[0] if len(kept) == 1 else (kind, kept)


def signal_trees(ruleset) -> dict[str, dict[bool, Tree]]:
    """Each signal's "is true" (a deriving rule holds) and "is false" (none can), as `definite` trees."""
    trees = {}
    for name in ruleset.signals:
        derivers = [rule.condition for rule in ruleset.rules if rule.derive == name]
        trees[name] = {
            True: folded("any", [definite(c) for c in derivers]),
            False: folded("all", [definite(c, negate=True) for c in derivers]),
        }
    return trees


def signal_levels(trees: dict[str, dict[bool, Tree]]) -> list[list[str]]:
    """Signals in levels: each reads only the facts and the signals of the levels before it."""
    level: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in level:
            below = [depth(other) for side in trees[name].values() for other in _signals_in(side)]
            level[name] = 1 + max(below, default=-1)
        return level[name]

    for name in trees:
        depth(name)
    return [[name for name in trees if level[name] == n] for n in range(max(level.values(), default=-1) + 1)]


def _signals_in(tree: Tree):
    if tree[0] == "signal":
        yield tree[1]
    elif tree[0] in ("all", "any"):
        for part in tree[1]:
            yield from _signals_in(part)


def signal_field(name: str, value: bool) -> str:
    """The field, in either peer's facts, holding "signal ``name`` is ``value``"."""
    return f"signal_{'true' if value else 'false'}_{name}"


# ------------------------------------------------------------------ ZEN (JDM)

ZEN_COMPARE = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def zen_expression(tree: Tree) -> str:
    """A ZEN expression; a comparison reads a fact only when known (ZEN refuses ``null < 12``)."""
    kind = tree[0]
    if kind in ("all", "any"):
        parts = [zen_expression(part) for part in tree[1]]
        if not parts:
            return "true" if kind == "all" else "false"
        return parts[0] if len(parts) == 1 else "(" + f" {'and' if kind == 'all' else 'or'} ".join(parts) + ")"
    if kind == "signal":
        return signal_field(tree[1], tree[2])
    _, name, op, value = tree
    if op in ("known", "unknown"):
        return f"{name} {'!=' if op == 'known' else '=='} null"
    literal = json.dumps(value)
    if op == "eq":
        return f"{name} == {literal}"  # null == a value is false
    return f"({name} != null and {name} {ZEN_COMPARE[op]} {literal})"


def zen_model(ruleset) -> dict:
    """The ruleset as a JDM decision graph: derived facts in, ``[{"rule": id}, ...]`` out for the rules that fire."""
    trees = signal_trees(ruleset)
    nodes: list[dict] = [{"id": "facts", "type": "inputNode", "name": "derived facts", "position": {"x": 0, "y": 0}}]
    edges: list[dict] = []
    for number, names in enumerate(signal_levels(trees)):
        expressions = [
            {
                "id": signal_field(name, value),
                "key": signal_field(name, value),
                "value": zen_expression(trees[name][value]),
            }
            for name in names
            for value in (True, False)
        ]
        _zen_node(
            nodes,
            edges,
            {
                "id": f"signals-{number}",
                "type": "expressionNode",
                "name": f"signals, level {number}",
                "content": {"passThrough": True, "expressions": expressions},
            },
        )
    rows = [
        {
            "_id": rule.id,
            "_description": rule.title,
            "condition": zen_expression(definite(rule.condition)),
            "rule": json.dumps(rule.id),
        }
        for rule in ruleset.rules
    ]
    _zen_node(
        nodes,
        edges,
        {
            "id": "rules",
            "type": "decisionTableNode",
            "name": "rules that fire",
            "content": {
                "hitPolicy": "collect",
                "inputs": [{"id": "condition", "name": "condition", "type": "expression"}],
                "outputs": [{"id": "rule", "name": "rule", "field": "rule", "type": "expression"}],
                "rules": rows,
            },
        },
    )
    _zen_node(nodes, edges, {"id": "fired", "type": "outputNode", "name": "rules that fire"})
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def _zen_node(nodes: list[dict], edges: list[dict], node: dict) -> None:
    """Append ``node`` after the last one, joined by an edge: the graph is a chain."""
    node["position"] = {"x": 250 * len(nodes), "y": 0}
    edges.append(
        {"id": f"{nodes[-1]['id']}->{node['id']}", "type": "edge", "sourceId": nodes[-1]["id"], "targetId": node["id"]}
    )
    nodes.append(node)


def zen_fired(result) -> frozenset:
    return frozenset(row["rule"] for row in result)


class Zen:
    """zen-engine holding the model: one ``evaluate`` per person, or ``evaluate_batch`` of everyone."""

    def __init__(self, model: dict):
        import zen

        self.engine = zen.ZenEngine({"loader": {"type": "static", "content": {"promorules": model}}})
        self.decision = self.engine.create_decision(json.dumps(model))

    def fired(self, facts: dict) -> frozenset:
        return zen_fired(self.decision.evaluate(facts)["result"])

    def fired_batch(self, crowd: list[dict]) -> list[frozenset]:
        answers = self.engine.evaluate_batch([{"key": "promorules", "context": facts} for facts in crowd])
        if not all(answer["success"] for answer in answers):
            raise RuntimeError(next(answer.get("error") for answer in answers if not answer["success"]))
        return [zen_fired(answer["data"]["result"]) for answer in answers]


# ------------------------------------------------------------------ json-rules-engine

JRE_OPERATOR = {
    "eq": "equal",
    "lt": "lessThan",
    "le": "lessThanInclusive",
    "gt": "greaterThan",
    "ge": "greaterThanInclusive",
}


def jre_condition(tree: Tree) -> dict:
    """A json-rules-engine condition; its numeric operators are false on null, ``notEqual`` is guarded."""
    kind = tree[0]
    if tree == FALSE:  # only a whole condition is constant once folded
        return {"not": {"all": []}}
    if kind in ("all", "any"):
        return {kind: [jre_condition(part) for part in tree[1]]}
    if kind == "signal":
        return {"fact": signal_field(tree[1], tree[2]), "operator": "equal", "value": True}
    _, name, op, value = tree
    if op in ("known", "unknown"):
        return {"fact": name, "operator": "notEqual" if op == "known" else "equal", "value": None}
    if op == "ne":
        return {
            "all": [
                {"fact": name, "operator": "notEqual", "value": None},
                {"fact": name, "operator": "notEqual", "value": value},
            ]
        }
    return {"fact": name, "operator": JRE_OPERATOR[op], "value": value}


def jre_model(ruleset) -> dict:
    """The ruleset as json-rules-engine rules, chained as its documentation shows: signals first, as facts.

    A rule deriving a signal, and a rule for "no deriving rule can hold", run
    at a higher priority than the rules reading that signal; their events name
    the fact they set true for the rest of the run (``params.sets``, false
    until then). Event types are rule ids; the "is false" rules' events are
    marked ``internal``, as they are not rules of the ruleset.
    """
    trees = signal_trees(ruleset)
    levels = signal_levels(trees)
    priority = {name: 1 + len(levels) - number for number, names in enumerate(levels) for name in names}
    rules = []
    for rule in ruleset.rules:
        event: dict = {"type": rule.id}
        if rule.derive:
            event["params"] = {"sets": signal_field(rule.derive, True)}
        rules.append(
            {
                "name": rule.id,
                "priority": priority.get(rule.derive, 1),
                "conditions": jre_root(definite(rule.condition)),
                "event": event,
            }
        )
    for name, sides in trees.items():
        field = signal_field(name, False)
        rules.append(
            {
                "name": field,
                "priority": priority[name],
                "conditions": jre_root(sides[False]),
                "event": {"type": field, "params": {"sets": field, "internal": True}},
            }
        )
    return {"rules": rules, "signals": [signal_field(name, value) for name in trees for value in (True, False)]}


def jre_root(tree: Tree) -> dict:
    """A condition json-rules-engine takes as a rule's root (not a bare comparison)."""
    condition = jre_condition(tree)
    return condition if {"all", "any", "not", "condition"} & set(condition) else {"all": [condition]}


def node_unavailable(install: bool = True) -> Optional[str]:
    """Why json-rules-engine cannot run here, or None; installs it from the lock file when it is missing."""
    if shutil.which("node") is None:
        return "Node is not installed"
    if (NODE_DIR / "node_modules" / "json-rules-engine" / "package.json").is_file():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed (json-rules-engine comes from bench/peers/node/package-lock.json)"
    if not install:
        return "json-rules-engine is not installed (npm ci in bench/peers/node)"
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        return f"npm ci in bench/peers/node failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
    return None


class Node:
    """json-rules-engine in one Node process for the whole run, answering `runner.mjs`'s commands."""

    def __init__(self, model: dict, crowd: list[dict], folder: Path):
        path = folder / "json-rules-engine-model.json"
        path.write_text(json.dumps({**model, "people": crowd}))
        self.count = len(crowd)  # a timed pass covers all of them, however many the others are timed on
        self.process = subprocess.Popen(
            ["node", str(NODE_DIR / "runner.mjs"), str(path)],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, command: str):
        assert self.process.stdin and self.process.stdout
        try:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # the process has ended: said below
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"json-rules-engine's Node process ended ({self.process.wait()})")
        answer = json.loads(line)
        if isinstance(answer, dict) and "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def fired(self) -> list[frozenset]:
        return [frozenset(ids) for ids in self.ask("fired")]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.communicate("quit\n", timeout=30)


def versions() -> dict[str, str]:
    """The peers' versions, as installed."""
    found = {}
    try:
        found["zen-engine"] = metadata.version("zen-engine")
    except metadata.PackageNotFoundError:
        pass
    package = NODE_DIR / "node_modules" / "json-rules-engine" / "package.json"
    if package.is_file():
        found["json-rules-engine"] = json.loads(package.read_text())["version"]
    if shutil.which("node"):
        found["Node"] = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return found


# ------------------------------------------------------------------ the same people for everyone


def json_ready(facts: dict) -> dict:
    """Derived facts as JSON gives them to a peer: dates as ISO text (the rules only ask whether they are known)."""
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in facts.items()}


def promorules_fired(advice) -> frozenset:
    """The rules that fire, read from full advice: shown or held back, and the rules that made each signal true."""
    return frozenset(
        {r.rule_id for r in advice.recommendations}
        | {h.rule_id for h in advice.held_back}
        | {rule for signal in advice.signals for rule in signal.derived_by}
    )


def disagreements(answers: dict[str, list[frozenset]]) -> list[str]:
    """For each person where the engines' sets of rules that fire differ: what each has beyond the first engine's."""
    (first, reference), *others = answers.items()
    found = []
    for index, expected in enumerate(reference):
        for name, sets in others:
            if sets[index] != expected:
                found.append(
                    f"person {index}: {name} fires {sorted(sets[index] - expected)} beyond {first}, "
                    f"not {sorted(expected - sets[index])}"
                )
    return found


def agreement(
    ruleset, raw: list[dict], derived: list[dict], advisors: dict[str, Advisor], node: Optional[Node]
) -> tuple[dict[str, list[frozenset]], list[str]]:
    """Which rules fire for each person, by every engine, and where they differ."""
    zen = Zen(zen_model(ruleset))
    answers = {
        f"promorules {name}": [promorules_fired(advisor.advise(p)) for p in raw] for name, advisor in advisors.items()
    }
    answers["zen evaluate"] = [zen.fired(facts) for facts in derived]
    answers["zen evaluate_batch"] = zen.fired_batch(derived)
    if node is not None:
        answers["json-rules-engine"] = node.fired()
    return answers, disagreements(answers)


# ------------------------------------------------------------------ timing


def views(advisor: Advisor, person: dict) -> dict[str, Union[Callable, str]]:
    """Each advice view as a function of a person, or why it cannot be timed (``advise``'s signature decides)."""
    accepts_view = "view" in inspect.signature(advisor.advise).parameters
    found: dict[str, Union[Callable, str]] = {"full": advisor.advise}
    for view in ("summary", "ids"):
        if not accepts_view:
            found[view] = "not built yet (Advisor.advise takes no view)"
            continue
        try:
            advisor.advise(person, view=view)
        except (TypeError, ValueError) as refused:
            found[view] = f"not accepted: {refused}"
        else:
            found[view] = lambda facts, _view=view: advisor.advise(facts, view=_view)
    return found


def passes(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Seconds of each contender's pass over the people, the contenders in turn, round after round."""
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for number in range(rounds):
        shift = number % len(names)  # a different engine goes first each round
        for name in names[shift:] + names[:shift]:
            seconds[name].append(contenders[name]())
    return seconds


def timed(function: Callable, crowd: list) -> Callable[[], float]:
    def one_pass() -> float:
        started = time.perf_counter()
        for item in crowd:
            function(item)
        return time.perf_counter() - started

    return one_pass


def timed_batch(function: Callable, crowd: list) -> Callable[[], float]:
    def one_pass() -> float:
        started = time.perf_counter()
        function(crowd)
        return time.perf_counter() - started

    return one_pass


# ------------------------------------------------------------------ the run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000, help="generated people (default 2,000)")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds of timing (default 9)")
    parser.add_argument("--quick", action="store_true", help="3 rounds over the first 500 people, and shorter runs")
    parser.add_argument("--cold-runs", type=int, default=15, help="interleaved runs of each cold start (at least 11)")
    parser.add_argument("--batch-people", type=int, default=20_000, help="people in the batch-scaling runs")
    args = parser.parse_args()
    if args.people < 1 or args.rounds < 1:
        parser.error("--people and --rounds must be at least 1")
    if args.cold_runs < 11 or args.batch_people < 1000:
        parser.error("--cold-runs must be at least 11 and --batch-people at least 1,000")
    try:
        import zen  # noqa: F401
    except ImportError:
        print("bench/peers.py needs zen-engine: pip install -e '.[bench]'", file=sys.stderr)
        return 2

    print(f"machine: {machine()}; load average {load()} at the start")
    print()
    targets = coldstart.run(runs=11 if args.quick else args.cold_runs)
    print()
    found = versions()
    unavailable = node_unavailable()
    durable, python = Advisor(engine="durable"), Advisor(engine="python")
    default = Advisor().engine
    ruleset = durable.ruleset
    print(
        f"peers: zen-engine {found.get('zen-engine')} (Python binding); json-rules-engine "
        + (
            f"{found.get('json-rules-engine')} on Node {found.get('Node')}"
            if not unavailable
            else f"skipped: {unavailable}"
        )
    )
    trees = signal_trees(ruleset)
    model, rules = zen_model(ruleset), jre_model(ruleset)
    print(
        f"rules: ruleset {ruleset.name} {ruleset.version}, {len(ruleset.rules)} rules, {len(trees)} signals; "
        f"ZEN graph of {len(signal_levels(trees))} expression nodes (signals by level) and a "
        f"{len(model['nodes'][-2]['content']['rules'])}-row decision table (collect); json-rules-engine: "
        f'{len(rules["rules"])} rules ({len(trees)} of them for "signal is false"), signals chained by priority'
    )

    derived_facts = promorules_internals()[0]
    raw = list(people(args.people, seed=16))
    derived = [json_ready(derived_facts(person)) for person in raw]
    with tempfile.TemporaryDirectory() as folder:
        node = None if unavailable else Node(rules, derived, Path(folder))
        try:
            answers, differ = agreement(ruleset, raw, derived, {"durable": durable, "python": python}, node)
            firings = sum(len(s) for s in answers["promorules durable"])
            print(
                f"agreement: the rules that fire (condition true, before hold-backs; signal-deriving rules included)"
                f" for {len(raw):,} people, by {', '.join(answers)}: "
                + (f"{len(differ)} DISAGREEMENTS" if differ else f"all agree ({firings:,} firings)")
            )
            if differ:
                for line in differ[:5]:
                    print(f"    {line}")
                return 1
            timing = 500 if args.quick else len(raw)
            targets += report(
                durable, python, default, raw[:timing], derived[:timing], node, rounds=3 if args.quick else args.rounds
            )
        except RuntimeError as failure:  # a peer refused its model or ended: said in a line, not a traceback
            print(f"bench/peers.py: {failure}", file=sys.stderr)
            return 1
        finally:
            if node is not None:
                node.close()
    print()
    try:
        targets += scaling.run(5_000 if args.quick else args.batch_people, rounds=1 if args.quick else 2)
    except RuntimeError as failure:
        print(f"bench/peers.py: {failure}", file=sys.stderr)
        return 1
    print("\ntargets (met or MISSED; rates: promorules' over the peer's, times: promorules' over the floor's):")
    for target in targets:
        print(target.line())
    print(f"load average {load()} at the end")
    return 0


def report(
    durable: Advisor,
    python: Advisor,
    default: str,
    raw: list[dict],
    derived: list[dict],
    node: Optional[Node],
    rounds: int,
) -> list[Target]:
    """Print each contender's rate; return the targets against the peers (each the median of the rounds' ratios)."""
    zen = Zen(zen_model(durable.ruleset))
    contenders: dict[str, Callable[[], float]] = {}
    missing: dict[str, str] = {}
    for engine, advisor in (("durable", durable), ("python", python)):
        for view, advise in views(advisor, raw[0]).items():
            name = f"promorules {view}, {engine}"
            if isinstance(advise, str):
                missing[name] = advise
            else:
                contenders[name] = timed(advise, raw)
    contenders["zen evaluate"] = timed(zen.decision.evaluate, derived)
    contenders["zen evaluate_batch"] = timed_batch(zen.fired_batch, derived)
    if node is not None:
        # its pass is over every person it holds: scaled to the seconds of a pass over the people timed here
        contenders["json-rules-engine"] = lambda: node.ask("time") * len(raw) / node.count
    seconds = passes(contenders, rounds)
    rate = {name: len(raw) / statistics.median(values) for name, values in seconds.items()}

    print(
        f"\nrates: {len(raw):,} people a pass, median of {rounds} interleaved rounds, wall clock "
        f"(default engine here: {default})"
    )
    for name in [*contenders, *missing]:
        if name in rate:
            spread = f"{len(raw) / max(seconds[name]):,.0f}-{len(raw) / min(seconds[name]):,.0f}"
            print(f"    {name:32s} {rate[name]:8,.0f}/s  (rounds {spread})")
        else:
            print(f"    {name:32s}   {missing[name]}")

    def target(label: str, ours: str, theirs: str, at_least: float) -> Target:
        mine, peer = f"promorules {ours}, {default}", theirs
        if peer not in rate:
            return Target(label, None, at_least, why=f"{peer} skipped")
        if mine not in rate:
            return Target(label, None, at_least, why=f"the {ours} view is not built yet")
        # paired by round: both passes of a round ran under the same load
        ratio = statistics.median(theirs / ours for ours, theirs in zip(seconds[mine], seconds[peer]))
        return Target(label, ratio, at_least, detail=f"ratio of the median rates {rate[mine] / rate[peer]:.2f}x")

    return [
        target("summary view >= 2x zen evaluate", "summary", "zen evaluate", 2),
        target("summary view >= 1x zen evaluate_batch", "summary", "zen evaluate_batch", 1),
        target("full view >= 1x zen evaluate", "full", "zen evaluate", 1),
        target("full view >= 3x json-rules-engine", "full", "json-rules-engine", 3),
    ]


if __name__ == "__main__":
    sys.exit(main())
