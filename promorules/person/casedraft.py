"""A first draft of the written promotion case, from the person's own facts.

The sources agree on five parts: the current role done well, the work beyond
it, the impact in numbers, the explicit ask, and what the promotion lets the
person do for the organisation next. The draft fills each part with what the
facts hold and flags a weak or missing part with the advice that fixes it, so
the gaps in the case are the to-do list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..advisor import Advisor
from ..dates import add_months
from ..facts.derive import derive
from ..facts.model import Facts
from ..text import show
from ..text_safety import markdown, visible

ACTIVITY_WORDS = {
    "higher_caliber": "work of a higher calibre in the current role",
    "next_role_duty": "duties of the next role",
    "new_initiative": "a new initiative",
    "carve_out": "a role carved out where nobody owned the need",
    "support_boss": "support for the person above me",
    "lead_within_role": "leading within my area",
    "skill_exchange": "teaching and learning skills with colleagues",
    "apprenticeship": "an apprenticeship with someone senior",
    "mentoring": "mentoring colleagues",
    "cross_functional": "cross-functional work",
    "publication": "writing and presenting what I learned",
}


@dataclass
class Part:
    title: str
    lines: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)  # why the part is weak
    fixes: list[str] = field(default_factory=list)  # rule ids whose advice fixes it


def draft_case(advisor: Advisor, facts: Facts) -> str:
    """The draft as Markdown: five parts, each filled or flagged."""
    advisor = advisor.pinned()
    d = derive(facts)
    threshold = {name: t.value for name, t in advisor.ruleset.thresholds.items()}
    parts = [_current_role(facts, d), _beyond(facts, d), _impact(facts, d, threshold), _ask(facts, d), _next(facts, d)]
    target = markdown(facts.target_title) if facts.target_title else "the next level"
    current = markdown(facts.current_title) if facts.current_title else "my current role"
    lines = [
        f"# Promotion case: {current} to {target}",
        "",
        f"_Draft of {d['as_of'].isoformat()}, from my facts file. Edit every line into your own words._",
        "",
    ]
    weak_parts = 0
    for number, part in enumerate(parts, start=1):
        lines += [f"## {number}. {part.title}", ""]
        lines += part.lines or ["_Nothing yet._"]
        lines.append("")
        if part.weak:
            weak_parts += 1
            lines.append(f"> **To strengthen:** {' '.join(part.weak)}")
            for rule_id in part.fixes:
                lines.append(f'> See the advice "{_title(advisor, rule_id)}" (`promorules explain {rule_id}`).')
            lines.append("")
    verdict = "All five parts have material." if not weak_parts else f"{weak_parts} of the five parts need work."
    lines.insert(4, f"**{verdict}**")
    lines.insert(5, "")
    return visible("\n".join(lines).rstrip("\n") + "\n")


def _title(advisor: Advisor, rule_id: str) -> str:
    try:
        return advisor.ruleset.rule(rule_id).title
    except KeyError:
        return rule_id


def _current_role(f: Facts, d: dict) -> Part:
    part = Part("My current role, done well")
    if d["months_in_role"] is not None:
        role = markdown(f.current_title) if f.current_title else "in this role"
        part.lines.append(f"- {show(d['months_in_role'])} months as {role}.")
    if f.meets_all_responsibilities:
        part.lines.append("- I cover every responsibility of the role, reliably.")
    routine = [a for a in f.achievements or [] if a.above_role is False]
    part.lines += [f"- {markdown(a.title)} ({a.date.isoformat()})" for a in routine]
    if d["open_gap_count"]:
        part.weak.append(f"{d['open_gap_count']} performance gaps are still open; close them before you ask.")
        part.fixes += ["stage.foundation-first", "stage.improvement-cycle"]
    elif not f.self_assessment_done:
        part.weak.append("No honest self-assessment yet: it is how you know this part holds.")
        part.fixes.append("readiness.self-assessment")
    return part


def _beyond(f: Facts, d: dict) -> Part:
    part = Part("Beyond my role")
    for activity in f.above_level_activities or []:
        if activity.active:
            since = f" since {activity.started.isoformat()}" if activity.started else ""
            words = ACTIVITY_WORDS.get(activity.kind, activity.kind)
            part.lines.append(f"- {words[0].upper()}{words[1:]}{since}.")
    part.lines += [f"- {markdown(a.title)} ({a.date.isoformat()})" for a in f.achievements or [] if a.above_role]
    if not part.lines:
        part.weak.append("Nothing here yet: work of the next level is what makes a request official business.")
        part.fixes.append("stage.step-up-before-asking")
    return part


def _impact(f: Facts, d: dict, threshold: dict) -> Part:
    part = Part("Impact, in numbers")
    cutoff = add_months(d["as_of"], -12)
    recent = [a for a in f.achievements or [] if a.quantified and a.date >= cutoff]
    for a in recent:
        metric = f": {markdown(a.metric)}" if a.metric else ""
        part.lines.append(f"- {markdown(a.title)}{metric} ({a.date.isoformat()})")
    if f.revenue_attributed:
        part.lines.append(f"- Revenue or value I brought in: {show(f.revenue_attributed)}.")
    wanted = threshold.get("min_quantified_achievements")
    if wanted is not None and len(recent) < wanted:
        results = "result" if len(recent) == 1 else "results"
        part.weak.append(
            f"{len(recent)} {results} with numbers from the last twelve months; aim for at least {show(wanted)}."
        )
        part.fixes.append("case.quantified-results-5-10")
    if f.achievement_log_last_updated is None:
        part.fixes.append("case.achievement-log-monthly")
    return part


def _ask(f: Facts, d: dict) -> Part:
    part = Part("The ask")
    if f.target_title:
        part.lines.append(f"- I am asking to be promoted to {markdown(f.target_title)}.")
    terms = (f.case_document.ask_terms if f.case_document else None) or []
    if terms:
        part.lines.append(f"- Terms: {', '.join(t.replace('_', ' ') for t in terms)}.")
    if f.market_rate_next_level:
        part.lines.append(f"- The market rate for the role: {show(f.market_rate_next_level)}.")
    named = set(terms) | ({"title"} if f.target_title else set())
    missing = [t for t in ("title", "salary", "benefits", "responsibilities") if t not in named]
    if not f.target_title or missing:
        gaps = ", ".join(missing) if missing else "the role"
        part.weak.append(f"Name exactly what you ask for (missing: {gaps}), and why now.")
        part.fixes.append("negotiate.name-terms-in-ask")
    return part


def _next(f: Facts, d: dict) -> Part:
    part = Part("What the promotion lets me do next, for the organisation")
    if f.target_value_aligned_with_org_goals:
        part.lines.append("- The role's value is tied to the organisation's goals: say which goals, and how.")
    framing: Optional[str] = f.case_document.forward_looking_framing if f.case_document else None
    if framing == "org":
        part.lines.append("- The ending speaks of the organisation's gain.")
    if framing != "org":
        part.weak.append("End with what the organisation gains from promoting you, not what you gain.")
        part.fixes.append("case.forward-looking-roi")
    return part
