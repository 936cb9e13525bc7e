"""A ruleset as a handbook: one for the coach, one for a company's HR or a client.

The coach's handbook (Markdown) is everything about the guidance without
reading YAML: a table of contents, the stages, every rule by category with its
conditions in the labels advice uses, what it holds back (a group of advice
is listed once, under its name, and referred to), its advice text with the
thresholds' values filled in, its sources, then the thresholds and sources.

The client's handbook leaves out what only a coach needs (rule ids,
priorities, tags, threshold names, the reasoning notes), says in plain words
when each piece of advice is given and what it says, and marks the company's
own rules: those from a layer, not from the bundled guidance. It is written
as Markdown or as a self-contained HTML page. The same ruleset always gives
the same bytes.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Optional

from ..ruleset import conditions as c
from ..errors import Location
from ..ruleset.loader import LoadReport
from ..text import counted, show
from ..ruleset.model import Rule, Ruleset
from ..text_safety import cell, one_line, visible
from ..advice.wording import condition_lines
from ..facts.declared import type_in_words
from ..facts.derive import fact_in_words


def signal_labels(ruleset: Ruleset) -> dict[str, str]:
    """A signal in the words advice uses for it: the title of the rule deriving it, lower-cased at the start."""
    return {rule.derive: rule.title[:1].lower() + rule.title[1:] for rule in ruleset.rules if rule.derive}


def plain_words(atom: c.Atom, signals: dict[str, str], threshold_name: bool = True) -> str:
    """One comparison in the labels advice uses: 'months in the role: under 12 (min_months_in_role)'.

    ``threshold_name`` False leaves out the threshold's name, for a reader who never sees the settings.
    """
    if atom.signal:
        label = signals.get(atom.name, fact_in_words(atom.name, as_written=True))
    else:
        label = fact_in_words(atom.name)
    if atom.op in ("known", "unknown"):
        return f"{label}: {'known' if atom.op == 'known' else 'not known'}"
    if isinstance(atom.value, bool) and atom.threshold is None and atom.op in ("eq", "ne"):
        return label if atom.value == (atom.op == "eq") else f"{label}: no"
    named = f" ({atom.threshold})" if atom.threshold and threshold_name else ""
    return f"{label}: {c.OPERATORS[atom.op].plain.format(v=show(atom.value))}{named}"


def handbook(report: LoadReport) -> str:
    """The Markdown handbook of a ruleset that loaded without problems."""
    ruleset = report.ruleset
    if ruleset is None:
        raise ValueError("the ruleset has problems; fix them first")
    with ruleset.facts_scope():  # the ruleset's own facts are named by their labels
        return _handbook(report, ruleset)


def _handbook(report: LoadReport, ruleset: Ruleset) -> str:
    lines = [f"# {ruleset.name} {ruleset.version}", "", _one_line(ruleset.description), ""]
    counts = f"{len(ruleset.rules)} rules in {len(ruleset.categories)} categories"
    lines += [f"{counts}, {len(ruleset.thresholds)} thresholds, {len(ruleset.sources)} sources.", ""]
    if report.disabled:
        lines += [
            "Disabled by a layer, so not in force: " + ", ".join(f"`{rule_id}`" for rule_id in report.disabled) + ".",
            "",
        ]
    categories = [category for category in ruleset.categories if any(r.category == category for r in ruleset.rules)]
    groups = _groups(ruleset)
    toc = [("Stages", 0)] * bool(ruleset.stages) + [("Rules", 0)] + [(_category(name), 1) for name in categories]
    toc += [("Groups of advice", 0)] * bool(groups) + [("Thresholds", 0)] * bool(ruleset.thresholds)
    toc += [("Sources", 0)] * bool(ruleset.sources) + [(OWN_FACTS, 0)] * bool(ruleset.facts)
    lines += ["## Contents", ""] + [f"{'  ' * depth}- [{title}](#{slug(title)})" for title, depth in toc] + [""]
    lines += _stages(ruleset)
    lines += [
        "## Rules",
        "",
        "Advice for the person's stage (or for every stage) comes first; within it, lower priority first.",
        "",
    ]
    for category in categories:
        rules = sorted((r for r in ruleset.rules if r.category == category), key=lambda r: (r.priority, r.id))
        lines += [f"### {_category(category)}", ""]
        for rule in rules:
            lines += _rule(rule, ruleset, report.switches, groups)
    lines += _group_lists(groups)
    lines += _thresholds(ruleset)
    lines += _sources(ruleset)
    lines += _own_facts(ruleset)
    return visible("\n".join(lines).rstrip("\n") + "\n")


def _category(name: str) -> str:
    return name.capitalize().replace("-", " ")


def slug(title: str) -> str:
    """The anchor a Markdown viewer (GitHub's rule) gives a heading: lower case, punctuation dropped, dashes."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def _groups(ruleset: Ruleset) -> dict[str, tuple[list[str], list[str]]]:
    """For each tag a rule holds back: the rules carrying it, and the rules holding it back.

    Written once under the tag's name; each rule refers to the group instead of repeating its members.
    """
    tags = sorted(
        {
            name
            for rule in ruleset.rules
            for name in rule.hold_back
            if any(name in other.tags for other in ruleset.rules)
        }
    )
    return {
        tag: ([r.id for r in ruleset.rules if tag in r.tags], [r.id for r in ruleset.rules if tag in r.hold_back])
        for tag in tags
    }


def _group_name(tag: str) -> str:
    return f"the `{tag}` advice"


def _group_lists(groups: dict) -> list[str]:
    if not groups:
        return []
    lines = [
        "## Groups of advice",
        "",
        "A rule that holds back a tag holds back every rule carrying it; each group is listed here once.",
        "",
    ]
    for tag, (members, holders) in groups.items():
        lines += [
            f"- **{_group_name(tag)}** ({len(members)} rules): {', '.join(members)}.",
            f"  Held back while any of these applies ({len(holders)} rules): {', '.join(holders)}.",
        ]
    return lines + [""]


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


def _rule(rule: Rule, ruleset: Ruleset, switches: dict, groups: dict) -> list[str]:
    stages = ", ".join(rule.stages) if rule.stages else "every stage"
    lines = [f"#### {rule.title}", "", f"`{rule.id}` · priority {rule.priority} · stages: {stages}"]
    if rule.tags:
        lines[-1] += f" · tags: {', '.join(rule.tags)}"
    lines += ["", "Applies when:", ""]
    lines += condition_outline(rule.condition, ruleset, switches)
    lines.append("")
    if rule.derive:
        lines += [f"It establishes the signal `{rule.derive}`.", ""]
    direct = [name for name in rule.hold_back if name not in groups]
    if rule.hold_back:
        named = [
            f"{_group_name(name)} (see [Groups of advice](#groups-of-advice))"
            for name in rule.hold_back
            if name in groups
        ] + [f"`{name}`" for name in direct]
        lines += [f"Holds back {', '.join(named)}.", ""]
    via_groups = [tag for tag in rule.tags if tag in groups]
    holders = [h for h in ruleset.holders_of(rule) if not any(tag in ruleset.rule(h).hold_back for tag in via_groups)]
    if via_groups or holders:
        parts = [f"whatever holds back {_group_name(tag)}" for tag in via_groups] + holders
        lines += [f"Held back while any of these applies: {', '.join(parts)}.", ""]
    if rule.recommend is not None:
        lines += ["Advice:", "", f"> {_one_line(filled(rule, ruleset))}", ""]
    if rule.date is not None:
        lines += [f"{rule.date_label}: {date_text(rule)}.", ""]
    if rule.rationale:
        lines += [f"Why: {_one_line(rule.rationale)}", ""]
    if rule.sources:
        cited = "; ".join(
            f'{ruleset.sources[cite.source].title} ({cite.source}), "{cite.section}"' for cite in rule.sources
        )
        lines += [f"Sources: {cited}", ""]
    return lines


def filled(rule: Rule, ruleset: Ruleset) -> str:
    """The advice text with each threshold's value in place, and each fact as '[its label]' (the person's own
    value goes there), so no raw ``{placeholder}`` reaches a reader."""
    assert rule.recommend is not None, "filled() words the text of a rule that recommends"
    pieces = []
    for part in rule.recommend.parts:
        if isinstance(part, str):
            pieces.append(part)
        elif part[0] == "threshold":
            pieces.append(counted(ruleset.thresholds[part[1]].value, part))
        else:
            label = (rule.date_label or "the date") if part[0] == "date" else fact_in_words(part[1])
            pieces.append(f"[{label[:1].lower() + label[1:]}]" + (f" {part[2][1]}" if len(part) > 2 else ""))
    return "".join(pieces)


def condition_outline(condition: c.Condition, ruleset: Ruleset, switches: dict) -> list[str]:
    """A condition as a Markdown list in plain English, policy switches named with the value in force."""

    def switch(node: c.Condition) -> Optional[str]:
        written = switches.get(node.location)
        return switch_words(written, ruleset) if written is not None else None

    labels = signal_labels(ruleset)
    return condition_lines(condition, lambda atom: f"- {plain_words(atom, labels)}", empty_line=switch)


def switch_words(written: str, ruleset: Ruleset) -> str:
    """'leave_policy == aggressive' -> 'leave policy is aggressive (leave_policy, now balanced)'."""
    try:
        raw = c.parse_atom(written, Location(""))
    except c.ConditionSyntaxError:
        return written
    words = [operand[1] if isinstance(operand, tuple) else show(operand) for operand in raw.operands]
    threshold = ruleset.thresholds.get(raw.name)
    now = f", now {show(threshold.value)}" if threshold else ""
    name = fact_in_words(raw.name, as_written=True)
    return f"{name} {c.OPERATORS[raw.op].words} {' or '.join(words)} ({raw.name}{now})"


def date_text(rule: Rule) -> str:
    date = rule.date
    assert date is not None, "date_text() words the date of a rule that has one"
    text = fact_in_words(date.fact)
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


OWN_FACTS = "The ruleset's own facts"


def _own_facts(ruleset: Ruleset) -> list[str]:
    """The facts the ruleset declares beside promorules' own: what a facts file or a CSV column gives."""
    if not ruleset.facts:
        return []
    lines = [
        f"## {OWN_FACTS}",
        "",
        "Beside promorules' own facts, this ruleset asks about these (docs/facts.md lists the others).",
        "",
        "| fact | label | what it holds | question | CSV column |",
        "|---|---|---|---|---|",
    ]
    for fact in ruleset.facts:
        held = type_in_words(fact)
        if fact.low is not None or fact.high is not None:
            low, high = fact.bounds
            held += f", from {show(low)} to {show(high)}"
        cells = [f"`{fact.name}`", fact.label, f"{held}: {fact.description}", fact.question, f"`{fact.column}`"]
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


# ---- the client's handbook -------------------------------------------------------------------------------------
# Blocks, rendered as Markdown or HTML: ("h", level, text), ("p", text), ("ul", [text]), ("ol", [text]),
# ("toc", [(text, depth)]), ("quote", text), ("table", header, rows). Every text is plain: each renderer escapes it.

COMPANY_MARK = "company rule"


def company_rules(report: LoadReport) -> set[str]:
    """The ids of the rules written in a layer, not in the bundled guidance: the company's own."""
    from ..advisor import bundled_ruleset_path

    try:
        bundled = bundled_ruleset_path().resolve()
    except FileNotFoundError:
        return set()
    return {
        rule_id
        for rule_id, origin in report.origins.items()
        if bundled not in Path(origin.location.file).resolve().parents
    }


def client_handbook(report: LoadReport, output: str = "markdown") -> str:
    """The handbook for a company's HR or a client, as Markdown or (``output="html"``) a self-contained page."""
    ruleset = report.ruleset
    if ruleset is None:
        raise ValueError("the ruleset has problems; fix them first")
    with ruleset.facts_scope():  # the ruleset's own facts are named by their labels
        blocks = client_blocks(ruleset, company_rules(report))
    return to_html(blocks, ruleset.name) if output == "html" else to_markdown(blocks)


def client_blocks(ruleset: Ruleset, own: set[str]) -> list[tuple]:
    labels = signal_labels(ruleset)
    advice = [rule for rule in ruleset.rules if rule.recommend is not None]
    sections = [(stage.title, [r for r in advice if stage.name in r.stages]) for stage in ruleset.stages]
    sections.append(("At any stage", [r for r in advice if not r.stages]))
    sections = [(title, sorted(rules, key=lambda r: (r.priority, r.title))) for title, rules in sections if rules]
    blocks: list[tuple] = [
        ("h", 1, f"{ruleset.name}: how the promotion guidance works"),
        ("p", _one_line(ruleset.description)),
    ]
    if own & {rule.id for rule in advice}:
        blocks.append(
            (
                "p",
                f'Advice marked "{COMPANY_MARK}" is {ruleset.name}\'s own; the rest comes from the '
                "published guidance the tool is built on.",
            )
        )
    toc = [("Stages", 0)] + [(f"Advice: {title}", 0) for title, _ in sections] + [("The numbers it uses", 0)]
    blocks += [
        ("h", 2, "Contents"),
        ("toc", toc),
        ("h", 2, "Stages"),
        ("p", "Each person is in one stage: the first of these that fits them."),
        ("ol", [f"{stage.title}. {_one_line(stage.description)}".strip() for stage in ruleset.stages]),
    ]
    for title, rules in sections:
        blocks.append(("h", 2, f"Advice: {title}"))
        for rule in rules:
            blocks += _client_rule(rule, ruleset, labels, rule.id in own)
    rows = [
        [_one_line(t.meaning) or fact_in_words(name, as_written=True), f"{show(t.value)} {t.unit}".strip()]
        for name, t in ruleset.thresholds.items()
        if not t.choices
    ]
    blocks += [("h", 2, "The numbers it uses"), ("table", ["what", "value"], rows)]
    return blocks


def _client_rule(rule: Rule, ruleset: Ruleset, labels: dict, own: bool) -> list[tuple]:
    blocks: list[tuple] = [("h", 3, rule.title + (f" ({COMPANY_MARK})" if own else ""))]
    lines = condition_lines(rule.condition, lambda atom: f"- {plain_words(atom, labels, threshold_name=False)}")
    blocks += [("p", "Given when:"), ("ul", lines)]
    blocks.append(("quote", _one_line(filled(rule, ruleset))))
    if ruleset.is_gate(rule):
        blocks.append(("p", "A reason to wait: while it applies, the advice to ask for the promotion now waits."))
    return blocks


def to_markdown(blocks: list[tuple]) -> str:
    from ..text_safety import markdown

    out: list[str] = []
    for block in blocks:
        kind = block[0]
        if kind == "h":
            out += [f"{'#' * block[1]} {markdown(block[2])}", ""]
        elif kind == "p":
            out += [markdown(block[1]), ""]
        elif kind == "quote":
            out += [f"> {markdown(block[1])}", ""]
        elif kind in ("ul", "ol"):
            out += [_md_item(text, number, kind) for number, text in enumerate(block[1], start=1)] + [""]
        elif kind == "toc":
            out += [f"{'  ' * depth}- [{markdown(text)}](#{slug(text)})" for text, depth in block[1]] + [""]
        elif kind == "table":
            out += ["| " + " | ".join(block[1]) + " |", "|" + "---|" * len(block[1])]
            out += ["| " + " | ".join(cell(markdown(text)) for text in row) + " |" for row in block[2]] + [""]
    return visible("\n".join(out).rstrip("\n") + "\n")


def _md_item(text: str, number: int, kind: str) -> str:
    """A list item; an outline item ('- x' indented) keeps its depth, its words escaped."""
    from ..text_safety import markdown

    depth = (len(text) - len(text.lstrip(" "))) // 2 if kind == "ul" else 0
    words = text.strip()[2:] if text.strip().startswith("- ") else text.strip()
    return f"{'  ' * depth}{'-' if kind == 'ul' else f'{number}.'} {markdown(words)}"


HTML_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
    "blockquote{border-left:4px solid #ccc;margin:0;padding-left:1rem}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}"
)


def to_html(blocks: list[tuple], title: str) -> str:
    """A self-contained page (no scripts, no outside files); every text escaped, headings with ids."""

    def esc(text: str) -> str:
        return html.escape(one_line(text), quote=True)

    seen: dict[str, int] = {}

    def anchor(text: str) -> str:
        """The heading's slug, numbered from its second use as Markdown viewers do, so every id is unique."""
        name = slug(text)
        seen[name] = seen.get(name, -1) + 1
        return f"{name}-{seen[name]}" if seen[name] else name

    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        f"<title>{esc(title)}</title>",
        f"<style>{HTML_STYLE}</style>",
        "</head>",
        "<body>",
    ]
    for block in blocks:
        kind = block[0]
        if kind == "h":
            out.append(f'<h{block[1]} id="{esc(anchor(block[2]))}">{esc(block[2])}</h{block[1]}>')
        elif kind == "p":
            out.append(f"<p>{esc(block[1])}</p>")
        elif kind == "quote":
            out.append(f"<blockquote><p>{esc(block[1])}</p></blockquote>")
        elif kind in ("ul", "ol"):
            out += _html_list(block[1], kind, esc)
        elif kind == "toc":
            out += (
                ["<nav><ul>"]
                + [f'<li><a href="#{esc(slug(text))}">{esc(text)}</a></li>' for text, _ in block[1]]
                + ["</ul></nav>"]
            )
        elif kind == "table":
            out.append(
                "<table><thead><tr>" + "".join(f"<th>{esc(text)}</th>" for text in block[1]) + "</tr></thead><tbody>"
            )
            out += ["<tr>" + "".join(f"<td>{esc(text)}</td>" for text in row) + "</tr>" for row in block[2]]
            out.append("</tbody></table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_list(items: list[str], kind: str, esc) -> list[str]:
    """Nested lists from an indented outline: each deeper item opens a list inside the item before it."""
    out, depth = [f"<{kind}>"], 0
    for index, text in enumerate(items):
        level = (len(text) - len(text.lstrip(" "))) // 2 if kind == "ul" else 0
        words = text.strip()[2:] if kind == "ul" and text.strip().startswith("- ") else text.strip()
        if index:
            if level > depth:
                out.append(f"<{kind}>")
            else:
                out.append("</li>" + "".join(f"</{kind}></li>" for _ in range(depth - level)))
        depth = level
        out.append(f"<li>{esc(words)}")
    out.append("</li>" + "".join(f"</{kind}></li>" for _ in range(depth)) + f"</{kind}>")
    return out
