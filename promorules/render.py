"""Advice as a person reads it (text, Markdown, a terminal) or a program reads it (JSON).

Text and Markdown show the same sections in the same order: where the person
stands, what to do first and why (in their own numbers), what is held back,
what would change the advice, a dated plan, and what else to tell us. The
terminal view is the Markdown, laid out and coloured by rich.
"""
from __future__ import annotations

import sys
import textwrap
from typing import Optional

from .advice import Advice, Reason
from .resolve import show
from .text_safety import json_text, markdown, one_line, visible

WIDTH = 78
MISSING_SHOWN = 8
JOIN = "; "  # items that may hold commas themselves, kept apart
WORDS = {"<": "under", "<=": "at most", ">": "over", ">=": "at least", "==": "", "!=": "anything but"}


def to_json(advice: Advice) -> str:
    return json_text(advice.model_dump_json(indent=2)) + "\n"


def headline(advice: Advice) -> str:
    """Where the person stands, in one line."""
    if advice.stage is None:
        return "Your advice"
    return f"{advice.stage.title}: {advice.stage.description}".rstrip(": ")


def verdict(advice: Advice) -> str:
    """The advice in one sentence."""
    if not advice.recommendations:
        return "Nothing applies yet: tell us a little more (see the end) and the advice will sharpen."
    first = advice.recommendations[0].title.rstrip(".")
    if advice.nearest_misses:
        miss = advice.nearest_misses[0]
        return f"Start with: {first}. Asking now waits on {JOIN.join(c.text for c in miss.changes)}."
    return f"Start with: {first}."


def reason_text(reason: Reason) -> str:
    """A condition in the person's numbers: 'sponsor count is 1, which is under 2 (min_sponsors)'."""
    name = reason.label
    if reason.condition.endswith(("is known", "is unknown")):
        return f"{name}: {show(reason.value)}" if reason.value is not None else f"{name}: not given"
    value = f"{name}: {show(reason.value)}"
    if reason.threshold:
        symbol = reason.condition.split()[1]
        bound = f"{WORDS.get(symbol, symbol)} {show(reason.threshold_value)}".strip()
        return f"{name} is {show(reason.value)}, which is {bound} ({reason.threshold})"
    return value


def _ruleset(advice: Advice) -> str:
    """The ruleset's name and version, and any threshold set for this run: what reproduces the advice."""
    info = advice.ruleset
    settings = ", ".join(f"{name}={show(value)}" for name, value in info.settings.items())
    return f"{info.name} {info.version}" + (f" with {settings}" if settings else "")


def _titles(advice: Advice) -> dict[str, str]:
    titles = {r.rule_id: r.title for r in advice.recommendations}
    titles.update({h.rule_id: h.title for h in advice.held_back})
    return titles


def _sections(advice: Advice) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The document, format-free: (heading, [(item, [detail lines])])."""
    titles = _titles(advice)
    sections = []
    recs = []
    for rec in advice.recommendations:
        details = [rec.text]
        if rec.date:
            details.append(f"{rec.date_label}: {rec.date.isoformat()}")
        details += [f"Why: {reason_text(reason)}" for reason in rec.why]
        details += [f"Source: {cite.title}, \"{cite.section}\" ({cite.file})" for cite in rec.sources]
        recs.append((f"{rec.title} ({rec.category}, {rec.rule_id})", details))
    sections.append(("What to do, in order", recs))
    if advice.held_back:
        held = [
            (f"{h.title} ({h.rule_id})", [f"Held back by: {JOIN.join(titles.get(b, b) for b in h.held_back_by)}"])
            for h in advice.held_back
        ]
        sections.append(("Held back for now", held))
    if advice.nearest_misses:
        misses = [
            (JOIN.join(c.text for c in miss.changes), [f"Would unlock: {JOIN.join(miss.titles)}"])
            for miss in advice.nearest_misses
        ]
        sections.append(("What would change this advice", misses))
    if advice.plan:
        sections.append(("Your dated plan", [(f"{item.date.isoformat()}: {item.what}", []) for item in advice.plan]))
    if advice.missing_facts:
        # What the fact means first; then, in brackets, the key to add to the facts file (docs/facts.md).
        shown = [(f"{m.description.rstrip('.')} ({m.fact})", []) for m in advice.missing_facts[:MISSING_SHOWN]]
        hidden = len(advice.missing_facts) - MISSING_SHOWN
        if hidden > 0:
            shown.append((f"... and {hidden} more (--format json lists them all)", []))
        sections.append(("Tell us more: facts that could change this advice", shown))
    return sections


def to_text(advice: Advice) -> str:
    lines = [f"{headline(advice)}", verdict(advice),
             f"(advice for {advice.as_of.isoformat()}, ruleset {_ruleset(advice)})", ""]
    for heading, items in _sections(advice):
        lines += [heading, "-" * len(heading)]
        numbered = heading == "What to do, in order"
        for index, (item, details) in enumerate(items, start=1):
            marker = f"{index}. " if numbered else "- "
            lines += _wrap(item, marker, " " * len(marker))
            for detail in details:
                lines += _wrap(detail, "   ", "     " if detail.startswith(("Why:", "Source:", "Held", "Would")) else "   ")
            if details:
                lines.append("")
        if not items:
            lines.append("Nothing yet.")
        if not lines[-1] == "":
            lines.append("")
    return visible("\n".join(lines).rstrip("\n") + "\n")


def to_markdown(advice: Advice) -> str:
    lines = [f"# {headline(advice)}", "", verdict(advice), "",
             f"_Advice for {advice.as_of.isoformat()}, ruleset {_md(_ruleset(advice))}._", ""]
    for heading, items in _sections(advice):
        lines += [f"## {heading}", ""]
        numbered = heading == "What to do, in order"
        for index, (item, details) in enumerate(items, start=1):
            if numbered:
                lines += [f"### {index}. {_md(item)}", ""]
                lines += [_md(details[0]), ""] if details else []
                lines += [f"- {_md(d)}" for d in details[1:]]
            else:
                lines.append(f"- {_md(item)}" + (f"  \n  {_md(details[0])}" if details else ""))
            if numbered:
                lines.append("")
        if not numbered:
            lines.append("")
    return visible("\n".join(lines).rstrip("\n") + "\n")


def print_advice(advice: Advice, output: str) -> None:
    """Print advice as json, markdown or text; text is laid out in colour on a terminal, plain when piped."""
    if output == "json":
        sys.stdout.write(to_json(advice))
    elif output == "markdown":
        sys.stdout.write(to_markdown(advice))
    elif sys.stdout.isatty():
        print_terminal(advice)
    else:
        sys.stdout.write(to_text(advice))


def print_terminal(advice: Advice, file=None) -> None:
    """The Markdown view, laid out and coloured for a terminal."""
    from rich.console import Console
    from rich.markdown import Markdown

    Console(file=file, width=min(100, Console().width)).print(Markdown(to_markdown(advice)))


def _md(text: str) -> str:
    """Plain text that Markdown shows as written."""
    return markdown(text)


def _wrap(text: str, indent: str, subsequent: Optional[str] = None) -> list[str]:
    """Lines of at most WIDTH (a longer word has a line of its own); rule ids, file names and hyphenated
    words are never split, so they can be searched for."""
    lines = textwrap.wrap(one_line(text), WIDTH, initial_indent=indent, subsequent_indent=subsequent or indent,
                          break_on_hyphens=False, break_long_words=False)
    return lines or [indent]
