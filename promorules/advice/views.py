"""Compact views of the advice, for platforms that store or send it for many people at once.

The full advice (``full``) explains itself: reasons, sources, every missing
fact with the rules it would decide. Most of its bytes are that explanation.
``summary`` keeps what a person or an HR screen shows first (the stage, every
rule id in rank order, the first screen's advice in full with titles, texts
and dates, what is held back, the five facts most worth asking for: about
2.5 KB a person), ``ids`` only what a program joins on (stage and ranked rule
ids with dates). Both carry `SCHEMA_VERSION` and the caller's ``id`` like the
full advice, and are read forward-tolerantly in the same way.

`view_of` makes a view from a full advice; `Advisor.advise(..., view=...)`
makes the same view without building the full advice's costly parts.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Any, Literal, Optional, Union

from pydantic import ConfigDict, Field

from ..errors import argument_error
from .model import MAX_ID_LENGTH, SCHEMA_VERSION, Advice, RulesetInfo, _Out

ViewName = Literal["full", "summary", "ids"]
VIEWS: tuple[str, ...] = ("full", "summary", "ids")
MISSING_IN_SUMMARY = 5  # the missing facts most worth asking for, by the advice's own order
IN_FULL_IN_SUMMARY = 3  # the first screen: advice for this moment given in full, as `promorules advise` leads
MOMENT = ("wait", "stage")  # the fits of advice for this moment (see resolve.Resolver._order)
# Items of the views kept for the people after (see `from_parts`): a few hundred rules and their dates
# repeat person after person; a store this size holds under 2 MiB and starts afresh when full.
MAX_SHARED_ITEMS = 4_096


class _ViewOut(_Out):
    """A compact view's record: its schema is built on first use, since `promorules advise` shows none."""

    model_config = ConfigDict(defer_build=True)


class StageBrief(_ViewOut):
    """Where the person is in the promotion cycle, in two words."""

    name: str = Field(description="The stage's name in the ruleset, e.g. make_the_case.")
    title: str = Field(description="The stage in a few words.")


class SummaryItem(_ViewOut):
    """One recommendation as a person reads it."""

    rank: int = Field(description="1 for the first thing to do.")
    rule_id: str = Field(description="The id of the rule that gives this advice.")
    title: str = Field(description="The advice in a few words.")
    text: str = Field(description="The advice, filled in with the person's own numbers.")
    date: Optional[Date] = Field(default=None, description="A date that goes with the advice, if any.")
    date_label: Optional[str] = Field(default=None, description="What the date means.")


class IdsItem(_ViewOut):
    """One recommendation as a program joins on it."""

    rule_id: str = Field(description="The id of the rule that gives this advice (ranked by position).")
    date: Optional[Date] = Field(default=None, description="A date that goes with the advice, if any.")


class _View(_ViewOut):
    schema_version: str = Field(default=SCHEMA_VERSION, description="The shape of this output, MAJOR.MINOR.")
    id: Optional[str] = Field(
        default=None,
        max_length=MAX_ID_LENGTH,
        description="The caller's own id for the person, echoed as given; never a fact.",
    )
    ruleset: RulesetInfo = Field(description="The ruleset that gave the advice.")
    as_of: Date = Field(description="The day the advice is for.")


class SummaryView(_View):
    """The advice as an HR screen shows it: stage, ranked advice, what is held back, what to ask for next."""

    view: Literal["summary"] = Field(default="summary", description="Which view this is.")
    stage: Optional[StageBrief] = Field(description="Where the person is in the promotion cycle.")
    ranked: list[str] = Field(description="The ids of every rule giving advice, first thing to do first.")
    recommendations: list[SummaryItem] = Field(
        description=f"The first of them in full: those for this moment (the stage's own and the reasons to wait), "
        f"at most {IN_FULL_IN_SUMMARY}, and at least the first. The full view has every one in full."
    )
    held_back: list[str] = Field(description="The ids of the rules that apply but are held back.")
    missing_facts: list[str] = Field(
        description=f"The {MISSING_IN_SUMMARY} (at most) unknown facts most worth asking for, as paths in the "
        "facts file, the most useful first."
    )


class IdsView(_View):
    """The advice as a program joins on it: the stage and the ranked rule ids with their dates."""

    view: Literal["ids"] = Field(default="ids", description="Which view this is.")
    stage: Optional[str] = Field(description="The stage's name in the ruleset; null when none applies.")
    recommendations: list[IdsItem] = Field(description="The rules giving advice, in order.")


AnyView = Union[Advice, SummaryView, IdsView]
VIEW_MODELS: dict[str, type[_Out]] = {"full": Advice, "summary": SummaryView, "ids": IdsView}


def check_view(view: Any) -> str:
    """The view's name, or InputError naming the choices (before any work is done)."""
    if view not in VIEWS:
        raise argument_error("view", f'view must be "full", "summary" or "ids", not {view!r}')
    return view


def view_of(advice: Advice, view: ViewName) -> AnyView:
    """The ``view`` of a full advice (the advice itself for ``full``): one function for every caller."""
    if check_view(view) == "full":
        return advice
    return from_parts(
        {
            "ruleset": advice.ruleset,
            "as_of": advice.as_of,
            "stage": advice.stage,
            "recommendations": [
                (r.rank, r.rule_id, r.title, r.text, r.date, r.date_label, r.fit) for r in advice.recommendations
            ],
            "in_full": in_full([r.fit for r in advice.recommendations]),
            "held_back": [h.rule_id for h in advice.held_back],
            "missing_facts": [m.fact for m in advice.missing_facts[:MISSING_IN_SUMMARY]],
        },
        view,
        advice.id,
    )


def from_parts(
    parts: dict[str, Any], view: ViewName, person_id: Optional[str], shared: Optional[dict] = None
) -> AnyView:
    """A compact view from the parts `resolve.Resolver.brief` (or `view_of`) gives.

    ``shared`` (`resolve.Resolver.view_records`) keeps the items made for earlier people. An item is frozen
    and holds nothing but its values, so the same values can be one record for everyone; making a pydantic
    record costs more than the rest of the ids view's work on it, and most people share their items.
    """
    items: dict = {} if shared is None else shared
    if len(items) >= MAX_SHARED_ITEMS:
        items.clear()  # bounded memory: a long-running service starts afresh
    stage = parts["stage"]
    if view == "ids":
        recommendations = []
        for item in parts["recommendations"]:
            key: tuple = ("ids", item[1], item[4])
            record = items.get(key)
            if record is None:
                record = items[key] = IdsItem.model_construct(rule_id=item[1], date=item[4])
            recommendations.append(record)
        return IdsView.model_construct(
            id=person_id,
            ruleset=parts["ruleset"],
            as_of=parts["as_of"],
            stage=stage.name if stage else None,
            recommendations=recommendations,
        )
    ranked = parts["recommendations"]
    first = []
    for rank, rule_id, title, text, when, label, _ in ranked[: parts["in_full"]]:
        key = ("summary", rank, rule_id, title, text, when, label)
        record = items.get(key)
        if record is None:
            record = items[key] = SummaryItem.model_construct(
                rank=rank, rule_id=rule_id, title=title, text=text, date=when, date_label=label
            )
        first.append(record)
    brief = None
    if stage:
        brief = items.get(("stage", stage.name, stage.title))
        if brief is None:
            brief = items[("stage", stage.name, stage.title)] = StageBrief.model_construct(
                name=stage.name, title=stage.title
            )
    return SummaryView.model_construct(
        id=person_id,
        ruleset=parts["ruleset"],
        as_of=parts["as_of"],
        stage=brief,
        ranked=[item[1] for item in ranked],
        recommendations=first,
        held_back=parts["held_back"],
        missing_facts=parts["missing_facts"],
    )


def in_full(fits: list[str]) -> int:
    """How many lead the summary in full, from the recommendations' fits: the first ones for this moment,
    at most `IN_FULL_IN_SUMMARY`, at least one when there are any (as the terminal's first screen, with
    fewer, to stay near 2.5 KB)."""
    count = 0
    for fit in fits[:IN_FULL_IN_SUMMARY]:
        if fit not in MOMENT:
            break
        count += 1
    return max(count, min(1, len(fits)))


def every(fits: list[str]) -> int:
    """All of them (the ids view dates every recommendation)."""
    return len(fits)
