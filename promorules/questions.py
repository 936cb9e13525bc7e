"""The interview's questions: one per input fact, in plain words, and how to read the answers.

A question is found for any path the advice can name as missing
(``org.hiring_freeze``, ``promotion_requests[-1].feedback_specific``). Its
kind comes from the facts model, so answers are checked the same way a facts
file is; the wording comes from the table below, or from the field's own
description where the table has none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from .facts import field_at, field_kind

WORDING = {
    "performance_gaps": "Which weaknesses in your current job are you still working on? (e.g. late reports, presentations)",
    "meets_all_responsibilities": "Do you fully cover every responsibility of your current role?",
    "self_assessment_done": "Have you written an honest review of your own performance?",
    "self_assessment_date": "When did you write it?",
    "self_assessment_discussed": "Did you discuss it with someone you trust?",
    "above_level_activities": "Which work above your level do you do now?",
    "promotion_requests": "Have you asked for a promotion before? How did each request end, and when?",
    "achievements": "Which results from the last twelve months can you show with a number (%, money, time), and when?",
    "people": "Who would speak up for you with the people who decide? (a real relationship, on your side, with influence)",
    "role_start_date": "When did you start your current role?",
    "scope_change": "Has your job changed since you started it?",
    "last_promotion_date": "When were you last promoted?",
    "soul_search_done": "Have you reflected honestly on whether any gaps of your own held you back?",
    "soul_search_found_gaps": "Did that reflection find real gaps of your own?",
    "setbacks": "Any setbacks in the last twelve months (a mistake, a missed target, critical feedback)?",
    "current_comp": "What is your current yearly pay?",
    "market_rate_current_level": "What does the market pay for your current level, yearly?",
    "market_rate_next_level": "What does the market pay for the level you want, yearly?",
    "walk_away_number": "What is the lowest pay you would accept for the new role?",
    "growth_blocked": "Is there simply no room to grow in your part of the company?",
    "frustrated": "Are you feeling frustrated at work?",
    "effort_trend": "Where is your effort heading lately?",
    "strategy": "How are you going about the promotion so far?",
    "hinting_only": "Have you only hinted that you want a promotion, without asking plainly?",
    "manager_relationship": "How is your relationship with your manager?",
    "manager_visibly_stressed": "Is your manager visibly under pressure right now?",
    "manager_not_advocating": "Is your manager not pushing your case?",
    "informal_review_done": "Have you had an informal review of your work with your manager?",
    "informal_review_date": "When was that informal review?",
    "informal_review_expectations_agreed": "Did you agree clear expectations in it?",
    "leveling_criteria": "What are the written criteria for the next level? (or skip if you don't know them)",
    "achievement_log_last_updated": "When did you last write down your results in a log?",
    "has_mentor": "Do you have a senior mentor?",
    "target_title": "Which role are you aiming for?",
    "current_title": "What is your current title?",
    "target_role_exists": "Does the role you want already exist in your organisation?",
    "meeting_scheduled": "Have you booked a meeting to discuss the promotion? If so, on which date?",
    "promotion_approved": "Has your latest request been approved?",
    "terms_final": "Are the title and pay of the new role already fixed?",
    "terms_negotiable": "Can the terms still be negotiated?",
    "comp_in_ask": "Is a pay rise part of what you are asking for?",
    "negotiation_experience": "How much experience do you have negotiating pay?",
    "job_search_active": "Are you looking at jobs elsewhere?",
    "case_document": "Have you written your promotion case down?",
    "external_offer": "Do you have an offer from another employer? If so, its date.",
    "remote": "Do you work remotely?",
    "manager_onsite": "Does your manager work on your site?",
    "org.hiring_freeze": "Is there a hiring freeze at your company?",
    "org.company_freeze": "Is there a company-wide freeze on promotions or pay?",
    "org.financial_difficulty": "Is the company in financial difficulty?",
    "org.next_review_start": "When does the next review cycle start?",
    "org.dysfunction.high_turnover": "Do people keep leaving your unit?",
    "org.dysfunction.chronic_inefficiency": "Do things chronically run badly in your unit?",
    "org.values_person_skillset": "Does your organisation value the skills you are strongest in?",
    "org.function_outsourced_or_automated": "Is your function being outsourced or automated?",
    "promotion_requests[-1].feedback_specific": "Did you get concrete, specific criteria for what must change?",
    "promotion_requests[-1].stated_reason": "What reason were you given?",
    "promotion_requests[-1].plan_offered": "Did your manager offer or help build a plan?",
    "promotion_requests[-1].action_plan_agreed": "Is there a plan your manager has agreed to?",
    "promotion_requests[-1].progress_since": "Has anything moved since that plan?",
    "promotion_requests[-1].criteria": "Which criteria were you given? (what must change for a yes)",
    "promotion_requests[-1].criteria_requested": "Did you ask what exactly must change, and by when?",
    "promotion_requests[-1].direct_conversation_held": "Did you ask your manager point-blank what is needed?",
    "promotion_requests[-1].feedback_meeting_held": "Have you met your manager since the answer to talk it over?",
    "promotion_requests[-1].manager_declined_meaningful_feedback": "Did your manager decline to give real feedback?",
    "promotion_requests[-1].summarised_in_writing": "Did you confirm what was agreed in an email afterwards?",
    "promotion_requests[-1].timeline_given": "Were you told by when the criteria should be met?",
    "promotion_requests[-1].plan_agreed_date": "When was the plan agreed?",
    "promotion_requests[-1].revisit_date": "On what date will the decision be looked at again?",
    "promotion_requests[-1].criteria_deadline": "By what date should the criteria be met? ('by Q3': its last day)",
    "manager_post": "Is your manager's post filled, held by an acting manager, or vacant?",
    "target_dropped": "Have you dropped the role you were aiming for?",
    "org.ic_track": "Can people grow into senior roles without managing people where you work?",
    "boss_territorial": "Does the person above you guard their work closely?",
    "capacity_constrained": "Are you too stretched to take on whole duties of the next level?",
    "feedback_unclear": "Are you unsure how well you are performing?",
    "lacks_experience_for_next_role": "Is the core of the next job still beyond what you can do today?",
    "leadership_evidence": "Have you shown delegation, leadership and people skills at work?",
    "relying_on_relationships": "Does your plan lean on connections more than on your record?",
    "target_role_is_management": "Does the role you want involve leading people?",
    "target_role_tried": "Have you tried some of the target role's duties? How did it go?",
    "target_value_aligned_with_org_goals": "Is the value of the role you want tied to your organisation's goals?",
    "improvement_cycle_start": "When did you start working on your gaps?",
    "planned_setting": "Where would you make the request?",
    "revenue_attributed": "How much revenue or value have you brought in, yearly?",
    "case_document.ask_terms": "Which terms does your written ask spell out?",
    "case_document.components": "Which parts does your written case cover?",
    "case_document.forward_looking_framing": "Does the end of your case talk about the organisation's gain or yours?",
    "case_document.tenure_or_effort_only": "Does your case rest mostly on time served or effort?",
    "org.culture_encourages_initiative": "Does your organisation's culture reward initiative?",
    "org.recently_promoted_someone_into_target": "Was someone else just promoted into the role you want?",
    "org.target_contested": "Are others competing for the same role?",
    "org.traditional_low_competition": "Is your organisation structured, promoting with little competition?",
    "org.formality": "How formally do people communicate at your organisation?",
    "org.approval_path": "Who approves promotions where you work?",
    "org.review_end": "When does the review cycle end?",
    "org.last_funding_date": "When did the company last raise money?",
    "org.size": "How many people work in your unit?",
    "org.typical_approval_weeks": "How many weeks does a promotion approval usually take?",
}

# What a coach asks first, in this order: the role and its record. "Tell us more" and the interview put
# these before anything else, so nobody is asked about leaving before being asked when their role began.
BASICS = (
    "role_start_date", "current_title", "target_title", "last_promotion_date", "promotion_requests",
    "performance_gaps", "meets_all_responsibilities", "self_assessment_done", "achievements",
    "above_level_activities", "people", "scope_change",
)
# Advice that only follows a refusal: looking elsewhere, and the stages after a "no". A question only
# such advice waits on is not asked of someone who has never been refused.
AFTER_A_REFUSAL_STAGES = frozenset({"after_a_no", "considering_a_move"})
AFTER_A_REFUSAL_CATEGORIES = frozenset({"leaving"})

ACTIVITY_CHOICES = ("mentoring", "lead_within_role", "next_role_duty", "new_initiative", "cross_functional",
                    "publication", "support_boss", "carve_out", "skill_exchange", "apprenticeship", "higher_caliber")
REQUEST_OUTCOMES = ("never_asked", "pending", "approved", "denied", "not_yet")
UNASKED = {"criteria_self_rating", "case_document.accomplishment_items"}  # too detailed for an interview


_NO_OFFER = None  # no offer: the fact stays absent, which is what "no offer" means in a facts file


class AnswerError(ValueError):
    """An answer that cannot be used; the message says what would be."""


@dataclass(frozen=True)
class Question:
    path: str
    text: str
    kind: str  # a facts.field_kind (bool number date enum text enums texts), or one of the list kinds below
    choices: tuple[str, ...] = ()

    def hint(self) -> str:
        if self.kind in ("bool", "case"):
            return "yes/no"
        if self.kind == "date":
            return "a date like 2026-05-20, or a month like 2026-05"
        if self.kind == "offer":
            return "its date (YYYY-MM-DD or YYYY-MM), or no"
        if self.kind == "request":
            return ("each as its outcome (pending, approved, denied, not yet) and date, oldest first, separated by "
                    "';', e.g. denied 2025-06-10; not yet 2026-05-20; or never asked")
        if self.kind in ("enum", "enums", "activities"):
            many = "one or more, e.g. 1,3" if self.kind in ("enums", "activities") else "a number or a word"
            options = ", ".join(f"{i} {c.replace('_', ' ')}" for i, c in enumerate(self.choices, start=1))
            return f"{many}: {options}"
        if self.kind == "achievements":
            return ("each as what you did and its month or date, separated by ';', "
                    "e.g. cut handling time by 18% 2026-05; or none")
        if self.kind in ("texts", "gaps", "people"):
            return "separate them with ';', or say none"
        if self.kind == "setbacks":
            return "the date of the latest (YYYY-MM-DD or YYYY-MM), or none"
        if self.kind == "number":
            return "a number"
        return "a few words"


def question_for(path: str) -> Optional[Question]:
    """The question for an input path, or None when the interview does not ask it."""
    if path in UNASKED:
        return None
    special = {
        "performance_gaps": "gaps", "achievements": "achievements", "people": "people",
        "above_level_activities": "activities", "setbacks": "setbacks", "promotion_requests": "request",
        "case_document": "case", "external_offer": "offer",
    }
    text = WORDING.get(path)
    if path in special:
        kind = special[path]
        choices = ACTIVITY_CHOICES if kind == "activities" else REQUEST_OUTCOMES if kind == "request" else ()
        return Question(path, text or path, kind, choices)
    info = field_at(path)
    if info is None:
        return None
    kind, choices = field_kind(info.annotation)
    if kind is None:
        return None
    return Question(path, text or _from_description(info.description or "", kind), kind, choices)


def read_answer(question: Question, answer: str, as_of: date) -> Any:
    """The answer as a facts-file value; raises AnswerError with what would be accepted."""
    text = answer.strip()
    kind = question.kind
    if kind == "case":
        return {"exists": read_answer(Question(question.path, question.text, "bool"), text, as_of)}
    if kind == "offer":
        if text.lower() in ("no", "n", "none"):
            return _NO_OFFER
        return {"date": _date(text, as_of).isoformat()}
    if kind == "bool":
        word = text.lower()
        if word in ("y", "yes", "true"):
            return True
        if word in ("n", "no", "false"):
            return False
        raise AnswerError("please answer yes or no (or press Enter to skip)")
    if kind == "date":
        return _date(text, as_of)
    if kind == "number":
        cleaned = text.replace(",", "").replace("_", "")
        multiplier = 1000 if cleaned.lower().endswith("k") else 1
        try:
            number = float(cleaned.rstrip("kK")) * multiplier
        except ValueError:
            raise AnswerError(f'"{text}" is not a number') from None
        if number < 0 or number != number or number in (float("inf"),):
            raise AnswerError("please give a number of zero or more")
        return int(number) if number.is_integer() else number
    if kind == "enum":
        return _choice(text, question.choices)
    if kind in ("enums", "activities"):
        if text.lower() in ("none", "no", "nothing"):
            return []
        picked = [_choice(part, question.choices) for part in re.split(r"[,\s]+", text) if part]
        values = list(dict.fromkeys(picked))
        if kind == "activities":
            return [{"kind": value} for value in values]  # when each started is not asked, so not made up
        return values
    items = _items(text)
    if kind == "texts":
        return items
    if kind == "gaps":
        return [{"area": item} for item in items]
    if kind == "achievements":
        return [_achievement(item, as_of) for item in items]
    if kind == "people":
        return [{"name": item, "strength": "meaningful", "stance": "supportive", "can_influence": True}
                for item in items]
    if kind == "setbacks":
        return [] if text.lower() in ("none", "no") else [{"date": _date(text, as_of).isoformat()}]
    if kind == "request":
        return _requests(text, question.choices, as_of)
    return text


def _requests(text: str, outcomes: tuple[str, ...], as_of: date) -> list[dict]:
    if text.lower().replace("_", " ") in ("never asked", "never", "no", "none", "1"):
        return []
    requests = []
    for part in _items(text):
        match = re.fullmatch(r"(?P<outcome>.+?)\s+(?P<day>\S+)", part)
        if not match:
            raise AnswerError(f'"{part}" needs an outcome and a date, e.g. denied 2026-05-20')
        outcome = _choice(match["outcome"], outcomes)
        if outcome == "never_asked":
            raise AnswerError(f'"{part}" needs an outcome: pending, approved, denied or not yet')
        requests.append({"date": _date(match["day"], as_of).isoformat(), "outcome": outcome})
    return sorted(requests, key=lambda r: r["date"])


def _achievement(item: str, as_of: date) -> dict:
    """"cut handling time by 18% 2026-05" -> the result with its own date; a result without one is asked again."""
    match = re.fullmatch(r"(?P<title>.+?)[\s,(]+(?P<day>\d{4}-\d{1,2}(?:-\d{1,2})?)\)?", item)
    if not match:
        raise AnswerError(f'"{item}" needs the month or day of the result, e.g. "{item} 2026-05"')
    return {"title": match["title"], "date": _date(match["day"], as_of).isoformat(), "quantified": True}


def _items(text: str) -> list[str]:
    if text.lower() in ("none", "no", "nothing"):
        return []
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def _date(text: str, as_of: date) -> date:
    """A day, "today", or a month (2026-05 reads as its first day: nobody remembers the day of every event)."""
    if text.lower() == "today":
        return as_of
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    try:
        return date(int(month[1]), int(month[2]), 1) if month else date.fromisoformat(text)
    except ValueError:
        raise AnswerError(f'"{text}" is not a date like {as_of.isoformat()}') from None


def _choice(text: str, choices: tuple[str, ...]) -> str:
    word = text.strip().lower().replace(" ", "_")
    if word.isdigit() and 1 <= int(word) <= len(choices):
        return choices[int(word) - 1]
    if word in choices:
        return word
    raise AnswerError(f'"{text}" is not one of the choices')


def _from_description(description: str, kind: str) -> str:
    text = description.rstrip(".").replace("The person's", "Your").replace("the person", "you")
    return f"Is this so: {text[0].lower()}{text[1:]}?" if kind == "bool" else f"{text}?"
