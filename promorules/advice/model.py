"""The advice one person gets: the output contract of the CLI, the Python API and the service.

Field order is fixed and every list is ordered by our own keys, so the same
facts and ruleset always give byte-identical JSON.

Every advice carries `SCHEMA_VERSION`. Reading is forward-tolerant: a field
this version does not know (written by a newer promorules) is ignored, not
refused, so a consumer pinned to an older promorules still reads newer advice.
"""

from datetime import date as Date
from typing import Optional, Union

from pydantic import BaseModel, ConfigDict, Field

FactValue = Union[bool, int, float, str, Date, None]

SCHEMA_VERSION = "1.0"
"""MAJOR.MINOR of the advice's shape: MINOR grows when fields are added, MAJOR when one changes or goes."""

MAX_ID_LENGTH = 128


class _Out(BaseModel):
    """Output records: frozen, and read back ignoring fields a newer version added (see the module's docstring)."""

    # Every field is written, so the schema of what is written says so (readers may rely on each being there).
    model_config = ConfigDict(frozen=True, extra="ignore", json_schema_serialization_defaults_required=True)


class Reason(_Out):
    """One condition of a rule, with the person's value and the threshold it was held against."""

    condition: str = Field(description="The condition as written in the ruleset.")
    fact: str = Field(description="The fact (or signal) the condition tests.")
    label: str = Field(
        description="The fact in plain words (e.g. 'a freeze or money trouble'), or for a signal the title of the "
        "rule deriving it."
    )
    value: FactValue = Field(description="The person's value; null when unknown.")
    threshold: Optional[str] = Field(default=None, description="The threshold's name, if one was used.")
    threshold_value: Optional[Union[int, float, str]] = Field(default=None, description="Its value.")
    holds: bool = Field(description="Whether the condition holds for this person.")


class Citation(_Out):
    """Where a piece of advice comes from, as a reader can look it up (the ruleset's file names stay with coaches)."""

    source: str = Field(description="The source's id in the ruleset.")
    title: str = Field(description="The source document's title.")
    author: Optional[str] = Field(default=None, description="Who wrote it, where known.")
    publisher: Optional[str] = Field(default=None, description="Who published it (a site, a book, a company).")
    published: Optional[str] = Field(default=None, description="When it was published, as the source gives it.")
    link: Optional[str] = Field(default=None, description="Where to read it, where the source has an address.")
    section: str = Field(description="The section the rule draws on.")


class Recommendation(_Out):
    rank: int = Field(description="1 for the first thing to do.")
    rule_id: str = Field(description="The id of the rule that gives this advice.")
    category: str = Field(description="The rule's category, e.g. timing or case.")
    priority: int = Field(description="The rule's priority (lower comes first).")
    title: str = Field(description="The advice in a few words.")
    text: str = Field(description="The advice, filled in with the person's own numbers.")
    why: list[Reason] = Field(description="The conditions that made this rule apply.")
    sources: list[Citation] = Field(description="The sources the advice draws on, with their sections.")
    date: Optional[Date] = Field(default=None, description="A date that goes with the advice, if any.")
    date_label: Optional[str] = Field(default=None, description="What the date means.")
    holds_back: list[str] = Field(default_factory=list, description="Rules this one holds back.")
    waits: bool = Field(default=False, description="The advice says to wait: it holds back the ask-now advice.")
    fit: str = Field(
        default="stage",
        description="Why it comes where it does: 'wait' (a reason to wait, first), 'stage' (the stage's own advice), "
        "'every_stage' (a habit for every stage, after the stage's own), 'other_stage' (for another stage, last).",
    )
    notes: list[str] = Field(
        default_factory=list, description="How this advice fits with advice shown before it (ruleset pairs: fit)."
    )


class HeldBack(_Out):
    """Advice that applies to the person but waits for another rule."""

    rule_id: str = Field(description="The id of the rule held back.")
    title: str = Field(description="Its title.")
    held_back_by: list[str] = Field(description="The rules holding it back.")
    reason: Optional[str] = Field(
        default=None, description="Why it yields, when it contradicts advice shown (ruleset pairs: reason)."
    )


class MissingFact(_Out):
    """An unknown fact that could change the advice."""

    fact: str = Field(description="The input fact, as a path in the facts file.")
    description: str = Field(description="What the fact means.")
    rules: list[str] = Field(description="Rules that could not be decided without it.")


class Stage(_Out):
    """Where the person is in the promotion cycle."""

    name: str = Field(description="The stage's name in the ruleset, e.g. make_the_case.")
    title: str = Field(description="The stage in a few words.")
    description: str = Field(default="", description="What the stage means.")


class Signal(_Out):
    """A conclusion the ruleset draws for itself (such as "ready to ask"), which other rules use."""

    name: str = Field(description="The signal's name in the ruleset, e.g. ready_to_ask.")
    value: Optional[bool] = Field(description="True or false; null when the facts given cannot decide it.")
    derived_by: list[str] = Field(description="The rules whose conditions made it true.")


class Change(_Out):
    """One fact that would have to change, as the person can act on it."""

    fact: str = Field(description="The fact (as rules name it) that would have to change.")
    description: str = Field(description="What the fact means.")
    now: FactValue = Field(description="Its value today; null when unknown.")
    needed: str = Field(description="The condition it would have to meet, e.g. 'sponsor_count >= min_sponsors'.")
    needed_value: Optional[Union[int, float, str, bool]] = Field(
        default=None, description="The value it is held against."
    )
    gap: Optional[Union[int, float]] = Field(default=None, description="How far off it is, for numbers (e.g. 1 more).")
    from_date: Optional[Date] = Field(default=None, description="When time alone would make it true, if it will.")
    text: str = Field(
        description="The change in a sentence, the fact in plain words and any threshold by name, e.g. "
        "'days until the review cycle starts: 118 now, needs at most 56 (review_lead_days): 62 less'."
    )


class NearMiss(_Out):
    """The smallest change of facts that would unlock advice that is held back or not yet due."""

    changes: list[Change] = Field(description="The facts that would have to change, each as the person can act on it.")
    unlocks: list[str] = Field(description="The rules it would unlock.")
    titles: list[str] = Field(description="Their titles, in the same order.")


class PlanItem(_Out):
    """A dated next step."""

    date: Date = Field(description="When.")
    what: str = Field(description="What happens or what to do then.")
    rule_id: Optional[str] = Field(default=None, description="The rule the date comes from, if any.")


class RulesetInfo(_Out):
    """The ruleset that gave the advice."""

    name: str = Field(description="The ruleset's name.")
    version: str = Field(description="The ruleset's version.")
    settings: dict[str, Union[int, float, str]] = Field(
        default_factory=dict,
        description="Thresholds set for this run beyond the ruleset's files (promorules advise --threshold, "
        "Advisor(thresholds=...)), by name; empty when none were. With name and version, what reproduces the advice.",
    )


class Advice(_Out):
    """Ordered recommendations for one person on one day, with reasons and sources."""

    schema_version: str = Field(
        default=SCHEMA_VERSION,
        description="The shape of this output, MAJOR.MINOR: MINOR grows when fields are added (which readers "
        "ignore), MAJOR when a field changes or goes.",
    )
    id: Optional[str] = Field(
        default=None,
        max_length=MAX_ID_LENGTH,
        description="The caller's own id for the person (e.g. an employee id), echoed as given; never a fact.",
    )
    ruleset: RulesetInfo = Field(description="The ruleset that gave the advice.")
    as_of: Date = Field(description="The day the advice is for.")
    stage: Optional[Stage] = Field(description="Where the person is in the promotion cycle.")
    recommendations: list[Recommendation] = Field(description="What to do, in order: the person's stage first.")
    held_back: list[HeldBack] = Field(description="Advice that applies but is held back by another rule.")
    missing_facts: list[MissingFact] = Field(description="Unknown facts that could change the advice.")
    signals: list[Signal] = Field(description="Every signal of the ruleset, in name order.")
    nearest_misses: list[NearMiss] = Field(
        default_factory=list,
        description="What would change this advice: the smallest changes that unlock the 'ask now' advice."
        " Filled by promorules.outlook (the CLI always fills it).",
    )
    plan: list[PlanItem] = Field(
        default_factory=list, description="Dated next steps, earliest first. Filled by promorules.outlook."
    )
