"""One rule in plain language: when it applies, what it says, where it comes from.

With a person's facts, every comparison is marked with whether it held for
them and their actual value, so "why did I (not) get this advice?" has an
answer a person can check line by line.
"""

from __future__ import annotations

from typing import Any, Optional

from ..ruleset import conditions as c
from ..advisor import Advisor
from ..facts.derive import FACTS, derive, fact_in_words
from ..errors import InputError, Location, Problem, did_you_mean
from ..facts.model import Facts
from ..text import fill, show
from ..ruleset import model as rules
from ..ruleset.model import Rule, Ruleset
from ..text_safety import one_line, visible
from ..advice.model import Citation
from ..advice.render import citation_text
from ..advice.wording import atom_words, condition_lines, truth_mark


def find_rule(advisor: Advisor, rule_id: str) -> Rule:
    ids = [rule.id for rule in advisor.ruleset.rules]
    if rule_id not in ids:
        raise InputError([Problem(Location(rule_id), f"no rule with this id{did_you_mean(rule_id, ids)}")])
    return advisor.ruleset.rule(rule_id)


def explain(advisor: Advisor, rule_id: str, facts: Optional[Facts] = None) -> str:
    advisor = advisor.pinned()
    with advisor.ruleset.facts_scope():  # the ruleset's own facts are read, and named by their labels
        return _explained(advisor, rule_id, facts)


def _explained(advisor: Advisor, rule_id: str, facts: Optional[Facts]) -> str:
    ruleset = advisor.ruleset
    rule = find_rule(advisor, rule_id)
    lines = [f"{rule.title} ({rule.id})", ""]
    kind = f'derives the signal "{rule.derive}"' if rule.derive else "gives advice"
    lines.append(f"Category {rule.category}, priority {rule.priority}; it {kind}.")
    if rule.stages:
        lines.append(f"It belongs to the stages: {', '.join(rule.stages)}.")
    if rule.tags:
        lines.append(f"Tags: {', '.join(rule.tags)}.")
    lines.append("")

    derived: dict[str, Any] = {}  # both read only when there are facts
    signals: dict[str, Optional[bool]] = {}
    if facts is not None:
        derived = derive(facts)
        signals = advisor.evaluator.signals(derived)

    def for_you(atom: c.Atom) -> str:
        """The comparison marked with whether it holds, and the person's value."""
        value = signals.get(atom.name) if atom.signal else derived.get(atom.name)
        shown = "not known" if value is None else one_line(show(value))
        # The rule is written with fact names; the person reads the fact as the advice names it.
        label = "" if atom.signal else f"{fact_in_words(atom.name)}; "
        return f"{truth_mark(c.evaluate(atom, derived, signals))} {atom_words(atom)}  ({label}yours: {shown})"

    lines.append("It applies when:" if facts is None else "It applies when (for you):")
    lines += condition_lines(rule.condition, for_you if facts is not None else None, indent="  ")
    lines.append("")

    used = sorted(
        {atom.threshold for atom in c.atoms(rule.condition) if atom.threshold}
        | {name for name in (rule.recommend.names if rule.recommend else ()) if name in ruleset.thresholds}
    )
    if used:
        lines.append("Thresholds it uses:")
        for name in used:
            threshold = ruleset.thresholds[name]
            lines.append(f"  - {name} = {show(threshold.value)} {threshold.unit}: {threshold.meaning}")
        lines.append("")

    if rule.recommend is not None:
        if facts is None:
            text = rule.recommend.written()
            lines.append("What it says:")
        else:
            text = fill(rule.recommend, derived, ruleset, rule.date.apply(derived) if rule.date else None)
            lines.append("What it says (for you):")
        lines += [f"  {one_line(text.strip())}", ""]  # a filled-in value cannot forge a line of its own
    holds = ruleset.held_back_by(rule)
    if holds:
        lines += [f"When it applies it holds back: {', '.join(holds)}.", ""]
    holders = ruleset.holders_of(rule)
    if holders:
        lines += [f"It is held back while any of these applies: {', '.join(holders)}.", ""]
    if rule.rationale:
        lines += ["Why it is written this way:", f"  {rule.rationale.strip()}", ""]
    lines.append("Sources:")
    lines += [f"  - {citation_text(_citation(ruleset, cite))}" for cite in rule.sources]
    if facts is not None:
        lines += ["", _verdict(advisor, rule, facts, derived, signals)]
    return visible("\n".join(lines) + "\n")


def _citation(ruleset: Ruleset, cite: rules.Citation) -> Citation:
    """A rule's source as the advice cites it (title, author or publisher, section, link): the file it was read
    from is a coach's detail, shown by `ruleset doc` and lint, not to the person asking."""
    source = ruleset.sources[cite.source]
    return Citation(
        source=cite.source,
        title=source.title,
        author=source.author,
        publisher=source.publisher,
        published=source.published,
        link=source.link,
        section=cite.section,
    )


def _verdict(advisor: Advisor, rule: Rule, facts: Facts, derived: dict, signals: dict) -> str:
    truth = c.evaluate(rule.condition, derived, signals)
    if truth is False:
        return "For you: it does not apply."
    if truth is None:
        names = sorted(advisor.evaluator.undecided_inputs(rule, derived, signals))
        paths = sorted({path for name in names for path in FACTS[name].inputs})
        asked = ", ".join(paths) or ", ".join(fact_in_words(name, as_written=True) for name in names)
        return f"For you: cannot tell yet. Tell us: {asked}."
    if rule.derive:
        return f'For you: it applies, so "{rule.derive}" holds.'
    advice = advisor.advise(facts)
    for held in advice.held_back:
        if held.rule_id == rule.id:
            return f"For you: it applies, but it is held back by {', '.join(held.held_back_by)}."
    for rec in advice.recommendations:
        if rec.rule_id == rule.id:
            return f"For you: it applies; it is recommendation {rec.rank} of {len(advice.recommendations)}."
    return "For you: it applies."
