"""What the files of a ruleset may hold, and how a mistake in them is worded for a coach.

The pydantic models here are the file format of docs/rulesets.md; the limits keep a ruleset within
what the engines take and what a reader can check. Loading (merging layers) and checking rules
live in loader.py and rulecheck.py; both word their problems with the helpers here.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator


from .bundled import MANIFEST  # noqa: F401  (the loader and the coach commands read it from here)

RULE_SUFFIXES = (".yaml", ".yml")  # both are common for YAML; a rule file of either is read
MAX_LAYERS = 16
MAX_RULES = 1000
MAX_BRANCHES = 32  # OR-branches of one rule once written without "not"
MAX_SIGNALS_PER_BRANCH = 12
MAX_FILE_BYTES = 1024 * 1024
MAX_NUMBER = 1e12  # beyond this, durable-rules saturates or refuses numbers
MAX_DECIMALS = 4  # more would be written in exponent form, which durable-rules refuses
MAX_DATE_SHIFT = {"days": 36_500, "weeks": 5_200, "months": 1_200}  # a century either way
ID = r"^[a-z0-9][a-z0-9_.-]{0,99}$"
NAME = r"^[a-z][a-z0-9_]{0,63}$"
TAG = r"^[a-z0-9][a-z0-9_-]{0,63}$"


# ------------------------------------------------------------------ schema of the files


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class _PairSpec(_Strict):
    first: list[str] = Field(min_length=1, max_length=50)
    second: list[str] = Field(min_length=1, max_length=50)
    yields: Optional[Literal["first", "second"]] = None
    reason: str = Field(default="", max_length=1000)
    fit: str = Field(default="", max_length=1000)


class _SourceSpec(_Strict):
    # A company's own policy or a talk a coach heard has no file to keep, so file: is optional.
    file: Optional[str] = Field(default=None, min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=300)
    author: Optional[str] = Field(default=None, min_length=1, max_length=200)
    publisher: Optional[str] = Field(default=None, min_length=1, max_length=200)
    published: Optional[str] = Field(default=None, min_length=1, max_length=40)
    link: Optional[str] = Field(default=None, pattern=r"^https?://\S+$", max_length=500)


def _finite_default(value):
    """Run before pydantic's conversion: YAML's true is Python's 1, so "default: true" would become 1 month."""
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    if isinstance(value, bool):
        raise ValueError(f"{'true' if value else 'false'} is yes/no, not a number; write a number, or a choice")
    return value


def _not_yes_no(value):
    """Run before pydantic's conversion, which reads true as 1: a whole number is written in digits."""
    if isinstance(value, bool):
        raise ValueError(f"{'true' if value else 'false'} is yes/no, not a number; write a whole number")
    return value


class _ThresholdSpec(_Strict):
    default: Union[int, float, str]
    unit: str = Field(min_length=1, max_length=40)
    meaning: str = Field(min_length=1, max_length=500)
    choices: Optional[list[str]] = Field(default=None, min_length=2, max_length=20)
    origin: str = Field(default="", max_length=500)
    at_most: Optional[str] = Field(default=None, pattern=NAME)  # another threshold this one never exceeds

    @field_validator("default", mode="before")
    @classmethod
    def _finite(cls, value):
        return _finite_default(value)


class _ThresholdPatch(_Strict):
    """A layer's change to a threshold of the ruleset it extends: only the keys it gives change."""

    default: Optional[Union[int, float, str]] = None
    unit: Optional[str] = Field(default=None, min_length=1, max_length=40)
    meaning: Optional[str] = Field(default=None, min_length=1, max_length=500)
    choices: Optional[list[str]] = Field(default=None, min_length=2, max_length=20)
    origin: Optional[str] = Field(default=None, max_length=500)
    at_most: Optional[str] = Field(default=None, pattern=NAME)

    @field_validator("default", mode="before")
    @classmethod
    def _finite(cls, value):
        return None if value is None else _finite_default(value)


class _FactSpec(_Strict):
    """A fact the ruleset declares (facts.declared): its type is checked by the loader, with a did-you-mean."""

    type: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=100)
    question: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=500)
    column: Optional[str] = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
    choices: Optional[list[str]] = Field(default=None, min_length=2, max_length=50)
    min: Optional[Union[int, float]] = None
    max: Optional[Union[int, float]] = None

    @field_validator("min", "max", mode="before")
    @classmethod
    def _finite(cls, value):
        return None if value is None else _finite_default(value)


class _StageSpec(_Strict):
    name: str = Field(pattern=NAME)
    title: str = Field(min_length=1, max_length=100)
    signal: Optional[str] = Field(default=None, pattern=NAME)
    description: str = Field(default="", max_length=500)


class _ManifestSpec(_Strict):
    name: str = Field(pattern=ID)
    version: str = Field(min_length=1, max_length=40)
    description: str = Field(min_length=1, max_length=2000)
    sources: dict[str, Any] = Field(default_factory=dict)  # entries are checked one by one,
    thresholds: dict[str, Any] = Field(default_factory=dict)  # so one bad entry does not
    categories: list[str] = Field(min_length=1, max_length=50)
    stages: list[Any] = Field(default_factory=list, max_length=30)  # hide the rule files' mistakes
    pairs: list[Any] = Field(default_factory=list, max_length=200)
    of_the_moment: list[str] = Field(default_factory=list, max_length=200)
    facts: dict[str, Any] = Field(default_factory=dict)  # facts the ruleset declares, checked one by one


class _LayerSpec(_Strict):
    """The manifest of a ruleset that extends another."""

    extends: str = Field(min_length=1, max_length=500)
    name: str = Field(pattern=ID)
    version: str = Field(min_length=1, max_length=40)
    description: Optional[str] = Field(default=None, min_length=1, max_length=2000)
    sources: dict[str, Any] = Field(default_factory=dict)  # new sources only
    categories: list[str] = Field(default_factory=list, max_length=50)  # added to the base's
    thresholds: dict[str, Any] = Field(default_factory=dict)  # changes, or new thresholds
    disable: list[str] = Field(default_factory=list, max_length=MAX_RULES)
    stages: Any = None  # refused with a message: stages come from the base
    pairs: list[Any] = Field(default_factory=list, max_length=200)  # added to the base's
    of_the_moment: list[str] = Field(default_factory=list, max_length=200)  # added to the base's
    facts: dict[str, Any] = Field(default_factory=dict)  # new facts, added to the base's


class _RuleSpec(_Strict):
    id: str = Field(pattern=ID)
    replaces: bool = False
    category: Optional[str] = None
    priority: int = Field(ge=1, le=999)
    title: str = Field(min_length=1, max_length=200)
    when: Any = None
    recommend: Optional[str] = Field(default=None, min_length=1, max_length=4000)
    derive: Optional[str] = Field(default=None, pattern=NAME)
    hold_back: list[str] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=20)
    date: Optional[str] = Field(default=None, max_length=200)
    date_label: str = Field(default="", max_length=100)
    stages: list[str] = Field(default_factory=list, max_length=30)
    rationale: str = Field(default="", max_length=4000)
    sources: list[dict[str, str]] = Field(default_factory=list, max_length=20)

    @field_validator("priority", mode="before")
    @classmethod
    def _whole(cls, value):
        return _not_yes_no(value)


class _RuleFileSpec(_Strict):
    category: Optional[str] = None
    rules: list[Any] = Field(default_factory=list, max_length=MAX_RULES)


# ------------------------------------------------------------------ what to write instead

_AS_MAPPING = {  # what goes under an entry that must be a mapping, by the model of the entry
    "_ThresholdSpec": "write default:, unit: and meaning: under it",
    "_SourceSpec": "write title: under it (file:, author:, publisher:, published: and link: if known)",
    "_StageSpec": "write name:, title: and signal: under it",
    "_FactSpec": "write type:, label:, question: and description: under it",
}
_AS_LIST = {  # what a list holds, by the key it is under
    "disable": "write a list of rule ids, e.g. [after.share-and-lift-others]",
    "hold_back": "write a list of rule ids or tags, e.g. [ask-now]",
    "tags": "write a list of tags, e.g. [ask-now]",
    "categories": "write a list of names, e.g. [timing, readiness]",
    "choices": "write a list of words, e.g. [conservative, balanced, aggressive]",
    "rules": "write a list of rules, each starting with  - id:",
}


def _what_to_write(model: type[BaseModel], loc: tuple, error: Mapping[str, Any]) -> str:
    """A schema error in plain words that say what to write, never pydantic's wording or class names."""
    kind, value = error["type"], error.get("input")
    ctx = error.get("ctx") or {}
    key = next((part for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "model_type" and model is _ThresholdPatch:
        example = value if isinstance(value, (int, float, str)) and not isinstance(value, bool) else 4
        return f"write the keys that change under it, e.g. {{default: {example}}}"
    if kind == "model_type":
        return _AS_MAPPING.get(model.__name__, "write it as a mapping (key: value lines)")
    if kind == "dict_type" and key == "sources" and isinstance(loc[-1], int):
        return "write a source as  - S3: Section title"
    if kind == "dict_type":
        return "write it as a mapping (key: value lines), not a list or a single value"
    if kind == "list_type":
        if key == "stages":
            return (
                "write a list of stage names, e.g. [foundation]"
                if model is _RuleSpec
                else "write a list of stages, each starting with  - name:"
            )
        return _AS_LIST.get(key, "write a list, e.g. [a, b]")
    if key == "default" and kind in ("int_type", "float_type", "string_type"):
        return "write a number, or a word if the threshold lists choices:"
    if kind == "string_type":
        if value is None:
            return "is empty; write some text"
        if isinstance(value, (list, dict)):
            return f"write text here, not a {'list' if isinstance(value, list) else 'mapping'}"
        if isinstance(value, float) or key == "version":  # 1.10 reads as 1.1: show no wrong digits
            return 'write it as text in quotes, e.g. "1.0"' if key == "version" else "write it as text in quotes"
        shown = ("true" if value else "false") if isinstance(value, bool) else value
        return f'write it as text in quotes, e.g. "{shown}"'
    if kind in ("int_type", "int_parsing", "int_from_float", "less_than_equal", "greater_than_equal"):
        low, high = _bounds(model, key)
        within = f" from {low} to {high}" if low is not None and high is not None else ""
        shown = "" if kind in ("int_type", "int_parsing", "int_from_float") else f"{value} is out of range; "
        return f"{shown}write a whole number{within}"
    if kind in ("bool_type", "bool_parsing"):
        return "write true or false"
    if kind == "string_too_short":
        return "is empty; write some text"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"needs at least {least} {'entry' if least == 1 else 'entries'}"
    if kind == "too_long":
        return f"has too many entries: at most {ctx.get('max_length')}"
    return error["msg"].removeprefix("Value error, ")


def _bounds(model: type[BaseModel], key: str) -> tuple:
    """The lowest and highest values a number field of ``model`` allows (None where it has no bound)."""
    info = model.model_fields.get(key)
    limits = info.metadata if info else ()
    low = next((item.ge for item in limits if getattr(item, "ge", None) is not None), None)
    high = next((item.le for item in limits if getattr(item, "le", None) is not None), None)
    return low, high


def number_problem(value) -> Optional[str]:
    """Why a number cannot go into a condition, if it cannot: the engine's range and precision."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or abs(value) > MAX_NUMBER:
        return f"{value} is out of range: numbers must lie between -{MAX_NUMBER:,.0f} and {MAX_NUMBER:,.0f}"
    if isinstance(value, float) and round(value, MAX_DECIMALS) != value:
        return f"{value} has more than {MAX_DECIMALS} decimal places"
    return None
