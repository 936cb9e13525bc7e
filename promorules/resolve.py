"""From what matched to the advice: hold-backs, the stage, order, reasons and missing facts.

durable-rules only says which rules hold. Everything that needs negation or
ordering happens here, in plain Python, on a deterministic key: priority,
then rule id.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Optional

from . import advice as out
from . import conditions as c
from .derive import FACTS, input_description
from .evaluator import Match, PythonMatcher
from .ruleset import Rule, Ruleset, Template


def build_advice(ruleset: Ruleset, facts: dict, match: Match, evaluator: PythonMatcher) -> out.Advice:
    fired = match.fired
    signals = match.signals
    holders: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        if rule.id in fired and rule.hold_back:
            for target in ruleset.held_back_by(rule):
                if target in fired:
                    holders.setdefault(target, []).append(rule.id)
    stage, stage_rules = _stage(ruleset, signals)
    current = stage.name if stage else None

    def order(rule: Rule):
        """Advice for the person's stage (or for every stage) first, then by priority and id."""
        return (bool(rule.stages) and current not in rule.stages, rule.priority, rule.id)

    shown = sorted((r for r in ruleset.rules if r.id in fired and r.recommend), key=order)
    active = [r for r in shown if r.id not in holders]
    recommendations = [
        _recommendation(rank, rule, ruleset, facts, signals, holders) for rank, rule in enumerate(active, start=1)
    ]
    held = [out.HeldBack(rule_id=r.id, title=r.title, held_back_by=sorted(holders[r.id])) for r in shown if r.id in holders]
    missing = _missing(ruleset, facts, signals, fired, evaluator, stage_rules)
    return out.Advice(
        ruleset=out.RulesetInfo(name=ruleset.name, version=ruleset.version),
        as_of=facts["as_of"],
        stage=stage,
        recommendations=recommendations,
        held_back=held,
        missing_facts=missing,
        signals=_signals(ruleset, signals, fired),
    )


def _signals(ruleset: Ruleset, signals: dict, fired: frozenset) -> list[out.Signal]:
    derivers: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        if rule.derive:
            derivers.setdefault(rule.derive, [])
            if rule.id in fired:
                derivers[rule.derive].append(rule.id)
    return [
        out.Signal(name=name, value=signals.get(name), derived_by=sorted(derivers[name])) for name in sorted(derivers)
    ]


def _recommendation(rank: int, rule: Rule, ruleset: Ruleset, facts: dict, signals: dict, holders: dict):
    when = rule.date.apply(facts) if rule.date else None
    return out.Recommendation(
        rank=rank,
        rule_id=rule.id,
        category=rule.category,
        priority=rule.priority,
        title=rule.title,
        text=fill(rule.recommend, facts, ruleset, when),
        why=[_reason(atom, facts, signals) for atom in c.deciding_atoms(rule.condition, facts, signals)],
        sources=[
            out.Citation(
                source=cite.source,
                file=ruleset.sources[cite.source].file,
                title=ruleset.sources[cite.source].title,
                section=cite.section,
            )
            for cite in rule.sources
        ],
        date=when,
        date_label=rule.date_label if when else None,
        holds_back=sorted(target for target, by in holders.items() if rule.id in by),
    )


def _reason(atom: c.Atom, facts: dict, signals: dict) -> out.Reason:
    value = signals.get(atom.name) if atom.signal else facts.get(atom.name)
    return out.Reason(
        condition=atom.text(),
        fact=atom.name,
        value=value,
        threshold=atom.threshold,
        threshold_value=atom.value if atom.threshold else None,
        holds=c.evaluate(atom, facts, signals) is True,
    )


def _stage(ruleset: Ruleset, signals: dict) -> tuple[Optional[out.Stage], list[str]]:
    """The first stage whose signal holds; also the rules of earlier stages left undecided."""
    undecided: list[str] = []
    for stage in ruleset.stages:
        value = signals.get(stage.signal) if stage.signal else True
        if value is True:
            return out.Stage(name=stage.name, title=stage.title, description=stage.description), undecided
        if value is None:
            undecided += [r.id for r in ruleset.rules if r.derive == stage.signal]
    return None, undecided


def _missing(ruleset, facts, signals, fired, evaluator: PythonMatcher, stage_rules: list[str]):
    needed: dict[str, set[str]] = {}
    descriptions: dict[str, str] = {}
    memo: dict[str, set[str]] = {}
    for rule in ruleset.rules:
        deciding = rule.recommend is not None or rule.hold_back or rule.id in stage_rules
        if not deciding or rule.id in fired:
            continue
        for name in evaluator.undecided_inputs(rule, facts, signals, memo):
            for path in FACTS[name].inputs:
                needed.setdefault(path, set()).add(rule.id)
                descriptions.setdefault(path, input_description(path) or FACTS[name].description)
    ordered = sorted(needed, key=lambda path: (-len(needed[path]), path))
    return [out.MissingFact(fact=p, description=descriptions[p], rules=sorted(needed[p])) for p in ordered]


def fill(template: Template, facts: dict, ruleset: Ruleset, when: Optional[date] = None) -> str:
    """Fill a template with facts and thresholds; nothing else can be reached from a template."""
    pieces = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(part)
        elif part[0] == "threshold":
            pieces.append(show(ruleset.thresholds[part[1]].value))
        elif part[0] == "date":
            pieces.append(show(when))
        else:
            pieces.append(show(facts.get(part[1])))
    return "".join(pieces)


def show(value: Any) -> str:
    """A fact's value as a person reads it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("_", " ")
    return str(value)
