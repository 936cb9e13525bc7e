"""One person's situation, as they (or their coach) describe it.

Every field is optional, and a missing field means *unknown*, never *false*:
a rule that needs an unknown fact does not fire, and the advice lists the fact
as one worth giving. An empty list is known ("no setbacks"); a missing list is
unknown. Dates are ISO (``2026-11-24``). Unknown keys are errors.

The groups follow the guidance catalogue: role and tenure, performance
foundation, stepping up, evidence and case, relationships, organisation and
context, promotion-request history, offers and outcomes.
"""

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, Optional, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import InitErrorDetails, PydanticCustomError

MAX_ITEMS = 1000
FIRST_YEAR, LAST_YEAR = 1900, 2200  # room for any career, and for date arithmetic years ahead
# The same calendar as a JSON Schema pattern: YYYY-MM-DD with a year from 1900 to 2200.
DATE_PATTERN = r"^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch


def _within_calendar(day: date) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return day


def _a_day(value):
    """A day as YYYY-MM-DD text or a Python date; not a timestamp, a date and time, or a number.

    Left to itself pydantic would take "2026-11-24T00:00:00" or a count of
    seconds as a date, which the schema (and a person reading the file) would not.
    """
    kind = type(value)
    if kind is date or (kind is str and _ISO_DAY(value)):  # the usual cases first: this runs for every date
        return value
    if isinstance(value, datetime) or not isinstance(value, (date, str)):
        raise PydanticCustomError("date_type", "must be a date like 2026-11-24")
    if isinstance(value, str):
        raise PydanticCustomError("date_format", "must be a date like 2026-11-24")
    return value  # a subclass of date


def _a_number(value):
    """Numbers are numbers: not text such as "12", and not YAML's true/false, which Python counts as 1 and 0."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, str):
        raise ValueError(f"must be a number, not the text {value[:40]!r}")
    return value


Date = Annotated[
    date,
    BeforeValidator(_a_day),
    AfterValidator(_within_calendar),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
# Blank text is no answer: stripped, then at least one character (the schema's "\S": a character that is not blank).
Text = Annotated[str, Field(min_length=1, max_length=500, json_schema_extra={"pattern": r"\S"})]
YesNo = Annotated[bool, Field(strict=True)]  # true or false; not "yes", "true", 1 or 0
Count = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_a_number)]
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False), BeforeValidator(_a_number)]
Month = Annotated[int, Field(ge=1, le=12), BeforeValidator(_a_number)]


@dataclass(frozen=True)
class FactWords:
    """An input fact in words, kept on its field beside the description: one record per fact.

    ``label`` is a short lower-case phrase that reads well before ": yes" or a value in advice ("hiring is
    paused"); ``question`` is how the interview asks for it. pydantic keeps this object in the field's
    metadata and leaves it out of the JSON Schema, so the published schema is the description alone.
    """

    label: str = ""
    question: str = ""


def described(info: Any, *, label: str = "", question: str = "") -> Any:
    """The field ``info`` with its label and question (see `FactWords`)."""
    if label or question:
        info.metadata.append(FactWords(label, question))
    return info


def words_of(info: Any) -> FactWords:
    """The label and question recorded on a field (empty when it has none)."""
    return next((item for item in getattr(info, "metadata", ()) if isinstance(item, FactWords)), FactWords())


def items(description: str, *, label: str = "", question: str = "") -> Any:
    """A list field: bounded in length, with a description for the schema."""
    return described(Field(default=None, max_length=MAX_ITEMS, description=description), label=label, question=question)


def fact(description: str, *, label: str = "", question: str = "") -> Any:
    return described(Field(default=None, description=description), label=label, question=question)


def _says_not_after_as_of(schema: dict) -> None:
    schema["description"] += " Not after as_of: it has already happened."


def happened(description: str, required: bool = False, *, label: str = "", question: str = "") -> Any:
    """A date of something that has already happened, so it cannot lie after as_of; the schema says so too.

    The as_of check finds these dates by this mark, so the rule and its wording cannot part.
    """
    info = Field(default=... if required else None, description=description, json_schema_extra=_says_not_after_as_of)
    return described(info, label=label, question=question)


def _keys_not_blank(schema: dict) -> None:
    """Text keys in the schema as the model checks them: every key has a character that is not blank.

    pydantic writes a key pattern as patternProperties, which would let a
    blank key through unchecked; propertyNames says it for every key.
    """
    for branch in schema.get("anyOf", [schema]):
        if "patternProperties" in branch:
            ((pattern, values),) = branch.pop("patternProperties").items()
            branch["additionalProperties"] = values
            branch["propertyNames"]["pattern"] = pattern


def _says_not_before_review_start(schema: dict) -> None:
    schema["description"] += " Not before next_review_start."


class Strict(BaseModel):
    """Base of every facts model: unknown keys are errors, values are not coerced loosely.

    A yes/no is true or false, a number is a number and a date is YYYY-MM-DD (or
    a Python date): "yes", "12" or "2026-11-24T00:00:00" are refused, so every
    input (YAML, JSON, a Python dict) means what the JSON Schema says it means.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ---------------------------------------------------------------- list items


class PerformanceGap(Strict):
    area: Text = Field(description="What the gap is about, e.g. 'presentation structure'.")
    kind: Optional[
        Literal["skill", "consistency", "effort", "relationship", "reputation", "communication", "other"]
    ] = fact("The kind of gap.")
    plan: Optional[list[Text]] = items("Specific habits or steps planned to close it.")
    status: Literal["open", "in_progress", "closed"] = Field(
        default="open", description="Whether the gap is still open."
    )
    opened: Optional[Date] = happened("When the gap was noticed.")


class Setback(Strict):
    date: Date = happened("When it happened.", required=True)
    kind: Optional[Literal["mistake", "missed_target", "critical_feedback"]] = fact("What kind of setback.")
    addressed: Optional[YesNo] = fact(
        "Whether it has been dealt with.",
        question="Have you dealt with it, in a way others could see?",
    )
    given_by: Optional[Literal["manager", "skip", "exec", "peer", "customer", "other"]] = fact(
        "Who gave the criticism or saw the miss: the manager, the manager's manager, an executive (a VP), ...",
        question="Who gave that criticism, or saw the miss?",
    )
    gap_shown: Optional[Text] = fact(
        "The gap it shows, in a few words, e.g. 'stakeholder updates'.",
        question="In a few words, what does it say you could do better?",
    )


class AboveLevelActivity(Strict):
    kind: Literal[
        "higher_caliber",
        "next_role_duty",
        "new_initiative",
        "carve_out",
        "support_boss",
        "lead_within_role",
        "skill_exchange",
        "apprenticeship",
        "mentoring",
        "cross_functional",
        "publication",
    ] = Field(description="What kind of next-level work it is.")
    started: Optional[Date] = happened("When it started.")
    active: YesNo = Field(default=True, description="Whether it is still going on.")
    self_initiated: Optional[YesNo] = fact("Started on the person's own initiative.")
    measured: Optional[YesNo] = fact("Its results are measured.")
    shared_with_manager: Optional[YesNo] = fact("The manager knows about it.")


class Achievement(Strict):
    title: Text = Field(description="A short name for the result.")
    date: Date = happened("When it was achieved.", required=True)
    quantified: YesNo = Field(default=False, description="It has a number attached (%, money, time, count).")
    metric: Optional[Text] = fact("The number, e.g. 'cut handling time by 18%'.")
    above_role: Optional[YesNo] = fact("It goes beyond the current job description.")
    self_initiated: Optional[YesNo] = fact("Started on the person's own initiative.")
    visible: Optional[YesNo] = fact("Leadership saw it.")
    major_win: YesNo = Field(default=False, description="A visible success: a launch, a deal, an initiative led.")
    criteria: Optional[list[Text]] = items("Next-level criteria this result shows.")
    org_goal_aligned: Optional[YesNo] = fact("Tied to team or company goals.")
    testimonial: Optional[YesNo] = fact("Someone praised it in words that can be quoted.")


class Person(Strict):
    name: Text = Field(description="Who (a name or a role).")
    relation: Optional[Literal["manager", "skip", "exec", "peer", "subordinate", "customer", "mentor", "external"]] = (
        fact("How they relate to the person.")
    )
    strength: Optional[Literal["none", "weak", "meaningful", "strong"]] = fact("How strong the relationship is.")
    stance: Optional[Literal["champion", "supportive", "unknown", "opposed"]] = fact("Where they stand.")
    can_influence: Optional[YesNo] = fact("They can influence the decision.")
    endorsement_backfire_risk: Optional[YesNo] = fact("Their endorsement could hurt.")
    ask_crosses_political_line: Optional[YesNo] = fact("Asking them would cross a political line.")
    already_advocating: Optional[YesNo] = fact("They already speak up for the person.")
    asked_date: Optional[Date] = happened("When they were asked to put in a good word.")
    asked_response: Optional[Literal["yes", "no", "hesitant"]] = fact("What they said.")
    plan_to_ask: Optional[YesNo] = fact(
        "The person plans to ask them to speak up (not asked yet).",
        question="Which of them do you plan to ask to speak up for you (and have not asked yet)?",
    )


class CaseItem(Strict):
    text: Text = Field(description="The accomplishment as written in the case.")
    above_role: Optional[YesNo] = fact("It goes beyond what the current role requires.")


class CaseDocument(Strict):
    exists: YesNo = Field(default=True, description="A written case exists.")
    format: Optional[Literal["memo", "deck", "email", "outline"]] = fact("Its format.")
    components: Optional[list[Literal["current_role", "above_beyond", "impact", "ask", "forward_looking"]]] = described(
        Field(default=None, max_length=5, description="Which of the five parts it covers."),
        question="Which parts does your written case cover?",
    )
    forward_looking_framing: Optional[Literal["org", "self"]] = fact(
        "Whose gain the ending talks about.",
        question="Does the end of your case talk about the organisation's gain or yours?",
    )
    ask_terms: Optional[list[Literal["title", "salary", "benefits", "responsibilities"]]] = described(
        Field(default=None, max_length=4, description="The terms the ask spells out."),
        question="Which terms does your written ask spell out?",
    )
    tenure_or_effort_only: Optional[YesNo] = fact(
        "The case rests on time served or effort alone.",
        question="Does your case rest mostly on time served or effort?",
    )
    accomplishment_items: Optional[list[CaseItem]] = items("The items of the accomplishments list.")


class PromotionRequest(Strict):
    date: Date = happened("When the person asked.", required=True)
    channel: Optional[Literal["dedicated_meeting", "end_of_1on1", "casual", "written"]] = fact("How they asked.")
    case_document_used: Optional[YesNo] = fact("A written case was brought.")
    outcome: Literal["pending", "approved", "denied", "not_yet"] = Field(description="What happened.")
    stated_reason: Optional[
        Literal[
            "budget",
            "experience_gap",
            "someone_else_promoted",
            "performance",
            "timing",
            "structural",
            "none_given",
            "outsourcing_or_automation",
        ]
    ] = fact(
        "The reason the manager gave; outsourcing_or_automation: the work is being outsourced or automated.",
        question="What reason were you given?",
    )
    direct_conversation_held: Optional[YesNo] = fact(
        "The person asked point-blank what is needed.",
        question="Did you ask your manager point-blank what is needed?",
    )
    criteria_requested: Optional[YesNo] = fact(
        "The person asked what must change, by when.",
        question="Did you ask what exactly must change, and by when?",
    )
    feedback_specific: Optional[YesNo] = fact(
        "Concrete, actionable criteria were given.",
        question="Did you get concrete, specific criteria for what must change?",
    )
    criteria: Optional[list[Text]] = items(
        "The criteria given.",
        question="Which criteria were you given? (what must change for a yes)",
    )
    criteria_changed_vs_previous: Optional[YesNo] = fact("The criteria moved since the last request.")
    timeline_given: Optional[YesNo] = fact(
        "A 'by when' was given.",
        question="Were you told by when the criteria should be met?",
    )
    revisit_date: Optional[Date] = fact(
        "The agreed date to revisit.",
        question="On what date will the decision be looked at again?",
    )
    criteria_deadline: Optional[Date] = fact(
        "The date by which the criteria should be met ('by Q3': the last day of Q3).",
        question="By what date should the criteria be met? ('by Q3': its last day)",
    )
    summarised_in_writing: Optional[YesNo] = fact(
        "A follow-up email summarised the conversation.",
        question="Did you confirm what was agreed in an email afterwards?",
    )
    plan_offered: Optional[YesNo] = fact(
        "The manager offered or helped build a plan.",
        question="Did your manager offer or help build a plan?",
    )
    action_plan_agreed: Optional[YesNo] = fact(
        "A plan exists and the manager bought in.",
        question="Is there a plan your manager has agreed to?",
    )
    plan_agreed_date: Optional[Date] = happened(
        "When the plan was agreed.",
        question="When was the plan agreed?",
    )
    manager_declined_meaningful_feedback: Optional[YesNo] = fact(
        "The manager would not give real feedback.",
        question="Did your manager decline to give real feedback?",
    )
    progress_since: Optional[Literal["none", "some", "criteria_met"]] = fact(
        "Movement since the plan.",
        question="Has anything moved since that plan?",
    )
    feedback_meeting_held: Optional[YesNo] = fact(
        "The feedback meeting after the answer took place.",
        question="Have you met your manager since the answer to talk it over?",
    )


class ExternalOffer(Strict):
    date: Optional[Date] = happened("When the offer came.")
    level: Optional[Text] = fact("The level offered.")
    comp: Optional[Money] = fact("The pay offered.")


class Dysfunction(Strict):
    high_turnover: Optional[YesNo] = fact(
        "People keep leaving.",
        question="Do people keep leaving your unit?",
    )
    chronic_inefficiency: Optional[YesNo] = fact(
        "Things chronically run badly.",
        question="Do things chronically run badly in your unit?",
    )


class Organisation(Strict):
    """The organisation and its calendar; review_end must not come before next_review_start."""

    size: Optional[Count] = fact(
        "Headcount of the relevant unit.",
        label="headcount of the unit",
        question="How many people work in your unit?",
    )
    formality: Optional[Literal["formal", "informal"]] = fact(
        "How formally people communicate.",
        label="how formally people communicate",
        question="How formally do people communicate at your organisation?",
    )
    approval_path: Optional[Literal["manager", "multi_dept", "committee"]] = fact(
        "Who approves promotions.",
        label="who approves promotions",
        question="Who approves promotions where you work?",
    )
    typical_approval_weeks: Optional[Count] = fact(
        "How long approval usually takes, in weeks.",
        label="weeks approval usually takes",
        question="How many weeks does a promotion approval usually take?",
    )
    traditional_low_competition: Optional[YesNo] = fact(
        "A structured organisation with little competition.",
        label="a structured organisation with little competition",
        question="Is your organisation structured, promoting with little competition?",
    )
    target_contested: Optional[YesNo] = fact(
        "Others compete for the same role.",
        label="others compete for the target role",
        question="Are others competing for the same role?",
    )
    culture_encourages_initiative: Optional[YesNo] = fact(
        "The culture rewards initiative.",
        label="the culture rewards initiative",
        question="Does your organisation's culture reward initiative?",
    )
    company_freeze: Optional[YesNo] = fact(
        "A company-wide freeze is on.",
        label="a company-wide freeze is on",
        question="Is there a company-wide freeze on promotions or pay?",
    )
    hiring_freeze: Optional[YesNo] = fact(
        "Hiring is paused.",
        label="hiring is paused",
        question="Is there a hiring freeze at your company?",
    )
    financial_difficulty: Optional[YesNo] = fact(
        "The company is in financial trouble.",
        label="the company is in financial trouble",
        question="Is the company in financial difficulty?",
    )
    next_review_start: Optional[Date] = fact(
        "Start of the next review cycle.",
        label="start of the next review cycle",
        question="When does the next review cycle start?",
    )
    review_end: Optional[Date] = described(
        Field(default=None, description="End of that review cycle.", json_schema_extra=_says_not_before_review_start),
        label="end of the review cycle",
        question="When does the review cycle end?",
    )
    budget_season_months: Optional[list[Month]] = Field(
        default=None, max_length=12, description="Months when budgets are set (1-12); Q4 if not given."
    )
    last_funding_date: Optional[Date] = happened(
        "When the company last raised money.",
        label="date the company last raised money",
        question="When did the company last raise money?",
    )
    recently_promoted_someone_into_target: Optional[YesNo] = fact(
        "Someone else was just promoted into the target.",
        label="someone else was just promoted into the target role",
        question="Was someone else just promoted into the role you want?",
    )
    values_person_skillset: Optional[YesNo] = fact(
        "The organisation values the person's skills.",
        label="the organisation values the person's skills",
        question="Does your organisation value the skills you are strongest in?",
    )
    function_outsourced_or_automated: Optional[YesNo] = fact(
        "The person's function is being outsourced or automated.",
        label="the job's function is being outsourced or automated",
        question="Is your function being outsourced or automated?",
    )
    ic_track: Optional[YesNo] = fact(
        "There is an individual-contributor track: senior roles without managing people.",
        label="there is an individual-contributor track",
        question="Can people grow into senior roles without managing people where you work?",
    )
    dysfunction: Optional[Dysfunction] = fact("Signs the unit is dysfunctional.")

    @model_validator(mode="after")
    def _review_in_order(self) -> "Organisation":
        if self.next_review_start and self.review_end and self.review_end < self.next_review_start:
            raise ValueError("review_end comes before next_review_start")
        return self


# ---------------------------------------------------------------- the person


class Facts(Strict):
    """Everything known about one person's promotion situation on one day.

    Two rules join fields, beyond what each field says alone: a date of something
    that has already happened (its description says "Not after as_of") must not
    lie after as_of, and org.review_end must not come before org.next_review_start.

    A ruleset may declare facts of its own (facts.declared): they extend this model for that ruleset
    only, and ``DECLARED`` names them on the extended model (empty here).
    """

    DECLARED: ClassVar[tuple[str, ...]] = ()

    as_of: Optional[Date] = fact("The day the advice is for; today if not given.")

    # A. Role and tenure
    current_title: Optional[Text] = fact(
        "Current title or level.",
        label="current title",
        question="What is your current title?",
    )
    target_title: Optional[Text] = fact(
        "The role being pursued.",
        label="the role aimed for",
        question="Which role are you aiming for?",
    )
    target_role_exists: Optional[YesNo] = fact(
        "The target is a defined position in the organisation.",
        label="the target role is a defined position",
        question="Does the role you want already exist in your organisation?",
    )
    target_role_is_management: Optional[YesNo] = fact(
        "The target involves leading people.",
        label="the target role leads people",
        question="Does the role you want involve leading people?",
    )
    role_start_date: Optional[Date] = happened(
        "When the current role started.",
        label="start of the current role",
        question="When did you start your current role?",
    )
    scope_change: Optional[Literal["none", "expanded", "dramatic"]] = fact(
        "How much the role's scope has grown: none, expanded or dramatic.",
        label="growth of the role's scope",
        question="Has your job changed since you started it?",
    )
    last_promotion_date: Optional[Date] = happened(
        "When the person was last promoted.",
        label="date of the last promotion",
        question="When were you last promoted?",
    )
    target_role_tried: Optional[Literal["not_tried", "liked", "disliked"]] = fact(
        "Result of trying the target role's duties.",
        label="result of trying the target role's duties",
        question="Have you tried some of the target role's duties? How did it go?",
    )
    target_value_aligned_with_org_goals: Optional[YesNo] = fact(
        "The target's value is tied to the organisation's goals.",
        label="the target role serves the organisation's goals",
        question="Is the value of the role you want tied to your organisation's goals?",
    )
    target_dropped: Optional[YesNo] = fact(
        "The person has dropped the target role and is choosing another path.",
        label="the target role is dropped",
        question="Have you dropped the role you were aiming for?",
    )

    # B. Performance foundation
    self_assessment_done: Optional[YesNo] = fact(
        "A candid written self-assessment has been done.",
        label="a written self-assessment is done",
        question="Have you written an honest review of your own performance?",
    )
    self_assessment_date: Optional[Date] = happened(
        "When the self-assessment was done.",
        label="date of the self-assessment",
        question="When did you write it?",
    )
    self_assessment_discussed: Optional[YesNo] = fact(
        "It was discussed with a trusted person.",
        label="the self-assessment was discussed with someone trusted",
        question="Did you discuss it with someone you trust?",
    )
    performance_gaps: Optional[list[PerformanceGap]] = items(
        "Gaps found by self-assessment or feedback.",
        question="Which weaknesses in your current job are you still working on? (e.g. late reports, presentations)",
    )
    meets_all_responsibilities: Optional[YesNo] = fact(
        "Fully covering every assigned duty.",
        label="covering every duty of the role",
        question="Do you fully cover every responsibility of your current role?",
    )
    informal_review_done: Optional[YesNo] = fact(
        "An informal review with the supervisor took place.",
        label="an informal review took place",
        question="Have you had an informal review of your work with your manager?",
    )
    informal_review_date: Optional[Date] = happened(
        "When the informal review took place.",
        label="date of the informal review",
        question="When was that informal review?",
    )
    informal_review_expectations_agreed: Optional[YesNo] = fact(
        "Expectations were agreed in it.",
        label="expectations were agreed in the informal review",
        question="Did you agree clear expectations in it?",
    )
    feedback_unclear: Optional[YesNo] = fact(
        "Unsure how they are performing.",
        label="unsure how the work is seen",
        question="Are you unsure how well you are performing?",
    )
    improvement_cycle_start: Optional[Date] = happened(
        "Start of the current improvement cycle.",
        label="start of the current improvement cycle",
        question="When did you start working on your gaps?",
    )
    setbacks: Optional[list[Setback]] = items(
        "Recent mistakes, missed targets or critical feedback.",
        question="Any setbacks in the last twelve months (a mistake, a missed target, critical feedback)?",
    )
    effort_trend: Optional[Literal["rising", "steady", "declining"]] = fact(
        "Where effort is heading.",
        label="where effort is heading",
        question="Where is your effort heading lately?",
    )
    frustrated: Optional[YesNo] = fact(
        "Feeling frustrated.",
        label="feeling frustrated",
        question="Are you feeling frustrated at work?",
    )
    strategy: Optional[Literal["wait_to_be_noticed", "active"]] = fact(
        "Waiting to be noticed, or actively making the case.",
        label="approach to getting promoted",
        question="How are you going about the promotion so far?",
    )
    hinting_only: Optional[YesNo] = fact(
        "Has only hinted at wanting a promotion.",
        label="only hinted at wanting a promotion",
        question="Have you only hinted that you want a promotion, without asking plainly?",
    )

    # C. Stepping up
    above_level_activities: Optional[list[AboveLevelActivity]] = items(
        "Next-level work being done.",
        question="Which work above your level do you do now?",
    )
    capacity_constrained: Optional[YesNo] = fact(
        "Too stretched to take on whole next-level duties.",
        label="too stretched for whole next-level duties",
        question="Are you too stretched to take on whole duties of the next level?",
    )
    boss_territorial: Optional[YesNo] = fact(
        "The person above guards their work.",
        label="the boss guards their work",
        question="Does the person above you guard their work closely?",
    )
    lacks_experience_for_next_role: Optional[YesNo] = fact(
        "Cannot yet do the core of the next job.",
        label="cannot yet do the core of the next job",
        question="Is the core of the next job still beyond what you can do today?",
    )
    leadership_evidence: Optional[YesNo] = fact(
        "Has shown delegation, leadership and soft skills.",
        label="has shown leadership and delegation",
        question="Have you shown delegation, leadership and people skills at work?",
    )
    has_mentor: Optional[YesNo] = fact(
        "Has a senior mentor.",
        label="has a senior mentor",
        question="Do you have a senior mentor?",
    )

    # D. Evidence and case
    achievements: Optional[list[Achievement]] = items(
        "The evidence: results, dated.",
        question="Which results from the last twelve months can you show with a number (%, money, time), and when?",
    )
    achievement_log_last_updated: Optional[Date] = happened(
        "When the achievement log was last updated.",
        label="last update of the achievement log",
        question="When did you last write down your results in a log?",
    )
    leveling_criteria: Optional[list[Text]] = items(
        "The documented criteria for the next level.",
        question="What are the written criteria for the next level? (or skip if you don't know them)",
    )
    criteria_self_rating: Optional[dict[Text, Literal["met", "partial", "not_met"]]] = Field(
        default=None,
        max_length=MAX_ITEMS,
        description="Self-rating against each next-level criterion.",
        json_schema_extra=_keys_not_blank,
    )
    case_document: Optional[CaseDocument] = fact(
        "The written promotion case.",
        question="Have you written your promotion case down?",
    )
    comp_in_ask: Optional[YesNo] = fact(
        "Pay is part of the request.",
        label="pay is part of the request",
        question="Is a pay rise part of what you are asking for?",
    )
    current_comp: Optional[Money] = fact(
        "Current pay.",
        label="current pay",
        question="What is your current yearly pay?",
    )
    market_rate_current_level: Optional[Money] = fact(
        "Market pay for the current level.",
        label="market pay for the current level",
        question="What does the market pay for your current level, yearly?",
    )
    market_rate_next_level: Optional[Money] = fact(
        "Market pay for the target level.",
        label="market pay for the target level",
        question="What does the market pay for the level you want, yearly?",
    )
    walk_away_number: Optional[Money] = fact(
        "The lowest acceptable pay.",
        label="lowest acceptable pay",
        question="What is the lowest pay you would accept for the new role?",
    )
    revenue_attributed: Optional[Money] = fact(
        "Revenue or value brought in.",
        label="revenue or value brought in",
        question="How much revenue or value have you brought in, yearly?",
    )
    negotiation_experience: Optional[Literal["low", "medium", "high"]] = fact(
        "Experience negotiating.",
        label="experience negotiating",
        question="How much experience do you have negotiating pay?",
    )

    # E. Relationships
    people: Optional[list[Person]] = items(
        "Potential sponsors and endorsers.",
        question=(
            "Who would speak up for you with the people who decide? (a real relationship, on your side, with influence)"
        ),
    )
    manager_relationship: Optional[Literal["weak", "ok", "strong"]] = fact(
        "Quality of the relationship with the manager.",
        label="relationship with the manager",
        question="How is your relationship with your manager?",
    )
    manager_not_advocating: Optional[YesNo] = fact(
        "The manager is not pushing the case.",
        label="the manager is not pushing the case",
        question="Is your manager not pushing your case?",
    )
    manager_post: Optional[Literal["filled", "acting", "vacant"]] = fact(
        "The manager's post: filled, held by an acting manager, or vacant.",
        label="whether the manager's post is filled",
        question="Is your manager's post filled, held by an acting manager, or vacant?",
    )
    relying_on_relationships: Optional[YesNo] = fact(
        "The plan leans on connections rather than record.",
        label="leaning on connections rather than record",
        question="Does your plan lean on connections more than on your record?",
    )

    # F. Organisation and context
    org: Optional[Organisation] = fact("The organisation and its calendar.")
    manager_visibly_stressed: Optional[YesNo] = fact(
        "The manager is visibly under pressure.",
        label="the manager is visibly under pressure",
        question="Is your manager visibly under pressure right now?",
    )
    remote: Optional[YesNo] = fact(
        "Works remotely.",
        label="working remotely",
        question="Do you work remotely?",
    )
    manager_onsite: Optional[YesNo] = fact(
        "The manager works on site.",
        label="the manager works on site",
        question="Does your manager work on your site?",
    )
    planned_setting: Optional[
        Literal["dedicated_1on1", "end_of_1on1", "casual", "lunch_arranged", "video", "phone"]
    ] = fact(
        "Where the request would be made.",
        label="where the request would be made",
        question="Where would you make the request?",
    )
    meeting_scheduled: Optional[Date] = fact(
        "Date of a booked meeting to discuss the promotion.",
        label="date of the booked promotion meeting",
        question="Have you booked a meeting to discuss the promotion? If so, on which date?",
    )

    # G. Promotion-request history
    promotion_requests: Optional[list[PromotionRequest]] = items(
        "Every time the person asked, oldest first.",
        question="Have you asked for a promotion before? How did each request end, and when?",
    )

    # H. Offers and outcomes
    promotion_approved: Optional[YesNo] = fact(
        "The latest request was approved.",
        question="Has your latest request been approved?",
    )
    terms_final: Optional[YesNo] = fact(
        "Title and pay are already fixed.",
        label="title and pay are already fixed",
        question="Are the title and pay of the new role already fixed?",
    )
    terms_negotiable: Optional[YesNo] = fact(
        "The terms can be negotiated.",
        label="the terms can be negotiated",
        question="Can the terms still be negotiated?",
    )
    external_offer: Optional[ExternalOffer] = fact(
        "A competing offer.",
        question="Do you have an offer from another employer? If so, its date.",
    )
    job_search_active: Optional[YesNo] = fact(
        "Currently looking elsewhere.",
        label="looking for another job",
        question="Are you looking at jobs elsewhere?",
    )
    soul_search_done: Optional[YesNo] = fact(
        "Has honestly reflected on their own gaps.",
        label="honestly reflected on own gaps",
        question="Have you reflected honestly on whether any gaps of your own held you back?",
    )
    soul_search_found_gaps: Optional[YesNo] = fact(
        "That reflection found real gaps.",
        label="the honest reflection found real gaps",
        question="Did that reflection find real gaps of your own?",
    )
    growth_blocked: Optional[YesNo] = fact(
        "No growth is available in this part of the company.",
        label="no growth is available in this part of the company",
        question="Is there simply no room to grow in your part of the company?",
    )

    @model_validator(mode="after")
    def _past_dates_not_after_as_of(self) -> "Facts":
        """Events that have happened cannot be dated after the day of the advice."""
        if self.as_of is None:
            return self
        late = [(loc, value) for loc, value in _past_dates(self) if value > self.as_of]
        if late:
            raise ValidationError.from_exception_data(
                "Facts",
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "late_date",
                            "{field} after as_of ({as_of})",
                            {"field": field_path(loc), "as_of": self.as_of.isoformat()},
                        ),
                        loc=loc,
                        input=value.isoformat(),
                    )
                    for loc, value in late
                ],
            )
        return self


def field_path(loc: tuple) -> str:
    """('promotion_requests', 1, 'outcome') -> 'promotion_requests[1].outcome'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _past_dates(model: BaseModel, loc: tuple = ()):
    """(field location, date) for every date that must not lie in the future: the fields made with `happened`."""
    dated, inside = _dated_fields(type(model))
    for name in dated:
        value = getattr(model, name)
        if value is not None:
            yield loc + (name,), value
    for name in inside:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _past_dates(value, loc + (name,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from _past_dates(item, loc + (name, index))


@functools.cache
def _dated_fields(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A model's fields made with `happened`, and its fields that hold models which may have some."""
    dated = tuple(name for name, info in model.model_fields.items() if info.json_schema_extra is _says_not_after_as_of)
    inside = tuple(
        name
        for name, info in model.model_fields.items()
        if (found := _model_inside(info.annotation)) is not None and _has_dates(found)
    )
    return dated, inside


def _has_dates(model: type[BaseModel]) -> bool:
    dated, inside = _dated_fields(model)
    return bool(dated or inside)


# ---------------------------------------------------------------- the model, by path

FieldKind = Optional[Literal["bool", "number", "date", "enum", "text", "enums", "texts"]]


def _path_parts(path: str) -> list[str]:
    """``promotion_requests[-1].plan_offered`` -> ["promotion_requests", "plan_offered"]."""
    return [part for part in re.sub(r"\[-?\d+\]", "", path).split(".") if part]


def _model_inside(annotation: Any) -> Optional[type[BaseModel]]:
    """The facts model inside Optional[...] or list[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_inside(arg)
        if found is not None:
            return found
    return None


def model_at(path: str) -> Optional[type[BaseModel]]:
    """The model a path leads into: "" is Facts itself, "org" the organisation, "achievements[0]" one result."""
    model: Optional[type[BaseModel]] = Facts
    for part in _path_parts(path):
        info = model.model_fields.get(part) if model is not None else None
        model = _model_inside(info.annotation) if info is not None else None
    return model


def field_at(path: str) -> Optional[FieldInfo]:
    """The field a path names (``org.hiring_freeze``, ``promotion_requests[-1].plan_offered``), if any."""
    *head, last = _path_parts(path) or [""]
    model = model_at(".".join(head))
    return model.model_fields.get(last) if model is not None else None


def field_kind(annotation: Any) -> tuple[FieldKind, tuple[str, ...]]:
    """What a field holds, as the rest of promorules reads it, and its choices where it has them.

    A single yes/no, number, date, choice (enum) or text; a list of choices
    (enums) or of texts; None for groups, lists of records and mappings.
    """
    args = [a for a in get_args(annotation) if a is not type(None)] if get_origin(annotation) is Union else []
    inner = _unannotated(args[0] if args else annotation)
    if get_origin(inner) is list:
        item = _unannotated(get_args(inner)[0])
        if get_origin(item) is Literal:
            return "enums", tuple(get_args(item))
        return ("texts", ()) if item is str else (None, ())
    if get_origin(inner) is Literal:
        return "enum", tuple(get_args(inner))
    kinds: dict[Any, FieldKind] = {bool: "bool", int: "number", float: "number", date: "date", str: "text"}
    return kinds.get(inner), ()


def _unannotated(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def put_at(data: dict, path: str, value: Any) -> None:
    """Set a value in facts-file data by its path, making groups as needed; None removes it.

    ``org.hiring_freeze``, ``promotion_requests[-1].plan_offered``. Raises
    ValueError when the path runs through something that is not a group.
    """
    target: Any = data
    *groups, name = path.split(".")
    for part in groups:
        indexed = re.fullmatch(r"(\w+)\[(-?\d+)\]", part)
        target = target[indexed[1]][int(indexed[2])] if indexed else target.setdefault(part, {})
        if not isinstance(target, dict):
            raise ValueError(f'"{path}": "{part}" is not a group of facts')
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value
