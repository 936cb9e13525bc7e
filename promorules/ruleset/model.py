"""A loaded, checked ruleset: what every other part of promorules works from.

These are plain frozen records. `loader.load_ruleset` builds them from the
YAML a coach edits, after every name, type and reference has been checked,
so nothing downstream needs to re-validate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta
from typing import Any, Optional, Union

from .conditions import Condition
from ..facts.declared import DeclaredFact, declared_scope, facts_model
from ..facts.model import Facts
from ..dates import add_months
from ..errors import Location

ThresholdValue = Union[int, float, str]


@dataclass(frozen=True)
class Source:
    """A document the rules draw on: how a reader finds it, and the file a coach keeps it in, if any."""

    id: str
    file: Optional[str]
    title: str
    author: Optional[str] = None
    publisher: Optional[str] = None
    published: Optional[str] = None
    link: Optional[str] = None


@dataclass(frozen=True)
class Citation:
    source: str  # a Source id from the manifest
    section: str


@dataclass(frozen=True)
class Threshold:
    name: str
    value: ThresholdValue
    unit: str
    meaning: str
    choices: tuple[str, ...] = ()
    origin: str = ""
    location: Location = Location("")
    at_most: str = ""  # a threshold this one must not exceed (min_sponsors at most target_sponsors)


@dataclass(frozen=True)
class Template:
    """Text with ``{name}`` placeholders for facts and thresholds, nothing else."""

    parts: tuple  # str for literal text, ("fact"|"threshold"|"date", name[, (word for 1, word for more)])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(part[1] for part in self.parts if isinstance(part, tuple))

    def written(self, mark: str = "") -> str:
        """The text with each placeholder shown as ``{name}`` between ``mark``s; a counted placeholder
        ({months_in_role|month|months}) is followed by its word as for any number: "{months_in_role} months"."""
        return "".join(
            part
            if isinstance(part, str)
            else f"{mark}{{{part[1]}}}{mark}" + (f" {part[2][1]}" if len(part) > 2 else "")
            for part in self.parts
        )


@dataclass(frozen=True)
class DateExpr:
    """``<date fact> [+/- N days|weeks|months]``, N a number or a threshold."""

    fact: str
    amount: int = 0
    unit: str = "days"
    threshold: Optional[str] = None

    def apply(self, facts: dict) -> Optional[date]:
        start = facts.get(self.fact)
        if start is None:
            return None
        if self.unit == "months":
            return add_months(start, self.amount)
        days = self.amount * (7 if self.unit == "weeks" else 1)
        return start + timedelta(days=days)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    priority: int
    title: str
    condition: Condition
    recommend: Optional[Template] = None
    derive: Optional[str] = None
    hold_back: tuple[str, ...] = ()  # rule ids and tags, as written
    tags: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()  # the stages this advice belongs to; empty: every stage
    date: Optional[DateExpr] = None
    date_label: str = ""
    rationale: str = ""
    sources: tuple[Citation, ...] = ()
    location: Location = Location("")


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    signal: Optional[str]  # None: the stage when no other applies
    description: str = ""


GATE = "gate"  # in a pair: any rule whose hold_back names the ask-now advice (a reason to wait)
MOMENT_TAG = "of-the-moment"  # the tag a rule file can give advice that answers what is happening now


@dataclass(frozen=True)
class Pair:
    """Two kinds of advice that must not be shown side by side, or that need a word on how they fit.

    ``first`` and ``second`` name rule ids, tags, or ``gate``. With ``yields`` (one of the two sides), the
    rules of that side are held back while a rule of the other side is shown, and ``reason`` says why.
    With ``fit`` and no ``yields``, both may be shown and ``fit`` says how they go together.
    """

    first: tuple[str, ...]
    second: tuple[str, ...]
    reason: str = ""
    yields: str = ""  # "first", "second", or "" for a pair that fits together
    fit: str = ""
    location: Location = Location("")


@dataclass(frozen=True)
class Ruleset:
    name: str
    version: str
    description: str
    sources: dict = field(default_factory=dict)  # id -> Source
    thresholds: dict = field(default_factory=dict)  # name -> Threshold
    categories: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()
    rules: tuple[Rule, ...] = ()
    path: str = ""
    settings: dict = field(default_factory=dict)  # thresholds set when loading, beyond the files: name -> value
    pairs: tuple[Pair, ...] = ()  # advice that contradicts, or needs a word on how it fits (ruleset.yaml pairs:)
    of_the_moment: tuple[str, ...] = ()  # advice without stages: that ranks with the stage's own (ids, tags, gate)
    facts: tuple[DeclaredFact, ...] = ()  # facts the ruleset declares beside promorules' own (ruleset.yaml facts:)

    @property
    def facts_model(self) -> type[Facts]:
        """The facts a person gives for this ruleset: `Facts` with the ruleset's declared facts in it."""
        return facts_model(self.facts)

    def facts_scope(self) -> Any:
        """A block in which the rules' facts (`FACTS`) include the ruleset's declared ones."""
        return declared_scope(self.facts)

    @property
    def signals(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.derive for rule in self.rules if rule.derive))

    def rule(self, rule_id: str) -> Rule:
        rule = self._by_id.get(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return rule

    def held_back_by(self, rule: Rule) -> tuple[str, ...]:
        """The ids of the rules that ``rule``'s hold-back names (directly or by tag)."""
        return self._held_back[rule.id]

    def holders_of(self, rule: Rule) -> list[str]:
        """The ids of the rules whose hold-back names ``rule`` (the other way round from `held_back_by`)."""
        return list(self._holders.get(rule.id, ()))

    def is_gate(self, rule: Rule) -> bool:
        """A rule that holds back the ask-now advice: it says to wait, whatever else applies."""
        return "ask-now" in self._held_tags.get(rule.id, ())

    def of_the_moment_rule(self, rule: Rule) -> bool:
        """Advice without ``stages:`` that answers what is happening now (a freeze, a reason given), not a habit."""
        return rule.id in self._moment

    @cached_property
    def _moment(self) -> frozenset[str]:
        return self.named(self.of_the_moment + (GATE, MOMENT_TAG))

    def named(self, names: tuple[str, ...]) -> frozenset[str]:
        """The ids of the rules that ``names`` (rule ids, tags, or ``gate``) stand for."""
        found: set[str] = set()
        for name in names:
            found.update(
                r.id for r in self.rules if r.id == name or name in r.tags or (name == GATE and self.is_gate(r))
            )
        return frozenset(found)

    # Worked out once per ruleset: the nearest misses ask these for every rule, person after person.

    @cached_property
    def _held_tags(self) -> dict[str, tuple[str, ...]]:
        return {rule.id: rule.hold_back for rule in self.rules if rule.hold_back}

    @cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @cached_property
    def _held_back(self) -> dict[str, tuple[str, ...]]:
        held = {}
        for rule in self.rules:
            names = set(rule.hold_back)
            held[rule.id] = tuple(
                r.id for r in self.rules if r.id != rule.id and (r.id in names or names & set(r.tags))
            )
        return held

    @cached_property
    def _holders(self) -> dict[str, tuple[str, ...]]:
        holders: dict[str, list[str]] = {}
        for rule in self.rules:  # in ruleset order, so each list is too
            for target in self._held_back[rule.id]:
                holders.setdefault(target, []).append(rule.id)
        return {target: tuple(ids) for target, ids in holders.items()}
