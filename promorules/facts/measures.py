"""How each computed fact is measured from one person's facts: plain functions of (facts, the day of the advice).

Which facts there are, their kinds, labels and the inputs behind them is the catalogue in derive.py; the
functions here only measure, and return ``None`` where the inputs they need were not given.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from typing import Callable, Iterable, Optional

from ..dates import add_months, days_between, months_between
from .model import Facts, PromotionRequest

DENIED = ("denied", "not_yet")
DEFAULT_BUDGET_MONTHS = (10, 11, 12)
LOOKBACK_MONTHS = 12

# Per call of `derive`, never shared between people, advisors or threads: a context variable, not a cache.
_EVALUATION: ContextVar[dict] = ContextVar("derive_evaluation")


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
def _as_of(f: Facts, as_of: date):
    return as_of


def _months_in_role(f: Facts, as_of: date):
    return _since(f.role_start_date, as_of, months_between)


def _months_since_promotion(f: Facts, as_of: date):
    return _since(f.last_promotion_date, as_of, months_between)


def _months_since_self_assessment(f: Facts, as_of: date):
    return _since(f.self_assessment_date, as_of, months_between)


def _months_since_improvement_cycle_start(f: Facts, as_of: date):
    return _since(f.improvement_cycle_start, as_of, months_between)


def _months_since_log_update(f: Facts, as_of: date):
    return _since(f.achievement_log_last_updated, as_of, months_between)


# ------------------------------------------------------------ performance foundation


def _open_gap_count(f: Facts, as_of: date):
    if f.performance_gaps is None:
        return None
    return sum(1 for gap in f.performance_gaps if gap.status != "closed")


def _gaps_without_plan(f: Facts, as_of: date):
    if f.performance_gaps is None:
        return None
    return sum(1 for gap in f.performance_gaps if gap.status != "closed" and not gap.plan)


def _setback_count(f: Facts, as_of: date):
    return None if f.setbacks is None else len(_recent(f.setbacks, as_of))


def _latest_setback_date(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return latest.date if latest else None


def _days_since_setback(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return days_between(latest.date, as_of) if latest else None


def _last_setback_addressed(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return latest.addressed if latest else None


def _unaddressed(f: Facts, as_of: date) -> Optional[list]:
    """Setbacks of the last twelve months the person says are not yet dealt with, oldest first."""
    if f.setbacks is None:
        return None
    return sorted((s for s in _recent(f.setbacks, as_of) if s.addressed is False), key=lambda s: s.date)


def _unaddressed_count(f: Facts, as_of: date):
    open_ones = _unaddressed(f, as_of)
    return None if open_ones is None else len(open_ones)


SETBACK_WORDS = {"mistake": "a mistake", "missed_target": "a missed target", "critical_feedback": "critical feedback"}
GIVER_WORDS = {
    "manager": "your manager",
    "skip": "your manager's manager",
    "exec": "an executive",
    "peer": "a peer",
    "customer": "a customer",
    "other": "someone",
}


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


def _setback_giver(f: Facts, as_of: date):
    latest = _latest(f.setbacks, as_of)
    return latest.given_by if latest else None


# ------------------------------------------------------------ stepping up


def _active_kinds(f: Facts) -> Optional[set[str]]:
    if f.above_level_activities is None:
        return None
    return {a.kind for a in f.above_level_activities if a.active}


def _above_level_count(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    return None if kinds is None else len(kinds - {"higher_caliber"})


def _mentoring(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    return None if kinds is None else "mentoring" in kinds


def _leading(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    return None if kinds is None else "lead_within_role" in kinds


def _visible(f: Facts, as_of: date):
    kinds = _active_kinds(f)
    by_activity = None if kinds is None else bool(kinds & {"cross_functional", "publication"})
    by_result = None
    if f.achievements is not None:
        by_result = any(bool(a.visible and a.above_role) for a in f.achievements)
    return _any3([by_activity, by_result])


# ------------------------------------------------------------ evidence and case


def _achievements_12m(f: Facts, as_of: date):
    return None if f.achievements is None else len(_recent(f.achievements, as_of))


def _quantified_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(a.quantified for a in _recent(f.achievements, as_of))


def _above_role_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(bool(a.above_role) for a in _recent(f.achievements, as_of))


def _unquantified_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(not a.quantified for a in _recent(f.achievements, as_of))


def _unmapped_12m(f: Facts, as_of: date):
    return None if f.achievements is None else sum(not a.criteria for a in _recent(f.achievements, as_of))


def _is_major_win(achievement) -> bool:
    return achievement.major_win and achievement.visible is not False


def _major_wins(f: Facts, as_of: date):
    return None if f.achievements is None else sum(_is_major_win(a) for a in _recent(f.achievements, as_of))


def _latest_win_date(f: Facts, as_of: date):
    latest = _latest(f.achievements, as_of, _is_major_win)
    return latest.date if latest else None


def _days_since_win(f: Facts, as_of: date):
    latest = _latest(f.achievements, as_of, _is_major_win)
    return days_between(latest.date, as_of) if latest else None


def _criteria_count(f: Facts, as_of: date):
    return None if f.leveling_criteria is None else len(f.leveling_criteria)


def _criteria_rated(f: Facts, as_of: date):
    return None if f.criteria_self_rating is None else len(f.criteria_self_rating)


def _case_exists(f: Facts, as_of: date):
    return None if f.case_document is None else f.case_document.exists


def _case_components(f: Facts, as_of: date):
    if f.case_document is None:
        return None
    if not f.case_document.exists:
        return 0
    return None if f.case_document.components is None else len(set(f.case_document.components))


def _case_forward(f: Facts, as_of: date):
    case = f.case_document
    if case is None or case.components is None:
        return None
    return "forward_looking" in case.components and case.forward_looking_framing != "self"


def _routine_items(f: Facts, as_of: date):
    case = f.case_document
    if case is None or case.accomplishment_items is None:
        return None
    return sum(item.above_role is False for item in case.accomplishment_items)


def _ask_terms(f: Facts, as_of: date):
    case = f.case_document
    return None if case is None or case.ask_terms is None else len(set(case.ask_terms))


def _case_effort_only(f: Facts, as_of: date):
    return None if f.case_document is None else f.case_document.tenure_or_effort_only


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


def _sponsors(f: Facts, as_of: date):
    return None if f.people is None else sum(_counts_as_sponsor(p) for p in f.people)


def _not_to_ask(f: Facts, as_of: date):
    if f.people is None:
        return None
    return sum(p.stance in ("champion", "supportive") and not _counts_as_sponsor(p) for p in f.people)


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


_ARTICLES = {
    "a": "a",
    "an": "an",
    "the": "the",
    "my": "your",
    "our": "your",
    "her": "your",
    "his": "your",
    "their": "your",
}


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


def _not_to_ask_names(f: Facts, as_of: date):
    return None if f.people is None else _names([p for p in f.people if _not_a_sponsor(p)])


def _planned(f: Facts) -> Optional[list]:
    if f.people is None:
        return None
    return [p for p in f.people if p.plan_to_ask and p.asked_date is None]


def _planned_count(f: Facts, as_of: date):
    planned = _planned(f)
    return None if planned is None else len(planned)


def _planned_unwise(f: Facts, as_of: date):
    planned = _planned(f)
    return None if planned is None else sum(not _counts_as_sponsor(p) for p in planned)


def _planned_unwise_names(f: Facts, as_of: date):
    planned = _planned(f)
    return None if planned is None else _names([p for p in planned if not _counts_as_sponsor(p)])


# ------------------------------------------------------------ organisation and calendar


def _org(f: Facts, name: str):
    return None if f.org is None else getattr(f.org, name)


def _freeze(f: Facts, as_of: date):
    return _any3(_org(f, n) for n in ("company_freeze", "hiring_freeze", "financial_difficulty"))


def _turnover(f: Facts, as_of: date):
    dysfunction = _org(f, "dysfunction")
    return None if dysfunction is None else dysfunction.high_turnover


def _inefficiency(f: Facts, as_of: date):
    dysfunction = _org(f, "dysfunction")
    return None if dysfunction is None else dysfunction.chronic_inefficiency


def _days_to_review(f: Facts, as_of: date):
    start = _org(f, "next_review_start")
    return None if start is None else days_between(as_of, start)


def _review_ended(f: Facts, as_of: date):
    end = _org(f, "review_end")
    return None if end is None else as_of > end


def _budget_season(f: Facts, as_of: date):
    months = _org(f, "budget_season_months") or DEFAULT_BUDGET_MONTHS
    return as_of.month in months


def _next_budget_season(f: Facts, as_of: date):
    months = set(_org(f, "budget_season_months") or DEFAULT_BUDGET_MONTHS)
    this_month = as_of.year * 12 + as_of.month - 1  # months since year 0, counting from 0
    for index in range(this_month + 1, this_month + 13):
        if index % 12 + 1 in months and (index - 1) % 12 + 1 not in months:
            return date(index // 12, index % 12 + 1, 1)
    return None


def _since_funding(f: Facts, as_of: date):
    return _since(_org(f, "last_funding_date"), as_of, months_between)


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
    past = (
        None
        if f.promotion_requests is None
        else sorted((r for r in f.promotion_requests if r.date <= as_of), key=lambda r: r.date)
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


def _request_count(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else len(requests)


def _pending(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else any(r.outcome == "pending" for r in requests)


def _denials(f: Facts, as_of: date):
    requests = _since_last_promotion(f, as_of)
    return None if requests is None else sum(r.outcome in DENIED for r in requests)


def _all_denials(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else sum(r.outcome in DENIED for r in requests)


def _consecutive(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    return None if requests is None else _trailing(requests, lambda r: r.outcome in DENIED)


def _consecutive_vague(f: Facts, as_of: date):
    requests = _past_requests(f, as_of)
    if requests is None:
        return None
    return _trailing(requests, lambda r: r.outcome in DENIED and r.feedback_specific is not True)


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


def _latest_outcome(f: Facts, as_of: date):
    latest = _latest_request(f, as_of)
    return None if latest is None else latest.outcome


def _approved(f: Facts, as_of: date):
    """Someone who lists their requests has told us whether the latest was approved."""
    if f.promotion_approved is not None:
        return f.promotion_approved
    requests = _past_requests(f, as_of)
    if requests is None:
        return None
    return bool(requests) and requests[-1].outcome == "approved"


def _latest_denial_date(f: Facts, as_of: date):
    latest = _latest_denial(f, as_of)
    return None if latest is None else latest.date


def _days_since_denial(f: Facts, as_of: date):
    latest = _latest_denial(f, as_of)
    return None if latest is None else days_between(latest.date, as_of)


def _latest_criteria(f: Facts, as_of: date):
    latest = _latest_request(f, as_of)
    return None if latest is None or latest.criteria is None else len(latest.criteria)


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


def _plan_age(f: Facts, as_of: date):
    latest = _latest_request(f, as_of)
    return None if latest is None else _since(latest.plan_agreed_date, as_of, months_between)


# ------------------------------------------------------------ offers and outcomes


def _log_since_promotion(f: Facts, as_of: date):
    if f.last_promotion_date is None or f.achievement_log_last_updated is None:
        return None
    return f.achievement_log_last_updated >= f.last_promotion_date


def _offer(f: Facts, as_of: date):
    return None if f.external_offer is None else True
