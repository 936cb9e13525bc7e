"""A ruleset as a Markdown handbook a coach can read, print and share.

Everything a coach needs to know about the guidance without reading YAML:
the stages, every rule by category with its conditions in plain English, what
it holds back, its advice text (placeholders shown), its sources, then the
thresholds and the sources. The same ruleset always gives the same bytes.
"""
from __future__ import annotations

from typing import Optional

from . import conditions as c
from .errors import Location
from .loader import LoadReport
from .resolve import show
from .ruleset import Rule, Ruleset
from .text_safety import cell, visible
from .derive import fact_label
from .wording import condition_lines, fact_words

SWITCH_WORDS = {"eq": "is", "ne": "is not", "in": "is one of", "notin": "is not one of"}
PLAIN_OPS = {"eq": "", "ne": "not ", "lt": "under ", "le": "at most ", "gt": "over ", "ge": "at least "}


def signal_labels(ruleset: Ruleset) -> dict[str, str]:
    """A signal in the words advice uses for it: the title of the rule deriving it, lower-cased at the start."""
    return {rule.derive: rule.title[:1].lower() + rule.title[1:] for rule in ruleset.rules if rule.derive}


def plain_words(atom: c.Atom, signals: dict[str, str], threshold_name: bool = True) -> str:
    """One comparison in the labels advice uses: 'months in the role: under 12 (min_months_in_role)'.

    ``threshold_name`` False leaves out the threshold's name, for a reader who never sees the settings.
    """
    label = signals.get(atom.name, fact_words(atom.name)) if atom.signal else fact_label(atom.name)
    if atom.op in ("known", "unknown"):
        return f"{label}: {'known' if atom.op == 'known' else 'not known'}"
    if isinstance(atom.value, bool) and atom.threshold is None and atom.op in ("eq", "ne"):
        return label if atom.value == (atom.op == "eq") else f"{label}: no"
    named = f" ({atom.threshold})" if atom.threshold and threshold_name else ""
    return f"{label}: {PLAIN_OPS[atom.op]}{show(atom.value)}{named}"


def handbook(report: LoadReport) -> str:
    """The Markdown handbook of a ruleset that loaded without problems."""
    ruleset = report.ruleset
    if ruleset is None:
        raise ValueError("the ruleset has problems; fix them first")
    lines = [f"# {ruleset.name} {ruleset.version}", "", _one_line(ruleset.description), ""]
    counts = f"{len(ruleset.rules)} rules in {len(ruleset.categories)} categories"
    lines += [f"{counts}, {len(ruleset.thresholds)} thresholds, {len(ruleset.sources)} sources.", ""]
    if report.disabled:
        lines += ["Disabled by a layer, so not in force: "
                  + ", ".join(f"`{rule_id}`" for rule_id in report.disabled) + ".", ""]
    lines += _stages(ruleset)
    lines += ["## Rules", "",
              "Advice for the person's stage (or for every stage) comes first; within it, lower priority first.", ""]
    for category in ruleset.categories:
        rules = sorted((r for r in ruleset.rules if r.category == category), key=lambda r: (r.priority, r.id))
        if not rules:
            continue
        lines += [f"### {category.capitalize().replace('-', ' ')}", ""]
        for rule in rules:
            lines += _rule(rule, ruleset, report.switches)
    lines += _thresholds(ruleset)
    lines += _sources(ruleset)
    return visible("\n".join(lines).rstrip("\n") + "\n")


def _stages(ruleset: Ruleset) -> list[str]:
    if not ruleset.stages:
        return []
    lines = ["## Stages", "", "A person's stage is the first one in this list that applies to them.", ""]
    for number, stage in enumerate(ruleset.stages, start=1):
        when = f"when the signal `{stage.signal}` holds" if stage.signal else "when no other stage applies"
        text = f"{number}. **{stage.title}** (`{stage.name}`), {when}."
        if stage.description:
            text += f" {_one_line(stage.description)}"
        lines.append(text)
    return lines + [""]


def _rule(rule: Rule, ruleset: Ruleset, switches: dict) -> list[str]:
    stages = ", ".join(rule.stages) if rule.stages else "every stage"
    lines = [f"#### {rule.title}", "", f"`{rule.id}` · priority {rule.priority} · stages: {stages}"]
    if rule.tags:
        lines[-1] += f" · tags: {', '.join(rule.tags)}"
    lines += ["", "Applies when:", ""]
    lines += condition_outline(rule.condition, ruleset, switches)
    lines.append("")
    if rule.derive:
        lines += [f"It establishes the signal `{rule.derive}`.", ""]
    held = ruleset.held_back_by(rule)
    if held:
        named = ", ".join(f"`{name}`" for name in rule.hold_back)
        lines += [f"Holds back {named}: {', '.join(held)}.", ""]
    holders = ruleset.holders_of(rule)
    if holders:
        lines += [f"Held back while any of these applies: {', '.join(holders)}.", ""]
    if rule.recommend is not None:
        lines += ["Advice:", "", f"> {_one_line(rule.recommend.written('`'))}", ""]
    if rule.date is not None:
        lines += [f"{rule.date_label}: {date_text(rule)}.", ""]
    if rule.rationale:
        lines += [f"Why: {_one_line(rule.rationale)}", ""]
    if rule.sources:
        cited = "; ".join(f'{ruleset.sources[cite.source].title} ({cite.source}), "{cite.section}"'
                          for cite in rule.sources)
        lines += [f"Sources: {cited}", ""]
    return lines


def condition_outline(condition: c.Condition, ruleset: Ruleset, switches: dict) -> list[str]:
    """A condition as a Markdown list in plain English, policy switches named with the value in force."""

    def switch(node: c.Condition) -> Optional[str]:
        written = switches.get(node.location)
        return switch_words(written, ruleset) if written is not None else None

    return condition_lines(condition, empty_line=switch)


def switch_words(written: str, ruleset: Ruleset) -> str:
    """'leave_policy == aggressive' -> 'leave policy is aggressive (leave_policy, now balanced)'."""
    try:
        raw = c.parse_atom(written, Location(""))
    except c.ConditionSyntaxError:
        return written
    words = [operand[1] if isinstance(operand, tuple) else show(operand) for operand in raw.operands]
    threshold = ruleset.thresholds.get(raw.name)
    now = f", now {show(threshold.value)}" if threshold else ""
    return f"{fact_words(raw.name)} {SWITCH_WORDS.get(raw.op, raw.op)} {' or '.join(words)} ({raw.name}{now})"


def date_text(rule: Rule) -> str:
    date = rule.date
    text = fact_words(date.fact)
    if date.amount:
        amount = f"{date.threshold} ({abs(date.amount)})" if date.threshold else str(abs(date.amount))
        text += f" {'+' if date.amount > 0 else '-'} {amount} {date.unit}"
    return text


def _thresholds(ruleset: Ruleset) -> list[str]:
    if not ruleset.thresholds:
        return []
    lines = ["## Thresholds", "", "| name | value | unit | meaning | origin |", "|---|---|---|---|---|"]
    for name, threshold in ruleset.thresholds.items():
        value = show(threshold.value)
        if threshold.choices:
            value += f" (one of {', '.join(threshold.choices)})"
        cells = [f"`{name}`", value, threshold.unit, threshold.meaning, threshold.origin]
        lines.append("| " + " | ".join(_cell(text) for text in cells) + " |")
    return lines + [""]


def _sources(ruleset: Ruleset) -> list[str]:
    if not ruleset.sources:
        return []
    lines = ["## Sources", "", "| id | title | file |", "|---|---|---|"]
    for key, source in ruleset.sources.items():
        lines.append(f"| {_cell(key)} | {_cell(source.title)} | {_cell(source.file)} |")
    return lines + [""]


def _cell(text: Optional[str]) -> str:
    """A table cell that stays in its column, and that a spreadsheet the table is pasted into cannot run."""
    return cell(_one_line(text or "")).replace("|", "\\|")


def _one_line(text: str) -> str:
    return " ".join(text.split())
