"""Advice as a person reads it (plain text) or a program reads it (JSON)."""
from __future__ import annotations

import textwrap

from .advice import Advice, Reason
from .resolve import show

WIDTH = 78
MISSING_SHOWN = 8


def to_json(advice: Advice) -> str:
    return advice.model_dump_json(indent=2) + "\n"


def to_text(advice: Advice) -> str:
    lines = [f"Advice for {advice.as_of.isoformat()} (ruleset {advice.ruleset.name} {advice.ruleset.version})"]
    if advice.stage:
        lines.append(f"Stage: {advice.stage.title}. {advice.stage.description}".rstrip())
    lines.append("")
    if not advice.recommendations:
        lines.append("No recommendation applies yet. The facts below would let the rules decide more.")
        lines.append("")
    for rec in advice.recommendations:
        lines.append(f"{rec.rank}. {rec.title}  [{rec.category}]")
        lines += _wrap(rec.text, "   ")
        if rec.date:
            lines.append(f"   {rec.date_label}: {rec.date.isoformat()}")
        for reason in rec.why:
            lines += _wrap(f"Why: {reason_text(reason)}", "   ", "        ")
        for cite in rec.sources:
            lines += _wrap(f"Source: {cite.title}, \"{cite.section}\" ({cite.file})", "   ", "           ")
        if rec.holds_back:
            lines += _wrap(f"Holds back: {', '.join(rec.holds_back)}", "   ", "       ")
        lines.append("")
    if advice.held_back:
        lines.append("Held back for now:")
        for held in advice.held_back:
            lines += _wrap(f"- {held.title} ({held.rule_id}), held back by {', '.join(held.held_back_by)}", "  ", "    ")
        lines.append("")
    if advice.missing_facts:
        lines.append("Facts that could change this advice:")
        for missing in advice.missing_facts[:MISSING_SHOWN]:
            lines += _wrap(f"- {missing.fact}: {missing.description}", "  ", "    ")
        hidden = len(advice.missing_facts) - MISSING_SHOWN
        if hidden > 0:
            lines.append(f"  ... and {hidden} more (--format json lists them all)")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def reason_text(reason: Reason) -> str:
    """'months_in_role < min_months_in_role: months_in_role is 8, min_months_in_role is 12'."""
    text = f"{reason.fact} is {show(reason.value)}"
    if reason.condition.endswith(("is known", "is unknown")):
        return reason.condition
    if reason.condition not in (reason.fact, f"not {reason.fact}"):
        text = f"{reason.condition}: {text}"
    if reason.threshold:
        text += f", {reason.threshold} is {show(reason.threshold_value)}"
    return text


def _wrap(text: str, indent: str, subsequent: str = "") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=subsequent or indent) or [indent]
