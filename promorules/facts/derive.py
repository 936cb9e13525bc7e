"""From one person's facts to the flat mapping of facts that rules talk about.

`derive(facts)` is pure: the same facts give the same mapping. It computes
measurements only ("months in role: 8", "sponsors: 1"); comparing them with
thresholds is the ruleset's job, so a coach can tune every number.

Unknown stays unknown: a value is ``None`` when the inputs it needs were not
given. Each derived fact records which input facts it needs, so the advice
can tell a person which missing facts would change it.

Each fact also has a label: a short lower-case phrase that reads well before
": yes", ": no" or its value ("a freeze or money trouble: yes"), so advice
speaks of facts in plain words while rules, JSON and coaches keep the names.

This module is the catalogue (what each fact is) and `derive`; how a computed fact is measured is a plain
function in measures.py, named by its row at the end of this file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Any, Callable, Iterable, Literal, cast

from pydantic import BaseModel

from . import measures as m
from .measures import _EVALUATION
from .model import Facts, Organisation, PromotionRequest, words_of, field_at, field_kind

Kind = Literal["number", "bool", "enum", "date", "text"]


@dataclass(frozen=True)
class FactInfo:
    """What a rule may know about one fact: its type, meaning and the inputs behind it.

    ``label`` is the fact in a few plain words, as a person reads it in advice
    ("days until the review cycle starts"): an input fact's is recorded on its field in `facts.model`
    (`FactWords`), a computed fact's where it is computed; a test keeps every label filled.
    """

    name: str
    kind: Kind
    description: str
    inputs: tuple[str, ...]
    choices: tuple[str, ...] = ()
    label: str = ""


class _Catalogue(MutableMapping):
    """The facts rules may use: promorules' own, and while a ruleset is worked with (`facts_in_scope`), the
    facts that ruleset declares. Declared facts belong to one ruleset, so they are never added for good:
    another ruleset loaded in the same process must not see them."""

    def __init__(self) -> None:
        self._own: dict[str, FactInfo] = {}

    def __getitem__(self, name: str) -> FactInfo:
        found = self._own.get(name)
        return found if found is not None else _DECLARED.get()[name]

    def get(self, name: str, default: Any = None) -> Any:
        found = self._own.get(name)
        return found if found is not None else _DECLARED.get().get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._own or name in _DECLARED.get()

    def __iter__(self) -> Iterator[str]:
        yield from self._own
        yield from _DECLARED.get()

    def __len__(self) -> int:
        return len(self._own) + len(_DECLARED.get())

    def __setitem__(self, name: str, info: FactInfo) -> None:
        self._own[name] = info

    def __delitem__(self, name: str) -> None:
        del self._own[name]

    def built_in(self, name: str) -> bool:
        """One of promorules' own facts, whatever ruleset is in scope."""
        return name in self._own


_DECLARED: ContextVar[Mapping[str, FactInfo]] = ContextVar("declared_facts", default={})
FACTS = _Catalogue()


@contextmanager
def facts_in_scope(declared: Mapping[str, FactInfo]):
    """`FACTS` with ``declared`` (a ruleset's own facts) in it, for the work done inside the block."""
    if not declared:
        yield
        return
    token = _DECLARED.set(declared)
    try:
        yield
    finally:
        _DECLARED.reset(token)


_OWN, _ORG, _COMPUTED = "own", "org", "computed"
# How each fact in `FACTS` is got: (_OWN or _ORG, the field read as it is) or (_COMPUTED, its function).
# Input fields are read directly, without a call each: most facts are inputs, and derive runs per person.
_HOW: dict[str, tuple[str, Any]] = {}
# Fields of the facts model that are not read as they are: the day of the advice, and whether the latest
# request was approved (given, or read from the requests); each is computed below under its field's name.
COMPUTED_FIELDS = frozenset({"as_of", "promotion_approved"})


@lru_cache(maxsize=None)
def input_description(path: str) -> str:
    """The description of an input fact, from its path (``org.hiring_freeze``, ``promotion_requests[-1].x``)."""
    info = field_at(path)
    return (info.description or "") if info is not None else ""


def fact_in_words(name: str, *, as_written: bool = False) -> str:
    """The fact in plain words: its label ("a freeze or money trouble"), or its name spelled out
    ("org freeze or difficulty") where the name is what is meant (``as_written``: a rule as a coach wrote
    it) or the fact has no label."""
    info = FACTS.get(name)
    if as_written or info is None or not info.label:
        return name.replace("_", " ")
    return info.label


def derive(facts: Facts) -> dict[str, Any]:
    """Every fact in `FACTS` for this person, ``None`` where unknown."""
    if facts.as_of is None:
        raise ValueError("derive() needs facts.as_of; Advisor fills it in")
    as_of = facts.as_of
    org = facts.org
    token = _EVALUATION.set({})  # what several facts of this one person share (see `_past_requests`)
    try:
        derived = {
            name: (
                getattr(facts, source)
                if how is _OWN
                else (None if org is None else getattr(org, source))
                if how is _ORG
                else source(facts, as_of)
            )
            for name, (how, source) in _HOW.items()
        }
        for name in type(facts).DECLARED:  # a ruleset's own facts, read as they are given
            derived[name] = getattr(facts, name)
        return derived
    finally:
        _EVALUATION.reset(token)


def derive_some(facts: Facts, as_of: date, names: Iterable[str]) -> dict[str, Any]:
    """The facts ``names`` as `derive` gives them for this person on the day ``as_of``, and no others.

    A reason to wait is checked on many days to find the first one it no longer holds
    (`resolve.first_day_free`); its condition reads a handful of the facts `derive` works out, so
    working out all of them, on a copy of the person for each day, was a third of the ids view's time.
    Every fact is a function of the person's inputs and the day alone, so the values are the same.
    """
    org = facts.org
    token = _EVALUATION.set({})
    try:
        found: dict[str, Any] = {}
        for name in names:
            how, source = _HOW.get(name, (_OWN, name))  # a name not listed: a ruleset's own fact, read as given
            found[name] = (
                getattr(facts, source)
                if how is _OWN
                else (None if org is None else getattr(org, source))
                if how is _ORG
                else source(facts, as_of)
            )
        return found
    finally:
        _EVALUATION.reset(token)


def is_input(name: str) -> bool:
    """The fact is an input field read as it is: it is unknown exactly when that field was not given."""
    return (name in _HOW and _HOW[name][0] is not _COMPUTED) or (name in FACTS and not FACTS.built_in(name))


# ------------------------------------------------------------ registration


def _register_inputs(model: type[BaseModel], prefix: str, path: str) -> None:
    """Every scalar field of the facts model is a fact rules can use as it is."""
    for field_name, info in model.model_fields.items():
        kind, choices = field_kind(info.annotation)
        if kind not in ("bool", "number", "date", "enum") and field_name not in ("current_title", "target_title"):
            continue  # lists and nested groups are summarised by computed facts below
        name = prefix + field_name
        if name in COMPUTED_FIELDS:
            continue
        source = path + field_name
        label = words_of(info).label
        FACTS[name] = FactInfo(name, cast(Kind, kind), info.description or "", (source,), choices, label)
        _HOW[name] = (_ORG if path else _OWN, field_name)


def computed(
    name: str, kind: Kind, inputs: Iterable[str], description: str, choices: tuple[str, ...] = (), *, label: str
):
    """Register a computed fact, with its label in plain words (see `FactInfo`); a name is registered once."""

    def register(function: Callable[[Facts, date], Any]):
        if name in FACTS:
            raise ValueError(f'the fact "{name}" is registered twice')
        FACTS[name] = FactInfo(name, kind, description, tuple(inputs), choices, label)
        _HOW[name] = (_COMPUTED, function)
        return function

    return register


_register_inputs(Facts, "", "")
_register_inputs(Organisation, "org_", "org.")


# ------------------------------------------------------------ the computed facts, in the order rules see them

computed("as_of", "date", (), "The day the advice is for.", label="the day of the advice")(m._as_of)
computed(
    "months_in_role",
    "number",
    ["role_start_date"],
    "Whole months in the current role.",
    label="months in the current role",
)(m._months_in_role)
computed(
    "months_since_promotion",
    "number",
    ["last_promotion_date"],
    "Whole months since the last promotion.",
    label="months since the last promotion",
)(m._months_since_promotion)
computed(
    "months_since_self_assessment",
    "number",
    ["self_assessment_date"],
    "Months since the self-assessment.",
    label="months since the self-assessment",
)(m._months_since_self_assessment)
computed(
    "months_since_improvement_cycle_start",
    "number",
    ["improvement_cycle_start"],
    "Months into the improvement cycle.",
    label="months into the improvement cycle",
)(m._months_since_improvement_cycle_start)
computed(
    "months_since_log_update",
    "number",
    ["achievement_log_last_updated"],
    "Months since the achievement log was updated.",
    label="months since the achievement log was updated",
)(m._months_since_log_update)
computed(
    "open_gap_count",
    "number",
    ["performance_gaps"],
    "Performance gaps not yet closed.",
    label="open performance gaps",
)(m._open_gap_count)
computed(
    "open_gaps_without_plan",
    "number",
    ["performance_gaps"],
    "Open performance gaps with no plan yet.",
    label="open performance gaps with no plan",
)(m._gaps_without_plan)
computed(
    "setback_count_12m",
    "number",
    ["setbacks"],
    "Setbacks in the last twelve months.",
    label="setbacks in the last twelve months",
)(m._setback_count)
computed(
    "latest_setback_date",
    "date",
    ["setbacks"],
    "Date of the most recent setback.",
    label="date of the latest setback",
)(m._latest_setback_date)
computed(
    "days_since_last_setback",
    "number",
    ["setbacks"],
    "Days since the most recent setback.",
    label="days since the latest setback",
)(m._days_since_setback)
computed(
    "last_setback_addressed",
    "bool",
    ["setbacks"],
    "The most recent setback has been dealt with.",
    label="the latest setback was dealt with",
)(m._last_setback_addressed)
computed(
    "unaddressed_setback_count_12m",
    "number",
    ["setbacks"],
    "Setbacks of the last twelve months not yet dealt with (an unknown answer counts as not known to be open).",
    label="setbacks not yet dealt with",
)(m._unaddressed_count)
computed(
    "latest_unaddressed_setback",
    "text",
    ["setbacks"],
    "The latest setback not yet dealt with, in words: what, from whom, when and the gap it shows.",
    label="the latest setback not yet dealt with",
)(m._unaddressed_words)
computed(
    "latest_setback_given_by",
    "enum",
    ["setbacks"],
    "Who gave the latest setback (criticism or a miss they saw).",
    ("manager", "skip", "exec", "peer", "customer", "other"),
    label="who gave the latest setback",
)(m._setback_giver)
computed(
    "above_level_activity_count",
    "number",
    ["above_level_activities"],
    "Kinds of next-level work going on now (doing the current job better does not count).",
    label="kinds of next-level work going on",
)(m._above_level_count)
computed("mentoring_active", "bool", ["above_level_activities"], "Mentoring others now.", label="mentoring others")(
    m._mentoring
)
computed(
    "leading_within_role",
    "bool",
    ["above_level_activities"],
    "Leading within the current role now.",
    label="leading within the current role",
)(m._leading)
computed(
    "visible_at_target_level",
    "bool",
    ["above_level_activities", "achievements"],
    "Seen doing next-level work: cross-functional work, publications, or visible above-role results.",
    label="seen doing next-level work",
)(m._visible)
computed(
    "achievements_12m",
    "number",
    ["achievements"],
    "Results from the last twelve months.",
    label="results in the last twelve months",
)(m._achievements_12m)
computed(
    "quantified_achievements_12m",
    "number",
    ["achievements"],
    "Results with a number, from the last twelve months.",
    label="results with a number in the last twelve months",
)(m._quantified_12m)
computed(
    "above_role_achievements_12m",
    "number",
    ["achievements"],
    "Results beyond the role, from the last twelve months.",
    label="results beyond the role in the last twelve months",
)(m._above_role_12m)
computed(
    "unquantified_achievements_12m",
    "number",
    ["achievements"],
    "Results without a number, from the last twelve months.",
    label="results without a number in the last twelve months",
)(m._unquantified_12m)
computed(
    "unmapped_achievements_12m",
    "number",
    ["achievements"],
    "Results from the last twelve months not yet linked to a next-level criterion.",
    label="recent results not linked to a next-level criterion",
)(m._unmapped_12m)
computed(
    "major_win_count_12m",
    "number",
    ["achievements"],
    "Visible major wins in the last twelve months.",
    label="visible major wins in the last twelve months",
)(m._major_wins)
computed(
    "latest_major_win_date",
    "date",
    ["achievements"],
    "Date of the most recent visible major win.",
    label="date of the latest visible major win",
)(m._latest_win_date)
computed(
    "days_since_major_win",
    "number",
    ["achievements"],
    "Days since the most recent visible major win.",
    label="days since the latest visible major win",
)(m._days_since_win)
computed(
    "leveling_criteria_count",
    "number",
    ["leveling_criteria"],
    "Documented criteria for the next level.",
    label="documented criteria for the next level",
)(m._criteria_count)
computed(
    "criteria_rated_count",
    "number",
    ["criteria_self_rating"],
    "Next-level criteria rated honestly so far.",
    label="next-level criteria rated so far",
)(m._criteria_rated)
computed(
    "case_document_exists",
    "bool",
    ["case_document"],
    "A written promotion case exists.",
    label="a written case exists",
)(m._case_exists)
computed(
    "case_component_count",
    "number",
    ["case_document"],
    "How many of the five parts the written case covers.",
    label="parts the written case covers, of five",
)(m._case_components)
computed(
    "case_ends_with_gain_for_org",
    "bool",
    ["case_document.components", "case_document.forward_looking_framing"],
    "The written case ends with what the organisation gains.",
    label="the written case ends with what the organisation gains",
)(m._case_forward)
computed(
    "case_routine_items",
    "number",
    ["case_document.accomplishment_items"],
    "Items of the case's accomplishments list that are only the current job.",
    label="case items that are only the current job",
)(m._routine_items)
computed(
    "case_ask_terms_count",
    "number",
    ["case_document.ask_terms"],
    "Terms the ask spells out (title, pay, ...).",
    label="terms the ask spells out",
)(m._ask_terms)
computed(
    "case_tenure_or_effort_only",
    "bool",
    ["case_document.tenure_or_effort_only"],
    "The case rests on time or effort alone.",
    label="the case rests on time or effort alone",
)(m._case_effort_only)
computed(
    "paid_below_market",
    "bool",
    ["current_comp", "market_rate_current_level"],
    "Current pay is below the market rate for the current level.",
    label="paid below market for the current level",
)(m._below_market)
computed(
    "sponsor_count",
    "number",
    ["people"],
    "People who would speak up for the person: a meaningful relationship, supportive, influential, safe to ask.",
    label="sponsors ready to speak up",
)(m._sponsors)
computed(
    "people_not_to_ask",
    "number",
    ["people"],
    "Supportive people whose good word would not help: a weak tie, no influence, a backfire risk or a political line.",
    label="supporters whose good word would not help",
)(m._not_to_ask)
computed(
    "champions_to_ask",
    "number",
    ["people"],
    "Sponsors not yet advocating and not yet asked: people still to ask.",
    label="sponsors still to ask",
)(m._to_ask)
computed(
    "people_not_to_ask_names",
    "text",
    ["people"],
    "The names of the supportive people whose good word would not help.",
    label="supporters whose good word would not help, by name",
)(m._not_to_ask_names)
computed(
    "planned_asks",
    "number",
    ["people"],
    "People the person plans to ask to speak up, not asked yet.",
    label="people you plan to ask for support",
)(m._planned_count)
computed(
    "planned_asks_unwise",
    "number",
    ["people"],
    "People the person plans to ask whose good word would not help: a weak tie, no influence, a backfire risk or a "
    "political line.",
    label="planned asks that would not help",
)(m._planned_unwise)
computed(
    "planned_asks_unwise_names",
    "text",
    ["people"],
    "The names of the people the person plans to ask whose good word would not help.",
    label="planned asks that would not help, by name",
)(m._planned_unwise_names)
computed(
    "freeze_active",
    "bool",
    ["org.company_freeze", "org.hiring_freeze", "org.financial_difficulty"],
    "A company freeze, a hiring freeze or financial trouble.",
    label="a freeze or money trouble",
)(m._freeze)
computed(
    "org_high_turnover",
    "bool",
    ["org.dysfunction.high_turnover"],
    "People keep leaving the unit.",
    label="people keep leaving the unit",
)(m._turnover)
computed(
    "org_chronic_inefficiency",
    "bool",
    ["org.dysfunction.chronic_inefficiency"],
    "The unit chronically runs badly.",
    label="the unit chronically runs badly",
)(m._inefficiency)
computed(
    "days_until_review_start",
    "number",
    ["org.next_review_start"],
    "Days until the next review cycle starts (negative once it has started).",
    label="days until the review cycle starts",
)(m._days_to_review)
computed("review_ended", "bool", ["org.review_end"], "The review cycle has ended.", label="the review cycle has ended")(
    m._review_ended
)
computed(
    "in_budget_season",
    "bool",
    [],
    "Budgets are being set this month (Q4 unless the organisation says otherwise).",
    label="it is budget season",
)(m._budget_season)
computed(
    "next_budget_season_start",
    "date",
    [],
    "The first day of the next budget season (Q4 unless the organisation says otherwise).",
    label="start of the next budget season",
)(m._next_budget_season)
computed(
    "months_since_funding",
    "number",
    ["org.last_funding_date"],
    "Months since the company last raised money.",
    label="months since the company raised money",
)(m._since_funding)
computed(
    "days_until_meeting",
    "number",
    ["meeting_scheduled"],
    "Days until the booked promotion meeting.",
    label="days until the promotion meeting",
)(m._days_to_meeting)
computed(
    "request_count",
    "number",
    ["promotion_requests"],
    "How many times the person has asked.",
    label="times asked for a promotion",
)(m._request_count)
computed(
    "pending_request",
    "bool",
    ["promotion_requests"],
    "A request is waiting for an answer.",
    label="a request is waiting for an answer",
)(m._pending)
computed(
    "denial_count",
    "number",
    ["promotion_requests", "last_promotion_date"],
    "Answers of 'no' or 'not yet' since the last promotion.",
    label='"no" or "not yet" answers since the last promotion',
)(m._denials)
computed(
    "denied_request_count",
    "number",
    ["promotion_requests"],
    "Answers of 'no' or 'not yet', ever.",
    label='"no" or "not yet" answers ever',
)(m._all_denials)
computed(
    "consecutive_denials",
    "number",
    ["promotion_requests"],
    "The latest unbroken run of 'no' or 'not yet'.",
    label='"no" or "not yet" answers in a row',
)(m._consecutive)
computed(
    "consecutive_vague_denials",
    "number",
    ["promotion_requests"],
    "The latest unbroken run of 'no' or 'not yet' without specific criteria.",
    label='vague "no" or "not yet" answers in a row',
)(m._consecutive_vague)
computed(
    "criteria_move_count",
    "number",
    ["promotion_requests"],
    "Times the criteria moved since the last promotion.",
    label="times the criteria moved since the last promotion",
)(m._criteria_moves)
computed(
    "latest_outcome",
    "enum",
    ["promotion_requests"],
    "The outcome of the latest request.",
    ("pending", "approved", "denied", "not_yet"),
    label="outcome of the latest request",
)(m._latest_outcome)
computed(
    "promotion_approved",
    "bool",
    ["promotion_approved", "promotion_requests"],
    "The latest request was approved: as given, or else read from the latest request.",
    label="the latest request was approved",
)(m._approved)
computed(
    "latest_denial_date",
    "date",
    ["promotion_requests"],
    "When the latest 'no' or 'not yet' came.",
    label='date of the latest "no" or "not yet"',
)(m._latest_denial_date)
computed(
    "days_since_latest_denial",
    "number",
    ["promotion_requests"],
    "Days since the latest 'no' or 'not yet'.",
    label='days since the latest "no" or "not yet"',
)(m._days_since_denial)


def _latest_field(name: str, description: str, label: str) -> None:
    """Expose one field of the latest request as ``latest_<name>``, of the field's own kind and choices."""
    kind, choices = field_kind(PromotionRequest.model_fields[name].annotation)

    def read(f: Facts, as_of: date):
        latest = m._latest_request(f, as_of)
        return None if latest is None else getattr(latest, name)

    source = [f"promotion_requests[-1].{name}"]
    computed(f"latest_{name}", cast(Kind, kind), source, description, choices, label=label)(read)


for _name, _text, _label in (
    ("stated_reason", "The reason given for the latest answer.", "reason given for the latest answer"),
    ("feedback_specific", "The latest answer came with specific criteria.", "the latest answer gave specific criteria"),
    ("timeline_given", "The latest answer came with a 'by when'.", 'the latest answer gave a "by when"'),
    (
        "summarised_in_writing",
        "The latest conversation was summarised in writing.",
        "the latest conversation was summarised in writing",
    ),
    ("plan_offered", "The manager offered a plan after the latest answer.", "the manager offered a plan last time"),
    ("action_plan_agreed", "A plan was agreed after the latest answer.", "a plan was agreed after the latest answer"),
    (
        "manager_declined_meaningful_feedback",
        "The manager would not give real feedback last time.",
        "the manager would not give real feedback last time",
    ),
    ("progress_since", "Progress since the latest plan.", "progress since the latest plan"),
    (
        "feedback_meeting_held",
        "The feedback meeting after the latest answer took place.",
        "the feedback meeting after the latest answer took place",
    ),
    (
        "direct_conversation_held",
        "The person asked point-blank what is needed, last time.",
        "asked point-blank what is needed, last time",
    ),
    (
        "criteria_requested",
        "The person asked what must change, by when, last time.",
        "asked what must change and by when, last time",
    ),
    ("plan_agreed_date", "When the latest plan was agreed.", "date the latest plan was agreed"),
    ("revisit_date", "The agreed date to revisit the latest request.", "agreed date to revisit the latest request"),
    (
        "criteria_deadline",
        "The date by which the latest criteria should be met.",
        "date by which the latest criteria should be met",
    ),
):
    _latest_field(_name, _text, _label)
computed(
    "latest_criteria_count",
    "number",
    ["promotion_requests[-1].criteria"],
    "Criteria given with the latest answer.",
    label="criteria given with the latest answer",
)(m._latest_criteria)
computed(
    "latest_criteria_list",
    "text",
    ["promotion_requests[-1].criteria"],
    "The criteria given with the latest answer, in the person's words, joined with semicolons.",
    label="criteria given with the latest answer, in words",
)(m._latest_criteria_words)
computed(
    "days_until_revisit",
    "number",
    ["promotion_requests[-1].revisit_date"],
    "Days until the agreed date to revisit the latest request (negative once it has passed).",
    label="days until the agreed revisit date",
)(m._days_until_latest("revisit_date"))
computed(
    "days_until_criteria_deadline",
    "number",
    ["promotion_requests[-1].criteria_deadline"],
    "Days until the date by which the latest criteria should be met (negative once it has passed).",
    label="days until the criteria are due",
)(m._days_until_latest("criteria_deadline"))
computed(
    "months_since_plan_agreed",
    "number",
    ["promotion_requests[-1].plan_agreed_date"],
    "Months since the latest plan.",
    label="months since the latest plan was agreed",
)(m._plan_age)
computed(
    "log_updated_since_promotion",
    "bool",
    ["achievement_log_last_updated", "last_promotion_date"],
    "The achievement log has entries from the new role.",
    label="the achievement log has entries from the new role",
)(m._log_since_promotion)
computed(
    "external_offer_exists",
    "bool",
    ["external_offer"],
    "A competing offer is on the table.",
    label="a competing offer is on the table",
)(m._offer)
