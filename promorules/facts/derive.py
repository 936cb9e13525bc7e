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
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Any, Callable, Iterable, Literal, Optional, cast

from pydantic import BaseModel

from ..dates import add_months, days_between, months_between
from .model import Facts, Organisation, PromotionRequest, words_of, field_at, field_kind

Kind = Literal["number", "bool", "enum", "date", "text"]
DENIED = ("denied", "not_yet")
DEFAULT_BUDGET_MONTHS = (10, 11, 12)
LOOKBACK_MONTHS = 12


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


FACTS: dict[str, FactInfo] = {}
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
        return {
            name: (
                getattr(facts, source)
                if how is _OWN
                else (None if org is None else getattr(org, source))
                if how is _ORG
                else source(facts, as_of)
            )
            for name, (how, source) in _HOW.items()
        }
    finally:
        _EVALUATION.reset(token)


# Per call of `derive`, never shared between people, advisors or threads: a context variable, not a cache.
_EVALUATION: ContextVar[dict] = ContextVar("derive_evaluation")


def is_input(name: str) -> bool:
    """The fact is an input field read as it is: it is unknown exactly when that field was not given."""
    return name in _HOW and _HOW[name][0] is not _COMPUTED


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


def _since(start: Optional[date], as_of: date, unit: Callable[[date, date], int]) -> Optional[int]:
    """Time from a past event to as_of; unknown if the event is unknown or after as_of."""
    if start is None or start > as_of:
        return None
    return unit(start, as_of)


def _any3(values: Iterable[Optional[bool]]) -> Optional[bool]:
    """Three-valued OR: true if any is true, false if all are false, else unknown."""
    values = list(values)
    if any(v is True for v in values):
        return True
    if values and all(v is False for v in values):
        return False
    return None


def _latest(records, as_of: date, keep=lambda r: True):
    dated = [r for r in (records or ()) if r.date <= as_of and keep(r)]
    return max(dated, key=lambda r: r.date) if dated else None


def _recent(records, as_of: date):
    """Records from the last twelve months (nothing after as_of)."""
    since = _lookback_start(as_of)
    return [r for r in records if since <= r.date <= as_of]


@lru_cache(maxsize=1024)
def _lookback_start(as_of: date) -> date:
    """The first day of the look-back window (several facts need it for the same day)."""
    return add_months(as_of, -LOOKBACK_MONTHS)


# ------------------------------------------------------------ role and tenure

@computed("as_of", "date", (), "The day the advice is for.", label="the day of the advice")
def _as_of(f: Facts, as_of: date):
    return as_of


@computed("months_in_role", "number", ["role_start_date"], "Whole months in the current role.",
          label="months in the current role")
def _months_in_role(f: Facts, as_of: date):
    return _since(f.role_start_date, as_of, months_between)


@computed("months_since_promotion", "number", ["last_promotion_date"], "Whole months since the last promotion.",
          label="months since the last promotion")
def _months_since_promotion(f: Facts, as_of: date):
    return _since(f.last_promotion_date, as_of, months_between)


@computed("months_since_self_assessment", "number", ["self_assessment_date"], "Months since the self-assessment.",
          label="months since the self-assessment")
def _months_since_self_assessment(f: Facts, as_of: date):
    return _since(f.self_assessment_date, as_of, months_between)


@computed("months_since_improvement_cycle_start", "number", ["improvement_cycle_start"],
          "Months into the improvement cycle.", label="months into the improvement cycle")
def _months_since_improvement_cycle_start(f: Facts, as_of: date):
    return _since(f.improvement_cycle_start, as_of, months_between)


@computed("months_since_log_update", "number", ["achievement_log_last_updated"],
          "Months since the achievement log was updated.", label="months since the achievement log was updated")
def _months_since_log_update(f: Facts, as_of: date):
    return _since(f.achievement_log_last_updated, as_of, months_between)


# ------------------------------------------------------------ performance foundation


@computed(
    "open_gap_count",
    "number",
    ["performance_gaps"],
    "Performance gaps not yet closed.",
    label="open performance gaps",
)
def _open_gap_count(f: Facts, as_of: date):
    if f.performance_gaps is None:
        return None
    return sum(1 for gap in f.performance_gaps if gap.status != "closed")


@computed(
    "open_gaps_without_plan",
    "number",
    ["performance_gaps"],
    "Open performance gaps with no plan yet.",
    label="open performance gaps with no plan",
)
def _gaps_without_plan(f: Facts, as_of: date):
    if f.performance_gaps is None:
        return None
    return sum(1 for gap in f.performance_gaps if gap.status != "closed" and not gap.plan)


@computed(
    "setback_count_12m",
    "number",
    ["setbacks"],
    "Setbacks in the last twelve months.",
    label="setbacks in the last twelve months",
)
def _setback_count(f: Facts, as_of: date):
    return None if f.setbacks is None else len(_recent(f.setbacks, as_of))


@computed(
    "latest_setback_date",
    "date",
    ["setbacks"],
    "Date of the most recent setback.",
    label="date of the latest setback",
)
def _latest_setback_date(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return latest.date if latest else None


@computed(
    "days_since_last_setback",
    "number",
    ["setbacks"],
    "Days since the most recent setback.",
    label="days since the latest setback",
)
def _days_since_setback(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return days_between(latest.date, as_of) if latest else None


@computed(
    "last_setback_addressed",
    "bool",
    ["setbacks"],
    "The most recent setback has been dealt with.",
    label="the latest setback was dealt with",
)
def _last_setback_addressed(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return latest.addressed if latest else None


def _unaddressed(f: Facts, as_of: date) -> Optional[list]:
    """Setbacks of the last twelve months the person says are not yet dealt with, oldest first."""
    if f.setbacks is None:
        return None
    return sorted((s for s in _recent(f.setbacks, as_of) if s.addressed is False), key=lambda s: s.date)


@computed(
    "unaddressed_setback_count_12m",
    "number",
    ["setbacks"],
    "Setbacks of the last twelve months not yet dealt with (an unknown answer counts as not known to be open).",
    label="setbacks not yet dealt with",
)
def _unaddressed_count(f: Facts, as_of: date):
    open_ones = _unaddressed(f, as_of)
    return None if open_ones is None else len(open_ones)


SETBACK_WORDS = {"mistake": "a mistake", "missed_target": "a missed target", "critical_feedback": "critical feedback"}
GIVER_WORDS = {"manager": "your manager", "skip": "your manager's manager", "exec": "an executive",
               "peer": "a peer", "customer": "a customer", "other": "someone"}


@computed(
    "latest_unaddressed_setback",
    "text",
    ["setbacks"],
    "The latest setback not yet dealt with, in words: what, from whom, when and the gap it shows.",
    label="the latest setback not yet dealt with",
)
def _unaddressed_words(f: Facts, as_of: date):
    """Said back to the person so the advice is about their setback, not setbacks in general."""
    open_ones = _unaddressed(f, as_of)
    if not open_ones:
        return None
    latest = open_ones[-1]
    words = SETBACK_WORDS.get(latest.kind or "", "a setback")
    if latest.given_by:
        words += f" from {GIVER_WORDS[latest.given_by]}"
    words += f" on {latest.date.isoformat()}"
    if latest.gap_shown:
        words += f", about {latest.gap_shown}"
    return words


@computed(
    "latest_setback_given_by",
    "enum",
    ["setbacks"],
    "Who gave the latest setback (criticism or a miss they saw).",
    ("manager", "skip", "exec", "peer", "customer", "other"),
    label="who gave the latest setback",
)
def _setback_giver(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return latest.given_by if latest else None


# ------------------------------------------------------------ stepping up


def _active_kinds(f: Facts) -> Optional[set[str]]:
    if f.above_level_activities is None:
        return None
    return {a.kind for a in f.above_level_activities if a.active}


@computed(
    "above_level_activity_count",
    "number",
    ["above_level_activities"],
    "Kinds of next-level work going on now (doing the current job better does not count).",
    label="kinds of next-level work going on",
)
def _above_level_count(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    return None if kinds is None else len(kinds - {"higher_caliber"})


@computed("mentoring_active", "bool", ["above_level_activities"], "Mentoring others now.", label="mentoring others")
def _mentoring(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    return None if kinds is None else "mentoring" in kinds


@computed(
    "leading_within_role",
    "bool",
    ["above_level_activities"],
    "Leading within the current role now.",
    label="leading within the current role",
)
def _leading(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    return None if kinds is None else "lead_within_role" in kinds


@computed(
    "visible_at_target_level",
    "bool",
    ["above_level_activities", "achievements"],
    "Seen doing next-level work: cross-functional work, publications, or visible above-role results.",
    label="seen doing next-level work",
)
def _visible(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    by_activity = None if kinds is None else bool(kinds & {"cross_functional", "publication"})
    by_result = None
    if f.achievements is not None:
        by_result = any(bool(a.visible and a.above_role) for a in f.achievements)
    return _any3([by_activity, by_result])


# ------------------------------------------------------------ evidence and case


@computed(
    "achievements_12m",
    "number",
    ["achievements"],
    "Results from the last twelve months.",
    label="results in the last twelve months",
)
def _achievements_12m(f: Facts, as_of: date):
    return None if f.achievements is None else len(_recent(f.achievements, as_of))


@computed(
    "quantified_achievements_12m",
    "number",
    ["achievements"],
    "Results with a number, from the last twelve months.",
    label="results with a number in the last twelve months",
)
def _quantified_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(a.quantified for a in _recent(f.achievements, as_of))


@computed(
    "above_role_achievements_12m",
    "number",
    ["achievements"],
    "Results beyond the role, from the last twelve months.",
    label="results beyond the role in the last twelve months",
)
def _above_role_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(bool(a.above_role) for a in _recent(f.achievements, as_of))


@computed(
    "unquantified_achievements_12m",
    "number",
    ["achievements"],
    "Results without a number, from the last twelve months.",
    label="results without a number in the last twelve months",
)
def _unquantified_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(not a.quantified for a in _recent(f.achievements, as_of))


@computed(
    "unmapped_achievements_12m",
    "number",
    ["achievements"],
    "Results from the last twelve months not yet linked to a next-level criterion.",
    label="recent results not linked to a next-level criterion",
)
def _unmapped_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(not a.criteria for a in _recent(f.achievements, as_of))


def _is_major_win(achievement) -> bool:
    return achievement.major_win and achievement.visible is not False


@computed(
    "major_win_count_12m",
    "number",
    ["achievements"],
    "Visible major wins in the last twelve months.",
    label="visible major wins in the last twelve months",
)
def _major_wins(f: Facts, as_of: date):
    return None if f.achievements is None else sum(_is_major_win(a) for a in _recent(f.achievements, as_of))


@computed(
    "latest_major_win_date",
    "date",
    ["achievements"],
    "Date of the most recent visible major win.",
    label="date of the latest visible major win",
)
def _latest_win_date(f: Facts, as_of: date):
    latest = _latest(f.achievements, as_of, _is_major_win)
    return latest.date if latest else None


@computed(
    "days_since_major_win",
    "number",
    ["achievements"],
    "Days since the most recent visible major win.",
    label="days since the latest visible major win",
)
def _days_since_win(f: Facts, as_of: date):
    latest = _latest(f.achievements, as_of, _is_major_win)
    return days_between(latest.date, as_of) if latest else None


@computed(
    "leveling_criteria_count",
    "number",
    ["leveling_criteria"],
    "Documented criteria for the next level.",
    label="documented criteria for the next level",
)
def _criteria_count(f: Facts, as_of: date):
    return None if f.leveling_criteria is None else len(f.leveling_criteria)


@computed(
    "criteria_rated_count",
    "number",
    ["criteria_self_rating"],
    "Next-level criteria rated honestly so far.",
    label="next-level criteria rated so far",
)
def _criteria_rated(f: Facts, as_of: date):
    return None if f.criteria_self_rating is None else len(f.criteria_self_rating)


@computed(
    "case_document_exists",
    "bool",
    ["case_document"],
    "A written promotion case exists.",
    label="a written case exists",
)
def _case_exists(f: Facts, as_of: date):
    return None if f.case_document is None else f.case_document.exists


@computed(
    "case_component_count",
    "number",
    ["case_document"],
    "How many of the five parts the written case covers.",
    label="parts the written case covers, of five",
)
def _case_components(f: Facts, as_of: date):
    if f.case_document is None:
        return None
    if not f.case_document.exists:
        return 0
    return None if f.case_document.components is None else len(set(f.case_document.components))


@computed(
    "case_ends_with_gain_for_org",
    "bool",
    ["case_document.components", "case_document.forward_looking_framing"],
    "The written case ends with what the organisation gains.",
    label="the written case ends with what the organisation gains",
)
def _case_forward(f: Facts, as_of: date):
    case = f.case_document
    if case is None or case.components is None:
        return None
    return "forward_looking" in case.components and case.forward_looking_framing != "self"


@computed(
    "case_routine_items",
    "number",
    ["case_document.accomplishment_items"],
    "Items of the case's accomplishments list that are only the current job.",
    label="case items that are only the current job",
)
def _routine_items(f: Facts, as_of: date):
    case = f.case_document
    if case is None or case.accomplishment_items is None:
        return None
    return sum(item.above_role is False for item in case.accomplishment_items)


@computed(
    "case_ask_terms_count",
    "number",
    ["case_document.ask_terms"],
    "Terms the ask spells out (title, pay, ...).",
    label="terms the ask spells out",
)
def _ask_terms(f: Facts, as_of: date):
    case = f.case_document
    return None if case is None or case.ask_terms is None else len(set(case.ask_terms))


@computed(
    "case_tenure_or_effort_only",
    "bool",
    ["case_document.tenure_or_effort_only"],
    "The case rests on time or effort alone.",
    label="the case rests on time or effort alone",
)
def _case_effort_only(f: Facts, as_of: date):
    return None if f.case_document is None else f.case_document.tenure_or_effort_only


@computed(
    "paid_below_market",
    "bool",
    ["current_comp", "market_rate_current_level"],
    "Current pay is below the market rate for the current level.",
    label="paid below market for the current level",
)
def _below_market(f: Facts, as_of: date):
    if f.current_comp is None or f.market_rate_current_level is None:
        return None
    return f.current_comp < f.market_rate_current_level


# ------------------------------------------------------------ relationships


def _counts_as_sponsor(p) -> bool:
    return (
        p.strength in ("meaningful", "strong")
        and p.stance in ("champion", "supportive")
        and p.can_influence is True
        and not p.endorsement_backfire_risk
        and not p.ask_crosses_political_line
    )


@computed(
    "sponsor_count",
    "number",
    ["people"],
    "People who would speak up for the person: a meaningful relationship, supportive, influential, safe to ask.",
    label="sponsors ready to speak up",
)
def _sponsors(f: Facts, as_of: date):
    return None if f.people is None else sum(_counts_as_sponsor(p) for p in f.people)


@computed(
    "people_not_to_ask",
    "number",
    ["people"],
    "Supportive people whose good word would not help: a weak tie, no influence, a backfire risk or a political line.",
    label="supporters whose good word would not help",
)
def _not_to_ask(f: Facts, as_of: date):
    if f.people is None:
        return None
    return sum(p.stance in ("champion", "supportive") and not _counts_as_sponsor(p) for p in f.people)


@computed(
    "champions_to_ask",
    "number",
    ["people"],
    "Sponsors not yet advocating and not yet asked: people still to ask.",
    label="sponsors still to ask",
)
def _to_ask(f: Facts, as_of: date):
    """Someone already asked has answered (yes, no or hesitant): asking again asks for an answer given."""
    if f.people is None:
        return None
    return sum(
        _counts_as_sponsor(p) and not p.already_advocating and p.asked_date is None and p.asked_response is None
        for p in f.people
    )


def _names(people) -> Optional[str]:
    """Names joined for a sentence ("Ana, Ben and Chen"); None when there are none (never an empty text)."""
    names = [_as_said(p.name) for p in people]
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


_ARTICLES = {"a": "a", "an": "an", "the": "the", "my": "your", "our": "your", "her": "your", "his": "your",
             "their": "your"}


def _as_said(name: str) -> str:
    """A name as it reads inside a sentence to the person: a proper name as written; a role said as one.

    People are often listed by role ("A peer", "My skip-level", "vp of sales"): the article is lower-cased
    and "my" or "her" becomes "your" ("a peer", "your skip-level"); a role in lower case gets "your".
    """
    name = name.strip()
    first, _, rest = name.partition(" ")
    if first.lower() in _ARTICLES and rest:
        return f"{_ARTICLES[first.lower()]} {rest}"
    return f"your {name}" if name[:1].islower() else name


def _not_a_sponsor(p) -> bool:
    return p.stance in ("champion", "supportive") and not _counts_as_sponsor(p)


@computed(
    "people_not_to_ask_names",
    "text",
    ["people"],
    "The names of the supportive people whose good word would not help.",
    label="supporters whose good word would not help, by name",
)
def _not_to_ask_names(f: Facts, as_of: date):
    return None if f.people is None else _names([p for p in f.people if _not_a_sponsor(p)])


def _planned(f: Facts) -> Optional[list]:
    if f.people is None:
        return None
    return [p for p in f.people if p.plan_to_ask and p.asked_date is None]


@computed(
    "planned_asks",
    "number",
    ["people"],
    "People the person plans to ask to speak up, not asked yet.",
    label="people you plan to ask for support",
)
def _planned_count(f: Facts, as_of: date):
    planned = _planned(f)
    return None if planned is None else len(planned)


@computed(
    "planned_asks_unwise",
    "number",
    ["people"],
    "People the person plans to ask whose good word would not help: a weak tie, no influence, a backfire risk or a "
    "political line.",
    label="planned asks that would not help",
)
def _planned_unwise(f: Facts, as_of: date):
    planned = _planned(f)
    return None if planned is None else sum(not _counts_as_sponsor(p) for p in planned)


@computed(
    "planned_asks_unwise_names",
    "text",
    ["people"],
    "The names of the people the person plans to ask whose good word would not help.",
    label="planned asks that would not help, by name",
)
def _planned_unwise_names(f: Facts, as_of: date):
    planned = _planned(f)
    return None if planned is None else _names([p for p in planned if not _counts_as_sponsor(p)])


# ------------------------------------------------------------ organisation and calendar


def _org(f: Facts, name: str):
    return None if f.org is None else getattr(f.org, name)


@computed(
    "freeze_active",
    "bool",
    ["org.company_freeze", "org.hiring_freeze", "org.financial_difficulty"],
    "A company freeze, a hiring freeze or financial trouble.",
    label="a freeze or money trouble",
)
def _freeze(f: Facts, as_of: date):
    return _any3(_org(f, n) for n in ("company_freeze", "hiring_freeze", "financial_difficulty"))


@computed(
    "org_high_turnover",
    "bool",
    ["org.dysfunction.high_turnover"],
    "People keep leaving the unit.",
    label="people keep leaving the unit",
)
def _turnover(f: Facts, as_of: date):
    dysfunction = _org(f, "dysfunction")
    return None if dysfunction is None else dysfunction.high_turnover


@computed(
    "org_chronic_inefficiency",
    "bool",
    ["org.dysfunction.chronic_inefficiency"],
    "The unit chronically runs badly.",
    label="the unit chronically runs badly",
)
def _inefficiency(f: Facts, as_of: date):
    dysfunction = _org(f, "dysfunction")
    return None if dysfunction is None else dysfunction.chronic_inefficiency


@computed(
    "days_until_review_start",
    "number",
    ["org.next_review_start"],
    "Days until the next review cycle starts (negative once it has started).",
    label="days until the review cycle starts",
)
def _days_to_review(f: Facts, as_of: date):
    start = _org(f, "next_review_start")
    return None if start is None else days_between(as_of, start)


@computed("review_ended", "bool", ["org.review_end"], "The review cycle has ended.", label="the review cycle has ended")
def _review_ended(f: Facts, as_of: date):
    end = _org(f, "review_end")
    return None if end is None else as_of > end


@computed(
    "in_budget_season",
    "bool",
    [],
    "Budgets are being set this month (Q4 unless the organisation says otherwise).",
    label="it is budget season",
)
def _budget_season(f: Facts, as_of: date):
    months = _org(f, "budget_season_months") or DEFAULT_BUDGET_MONTHS
    return as_of.month in months


@computed(
    "next_budget_season_start",
    "date",
    [],
    "The first day of the next budget season (Q4 unless the organisation says otherwise).",
    label="start of the next budget season",
)
def _next_budget_season(f: Facts, as_of: date):
    months = set(_org(f, "budget_season_months") or DEFAULT_BUDGET_MONTHS)
    this_month = as_of.year * 12 + as_of.month - 1  # months since year 0, counting from 0
    for index in range(this_month + 1, this_month + 13):
        if index % 12 + 1 in months and (index - 1) % 12 + 1 not in months:
            return date(index // 12, index % 12 + 1, 1)
    return None


@computed(
    "months_since_funding",
    "number",
    ["org.last_funding_date"],
    "Months since the company last raised money.",
    label="months since the company raised money",
)
def _since_funding(f: Facts, as_of: date):
    return _since(_org(f, "last_funding_date"), as_of, months_between)


@computed(
    "days_until_meeting",
    "number",
    ["meeting_scheduled"],
    "Days until the booked promotion meeting.",
    label="days until the promotion meeting",
)
def _days_to_meeting(f: Facts, as_of: date):
    return None if f.meeting_scheduled is None else days_between(as_of, f.meeting_scheduled)


# ------------------------------------------------------------ promotion-request history


def _past_requests(f: Facts, as_of: date) -> Optional[list[PromotionRequest]]:
    """The requests up to as_of, oldest first (shared: callers never change the list).

    About twenty derived facts read them for each person, so one call of `derive` works them out once
    (kept in its evaluation); called outside `derive`, they are worked out each time.
    """
    shared = _EVALUATION.get(None)
    key = ("past_requests", id(f), as_of)
    if shared is not None and key in shared:
        return shared[key]
    past = None if f.promotion_requests is None else sorted(
        (r for r in f.promotion_requests if r.date <= as_of), key=lambda r: r.date
    )
    if shared is not None:
        shared[key] = past
    return past


def _since_last_promotion(f: Facts, as_of: date) -> Optional[list[PromotionRequest]]:
    requests = _past_requests(f, as_of)
    if requests is None or f.last_promotion_date is None:
        return requests
    return [r for r in requests if r.date > f.last_promotion_date]


def _trailing(requests: list[PromotionRequest], keep: Callable[[PromotionRequest], bool]) -> int:
    count = 0
    for request in reversed(requests):
        if request.outcome == "pending":
            continue
        if not keep(request):
            break
        count += 1
    return count


@computed(
    "request_count",
    "number",
    ["promotion_requests"],
    "How many times the person has asked.",
    label="times asked for a promotion",
)
def _request_count(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else len(requests)


@computed(
    "pending_request",
    "bool",
    ["promotion_requests"],
    "A request is waiting for an answer.",
    label="a request is waiting for an answer",
)
def _pending(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else any(r.outcome == "pending" for r in requests)


@computed(
    "denial_count",
    "number",
    ["promotion_requests", "last_promotion_date"],
    "Answers of 'no' or 'not yet' since the last promotion.",
    label='"no" or "not yet" answers since the last promotion',
)
def _denials(f: Facts, as_of: date):
    requests = _since_last_promotion(f, as_of)
    return None if requests is None else sum(r.outcome in DENIED for r in requests)


@computed(
    "denied_request_count",
    "number",
    ["promotion_requests"],
    "Answers of 'no' or 'not yet', ever.",
    label='"no" or "not yet" answers ever',
)
def _all_denials(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else sum(r.outcome in DENIED for r in requests)


@computed(
    "consecutive_denials",
    "number",
    ["promotion_requests"],
    "The latest unbroken run of 'no' or 'not yet'.",
    label='"no" or "not yet" answers in a row',
)
def _consecutive(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else _trailing(requests, lambda r: r.outcome in DENIED)


@computed(
    "consecutive_vague_denials",
    "number",
    ["promotion_requests"],
    "The latest unbroken run of 'no' or 'not yet' without specific criteria.",
    label='vague "no" or "not yet" answers in a row',
)
def _consecutive_vague(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    if requests is None:
        return None
    return _trailing(requests, lambda r: r.outcome in DENIED and r.feedback_specific is not True)


@computed(
    "criteria_move_count",
    "number",
    ["promotion_requests"],
    "Times the criteria moved since the last promotion.",
    label="times the criteria moved since the last promotion",
)
def _criteria_moves(f: Facts, as_of: date):
    requests = _since_last_promotion(f, as_of)
    return None if requests is None else sum(bool(r.criteria_changed_vs_previous) for r in requests)


def _latest_request(f: Facts, as_of: date) -> Optional[PromotionRequest]:
    requests = _past_requests(f, as_of)
    return requests[-1] if requests else None


def _latest_denial(f: Facts, as_of: date) -> Optional[PromotionRequest]:
    requests = _past_requests(f, as_of) or []
    denied = [r for r in requests if r.outcome in DENIED]
    return denied[-1] if denied else None


@computed(
    "latest_outcome",
    "enum",
    ["promotion_requests"],
    "The outcome of the latest request.",
    ("pending", "approved", "denied", "not_yet"),
    label="outcome of the latest request",
)
def _latest_outcome(f: Facts, as_of: date):
    latest = _latest_request(f, as_of)
    return None if latest is None else latest.outcome


@computed(
    "promotion_approved",
    "bool",
    ["promotion_approved", "promotion_requests"],
    "The latest request was approved: as given, or else read from the latest request.",
    label="the latest request was approved",
)
def _approved(f: Facts, as_of: date):
    """Someone who lists their requests has told us whether the latest was approved."""
    if f.promotion_approved is not None:
        return f.promotion_approved
    requests = _past_requests(f, as_of)
    if requests is None:
        return None
    return bool(requests) and requests[-1].outcome == "approved"


@computed(
    "latest_denial_date",
    "date",
    ["promotion_requests"],
    "When the latest 'no' or 'not yet' came.",
    label='date of the latest "no" or "not yet"',
)
def _latest_denial_date(f: Facts, as_of: date):
    latest = _latest_denial(f, as_of)
    return None if latest is None else latest.date


@computed(
    "days_since_latest_denial",
    "number",
    ["promotion_requests"],
    "Days since the latest 'no' or 'not yet'.",
    label='days since the latest "no" or "not yet"',
)
def _days_since_denial(f: Facts, as_of: date):
    latest = _latest_denial(f, as_of)
    return None if latest is None else days_between(latest.date, as_of)


def _latest_field(name: str, description: str, label: str) -> None:
    """Expose one field of the latest request as ``latest_<name>``, of the field's own kind and choices."""
    kind, choices = field_kind(PromotionRequest.model_fields[name].annotation)

    def read(f: Facts, as_of: date):
        latest = _latest_request(f, as_of)
        return None if latest is None else getattr(latest, name)

    source = [f"promotion_requests[-1].{name}"]
    computed(f"latest_{name}", cast(Kind, kind), source, description, choices, label=label)(read)


for _name, _text, _label in (
    ("stated_reason", "The reason given for the latest answer.", "reason given for the latest answer"),
    ("feedback_specific", "The latest answer came with specific criteria.",
     "the latest answer gave specific criteria"),
    ("timeline_given", "The latest answer came with a 'by when'.", 'the latest answer gave a "by when"'),
    ("summarised_in_writing", "The latest conversation was summarised in writing.",
     "the latest conversation was summarised in writing"),
    ("plan_offered", "The manager offered a plan after the latest answer.",
     "the manager offered a plan last time"),
    ("action_plan_agreed", "A plan was agreed after the latest answer.",
     "a plan was agreed after the latest answer"),
    ("manager_declined_meaningful_feedback", "The manager would not give real feedback last time.",
     "the manager would not give real feedback last time"),
    ("progress_since", "Progress since the latest plan.", "progress since the latest plan"),
    ("feedback_meeting_held", "The feedback meeting after the latest answer took place.",
     "the feedback meeting after the latest answer took place"),
    ("direct_conversation_held", "The person asked point-blank what is needed, last time.",
     "asked point-blank what is needed, last time"),
    ("criteria_requested", "The person asked what must change, by when, last time.",
     "asked what must change and by when, last time"),
    ("plan_agreed_date", "When the latest plan was agreed.", "date the latest plan was agreed"),
    ("revisit_date", "The agreed date to revisit the latest request.",
     "agreed date to revisit the latest request"),
    ("criteria_deadline", "The date by which the latest criteria should be met.",
     "date by which the latest criteria should be met"),
):
    _latest_field(_name, _text, _label)


@computed(
    "latest_criteria_count",
    "number",
    ["promotion_requests[-1].criteria"],
    "Criteria given with the latest answer.",
    label="criteria given with the latest answer",
)
def _latest_criteria(f: Facts, as_of: date):
    latest = _latest_request(f, as_of)
    return None if latest is None or latest.criteria is None else len(latest.criteria)


@computed(
    "latest_criteria_list",
    "text",
    ["promotion_requests[-1].criteria"],
    "The criteria given with the latest answer, in the person's words, joined with semicolons.",
    label="criteria given with the latest answer, in words",
)
def _latest_criteria_words(f: Facts, as_of: date):
    """Named back to the person, so the advice aims at their criteria rather than criteria in general."""
    latest = _latest_request(f, as_of)
    return "; ".join(latest.criteria) if latest is not None and latest.criteria else None


def _days_until_latest(field: str):
    def days(f: Facts, as_of: date):
        latest = _latest_request(f, as_of)
        day = None if latest is None else getattr(latest, field)
        return None if day is None else days_between(as_of, day)
    return days


computed(
    "days_until_revisit", "number", ["promotion_requests[-1].revisit_date"],
    "Days until the agreed date to revisit the latest request (negative once it has passed).",
    label="days until the agreed revisit date",
)(_days_until_latest("revisit_date"))
computed(
    "days_until_criteria_deadline", "number", ["promotion_requests[-1].criteria_deadline"],
    "Days until the date by which the latest criteria should be met (negative once it has passed).",
    label="days until the criteria are due",
)(_days_until_latest("criteria_deadline"))


@computed(
    "months_since_plan_agreed",
    "number",
    ["promotion_requests[-1].plan_agreed_date"],
    "Months since the latest plan.",
    label="months since the latest plan was agreed",
)
def _plan_age(f: Facts, as_of: date):
    latest = _latest_request(f, as_of)
    return None if latest is None else _since(latest.plan_agreed_date, as_of, months_between)


# ------------------------------------------------------------ offers and outcomes


@computed(
    "log_updated_since_promotion",
    "bool",
    ["achievement_log_last_updated", "last_promotion_date"],
    "The achievement log has entries from the new role.",
    label="the achievement log has entries from the new role",
)
def _log_since_promotion(f: Facts, as_of: date):
    if f.last_promotion_date is None or f.achievement_log_last_updated is None:
        return None
    return f.achievement_log_last_updated >= f.last_promotion_date


@computed(
    "external_offer_exists",
    "bool",
    ["external_offer"],
    "A competing offer is on the table.",
    label="a competing offer is on the table",
)
def _offer(f: Facts, as_of: date):
    return None if f.external_offer is None else True
