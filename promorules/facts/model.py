"""One person's situation, as they (or their coach) describe it.

Every field is optional, and a missing field means *unknown*, never *false*:
a rule that needs an unknown fact does not fire, and the advice lists the fact
as one worth giving. An empty list is known ("no setbacks"); a missing list is
unknown. Dates are ISO (``2026-11-24``). Unknown keys are errors.

The groups follow the guidance catalogue: role and tenure, performance
foundation, stepping up, evidence and case, relationships, organisation and
context, promotion-request history, offers and outcomes.
"""
from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal, Optional, Union, get_args, get_origin

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema, model_validator,
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


Date = Annotated[date, BeforeValidator(_a_day), AfterValidator(_within_calendar),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]
# Blank text is no answer: stripped, then at least one character (the schema's "\S": a character that is not blank).
Text = Annotated[str, Field(min_length=1, max_length=500, json_schema_extra={"pattern": r"\S"})]
YesNo = Annotated[bool, Field(strict=True)]  # true or false; not "yes", "true", 1 or 0
Count = Annotated[int, Field(ge=0, le=1_000_000), BeforeValidator(_a_number)]
Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False), BeforeValidator(_a_number)]
Month = Annotated[int, Field(ge=1, le=12), BeforeValidator(_a_number)]


def items(description: str):
    """A list field: bounded in length, with a description for the schema."""
    return Field(default=None, max_length=MAX_ITEMS, description=description)


def fact(description: str):
    return Field(default=None, description=description)


def _says_not_after_as_of(schema: dict) -> None:
    schema["description"] += " Not after as_of: it has already happened."


def happened(description: str, required: bool = False):
    """A date of something that has already happened, so it cannot lie after as_of; the schema says so too.

    The as_of check finds these dates by this mark, so the rule and its wording cannot part.
    """
    return Field(default=... if required else None, description=description, json_schema_extra=_says_not_after_as_of)


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
    addressed: Optional[YesNo] = fact("Whether it has been dealt with.")
    given_by: Optional[Literal["manager", "skip", "exec", "peer", "customer", "other"]] = fact(
        "Who gave the criticism or saw the miss: the manager, the manager's manager, an executive (a VP), ..."
    )
    gap_shown: Optional[Text] = fact("The gap it shows, in a few words, e.g. 'stakeholder updates'.")


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
    relation: Optional[
        Literal["manager", "skip", "exec", "peer", "subordinate", "customer", "mentor", "external"]
    ] = fact("How they relate to the person.")
    strength: Optional[Literal["none", "weak", "meaningful", "strong"]] = fact("How strong the relationship is.")
    stance: Optional[Literal["champion", "supportive", "unknown", "opposed"]] = fact("Where they stand.")
    can_influence: Optional[YesNo] = fact("They can influence the decision.")
    endorsement_backfire_risk: Optional[YesNo] = fact("Their endorsement could hurt.")
    ask_crosses_political_line: Optional[YesNo] = fact("Asking them would cross a political line.")
    already_advocating: Optional[YesNo] = fact("They already speak up for the person.")
    asked_date: Optional[Date] = happened("When they were asked to put in a good word.")
    asked_response: Optional[Literal["yes", "no", "hesitant"]] = fact("What they said.")
    plan_to_ask: Optional[YesNo] = fact("The person plans to ask them to speak up (not asked yet).")


class CaseItem(Strict):
    text: Text = Field(description="The accomplishment as written in the case.")
    above_role: Optional[YesNo] = fact("It goes beyond what the current role requires.")


class CaseDocument(Strict):
    exists: YesNo = Field(default=True, description="A written case exists.")
    format: Optional[Literal["memo", "deck", "email", "outline"]] = fact("Its format.")
    components: Optional[
        list[Literal["current_role", "above_beyond", "impact", "ask", "forward_looking"]]
    ] = Field(default=None, max_length=5, description="Which of the five parts it covers.")
    forward_looking_framing: Optional[Literal["org", "self"]] = fact("Whose gain the ending talks about.")
    ask_terms: Optional[list[Literal["title", "salary", "benefits", "responsibilities"]]] = Field(
        default=None, max_length=4, description="The terms the ask spells out."
    )
    tenure_or_effort_only: Optional[YesNo] = fact("The case rests on time served or effort alone.")
    accomplishment_items: Optional[list[CaseItem]] = items("The items of the accomplishments list.")


class PromotionRequest(Strict):
    date: Date = happened("When the person asked.", required=True)
    channel: Optional[Literal["dedicated_meeting", "end_of_1on1", "casual", "written"]] = fact("How they asked.")
    case_document_used: Optional[YesNo] = fact("A written case was brought.")
    outcome: Literal["pending", "approved", "denied", "not_yet"] = Field(description="What happened.")
    stated_reason: Optional[
        Literal["budget", "experience_gap", "someone_else_promoted", "performance", "timing", "structural",
                "none_given", "outsourcing_or_automation"]
    ] = fact("The reason the manager gave; outsourcing_or_automation: the work is being outsourced or automated.")
    direct_conversation_held: Optional[YesNo] = fact("The person asked point-blank what is needed.")
    criteria_requested: Optional[YesNo] = fact("The person asked what must change, by when.")
    feedback_specific: Optional[YesNo] = fact("Concrete, actionable criteria were given.")
    criteria: Optional[list[Text]] = items("The criteria given.")
    criteria_changed_vs_previous: Optional[YesNo] = fact("The criteria moved since the last request.")
    timeline_given: Optional[YesNo] = fact("A 'by when' was given.")
    revisit_date: Optional[Date] = fact("The agreed date to revisit.")
    criteria_deadline: Optional[Date] = fact(
        "The date by which the criteria should be met ('by Q3': the last day of Q3)."
    )
    summarised_in_writing: Optional[YesNo] = fact("A follow-up email summarised the conversation.")
    plan_offered: Optional[YesNo] = fact("The manager offered or helped build a plan.")
    action_plan_agreed: Optional[YesNo] = fact("A plan exists and the manager bought in.")
    plan_agreed_date: Optional[Date] = happened("When the plan was agreed.")
    manager_declined_meaningful_feedback: Optional[YesNo] = fact("The manager would not give real feedback.")
    progress_since: Optional[Literal["none", "some", "criteria_met"]] = fact("Movement since the plan.")
    feedback_meeting_held: Optional[YesNo] = fact("The feedback meeting after the answer took place.")


class ExternalOffer(Strict):
    date: Optional[Date] = happened("When the offer came.")
    level: Optional[Text] = fact("The level offered.")
    comp: Optional[Money] = fact("The pay offered.")


class Dysfunction(Strict):
    high_turnover: Optional[YesNo] = fact("People keep leaving.")
    chronic_inefficiency: Optional[YesNo] = fact("Things chronically run badly.")


class Organisation(Strict):
    """The organisation and its calendar; review_end must not come before next_review_start."""

    size: Optional[Count] = fact("Headcount of the relevant unit.")
    formality: Optional[Literal["formal", "informal"]] = fact("How formally people communicate.")
    approval_path: Optional[Literal["manager", "multi_dept", "committee"]] = fact("Who approves promotions.")
    typical_approval_weeks: Optional[Count] = fact("How long approval usually takes, in weeks.")
    traditional_low_competition: Optional[YesNo] = fact("A structured organisation with little competition.")
    target_contested: Optional[YesNo] = fact("Others compete for the same role.")
    culture_encourages_initiative: Optional[YesNo] = fact("The culture rewards initiative.")
    company_freeze: Optional[YesNo] = fact("A company-wide freeze is on.")
    hiring_freeze: Optional[YesNo] = fact("Hiring is paused.")
    financial_difficulty: Optional[YesNo] = fact("The company is in financial trouble.")
    next_review_start: Optional[Date] = fact("Start of the next review cycle.")
    review_end: Optional[Date] = Field(
        default=None, description="End of that review cycle.", json_schema_extra=_says_not_before_review_start
    )
    budget_season_months: Optional[list[Month]] = Field(
        default=None, max_length=12, description="Months when budgets are set (1-12); Q4 if not given."
    )
    last_funding_date: Optional[Date] = happened("When the company last raised money.")
    recently_promoted_someone_into_target: Optional[YesNo] = fact("Someone else was just promoted into the target.")
    values_person_skillset: Optional[YesNo] = fact("The organisation values the person's skills.")
    function_outsourced_or_automated: Optional[YesNo] = fact("The person's function is being outsourced or automated.")
    ic_track: Optional[YesNo] = fact("There is an individual-contributor track: senior roles without managing people.")
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
    """

    as_of: Optional[Date] = fact("The day the advice is for; today if not given.")

    # A. Role and tenure
    current_title: Optional[Text] = fact("Current title or level.")
    target_title: Optional[Text] = fact("The role being pursued.")
    target_role_exists: Optional[YesNo] = fact("The target is a defined position in the organisation.")
    target_role_is_management: Optional[YesNo] = fact("The target involves leading people.")
    role_start_date: Optional[Date] = happened("When the current role started.")
    scope_change: Optional[Literal["none", "expanded", "dramatic"]] = fact(
        "How much the role's scope has grown: none, expanded or dramatic."
    )
    last_promotion_date: Optional[Date] = happened("When the person was last promoted.")
    target_role_tried: Optional[Literal["not_tried", "liked", "disliked"]] = fact(
        "Result of trying the target role's duties."
    )
    target_value_aligned_with_org_goals: Optional[YesNo] = fact("The target's value is tied to the organisation's goals.")
    target_dropped: Optional[YesNo] = fact("The person has dropped the target role and is choosing another path.")

    # B. Performance foundation
    self_assessment_done: Optional[YesNo] = fact("A candid written self-assessment has been done.")
    self_assessment_date: Optional[Date] = happened("When the self-assessment was done.")
    self_assessment_discussed: Optional[YesNo] = fact("It was discussed with a trusted person.")
    performance_gaps: Optional[list[PerformanceGap]] = items("Gaps found by self-assessment or feedback.")
    meets_all_responsibilities: Optional[YesNo] = fact("Fully covering every assigned duty.")
    informal_review_done: Optional[YesNo] = fact("An informal review with the supervisor took place.")
    informal_review_date: Optional[Date] = happened("When the informal review took place.")
    informal_review_expectations_agreed: Optional[YesNo] = fact("Expectations were agreed in it.")
    feedback_unclear: Optional[YesNo] = fact("Unsure how they are performing.")
    improvement_cycle_start: Optional[Date] = happened("Start of the current improvement cycle.")
    setbacks: Optional[list[Setback]] = items("Recent mistakes, missed targets or critical feedback.")
    effort_trend: Optional[Literal["rising", "steady", "declining"]] = fact("Where effort is heading.")
    frustrated: Optional[YesNo] = fact("Feeling frustrated.")
    strategy: Optional[Literal["wait_to_be_noticed", "active"]] = fact(
        "Waiting to be noticed, or actively making the case."
    )
    hinting_only: Optional[YesNo] = fact("Has only hinted at wanting a promotion.")

    # C. Stepping up
    above_level_activities: Optional[list[AboveLevelActivity]] = items("Next-level work being done.")
    capacity_constrained: Optional[YesNo] = fact("Too stretched to take on whole next-level duties.")
    boss_territorial: Optional[YesNo] = fact("The person above guards their work.")
    lacks_experience_for_next_role: Optional[YesNo] = fact("Cannot yet do the core of the next job.")
    leadership_evidence: Optional[YesNo] = fact("Has shown delegation, leadership and soft skills.")
    has_mentor: Optional[YesNo] = fact("Has a senior mentor.")

    # D. Evidence and case
    achievements: Optional[list[Achievement]] = items("The evidence: results, dated.")
    achievement_log_last_updated: Optional[Date] = happened("When the achievement log was last updated.")
    leveling_criteria: Optional[list[Text]] = items("The documented criteria for the next level.")
    criteria_self_rating: Optional[dict[Text, Literal["met", "partial", "not_met"]]] = Field(
        default=None, max_length=MAX_ITEMS, description="Self-rating against each next-level criterion.",
        json_schema_extra=_keys_not_blank,
    )
    case_document: Optional[CaseDocument] = fact("The written promotion case.")
    comp_in_ask: Optional[YesNo] = fact("Pay is part of the request.")
    current_comp: Optional[Money] = fact("Current pay.")
    market_rate_current_level: Optional[Money] = fact("Market pay for the current level.")
    market_rate_next_level: Optional[Money] = fact("Market pay for the target level.")
    walk_away_number: Optional[Money] = fact("The lowest acceptable pay.")
    revenue_attributed: Optional[Money] = fact("Revenue or value brought in.")
    negotiation_experience: Optional[Literal["low", "medium", "high"]] = fact("Experience negotiating.")

    # E. Relationships
    people: Optional[list[Person]] = items("Potential sponsors and endorsers.")
    manager_relationship: Optional[Literal["weak", "ok", "strong"]] = fact("Quality of the relationship with the manager.")
    manager_not_advocating: Optional[YesNo] = fact("The manager is not pushing the case.")
    manager_post: Optional[Literal["filled", "acting", "vacant"]] = fact(
        "The manager's post: filled, held by an acting manager, or vacant."
    )
    relying_on_relationships: Optional[YesNo] = fact("The plan leans on connections rather than record.")

    # F. Organisation and context
    org: Optional[Organisation] = fact("The organisation and its calendar.")
    manager_visibly_stressed: Optional[YesNo] = fact("The manager is visibly under pressure.")
    remote: Optional[YesNo] = fact("Works remotely.")
    manager_onsite: Optional[YesNo] = fact("The manager works on site.")
    planned_setting: Optional[
        Literal["dedicated_1on1", "end_of_1on1", "casual", "lunch_arranged", "video", "phone"]
    ] = fact("Where the request would be made.")
    meeting_scheduled: Optional[Date] = fact("Date of a booked meeting to discuss the promotion.")

    # G. Promotion-request history
    promotion_requests: Optional[list[PromotionRequest]] = items("Every time the person asked, oldest first.")

    # H. Offers and outcomes
    promotion_approved: Optional[YesNo] = fact("The latest request was approved.")
    terms_final: Optional[YesNo] = fact("Title and pay are already fixed.")
    terms_negotiable: Optional[YesNo] = fact("The terms can be negotiated.")
    external_offer: Optional[ExternalOffer] = fact("A competing offer.")
    job_search_active: Optional[YesNo] = fact("Currently looking elsewhere.")
    soul_search_done: Optional[YesNo] = fact("Has honestly reflected on their own gaps.")
    soul_search_found_gaps: Optional[YesNo] = fact("That reflection found real gaps.")
    growth_blocked: Optional[YesNo] = fact("No growth is available in this part of the company.")

    @model_validator(mode="after")
    def _past_dates_not_after_as_of(self) -> "Facts":
        """Events that have happened cannot be dated after the day of the advice."""
        if self.as_of is None:
            return self
        late = [(loc, value) for loc, value in _past_dates(self) if value > self.as_of]
        if late:
            raise ValidationError.from_exception_data("Facts", [
                InitErrorDetails(
                    type=PydanticCustomError("late_date", "{field} after as_of ({as_of})",
                                             {"field": field_path(loc), "as_of": self.as_of.isoformat()}),
                    loc=loc,
                    input=value.isoformat(),
                )
                for loc, value in late
            ])
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
    inside = tuple(name for name, info in model.model_fields.items()
                   if (found := _model_inside(info.annotation)) is not None and _has_dates(found))
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
    return {bool: "bool", int: "number", float: "number", date: "date", str: "text"}.get(inner), ()


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
