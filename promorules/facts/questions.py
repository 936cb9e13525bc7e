"""The interview's questions: one per input fact, in plain words, and how to read the answers.

A question is found for any path the advice can name as missing
(``org.hiring_freeze``, ``promotion_requests[-1].feedback_specific``). Its
kind comes from the facts model, so answers are checked the same way a facts
file is; the wording comes from the table below, or from the field's own
description where the table has none.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Optional

from .model import Facts, words_of, field_at, field_kind


# What a coach asks first, in this order: what decides the person's stage and the reasons to wait (when the
# role began, the last promotion, every request and its answer, setbacks of the last year, how the manager
# stands), then the record. "Tell us more" and the interview put these before anything else, each only while
# some advice for the person's stage waits on it: nobody is asked about leaving before being asked when their
# role began, and after a promotion nobody is asked how ready they are for the job just won.
BASICS = (
    "role_start_date",
    "last_promotion_date",
    "promotion_requests",
    "setbacks",
    "manager_relationship",
    "current_title",
    "target_title",
    "performance_gaps",
    "meets_all_responsibilities",
    "self_assessment_done",
    "achievements",
    "above_level_activities",
    "people",
    "scope_change",
)
# Stages past the ask: the promotion is approved or pending, or sought elsewhere. There a basic leads only
# while advice for the stage waits on it; before, every missing basic leads (a coach's context for timing).
PAST_THE_ASK_STAGES = frozenset({"negotiating", "new_in_role", "awaiting_decision", "considering_a_move"})
# Advice that only follows a refusal: looking elsewhere, and the stages after a "no". A question only
# such advice waits on is not asked of someone who has never been refused.
AFTER_A_REFUSAL_STAGES = frozenset({"after_a_no", "considering_a_move"})
AFTER_A_REFUSAL_CATEGORIES = frozenset({"leaving"})

ACTIVITY_CHOICES = (
    "mentoring",
    "lead_within_role",
    "next_role_duty",
    "new_initiative",
    "cross_functional",
    "publication",
    "support_boss",
    "carve_out",
    "skill_exchange",
    "apprenticeship",
    "higher_caliber",
)
REQUEST_OUTCOMES = ("never_asked", "pending", "approved", "denied", "not_yet")
UNASKED = {"criteria_self_rating", "case_document.accomplishment_items"}  # too detailed for an interview
# Choices whose own word reads badly in a question ("skip" is also how a question is skipped).
CHOICE_WORDS = {"skip": "manager's manager", "exec": "executive (e.g. a VP)"}
# A refusal is where the details of the latest request decide the advice: its criteria, dates and reason.
REFUSED = ("denied", "not_yet")
DUE_BY = frozenset({"promotion_requests[-1].criteria_deadline"})  # "by March" means by its last day
PLANNED = "people[].plan_to_ask"  # the follow-up after naming people: whom the person plans to ask


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
        if self.kind == "date" and self.path in DUE_BY:
            return "a date like 2026-05-20, or a month like 2026-05 for its last day"
        if self.kind == "date":
            return "a date like 2026-05-20, or a month like 2026-05"
        if self.kind == "offer":
            return "its date (YYYY-MM-DD or YYYY-MM), or no"
        if self.kind == "request":
            return (
                "each as its outcome (pending, approved, denied, not yet) and date, oldest first, separated by "
                "';', e.g. denied 2025-06-10; not yet 2026-05-20; or never asked"
            )
        if self.kind in ("enum", "enums", "activities"):
            many = "one or more, e.g. 1,3" if self.kind in ("enums", "activities") else "a number or a word"
            options = ", ".join(f"{i} {_choice_words(c)}" for i, c in enumerate(self.choices, start=1))
            return f"{many}: {options}"
        if self.kind == "achievements":
            return (
                "each as what you did and its month or date, separated by ';', "
                "e.g. cut handling time by 18% 2026-05; or none"
            )
        if self.kind in ("texts", "gaps", "people"):
            return "separate them with ';', or say none"
        if self.kind == "planned":
            names = ", ".join(f"{i} {name}" for i, name in enumerate(self.choices, start=1))
            return f"their numbers or names, e.g. 1,2: {names}; or none"
        if self.kind == "setbacks":
            return "the date of the latest (YYYY-MM-DD or YYYY-MM), or none"
        if self.kind == "number":
            return "a number"
        return "a few words"


def question_for(path: str, model: type[Facts] = Facts) -> Optional[Question]:
    """The question for an input path, or None when the interview does not ask it.

    ``model`` is the ruleset's facts model (`Ruleset.facts_model`): a fact the ruleset declares is asked
    with the question it declares."""
    if path in UNASKED:
        return None
    special = {
        "performance_gaps": "gaps",
        "achievements": "achievements",
        "people": "people",
        "above_level_activities": "activities",
        "setbacks": "setbacks",
        "promotion_requests": "request",
        "case_document": "case",
        "external_offer": "offer",
    }
    info = field_at(path) or model.model_fields.get(path)
    text = words_of(info).question if info is not None else ""
    if path in special:
        kind = special[path]
        choices = ACTIVITY_CHOICES if kind == "activities" else REQUEST_OUTCOMES if kind == "request" else ()
        return Question(path, text or path, kind, choices)
    if info is None:
        return None
    shape, options = field_kind(info.annotation)
    if shape is None:
        return None
    return Question(path, text or _from_description(info.description or "", shape), shape, options)


def follow_ups(path: str, facts: dict) -> list[Question]:
    """The questions about the item a list answer just gave, that still matter with the facts as they are now.

    A list answer says what happened, not how it stands: a setback's date, not whether it was dealt with; a
    refusal's date, not the criteria and the revisit date the advice names back. These are asked right after
    the list answer, about its latest item, and only when there is one (the details of a refusal only for a
    refusal). Worked out again after every answer: no criteria are asked for after "not specific".
    """
    listed = facts.get(path) or []
    if not listed or not isinstance(listed, list):
        return []
    if path == "setbacks":
        names = ["addressed", "given_by", "gap_shown"]
    elif path == "people":
        info = field_at("people[-1].plan_to_ask")
        text = words_of(info).question if info is not None else ""
        return [Question(PLANNED, text, "planned", tuple(person["name"] for person in listed))]
    elif path == "promotion_requests" and listed[-1].get("outcome") in REFUSED:
        latest = listed[-1]
        names = ["stated_reason", "feedback_specific"]
        if latest.get("feedback_specific") is not False:
            names += ["criteria", "criteria_deadline"] if latest.get("criteria") else ["criteria"]
        names.append("revisit_date")
    else:
        return []
    found = (question_for(f"{path}[-1].{name}") for name in names)
    return [question for question in found if question is not None]


def planned_people(people: list[dict], names: list[str]) -> list[dict]:
    """The people with whom the person plans to ask marked; the others named in the same answer are not planned."""
    return [{**person, "plan_to_ask": person["name"] in names} for person in people]


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
        return _date(text, as_of, month_end=question.path in DUE_BY)
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
        return [
            {"name": item, "strength": "meaningful", "stance": "supportive", "can_influence": True} for item in items
        ]
    if kind == "planned":
        return [_choice(part, question.choices, exact=True) for part in _items(text.replace(",", ";"))]
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
    """ "cut handling time by 18% 2026-05" -> the result with its own date; a result without one is asked again."""
    match = re.fullmatch(r"(?P<title>.+?)[\s,(]+(?P<day>\d{4}-\d{1,2}(?:-\d{1,2})?)\)?", item)
    if not match:
        raise AnswerError(f'"{item}" needs the month or day of the result, e.g. "{item} 2026-05"')
    return {"title": match["title"], "date": _date(match["day"], as_of).isoformat(), "quantified": True}


def _items(text: str) -> list[str]:
    if text.lower() in ("none", "no", "nothing"):
        return []
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def _date(text: str, as_of: date, month_end: bool = False) -> date:
    """A day, "today", or a month (2026-05 reads as its first day: nobody remembers the day of every event;
    a deadline given as a month, "by 2027-03", is its last day)."""
    if text.lower() == "today":
        return as_of
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    try:
        if month and month_end:
            return date(int(month[1]), int(month[2]), calendar.monthrange(int(month[1]), int(month[2]))[1])
        return date(int(month[1]), int(month[2]), 1) if month else date.fromisoformat(text)
    except ValueError:
        raise AnswerError(f'"{text}" is not a date like {as_of.isoformat()}') from None


def _choice(text: str, choices: tuple[str, ...], exact: bool = False) -> str:
    """A choice by its number or its words; ``exact`` for names, which are matched whole, whatever their case."""
    word = text.strip().lower() if exact else text.strip().lower().replace(" ", "_")
    if word.isdigit() and 1 <= int(word) <= len(choices):
        return choices[int(word) - 1]
    for choice in choices:
        if word in (choice.lower(), _choice_words(choice).split(" (")[0].lower().replace(" ", "_")):
            return choice
    raise AnswerError(f'"{text}" is not one of the choices')


def _choice_words(choice: str) -> str:
    return CHOICE_WORDS.get(choice, choice.replace("_", " "))


def _from_description(description: str, kind: str) -> str:
    text = description.rstrip(".").replace("The person's", "Your").replace("the person", "you")
    return f"Is this so: {text[0].lower()}{text[1:]}?" if kind == "bool" else f"{text}?"
