"""From what matched to the advice: hold-backs, the stage, order, reasons and missing facts.

durable-rules only says which rules hold. Everything that needs negation or
ordering happens here, in plain Python, on a deterministic key: priority,
then rule id.
"""

from __future__ import annotations

import heapq
import math
from datetime import date, timedelta
from typing import Any, Callable, Optional, Sequence

from . import model as out
from ..dates import add_months
from ..ruleset import conditions as c
from ..engine.codegen import compile_undecided
from ..facts.derive import FACTS, derive_some, fact_in_words, input_description, is_input
from ..engine.base import Match
from ..facts.model import Facts
from ..facts.questions import AFTER_A_REFUSAL_CATEGORIES, AFTER_A_REFUSAL_STAGES, BASICS, PAST_THE_ASK_STAGES
from ..ruleset.model import Rule, Ruleset
from ..text import fill

FITS = ("wait", "stage", "every_stage", "other_stage")  # the order of the advice: see Resolver._order
MAX_REMEMBERED_REASONS = 50_000
# Recommendations are larger records (about 2 KB with their key) and vary more: a thousand keep most
# repeats (5,000 generated people have about 1,650 distinct ones; 4,096 were no faster) and hold about
# 2 MiB, where 50,000 would let a long batch worker grow by tens of MiB before its memory levels off.
MAX_REMEMBERED_RECOMMENDATIONS = 1_024


class Resolver:
    """Turns what matched into advice. What depends only on the ruleset is worked out once, here.

    Safe to share between threads: what comes from the ruleset never changes after construction, and
    the records shared between advices (see `_remember`) are only ever added, each in one assignment.
    """

    def __init__(self, ruleset: Ruleset):
        self.ruleset = ruleset
        rules = ruleset.rules
        self._holding = [(rule.id, ruleset.held_back_by(rule)) for rule in rules if rule.hold_back]
        self._recommending = [rule for rule in rules if rule.recommend]
        self._gates = frozenset(rule.id for rule in rules if ruleset.is_gate(rule))
        self._moment = frozenset(rule.id for rule in rules if ruleset.of_the_moment_rule(rule))
        # The facts each reason to wait compares: all its dates are searched on (see `_earliest`).
        self._reads = {rule.id: tuple(sorted(_fact_names(rule.condition))) for rule in rules if rule.id in self._gates}
        # Declared pairs (ruleset.yaml pairs:): (winners, losers, reason) and (one side, other side, how they fit).
        self._yielding = [
            (ruleset.named(p.second), ruleset.named(p.first), p.reason)
            if p.yields == "first"
            else (ruleset.named(p.first), ruleset.named(p.second), p.reason)
            for p in ruleset.pairs
            if p.yields
        ]
        self._fitting = [
            (ruleset.named(p.first), ruleset.named(p.second), p.fit) for p in ruleset.pairs if not p.yields
        ]
        self._normal = {rule.id: c.nnf(rule.condition) for rule in self._recommending}
        # A condition without "any" is explained by all of its comparisons, whatever the facts.
        self._always = {rule_id: tuple(c.atoms(node)) for rule_id, node in self._normal.items() if not _has_any(node)}
        # What each condition compares: (name, is a signal), each once, in a fixed order.
        self._compared = {
            rule_id: tuple(dict.fromkeys((atom.name, atom.signal) for atom in c.atoms(node)))
            for rule_id, node in self._normal.items()
        }
        self._reasons: dict[tuple, out.Reason] = {}  # (comparison, value) -> its Reason, which only holds scalars
        self._records: dict[tuple, Any] = {}  # signal states and missing facts, shared between advices
        self._bits: dict[int, tuple[int, ...]] = {}  # mask -> its bits; the same masks come back person after person
        self._recommendations: dict[tuple, out.Recommendation] = {}  # see `_recommendation`
        self.view_records: dict[tuple, Any] = {}  # the compact views' items, shared (see `views.from_parts`)
        # Records made only of strings are immutable, so one instance serves every advice
        # (validation takes a record of the right class as it is).
        self._static: dict[str, dict[str, Any]] = {
            rule.id: {
                "rule_id": rule.id,
                "category": rule.category,
                "priority": rule.priority,
                "title": rule.title,
                "sources": tuple(
                    out.Citation(
                        source=cite.source,
                        title=ruleset.sources[cite.source].title,
                        author=ruleset.sources[cite.source].author,
                        publisher=ruleset.sources[cite.source].publisher,
                        published=ruleset.sources[cite.source].published,
                        link=ruleset.sources[cite.source].link,
                        section=cite.section,
                    )
                    for cite in rule.sources
                ),
            }
            for rule in self._recommending
        }
        # Most texts name no fact and no date: those are filled once, here.
        self._fixed_texts = {
            rule.id: fill(template, {}, ruleset)
            for rule in self._recommending
            if (template := rule.recommend) is not None
            and all(isinstance(part, str) or part[0] == "threshold" for part in template.parts)
        }
        self._stages = [
            (
                stage.signal,
                out.Stage(name=stage.name, title=stage.title, description=stage.description),
                [r.id for r in rules if r.derive == stage.signal],
            )
            for stage in ruleset.stages
        ]
        derivers: dict[str, list[str]] = {}
        for rule in rules:
            if rule.derive:
                derivers.setdefault(rule.derive, []).append(rule.id)
        self._derivers = [(name, tuple(sorted(ids))) for name, ids in sorted(derivers.items())]
        names = sorted({name for rule in rules for name in _fact_names(rule.condition)})
        stage_signals = {stage.signal for stage in ruleset.stages if stage.signal}
        self._stage_rules = frozenset(r.id for r in rules if r.derive in stage_signals)
        self._undecided = compile_undecided(
            ruleset,
            lambda name: FACTS[name].inputs,
            lambda rule: rule.recommend is not None or bool(rule.hold_back) or rule.id in self._stage_rules,
        )
        signal_bits = {name: i for i, name in enumerate(self._undecided.signals)}
        # Questions in a coach's order (questions.BASICS first), and none that only advice after a
        # refusal waits on for someone never refused: the bits of that advice, and each basic's rank.
        refusal_signals = {s.signal for s in ruleset.stages if s.name in AFTER_A_REFUSAL_STAGES and s.signal}
        by_id = {rule.id: rule for rule in rules}
        self._after_a_refusal = sum(
            1 << i
            for i, rule_id in enumerate(self._undecided.rules)
            if by_id[rule_id].category in AFTER_A_REFUSAL_CATEGORIES
            or (by_id[rule_id].stages and set(by_id[rule_id].stages) <= AFTER_A_REFUSAL_STAGES)
            or by_id[rule_id].derive in refusal_signals
        )
        self._basic_rank = {bit: BASICS.index(path) for bit, path in enumerate(self._undecided.paths) if path in BASICS}
        # Questions fit the person's moment: a rule counts toward a question only when it could be shown in
        # the person's stage (no stages:, or the stage listed) and is not held back; the stage rules count
        # everywhere. Among the rest, what decides the stage or a reason to wait is asked before details.
        bit_of = {rule_id: 1 << i for i, rule_id in enumerate(self._undecided.rules)}
        self._deciding = sum(bit for rule_id, bit in bit_of.items() if rule_id in self._stage_rules | self._gates)
        self._stage_fit = {
            stage.name: sum(
                bit
                for rule_id, bit in bit_of.items()
                if not by_id[rule_id].stages or stage.name in by_id[rule_id].stages or rule_id in self._stage_rules
            )
            for stage in ruleset.stages
        }
        self._stage_of_rule = {
            rule.id: stage.name
            for stage in ruleset.stages
            for rule in rules
            if stage.signal and rule.derive == stage.signal
        }
        # "The criteria given" is a question about the latest request: not listed while there is none.
        self._item_of = {
            bit: path.split("[-1].", 1)[0] for bit, path in enumerate(self._undecided.paths) if "[-1]." in path
        }
        self._held_by = {holder: sum(bit_of.get(target, 0) for target in targets) for holder, targets in self._holding}
        self._deriver_indexes: dict[int, tuple[int, ...]] = {}  # signal's bit -> indexes of its rules
        for index, rule in enumerate(rules):
            if rule.derive:
                bit = signal_bits[rule.derive]
                self._deriver_indexes[bit] = self._deriver_indexes.get(bit, ()) + (index,)
        # A path reported because a fact computed from several inputs is unknown may have been given:
        # those paths are checked against the person's facts before they are listed as missing.
        computed_inputs = {path for name in names if not is_input(name) for path in FACTS[name].inputs}
        self._given = {
            bit: _given_check(path) for bit, path in enumerate(self._undecided.paths) if path in computed_inputs
        }
        self._descriptions: dict[str, str] = {}
        for name in names:  # a path without a description of its own takes its first fact's
            for path in FACTS[name].inputs:
                self._descriptions.setdefault(path, input_description(path) or FACTS[name].description)
        self._info = out.RulesetInfo(name=ruleset.name, version=ruleset.version, settings=ruleset.settings)
        # A signal reads as its rule's title ("the current role is rock-solid"), a fact as its label
        # ("a freeze or money trouble"): never as a name.
        self._labels = {rule.derive: rule.title[:1].lower() + rule.title[1:] for rule in rules if rule.derive}

    def advice(self, facts: dict, match: Match, person: Optional[Facts] = None) -> out.Advice:
        """The advice from the derived ``facts`` and what matched.

        ``person`` is the input the facts were derived from: with it, a path the
        person gave is never listed as missing (without it, nothing is known given).
        """
        fired = match.fired
        signals = match.signals
        stage, stage_rules, shown, active, holders, reasons = self._ranked(match)
        current = stage.name if stage else None
        recommendations = [
            self._recommendation(rank, rule, facts, signals, holders, current, person)
            for rank, rule in enumerate(active, start=1)
        ]
        recommendations = self._fit_notes(recommendations)
        held = [
            {
                "rule_id": r.id,
                "title": r.title,
                "held_back_by": sorted(holders[r.id]),
                "reason": reasons.get(r.id) or self._pair_reason(r.id, holders[r.id]),
            }
            for r in shown
            if r.id in holders
        ]
        return out.Advice.model_validate(
            {
                "ruleset": self._info,
                "as_of": facts["as_of"],
                "stage": stage,
                "recommendations": recommendations,
                "held_back": held,
                "missing_facts": self._missing(facts, signals, fired, stage_rules, person, current),
                "signals": [self._signal(name, signals.get(name), ids, fired) for name, ids in self._derivers],
            }
        )

    def _ranked(self, match: Match) -> tuple:
        """What every view shares: the stage, the rules shown in order, those active, and the hold-backs."""
        fired = match.fired
        holders: dict[str, list[str]] = {}
        for rule_id, targets in self._holding:
            if rule_id in fired:
                for target in targets:
                    if target in fired:
                        holders.setdefault(target, []).append(rule_id)
        stage, stage_rules = self._stage(match.signals)
        current = stage.name if stage else None
        shown = sorted((r for r in self._recommending if r.id in fired), key=lambda rule: self._order(rule, current))
        active = [r for r in shown if r.id not in holders]
        active, reasons = self._yield_pairs(active, holders)
        return stage, stage_rules, shown, active, holders, reasons

    def brief(
        self,
        facts: dict,
        match: Match,
        person: Optional[Facts],
        missing: int,
        detailed: Callable[[list[str]], int],
        texts: bool = True,
    ) -> dict[str, Any]:
        """The parts of the advice a compact view shows, without the costly rest (reasons, missing-fact records).

        Recommendations come as (rank, rule id, title, text, date, date label, fit), in the advice's order,
        with the advice's texts and dates for the first ``detailed(fits)`` of them (None for the rest,
        whose dates may cost a search each; their count is ``in_full``); ``texts`` False leaves every text None.
        ``missing`` names the first so many missing facts (0: none worked out).
        """
        stage, stage_rules, shown, active, holders, _ = self._ranked(match)
        current = stage.name if stage else None
        fits = [self._fit(rule, current) for rule in active]
        count = detailed(fits)
        recommendations = []
        for rank, (rule, fit) in enumerate(zip(active, fits), start=1):
            when = text = None
            if rank <= count:
                when = self._date(rule, facts, match.signals, person)
                assert rule.recommend is not None  # only recommending rules are shown
                if texts:
                    text = self._fixed_texts.get(rule.id) or fill(rule.recommend, facts, self.ruleset, when)
            recommendations.append((rank, rule.id, rule.title, text, when, rule.date_label if when else None, fit))
        paths = self._undecided.paths
        needed = (
            self._missing_order(facts, match.signals, match.fired, stage_rules, person, missing, current)
            if missing
            else []
        )
        return {
            "ruleset": self._info,
            "as_of": facts["as_of"],
            "stage": stage,
            "recommendations": recommendations,
            "in_full": count,
            "held_back": [r.id for r in shown if r.id in holders],
            "missing_facts": [paths[path] for path, _ in needed],
        }

    def _fit(self, rule: Rule, current: Optional[str]) -> str:
        """Where the rule belongs today: a reason to wait, the stage's own advice, a habit, or another stage's."""
        if rule.stages and current not in rule.stages:
            return "other_stage"
        if rule.id in self._gates:
            return "wait"
        return "stage" if rule.stages or rule.id in self._moment else "every_stage"

    def _order(self, rule: Rule, current: Optional[str]) -> tuple:
        """The stage's own advice and the reasons to wait first, then habits for every stage, then other stages'.

        A rule without ``stages:`` fits every stage, which makes it right for none in particular: keeping
        a log or building relationships never outranks what this moment calls for. Reasons to wait, and
        advice the ruleset names ``of_the_moment`` (a freeze, a reason given), rank with the stage's own.
        Within each group the rule's priority decides, then its id.
        """
        fit = self._fit(rule, current)
        return (0 if fit in ("wait", "stage") else FITS.index(fit), rule.priority, rule.id)

    def _yield_pairs(self, active: list[Rule], holders: dict) -> tuple[list[Rule], dict[str, str]]:
        """Hold back the side of each declared pair that yields while the other side is shown (ruleset.yaml pairs:).

        ``holders`` gains each rule held back, under the rules it yields to; the reasons come back by rule id.
        """
        reasons: dict[str, str] = {}
        for winners, losers, reason in self._yielding:
            ids = {r.id for r in active}
            shown_winners = sorted((ids & winners) - losers)
            beaten = (ids & losers) - winners
            if not shown_winners or not beaten:
                continue
            for rule_id in beaten:
                holders.setdefault(rule_id, []).extend(shown_winners)
                reasons.setdefault(rule_id, reason)
            active = [r for r in active if r.id not in beaten]
        return active, reasons

    def _pair_reason(self, rule_id: str, by: list[str]) -> Optional[str]:
        """The reason of a declared pair that a hold-back already keeps apart, so the person reads it too."""
        for winners, losers, reason in self._yielding:
            if rule_id in losers and winners.intersection(by):
                return reason
        return None

    def _fit_notes(self, recommendations: list[out.Recommendation]) -> list[out.Recommendation]:
        """Two pieces of advice that look at odds but go together: the later one says how (pairs: fit)."""
        if not self._fitting:
            return recommendations
        ids = {r.rule_id: r for r in recommendations}
        notes: dict[str, list[str]] = {}
        for first, second, text in self._fitting:
            a = sorted(ids.keys() & first)
            b = sorted(ids.keys() & second)
            if a and b:
                later = max(ids[a[0]], ids[b[0]], key=lambda r: r.rank)
                notes.setdefault(later.rule_id, []).append(text)
        return [r.model_copy(update={"notes": notes[r.rule_id]}) if r.rule_id in notes else r for r in recommendations]

    def _stage(self, signals: dict) -> tuple[Optional[out.Stage], set[str]]:
        """The first stage whose signal holds; also the rules of earlier stages left undecided."""
        undecided: set[str] = set()
        for signal, stage, derivers in self._stages:
            value = signals.get(signal) if signal else True
            if value is True:
                return stage, undecided
            if value is None:
                undecided.update(derivers)
        return None, undecided

    def _date(self, rule: Rule, facts: dict, signals: dict, person: Optional[Facts]) -> Optional[date]:
        """The date that goes with the advice; for a reason to wait, the first day it no longer holds."""
        when = rule.date.apply(facts) if rule.date else None
        if when is not None and rule.id in self._gates and person is not None and when >= facts["as_of"]:
            when = self._earliest(rule, person, signals, when)
        return when

    def _earliest(self, rule: Rule, person: Facts, signals: dict, day: date) -> date:
        """The date a reason to wait shows: the first day from its written date on which it no longer holds.

        A wait written as "setback + 60 days" still holds on that day when it lasts while "at most 60
        days" have passed; the person is told the day after. Signals keep today's values; the outlook
        (`outlook.earliest_day`) checks with signals too. A wait that time alone does not lift keeps its
        written date, a day to look again.
        """

        names = self._reads[rule.id]

        def holds(when: date) -> bool:
            return c.evaluate(rule.condition, derive_some(person, when, names), signals) is True

        if not holds(day) or holds(add_months(day, HORIZON_MONTHS)):
            return day  # gone on the written day, or never lifted by time alone (a stressed manager): two checks
        return first_day_free(holds, day) or day

    def _recommendation(
        self,
        rank: int,
        rule: Rule,
        facts: dict,
        signals: dict,
        holders: dict,
        current: Optional[str],
        person: Optional[Facts] = None,
    ) -> out.Recommendation:
        """The same rule at the same rank, with the same text, date, hold-backs and reasons, is one record.

        Most people share their recommendations with someone before them, so
        the record is looked up and validated only the first time.
        """
        when = self._date(rule, facts, signals, person)
        assert rule.recommend is not None  # only recommending rules are shown
        text = self._fixed_texts.get(rule.id) or fill(rule.recommend, facts, self.ruleset, when)
        holds_back = tuple(sorted(target for target, by in holders.items() if rule.id in by)) if holders else ()
        # The values of everything the condition compares decide which comparisons explain it.
        values = [signals.get(name) if signal else facts.get(name) for name, signal in self._compared[rule.id]]
        fit = self._fit(rule, current)
        key = (rule.id, rank, text, when, holds_back, fit, tuple([_as_key(value) for value in values]))
        record = self._recommendations.get(key)
        if record is None:
            atoms: Sequence[c.Atom]
            atoms = self._always.get(rule.id) or c.deciding_atoms_of_normal(self._normal[rule.id], facts, signals)
            static = self._static[rule.id]
            record = out.Recommendation.model_validate(
                {
                    **static,
                    "sources": list(static["sources"]),
                    "rank": rank,
                    "text": text,
                    "why": [self._reason(atom, facts, signals) for atom in atoms],
                    "date": when,
                    "date_label": rule.date_label if when else None,
                    "holds_back": list(holds_back),
                    "waits": rule.id in self._gates,
                    "fit": fit,
                }
            )
            _remember(self._recommendations, MAX_REMEMBERED_RECOMMENDATIONS, key, record)
        return record

    def _reason(self, atom: c.Atom, facts: dict, signals: dict) -> out.Reason:
        """One comparison with the person's value; the same comparison and value give the same record."""
        value = signals.get(atom.name) if atom.signal else facts.get(atom.name)
        key = (id(atom), _as_key(value))
        reason = self._reasons.get(key)
        if reason is None:
            reason = out.Reason(
                condition=atom.text(),
                fact=atom.name,
                label=self._labels.get(atom.name, atom.name) if atom.signal else fact_in_words(atom.name),
                value=value,
                threshold=atom.threshold,
                threshold_value=atom.value if atom.threshold else None,
                holds=c.evaluate(atom, facts, signals) is True,
            )
            _remember(self._reasons, MAX_REMEMBERED_REASONS, key, reason)
        return reason

    def _missing(
        self,
        facts: dict,
        signals: dict,
        fired: frozenset,
        stage_rules: set[str],
        person: Optional[Facts],
        stage: Optional[str] = None,
    ) -> list[out.MissingFact]:
        """Input facts that would let undecided rules decide, the most rules first."""
        records = self._records
        return [
            records.get(("missing", path, rules)) or self._missing_fact(path, rules)
            for path, rules in self._missing_order(facts, signals, fired, stage_rules, person, None, stage)
        ]

    def _missing_order(
        self,
        facts: dict,
        signals: dict,
        fired: frozenset,
        stage_rules: set[str],
        person: Optional[Facts],
        limit: Optional[int] = None,
        stage: Optional[str] = None,
    ) -> list[tuple[int, int]]:
        """The missing facts as (path bit, rule bits), in the advice's order: what the person's moment hangs on.

        A question counts only the rules that could be shown in ``stage`` (or in an earlier stage whose
        rules ``stage_rules`` are still undecided) and are not held back by a rule that holds: after a
        promotion, nobody is asked how ready they are for the job just won. Questions some of those rules
        wait on come first: the basics (questions.BASICS, in a coach's order; before the ask, every missing
        basic), then those that decide the stage or a reason to wait, then by how many rules; the rest last.

        With ``limit``, only the first so many, and a path is checked against the person's facts (given or
        not) only until they are found.

        A rule is undecided by the facts it compares while they are unknown,
        and by the facts behind each unknown signal it tests (through the
        signal's own undecided rules). Sets of rules and paths are bit masks
        (see `codegen.Undecided`).
        """
        skip = fired | (self._stage_rules - stage_rules) if stage_rules else fired | self._stage_rules
        needed, through, undecided = self._undecided.run(facts, signals, skip)
        derivers = self._deriver_indexes
        expanded: dict[int, int] = {}

        def behind(signal: int) -> int:
            """The paths behind an unknown signal, through its undecided rules."""
            found = expanded.get(signal)
            if found is None:  # signals never depend on themselves: the loader refuses loops
                found = 0
                for index in derivers.get(signal, ()):
                    entry = undecided.get(index)
                    if entry is not None:
                        found |= entry[0]
                        for below in _bits(self._bits, entry[1]):
                            found |= behind(below)
                expanded[signal] = found
            return found

        for signal, rules in through.items():
            for path in _bits(self._bits, behind(signal)):
                needed[path] |= rules
        given = self._given if person is not None else {}
        if limit is None:
            # ``given`` is empty when there is no person; the checks of ``person`` only tell mypy so
            for path in [path for path in needed if path in given and person is not None and given[path](person)]:
                del needed[path]
        refused = (facts.get("denied_request_count") or 0) >= 1
        basics, last, deciding = self._basic_rank, len(BASICS), self._deciding
        after_a_refusal = 0 if refused else self._after_a_refusal  # advice that does not apply is not counted
        shown = self._stage_fit.get(stage, -1) if stage else -1  # -1: every bit set
        for rule_id in stage_rules:  # an earlier stage still undecided may yet be the person's: its rules count
            shown |= self._stage_fit.get(self._stage_of_rule.get(rule_id, ""), 0)
        for holder, held in self._held_by.items():
            if holder in fired:
                shown &= ~held
        basics_lead = stage not in PAST_THE_ASK_STAGES
        applies = ~after_a_refusal
        counting = shown & applies
        # A question about the latest request or setback only once the person has listed one.
        unlisted = (
            {path for path, listed in self._item_of.items() if not getattr(person, listed, None)}
            if person is not None
            else ()
        )
        ordered = []  # what this moment hangs on first: basics in a coach's order, the deciding, the most rules
        for path, rules in needed.items():
            others = rules & applies
            if not (refused or path in basics or others) or path in unlisted:
                continue
            counted = rules & counting
            if counted or (basics_lead and path in basics):
                rank = basics.get(path, last)
                ordered.append(
                    (0, rank, -(counted & deciding).bit_count(), -counted.bit_count(), -others.bit_count(), path, rules)
                )
            else:  # nothing counted: no rule of the moment waits on it
                ordered.append((1, last, 0, 0, -others.bit_count(), path, rules))
        if limit is None:
            ordered.sort()
            return [(path, rules) for *_, path, rules in ordered]
        # The first few of the order only: a heap gives them without sorting the rest (paths are unique,
        # so no two keys are equal and the order is the sort's).
        heapq.heapify(ordered)
        first: list[tuple[int, int]] = []
        while ordered and len(first) < limit:
            *_, path, rules = heapq.heappop(ordered)
            if path not in given or person is None or not given[path](person):
                first.append((path, rules))
        return first

    def _signal(self, name: str, value, ids: tuple[str, ...], fired: frozenset) -> out.Signal:
        """The same signal state is one record, shared by every advice that has it."""
        derived_by: tuple[str, ...]
        if len(ids) == 1:  # the usual case: one rule derives the signal
            derived_by = ids if ids[0] in fired else ()
        else:
            derived_by = tuple([i for i in ids if i in fired])
        key = (name, value, derived_by)
        record = self._records.get(key)
        if record is None:
            record = out.Signal(name=name, value=value, derived_by=list(derived_by))
            _remember(self._records, MAX_REMEMBERED_REASONS, key, record)
        return record

    def _missing_fact(self, path_bit: int, rules: int) -> out.MissingFact:
        key = ("missing", path_bit, rules)
        record = self._records.get(key)
        if record is None:
            path = self._undecided.paths[path_bit]
            ids = [self._undecided.rules[i] for i in _bits(self._bits, rules)]  # in rule id order
            record = out.MissingFact(fact=path, description=self._descriptions[path], rules=ids)
            _remember(self._records, MAX_REMEMBERED_REASONS, key, record)
        return record


HORIZON_MONTHS = 36  # how far ahead time alone is looked at to lift a reason to wait


def first_day_free(holds: Callable[[date], bool], start: date) -> Optional[date]:
    """The first day from ``start`` on which ``holds`` (a reason to wait, at that day) is false.

    The one meaning of "earliest day" in the advice: the date a wait shows, the header, the plan and
    "what would change" all name the first day the reason to wait is gone, never its last day. Found
    by steps of a month, then halving; None when time alone does not lift it within three years.
    """
    if not holds(start):
        return start
    previous = start
    for months in range(1, HORIZON_MONTHS + 1):
        day = add_months(start, months)
        if not holds(day):
            low, high = previous, day  # holds at low, gone at high
            while (high - low).days > 1:
                middle = low + timedelta(days=(high - low).days // 2)
                low, high = (middle, high) if holds(middle) else (low, middle)
            return high
        previous = day
    return None


def _remember(store: dict, limit: int, key: Any, record: Any) -> Any:
    """Keep ``record`` under ``key`` for the advices after this one; a full store starts afresh (bounded memory)."""
    if len(store) >= limit:
        store.clear()
    store[key] = record
    return record


def _as_key(value: Any) -> tuple:
    """A value as part of a record's key: values that compare equal but show differently stay apart.

    1, 1.0 and True are equal in Python, and so are 0.0 and -0.0, but the
    advice shows each as given; a record keyed by the bare value would show
    one person the value of someone advised before.
    """
    if type(value) is float:
        return (float, value, math.copysign(1.0, value))
    return (type(value), value)


def _given_check(path: str) -> Callable[[Facts], bool]:
    """Whether the person gave ``path`` (``org.x``, ``people``, ``promotion_requests[-1].x``).

    An empty list has no latest item, so there is nothing to ask about one:
    ``promotion_requests[-1].x`` counts as given when the list is given empty.
    """
    steps = path.replace("[-1]", ".[-1]").split(".")

    def given(person: Facts) -> bool:
        value: Any = person
        for step in steps:
            if step == "[-1]":
                if not value:
                    return True
                value = value[-1]
            else:
                value = getattr(value, step)
            if value is None:
                return False
        return True

    return given


def _bits(known: dict[int, tuple[int, ...]], mask: int) -> tuple[int, ...]:
    """The positions of the bits set in ``mask``, lowest first; ``known`` (the resolver's) keeps them, as the
    same masks come back person after person."""
    found = known.get(mask)
    if found is None:
        positions = []
        rest = mask
        while rest:
            low = rest & -rest
            positions.append(low.bit_length() - 1)
            rest ^= low
        found = _remember(known, MAX_REMEMBERED_REASONS, mask, tuple(positions))
    return found


def _has_any(node: c.Condition) -> bool:
    if isinstance(node, c.Atom):
        return False
    if isinstance(node, c.Not):
        return _has_any(node.item)
    return isinstance(node, c.AnyOf) or any(_has_any(item) for item in node.items)


def _fact_names(condition: c.Condition) -> set[str]:
    return {atom.name for atom in c.atoms(condition) if not atom.signal}
