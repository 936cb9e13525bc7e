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

from .model import Advice, Reason
from ..ruleset import conditions as c
from ..text import show
from ..text_safety import json_text, markdown, one_line, visible

WIDTH = 78
FULL_SHOWN = 5  # recommendations shown in full by default: the first screen is what people read
MISSING_SHOWN = 8
SHORT_MISSING_SHOWN = 4  # questions listed by default; --all lists MISSING_SHOWN
MAX_LINES = 80  # a screen and a bit: fewer recommendations are shown in full rather than more lines
MOMENT = ("wait", "stage")  # the fits of advice for this moment (see resolve.Resolver._order)
MOVE = "leaving"  # the category of advice to look outside: the header speaks of a move
JOIN = "; "  # items that may hold commas themselves, kept apart


def to_json(advice: Advice) -> str:
    return json_text(advice.model_dump_json(indent=2)) + "\n"


def headline(advice: Advice) -> str:
    """Where the person stands, in one line a person would say, that never contradicts the first recommendation.

    The line is drawn from what #1 is, never from a later recommendation, and never repeats its title
    (the next line, "Start with", names it):
    - a move (advice to look outside, which holds the request too): the stage's description when the
      move is the stage's own advice, else that a move is worth weighing; never "not asking yet";
    - a reason to wait: the stage, "not asking yet", and the wait's date when it has one
      ("Make the case, not asking yet (earliest good day to ask: 2026-04-03)");
    - anything else (the stage's own step, a habit): the stage and what it is for.
    """
    stage = advice.stage
    where = stage.title if stage else "Your advice"
    first = advice.recommendations[0] if advice.recommendations else None
    if first is not None and first.category == MOVE:  # leaving holds the request too, but it is no wait
        if stage and first.fit in MOMENT:
            return f"{where}: {stage.description}".rstrip(": ")
        return f"{where}: a move elsewhere is worth weighing"
    if first is not None and first.waits:
        when = (
            f" ({first.date_label[:1].lower()}{first.date_label[1:]}: {first.date.isoformat()})"
            if first.date and first.date_label and first.date >= advice.as_of
            else ""
        )
        return f"{where}, not asking yet{when}"
    return f"{where}: {stage.description}".rstrip(": ") if stage else where


def in_full(advice: Advice, everything: bool = False, limit: int = FULL_SHOWN) -> int:
    """How many recommendations are shown in full: all with ``everything``, else the first ones for this
    moment (the stage's own and the reasons to wait), at most FULL_SHOWN; at least one when there are any."""
    if everything:
        return len(advice.recommendations)
    count = 0
    for rec in advice.recommendations[:limit]:
        if rec.fit not in MOMENT:
            break
        count += 1
    return max(count, min(1, len(advice.recommendations)))


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
    """A condition in the person's numbers: 'sponsors ready to speak up is 1, which is under 2'.

    The threshold's name (min_sponsors) is for a coach, who finds it with `explain`; JSON keeps it."""
    name = reason.label
    if reason.condition.endswith(("is known", "is unknown")):
        return f"{name}: {show(reason.value)}" if reason.value is not None else f"{name}: not given"
    value = f"{name}: {show(reason.value)}"
    if reason.threshold:
        symbol = reason.condition.split()[1]
        words = next((row.bound for row in c.OPERATORS.values() if row.symbol == symbol), symbol)
        bound = f"{words} {show(reason.threshold_value)}".strip()
        return f"{name} is {show(reason.value)}, which is {bound}"
    return value


def _ruleset(advice: Advice) -> str:
    """The ruleset's name and version, and any threshold set for this run: what reproduces the advice."""
    info = advice.ruleset
    settings = ", ".join(f"{name}={show(value)}" for name, value in info.settings.items())
    return f"{info.name} {info.version}" + (f" with {settings}" if settings else "")


def citation_text(cite) -> str:
    """A source as a reader looks it up: title, author or publisher, date, section, link; never a file name."""
    who = ", ".join(part for part in (cite.author, cite.publisher, cite.published) if part)
    return (
        f"{cite.title}" + (f" ({who})" if who else "") + f', "{cite.section}"' + (f", {cite.link}" if cite.link else "")
    )


def _titles(advice: Advice) -> dict[str, str]:
    titles = {r.rule_id: r.title for r in advice.recommendations}
    titles.update({h.rule_id: h.title for h in advice.held_back})
    return titles


FIRST = "What to do, in order"
LATER = "Also worth doing (one line each; --all shows them in full)"


def _sections(
    advice: Advice, everything: bool = False, limit: int = FULL_SHOWN
) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """The document, format-free: (heading, [(item, [detail lines])]).

    By default the first recommendations for this moment are shown in full and the rest one line
    each, so what to do first fits on a screen; ``everything`` (--all) shows every one in full.
    """
    titles = _titles(advice)
    sections = []
    recs = []
    full = in_full(advice, everything, limit)
    for rec in advice.recommendations[:full]:
        details = [rec.text] + [f"How this fits: {note}" for note in rec.notes]
        if rec.date:
            details.append(f"{rec.date_label}: {rec.date.isoformat()}")
        details += [f"Why: {reason_text(reason)}" for reason in rec.why]
        if everything:
            details += [f"Source: {citation_text(cite)}" for cite in rec.sources]
        elif rec.sources:
            by_title: dict[str, list[str]] = {}
            for cite in rec.sources:
                by_title.setdefault(cite.title, []).append(f'"{cite.section}"')
            details.append("Source: " + JOIN.join(f"{title}, {', '.join(parts)}" for title, parts in by_title.items()))
        recs.append(
            (f"{rec.title} ({rec.category}, {rec.rule_id})" if everything else f"{rec.title} ({rec.rule_id})", details)
        )
    sections.append((FIRST, recs))
    later: list[tuple[str, list[str]]] = [
        (f"{rec.rank}. {rec.title} ({rec.rule_id})", []) for rec in advice.recommendations[full:]
    ]
    if later:
        sections.append((LATER, later))
    if advice.held_back:
        groups: dict[tuple, list[str]] = {}  # by default, one item for each reason, naming what it holds back
        for h in advice.held_back:
            key = (h.rule_id,) if everything else (tuple(h.held_back_by), h.reason)
            groups.setdefault(key, []).append(f"{h.title} ({h.rule_id})" if everything else h.title)
        by_key = {h.rule_id: h for h in advice.held_back}
        held = []
        for group, held_titles in groups.items():
            by, reason = (by_key[group[0]].held_back_by, by_key[group[0]].reason) if everything else group
            held.append(
                (
                    JOIN.join(held_titles),
                    [f"Held back by: {JOIN.join(titles.get(b, b) for b in by)}" + (f". {reason}" if reason else "")],
                )
            )
        sections.append(("Held back for now", held))
    if advice.nearest_misses:
        misses = [
            (JOIN.join(c.text for c in miss.changes), [f"Would unlock: {_unlocked(miss.titles, everything)}"])
            for miss in advice.nearest_misses
        ]
        sections.append(("What would change this advice", misses))
    if advice.plan:
        sections.append(("Your dated plan", [(f"{item.date.isoformat()}: {item.what}", []) for item in advice.plan]))
    if advice.missing_facts:
        # What the fact means first; then, in brackets, the key to add to the facts file (docs/facts.md).
        limit = MISSING_SHOWN if everything else SHORT_MISSING_SHOWN
        shown: list[tuple[str, list[str]]] = [
            (f"{m.description.rstrip('.')} ({m.fact})", []) for m in advice.missing_facts[:limit]
        ]
        hidden = len(advice.missing_facts) - limit
        if hidden > 0:
            shown.append((f"... and {hidden} more (--format json lists them all)", []))
        sections.append(("Tell us more: facts that could change this advice", shown))
    return sections


def _unlocked(titles: list[str], everything: bool) -> str:
    if everything or len(titles) <= 2:
        return JOIN.join(titles)
    return f"{JOIN.join(titles[:2])} and {len(titles) - 2} more"


def to_text(advice: Advice, everything: bool = False) -> str:
    """The advice as plain text; by default within MAX_LINES, showing fewer recommendations in full if need be."""
    return _shortest(_text, advice, everything)


def to_markdown(advice: Advice, everything: bool = False) -> str:
    """The advice as Markdown; by default within MAX_LINES, showing fewer recommendations in full if need be."""
    return _shortest(_markdown, advice, everything)


def _shortest(write, advice: Advice, everything: bool) -> str:
    text = write(advice, everything, FULL_SHOWN)
    limit = FULL_SHOWN
    while not everything and limit > 1 and text.count("\n") > MAX_LINES:
        limit -= 1
        text = write(advice, everything, limit)
    return text


def _text(advice: Advice, everything: bool, limit: int) -> str:
    lines = [
        f"{headline(advice)}",
        verdict(advice),
        f"(advice for {advice.as_of.isoformat()}, ruleset {_ruleset(advice)})",
        "",
    ]
    for heading, items in _sections(advice, everything, limit):
        lines += [heading, "-" * len(heading)]
        numbered = heading == FIRST
        for index, (item, details) in enumerate(items, start=1):
            marker = f"{index}. " if numbered else "- "
            lines += _wrap(item, marker, " " * len(marker))
            for detail in details:
                under = "     " if detail.startswith(("Why:", "Source:", "Held", "Would")) else "   "
                lines += _wrap(detail, "   ", under)
            if details:
                lines.append("")
        if not items:
            lines.append("Nothing yet.")
        if not lines[-1] == "":
            lines.append("")
    return visible("\n".join(lines).rstrip("\n") + "\n")


def _markdown(advice: Advice, everything: bool, limit: int) -> str:
    lines = [
        f"# {headline(advice)}",
        "",
        verdict(advice),
        "",
        f"_Advice for {advice.as_of.isoformat()}, ruleset {_md(_ruleset(advice))}._",
        "",
    ]
    for heading, items in _sections(advice, everything, limit):
        lines += [f"## {heading}", ""]
        numbered = heading == FIRST
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


def print_advice(advice: Advice, output: str, everything: bool = False) -> None:
    """Print advice as json, markdown or text; text is laid out in colour on a terminal, plain when piped.

    JSON always holds everything; text and Markdown show the first recommendations in full and the
    rest one line each unless ``everything`` (--all).
    """
    if output == "json":
        sys.stdout.write(to_json(advice))
    elif output == "markdown":
        sys.stdout.write(to_markdown(advice, everything))
    elif sys.stdout.isatty() and _has_rich():
        print_terminal(advice, everything=everything)
    else:
        sys.stdout.write(to_text(advice, everything))


def _has_rich() -> bool:
    """Whether the terminal look can be drawn: rich comes with the cli extra; without it, plain text."""
    try:
        import rich  # noqa: F401 - only asked whether it is there
    except ImportError:
        return False
    return True


def print_terminal(advice: Advice, file=None, everything: bool = False) -> None:
    """The Markdown view, laid out and coloured for a terminal."""
    from rich.console import Console
    from rich.markdown import Markdown

    Console(file=file, width=min(100, Console().width)).print(Markdown(to_markdown(advice, everything)))


def _md(text: str) -> str:
    """Plain text that Markdown shows as written."""
    return markdown(text)


def _wrap(text: str, indent: str, subsequent: Optional[str] = None) -> list[str]:
    """Lines of at most WIDTH (a longer word has a line of its own); rule ids, file names and hyphenated
    words are never split, so they can be searched for."""
    lines = textwrap.wrap(
        one_line(text),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=subsequent or indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return lines or [indent]
