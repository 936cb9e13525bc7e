"""Load a ruleset directory, reporting every mistake at once as ``file:line:col: message``.

A ruleset is a directory with ``ruleset.yaml`` (the manifest: name, version,
sources, thresholds, categories, stages) and any number of other ``*.yaml``
(or ``*.yml``) files holding rules. docs/rulesets.md describes the format for coaches.

A ruleset can also be a *layer* on another one (``extends: default`` or
``extends: ../path``): it changes thresholds, disables or replaces rules by
id and adds rules, without copying the base. Layers are merged before the
rules are checked, and every mistake points at the file that holds it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import conditions as c
from ..facts.derive import FACTS
from ..errors import MAX_PROBLEMS, InputError, Location, Problem, RulesetError, did_you_mean
from ..facts.model import field_path
from ..text import counted, show
from .model import GATE, MOMENT_TAG, Citation, DateExpr, Pair, Rule, Ruleset, Source, Stage, Template, Threshold
from ..yamlsource import Located, load_yaml

MANIFEST = "ruleset.yaml"
RULE_SUFFIXES = (".yaml", ".yml")  # both are common for YAML; a rule file of either is read
BUNDLED = "default"  # ``extends: default`` names the ruleset that ships with promorules
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
    file: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=300)
    author: Optional[str] = Field(default=None, min_length=1, max_length=200)
    publisher: Optional[str] = Field(default=None, min_length=1, max_length=200)
    published: Optional[str] = Field(default=None, min_length=1, max_length=40)
    link: Optional[str] = Field(default=None, pattern=r"^https?://\S+$", max_length=500)


def _finite_default(value):
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        raise ValueError("must be a finite number")
    if isinstance(value, bool):
        raise ValueError("must be a number or one of the choices, not true/false")
    return value


class _ThresholdSpec(_Strict):
    default: Union[int, float, str]
    unit: str = Field(min_length=1, max_length=40)
    meaning: str = Field(min_length=1, max_length=500)
    choices: Optional[list[str]] = Field(default=None, min_length=2, max_length=20)
    origin: str = Field(default="", max_length=500)

    @field_validator("default")
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

    @field_validator("default")
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


class _RuleFileSpec(_Strict):
    category: Optional[str] = None
    rules: list[Any] = Field(default_factory=list, max_length=MAX_RULES)


# ------------------------------------------------------------------ what to write instead

_AS_MAPPING = {  # what goes under an entry that must be a mapping, by the model of the entry
    "_ThresholdSpec": "write default:, unit: and meaning: under it",
    "_SourceSpec": "write file: and title: under it (author:, publisher:, published: and link: if known)",
    "_StageSpec": "write name:, title: and signal: under it",
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
            return ("write a list of stage names, e.g. [foundation]" if model is _RuleSpec
                    else "write a list of stages, each starting with  - name:")
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


# ------------------------------------------------------------------ loading


@dataclass(frozen=True)
class RuleOrigin:
    """A rule as the coach wrote it, and where: what the effective view and the handbook show."""

    data: dict  # the rule's mapping as written (``replaces`` included)
    category: str
    location: Location  # where its id is
    replaced: Optional[Location] = None  # where the rule it replaces was, for a replacing rule


@dataclass
class LoadReport:
    """Everything a load found out: the ruleset (None when there are problems) and how it was made."""

    ruleset: Optional[Ruleset]
    problems: list[Problem]
    rule_count: int = 0  # rules found in the files, before any was refused
    layers: tuple[str, ...] = ()  # manifest files, base first
    origins: dict = field(default_factory=dict)  # rule id -> RuleOrigin, in the merged order
    threshold_changes: dict = field(default_factory=dict)  # name -> locations of the layers that changed it
    threshold_uses: dict = field(default_factory=dict)  # name -> locations of the rules that use it
    switches: dict = field(default_factory=dict)  # location -> a condition on a threshold alone, as written
    disabled: dict = field(default_factory=dict)  # rule id -> the disable: entry of the layer that removed it


def read_ruleset(path: Union[str, Path], thresholds: Optional[Mapping[str, Any]] = None) -> Ruleset:
    """Load and check a ruleset directory; raise InputError listing every problem.

    Whether the ruleset fits the engine is the engine's question: `promorules.load_ruleset` asks both.

    ``thresholds`` sets threshold values in place of the manifest's defaults
    (a coach tuning one organisation, a scenario trying a policy). They are
    applied before the rules are checked, so policy switches fold as usual.
    """
    report = inspect_ruleset(path, thresholds)
    if report.problems:
        raise RulesetError(report.problems)
    assert report.ruleset is not None, "a load without problems gives a ruleset"
    return report.ruleset


def inspect_ruleset(path: Union[str, Path], thresholds: Optional[Mapping[str, Any]] = None) -> LoadReport:
    """Load a ruleset and say how it was made, without raising on the coach's mistakes."""
    loader = _Loader(Path(path), dict(thresholds or {}))
    ruleset = loader.load()
    problems = sorted(loader.problems, key=lambda p: (p.location, p.message))
    return LoadReport(
        ruleset=None if problems else ruleset,
        problems=problems,
        rule_count=loader.rule_count,
        layers=tuple(str(layer.located.file) for layer in loader.layers),
        origins=loader.origins,
        threshold_changes=loader.threshold_changes,
        threshold_uses=loader.threshold_uses,
        switches=loader.switches,
        disabled=dict(loader.removed),
    )


def bundled_ruleset_path() -> Path:
    """The default ruleset: inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "rulesets" / "default", package.parent / "rulesets" / "default"):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise FileNotFoundError("the bundled ruleset is missing from this installation")


def resolve_extends(target: str, root: Path) -> Path:
    """Where ``extends:`` points: the bundled ruleset for ``default``, else a path relative to the layer."""
    if target == BUNDLED:
        return bundled_ruleset_path()
    return Path(os.path.normpath(root / target))


@dataclass
class _Layer:
    root: Path
    located: Located
    spec: Any  # _ManifestSpec for the base, _LayerSpec for a layer on it


class _Loader:
    def __init__(self, root: Path, overrides: Optional[dict] = None):
        self.root = root
        self.overrides = overrides or {}
        self.problems: list[Problem] = []
        self.broken: set[str] = set()  # names of manifest entries already reported as wrong
        self.layers: list[_Layer] = []
        self.rule_count = 0
        self.origins: dict[str, RuleOrigin] = {}
        self.threshold_changes: dict[str, list[Location]] = {}
        self.threshold_uses: dict[str, list[Location]] = {}
        self.switches: dict[Location, str] = {}
        self.removed: dict[str, Location] = {}  # rule id -> the disable: entry that removed it
        self.lost_signals: dict[str, Location] = {}  # signal -> where the rule deriving it was removed
        self.silenced: dict[str, list[str]] = {}  # broken name -> rules whose mistake about it was not repeated
        self.removed_tags: set[str] = set()  # tags of the removed rules
        self.origins_replaced: dict[str, Location] = {}  # rule id -> where the rule it replaces was
        self.hold_back_at: dict[tuple[str, str], Location] = {}  # (rule id, name held back) -> its entry

    # -- helpers

    def fail(self, where: Location, message: str) -> None:
        self.problems.append(Problem(where, message))

    def hint(self, word: str, choices) -> str:
        """``did_you_mean`` while the problems found fit in what is shown: past that, a hint is about
        250 µs no one reads, and a 1 MiB file holds 40,000 mistakes."""
        return did_you_mean(word, choices) if len(self.problems) < MAX_PROBLEMS else ""

    def read(self, path: Path, root: Path) -> Optional[Located]:
        """The YAML of a file of the ruleset directory ``root`` (the base's or a layer's)."""
        shown = str(path)
        try:
            resolved = path.resolve(strict=True)
            if root.resolve() not in resolved.parents:
                self.fail(Location(shown), "files of a ruleset must lie inside its directory")
                return None
            if not resolved.is_file():
                self.fail(Location(shown), "cannot read the file: it is not a regular file")
                return None
            raw = path.read_bytes()
        except OSError as exc:
            self.fail(Location(shown), f"cannot read the file: {exc.strerror or exc}")
            return None
        except RuntimeError:  # a link that leads back to itself
            self.fail(Location(shown), "cannot read the file: it is a link that leads back to itself")
            return None
        if len(raw) > MAX_FILE_BYTES:
            self.fail(Location(shown), f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")
            return None
        try:
            return load_yaml(raw.decode("utf-8-sig"), shown)
        except UnicodeDecodeError:
            self.fail(Location(shown), "not UTF-8 text; save it as UTF-8")
        except InputError as exc:
            self.problems.extend(exc.problems)
        return None

    def validate(self, model: type[BaseModel], data: Any, located: Located, base: tuple = ()):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            reported = set()
            for error in exc.errors():
                inner = tuple(error["loc"])
                if inner[-1:] in (("int",), ("float",), ("str",), ("constrained-str",)):
                    inner = inner[:-1]  # one of the types a value may have: report the value once
                loc = base + inner
                if error["type"] == "extra_forbidden":
                    message = f'unknown key "{loc[-1]}"{self.hint(str(loc[-1]), model.model_fields)}'
                elif error["type"] == "missing":
                    message = f'"{loc[-1]}" is required'
                elif error["type"] == "string_pattern_mismatch":
                    message = f"{field_path(loc)}: use lower-case letters, digits, '_' (and '-' or '.' in ids)"
                else:
                    message = f"{field_path(loc)}: {_what_to_write(model, inner, error)}"
                if (loc, message) not in reported:
                    reported.add((loc, message))
                    self.fail(located.where(loc), message)
            return None

    # -- the whole directory, and the directories it extends

    def load(self) -> Ruleset:
        self.layers = self.read_layers()
        if not self.layers:
            return Ruleset("", "", "")
        base = self.layers[0]
        sources = self.sources()
        categories = list(base.spec.categories)
        for layer in self.layers[1:]:
            categories += [name for name in layer.spec.categories if name not in categories]
        thresholds = self.thresholds()
        specs = self.merged_rule_specs(categories)
        self.rule_count = len(specs)
        stage_names = {raw.get("name") for raw in base.spec.stages if isinstance(raw, dict)}
        rules = self.rules(specs, sources, thresholds, stage_names)
        stages = self.stages(base.spec, base.located, {rule.derive for rule in rules if rule.derive})
        self.report_lost_signals()
        # Names as written, so a rule dropped for a mistake reported elsewhere is not reported again here.
        declared = {spec.id for spec, *_ in specs} | {tag for spec, *_ in specs for tag in spec.tags} | {GATE}
        pairs = self.pairs(declared)
        of_the_moment = self.of_the_moment(declared)
        top = self.layers[-1].spec
        description = next(layer.spec.description for layer in reversed(self.layers) if layer.spec.description)
        return Ruleset(
            name=top.name,
            version=top.version,
            description=description,
            sources=sources,
            thresholds=thresholds,
            categories=tuple(categories),
            stages=stages,
            rules=tuple(rules),
            path=str(self.root),
            settings={name: thresholds[name].value for name in sorted(self.overrides) if name in thresholds},
            pairs=pairs,
            of_the_moment=of_the_moment,
        )

    def of_the_moment(self, names: set[str]) -> tuple[str, ...]:
        """The names (rule ids, tags, ``gate``) of advice without stages: that ranks with the stage's own."""
        gone = set(self.removed) | self.removed_tags
        found: list[str] = []
        for layer in self.layers:
            for index, name in enumerate(layer.spec.of_the_moment):
                if name in names:
                    found.append(name)
                elif name not in gone and name != MOMENT_TAG:  # the tag may wait for its first rule
                    self.fail(layer.located.where(("of_the_moment", index)), f'of_the_moment: "{name}" is neither '
                              f'a rule id, a tag nor "gate"{self.hint(name, names)}')
        return tuple(dict.fromkeys(found))

    def pairs(self, names: set[str]) -> tuple[Pair, ...]:
        """The declared pairs, each side naming rules that exist (by id, tag, or ``gate``)."""
        pairs = []
        for layer in self.layers:
            for index, raw in enumerate(layer.spec.pairs):
                where = layer.located.where(("pairs", index))
                item = self.validate(_PairSpec, raw, layer.located, ("pairs", index))
                if item is None:
                    continue
                gone = set(self.removed) | self.removed_tags
                unknown = [n for n in item.first + item.second if n not in names and n not in gone]
                for name in unknown:
                    self.fail(where, f'pairs: "{name}" is neither a rule id, a tag nor "gate"'
                              f"{self.hint(name, names)}")
                if item.yields and not item.reason:
                    self.fail(where, "pairs: say with reason: why one side yields (the person reads it)")
                elif not item.yields and not item.fit:
                    self.fail(where, "pairs: write yields: first or second (with a reason:), or fit: for two "
                              "pieces of advice that go together")
                if unknown:
                    continue
                pairs.append(Pair(tuple(item.first), tuple(item.second), item.reason.strip(), item.yields or "",
                                  item.fit.strip(), where))
        return tuple(pairs)

    def read_layers(self) -> list[_Layer]:
        """The manifests from the top layer down to the base, returned base first."""
        layers: list[_Layer] = []
        seen: dict[Path, str] = {}
        root, referrer = self.root, None  # referrer: the extends: that led here
        while True:
            manifest_path = root / MANIFEST
            if not root.is_dir() or not manifest_path.exists():
                if referrer is not None:
                    target = referrer[1].spec.extends
                    missing = "is not a ruleset directory" if not root.is_dir() else f"has no {MANIFEST}"
                    self.fail(referrer[0], f'extends: "{target}" {missing} ({root})')
                elif not root.exists():
                    self.fail(Location(str(root)), "no such directory")
                elif not root.is_dir():
                    self.fail(Location(str(root)), "not a ruleset directory (a ruleset is a directory)")
                else:
                    self.fail(Location(str(manifest_path)), f"missing: a ruleset needs a {MANIFEST}")
                return []
            located = self.read(manifest_path, root)
            if located is None:
                return []
            if not isinstance(located.data, dict):
                self.fail(located.where(()), "the manifest must be a mapping (name:, version:, ...)")
                return []
            seen[root.resolve()] = str(manifest_path)
            if "extends" not in located.data:
                spec = self.validate(_ManifestSpec, located.data, located)
                if spec is None:
                    return []
                layers.append(_Layer(root, located, spec))
                return list(reversed(layers))
            spec = self.validate(_LayerSpec, located.data, located)
            if spec is None:
                return []
            if spec.stages is not None:
                self.fail(located.where(("stages",)), "a ruleset that extends another keeps its stages; "
                          "remove stages: from this manifest")
            layer = _Layer(root, located, spec)
            layers.append(layer)
            where = located.where(("extends",))
            try:
                target = resolve_extends(spec.extends, root)
            except FileNotFoundError as exc:
                self.fail(where, str(exc))
                return []
            if target.resolve() in seen:
                loop = [*seen.values(), seen[target.resolve()]]
                self.fail(where, f"rulesets extend each other in a loop: {' -> '.join(loop)}")
                return []
            if len(layers) >= MAX_LAYERS:
                self.fail(where, f"more than {MAX_LAYERS} rulesets extend one another")
                return []
            root, referrer = target, (where, layer)

    def sources(self) -> dict:
        sources: dict[str, Source] = {}
        seen: set[str] = set()
        for layer in self.layers:
            for key, raw in layer.spec.sources.items():
                if key in seen:
                    self.fail(layer.located.where(("sources", key)), f'the source "{key}" is already defined by '
                              "the ruleset this one extends; give yours another id")
                    continue
                seen.add(key)
                item = self.validate(_SourceSpec, raw, layer.located, ("sources", key))
                if item is None:
                    self.broken.add(key)
                else:
                    sources[key] = Source(key, item.file, item.title, item.author, item.publisher,
                                          item.published, item.link)
        return sources

    def thresholds(self) -> dict:
        base = self.layers[0]
        result: dict[str, Threshold] = {}
        for name, raw in base.spec.thresholds.items():
            self.add_threshold(result, name, raw, base.located)
        for layer in self.layers[1:]:
            for name, raw in layer.spec.thresholds.items():
                if name in self.broken:
                    continue
                if name in result:
                    self.change_threshold(result, name, raw, layer.located)
                elif not self.misspelt_threshold(result, name, raw, layer.located):
                    self.add_threshold(result, name, raw, layer.located)
        for name, value in self.overrides.items():
            self.override(result, name, value)
        return result

    def misspelt_threshold(self, result: dict, name: str, raw: Any, located: Located) -> bool:
        """A layer's threshold that is not written in full and is named like one it inherits is most
        likely a change to that one, misspelt; say so rather than ask for a new threshold's keys."""
        complete = isinstance(raw, dict) and {"meaning", "unit"} <= raw.keys()
        hint = self.hint(name, result)
        if complete or not hint:
            return False
        self.fail(located.where(("thresholds", name)),
                  f'unknown threshold "{name}"{hint}; to add a new threshold give meaning: and unit:')
        self.broken.add(name)
        return True

    def add_threshold(self, result: dict, name: str, raw: Any, located: Located) -> None:
        where = located.where(("thresholds", name))
        item = self.validate(_ThresholdSpec, raw, located, ("thresholds", name))
        problem = _threshold_problem(name, item) if item is not None else None
        if problem:
            self.fail(where, problem)
        if item is None or problem:
            self.broken.add(name)  # rules naming it are not reported again
            return
        result[name] = Threshold(
            name, item.default, item.unit, item.meaning, tuple(item.choices or ()), item.origin, where
        )

    def change_threshold(self, result: dict, name: str, raw: Any, located: Located) -> None:
        """A layer changes some keys of a threshold it inherits; the rest stay as they were."""
        where = located.where(("thresholds", name))
        patch = self.validate(_ThresholdPatch, raw, located, ("thresholds", name))
        if patch is None:
            self.broken.add(name)
            return
        old = result[name]
        given = patch.model_dump(exclude_unset=True)
        if not given:
            self.fail(where, f'threshold "{name}": say what changes, e.g. "default: {old.value}"')
            return
        merged = {"default": old.value, "unit": old.unit, "meaning": old.meaning,
                  "choices": list(old.choices) or None, "origin": old.origin, **given}
        item = self.validate(_ThresholdSpec, merged, located, ("thresholds", name))
        problem = _threshold_problem(name, item) if item is not None else None
        if problem is None and item is not None and not item.choices:
            whole = _whole_number_problem(old, item.default)
            problem = f'threshold "{name}": {whole}' if whole else None
        if item is None or problem:
            if problem:
                self.fail(where, problem)
            self.broken.add(name)
            result.pop(name)
            return
        value = int(item.default) if isinstance(old.value, int) and isinstance(item.default, float) else item.default
        result[name] = Threshold(
            name, value, item.unit, item.meaning, tuple(item.choices or ()), item.origin, old.location
        )
        self.threshold_changes.setdefault(name, []).append(where)

    def override(self, thresholds: dict, name: str, value: Any) -> None:
        where = Location(f"{self.root} (threshold {name})")
        if name not in thresholds:
            if name not in self.broken:
                self.fail(where, f'unknown threshold "{name}"{self.hint(name, thresholds)}')
            return
        threshold = thresholds[name]
        if threshold.choices:
            if value not in threshold.choices:
                self.fail(where, f'"{value}" is not one of {", ".join(threshold.choices)}')
                return
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(where, f'"{value}" is not a number; {name} is {show(threshold.value)} {threshold.unit} by default')
            return
        elif value != value or abs(value) == float("inf"):
            self.fail(where, f'"{value}" is not a finite number')
            return
        elif value < 0 <= threshold.value:
            self.fail(where, f"{value} is below zero; {name} counts {threshold.unit} and its default is {threshold.value}")
            return
        else:
            problem = _whole_number_problem(threshold, value) or number_problem(value)
            if problem:
                self.fail(where, problem)
                return
            if isinstance(threshold.value, int):
                value = int(value)
        thresholds[name] = replace(threshold, value=value)

    def stages(self, spec: _ManifestSpec, located: Located, signals: set) -> tuple:
        stages = []
        for index, raw in enumerate(spec.stages):
            where = located.where(("stages", index))
            item = self.validate(_StageSpec, raw, located, ("stages", index))
            if item is None:
                continue
            if item.signal is None and index != len(spec.stages) - 1:
                self.fail(where, "only the last stage may leave out signal: (it is the stage when no other applies)")
            if item.signal is not None and item.signal not in signals:
                if item.signal in self.lost_signals:
                    self.silenced.setdefault(item.signal, []).append(f'the stage "{item.name}"')
                else:
                    self.fail(where, f'stage "{item.name}": no rule derives the signal "{item.signal}"'
                              f"{self.hint(item.signal, signals)}")
            stages.append(Stage(item.name, item.title, item.signal, item.description))
        return tuple(stages)

    # -- rule files

    def rule_specs(self, file: Path, categories: list[str], root: Path):
        located = self.read(file, root)
        if located is None:
            return []
        if not isinstance(located.data, dict):
            self.fail(located.where(()), "a rule file must be a mapping with a rules: list")
            return []
        spec = self.validate(_RuleFileSpec, located.data, located)
        if spec is None:
            return []
        found = []
        for index, raw in enumerate(spec.rules):
            base = ("rules", index)
            if not isinstance(raw, dict):
                self.fail(located.where(base), "each rule must be a mapping (id:, priority:, when:, ...)")
                continue
            rule = self.validate(_RuleSpec, raw, located, base)
            if rule is None:
                continue
            category = rule.category or spec.category
            where = located.where(base + ("category",) if rule.category else base)
            if category is None:
                self.fail(located.where(base), f'rule "{rule.id}" has no category')
                continue
            if category not in categories:
                self.fail(where, f'unknown category "{category}"{self.hint(category, categories)}')
            found.append((rule, category, located, base))
        return found

    def layer_rule_specs(self, layer: _Layer, categories: list[str]) -> list:
        """Every ``.yaml`` and ``.yml`` file beside the manifest is a rule file: none is skipped unread."""
        files = sorted(file for file in layer.root.iterdir() if file.suffix in RULE_SUFFIXES)
        found = []
        for file in files:
            if file.name == MANIFEST:
                continue
            if file.stem == Path(MANIFEST).stem:
                self.fail(Location(str(file)), f"the manifest is read from {MANIFEST} only; rename this file")
                continue
            found += self.rule_specs(file, categories, layer.root)
        return found

    def merged_rule_specs(self, categories: list[str]) -> list:
        """The base's rules, then each layer's: disabled ones out, replaced ones swapped in place."""
        merged = self.layer_rule_specs(self.layers[0], categories)
        for spec, _, located, base in merged:
            if spec.replaces:
                self.fail(located.where(base + ("replaces",)),
                          f'rule "{spec.id}": replaces: only applies in a ruleset that extends another')
        for layer in self.layers[1:]:
            merged = self.apply_layer(layer, merged, self.layer_rule_specs(layer, categories))
        return merged

    def apply_layer(self, layer: _Layer, merged: list, found: list) -> list:
        inherited: dict[str, tuple] = {}
        for entry in merged:
            inherited.setdefault(entry[0].id, entry)
        disabled: dict[str, Location] = {}
        for index, name in enumerate(layer.spec.disable):
            where = layer.located.where(("disable", index))
            if name not in inherited:
                self.fail(where, f'disable: the ruleset this one extends has no rule "{name}"'
                          f"{self.hint(name, inherited)}")
            else:
                disabled[name] = where
        self.remove(inherited, disabled)
        merged = [entry for entry in merged if entry[0].id not in disabled]
        position = {entry[0].id: index for index, entry in enumerate(merged)}
        replaced_here: set[str] = set()
        for entry in found:
            spec, _, located, base = entry
            where = located.where(base + ("id",))
            if spec.id in disabled:
                self.fail(where, f'rule "{spec.id}" is disabled (at {disabled[spec.id]}) and defined again here; '
                          "to change it, take it out of disable: and say replaces: true")
            elif spec.id in inherited and spec.id not in replaced_here:
                old = inherited[spec.id]
                old_where = old[2].where(old[3] + ("id",))
                if not spec.replaces:
                    self.fail(where, f'rule id "{spec.id}" is already used by the ruleset this one extends '
                              f'(at {old_where}); say "replaces: true" to replace that rule, or choose a new id')
                    continue
                replaced_here.add(spec.id)
                merged[position[spec.id]] = entry
                self.origins_replaced[spec.id] = old_where
                if old[0].derive and old[0].derive != spec.derive:
                    self.lose_signal(old[0].derive, where)
            else:
                if spec.replaces and spec.id not in inherited:
                    self.fail(located.where(base + ("replaces",)),
                              f'rule "{spec.id}" says replaces: true, but the ruleset this one extends has no '
                              f'rule "{spec.id}"{self.hint(spec.id, inherited)}')
                merged.append(entry)
        return merged

    def remove(self, inherited: dict, disabled: dict) -> None:
        for name, where in disabled.items():
            self.removed[name] = where
            spec = inherited[name][0]
            if spec.derive:
                self.lose_signal(spec.derive, where)
            self.removed_tags.update(spec.tags)

    def lose_signal(self, signal: str, where: Location) -> None:
        """A disabled or replaced rule derived ``signal``; reported once, at ``where``, if nothing else does."""
        self.lost_signals.setdefault(signal, where)

    def report_lost_signals(self) -> None:
        for signal, where in sorted(self.lost_signals.items()):
            users = sorted(set(self.silenced.get(signal, ())))
            if users:
                named = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
                self.fail(where, f'no rule derives the signal "{signal}" any more, but {named} '
                          "use it; disable or replace them too")

    def rules(self, specs: list, sources: dict, thresholds: dict, stage_names: set) -> list[Rule]:
        if len(specs) > MAX_RULES:
            self.fail(Location(str(self.root)), f"more than {MAX_RULES} rules")
            return []
        signals = {spec.derive for spec, *_ in specs if spec.derive} - set(FACTS) - set(thresholds)
        for name in set(self.lost_signals) - signals:
            self.broken.add(name)  # the rules that use it are named once, where it was lost
        for name in set(self.lost_signals) & signals:
            del self.lost_signals[name]
        for spec, _, located, base in specs:
            if spec.derive in FACTS:
                self.fail(located.where(base + ("derive",)), f'the signal "{spec.derive}" has the same name as a fact')
                self.broken.add(spec.derive)
            elif spec.derive in thresholds:
                self.fail(located.where(base + ("derive",)),
                          f'the signal "{spec.derive}" has the same name as a threshold')
                self.broken.add(spec.derive)
        tags = {tag for spec, *_ in specs for tag in spec.tags}
        ids: dict[str, Location] = {}
        rules = []
        for spec, category, located, base in specs:
            where = located.where(base + ("id",))
            if spec.id in ids:
                self.fail(where, f'rule id "{spec.id}" is used twice (first at {ids[spec.id]})')
                continue
            ids[spec.id] = where
            raw = located.data
            for key in base:
                raw = raw[key]
            self.origins[spec.id] = RuleOrigin(raw, category, where, self.origins_replaced.get(spec.id))
            builder = _RuleBuilder(self, spec, category, located, base, sources, thresholds, signals, stage_names)
            rule = builder.build()
            if rule is not None:
                rules.append(rule)
        for rule in rules:
            self.check_references(rule, ids, tags)
        derivers: dict[str, list[Rule]] = {}  # signal -> the rules deriving it
        for rule in rules:
            if rule.derive:
                derivers.setdefault(rule.derive, []).append(rule)
        self.check_cycles(derivers)
        self.check_signal_negations(derivers)
        return rules

    def check_signal_negations(self, derivers: dict[str, list[Rule]]) -> None:
        """ "Not x" holds when every rule deriving x fails; written out, that must stay within the limits."""
        for signal, group in derivers.items():
            negation = c.Not(c.AnyOf(tuple(rule.condition for rule in group)))
            try:
                branches = c.to_dnf(negation, MAX_BRANCHES)
            except c.TooManyBranches:
                self.fail(group[0].location, f'"not {signal}" has more than {MAX_BRANCHES} alternative branches '
                          f"across the {len(group)} rules deriving it; merge them into fewer, simpler rules")
                continue
            if any(sum(atom.signal for atom in branch) > MAX_SIGNALS_PER_BRANCH for branch in branches):
                self.fail(group[0].location, f'"not {signal}" needs more than {MAX_SIGNALS_PER_BRANCH} signals at '
                          f"once across the {len(group)} rules deriving it; merge them into fewer rules")

    def check_references(self, rule: Rule, ids: dict, tags: set) -> None:
        for name in rule.hold_back:
            where = self.hold_back_at.get((rule.id, name), rule.location)
            if name in ids and name in tags:
                self.fail(where, f'hold_back "{name}" is both a rule id and a tag; rename the tag')
            elif name not in ids and name not in tags:
                if name in self.removed or name in self.removed_tags:
                    continue  # it names a rule a layer disabled: nothing left to hold back
                self.fail(where, f'hold_back names "{name}", which is neither a rule id nor a tag'
                          f"{self.hint(name, set(ids) | tags)}")
            elif name == rule.id:
                self.fail(where, "a rule cannot hold itself back")

    def check_cycles(self, derivers: dict[str, list[Rule]]) -> None:
        """A signal may not depend, through other signals, on itself."""
        uses = {signal: {a.name for rule in group for a in c.atoms(rule.condition) if a.signal}
                for signal, group in derivers.items()}
        state: dict[str, int] = {}

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                loop = trail[trail.index(name):] + [name]
                rule = self.loop_rule(loop, derivers)
                self.fail(rule.location, f'rule "{rule.id}": signals depend on each other in a loop: '
                          f"{' -> '.join(loop)}")
                return
            state[name] = 1
            for other in sorted(uses.get(name, ())):
                visit(other, trail + [name])
            state[name] = 2

        for name in sorted(uses):
            visit(name, [])

    def loop_rule(self, loop: list[str], derivers: dict) -> Rule:
        """The rule to blame for a loop of signals: of the rules making its links, one in the topmost
        layer, since a loop a layer closes is the layer's to fix (the base loads without it)."""
        links = [rule for signal, used in zip(loop, loop[1:]) for rule in derivers[signal]
                 if used in {a.name for a in c.atoms(rule.condition) if a.signal}]
        return min(links, key=lambda rule: (-self.layer_index(rule.location), rule.location))

    def layer_index(self, where: Location) -> int:
        """Which layer (0 for the base) holds the file at ``where``."""
        folder = Path(where.file).parent
        return next((index for index, layer in enumerate(self.layers) if layer.root == folder), 0)


def _whole_number_problem(threshold: Threshold, value: Any) -> Optional[str]:
    """A threshold given as a whole number stays one: dates and counts are built from it."""
    if isinstance(threshold.value, int) and isinstance(value, float) and not value.is_integer():
        return f"{value} is not a whole number ({threshold.unit})"
    return None


def _threshold_problem(name: str, item: _ThresholdSpec) -> Optional[str]:
    if not re.match(NAME, name):
        return f'threshold name "{name}": use lower-case letters, digits and "_"'
    if name in FACTS:
        return f'threshold "{name}" has the same name as a fact'
    if item.choices is not None and item.default not in item.choices:
        return f'threshold "{name}": default "{item.default}" is not one of {", ".join(item.choices)}'
    if item.choices is None and isinstance(item.default, str):
        return f'threshold "{name}": the default must be a number (or list choices:)'
    problem = number_problem(item.default) if item.choices is None else None
    return f'threshold "{name}": {problem}' if problem else None


def number_problem(value) -> Optional[str]:
    """Why a number cannot go into a condition, if it cannot: the engine's range and precision."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value != value or abs(value) > MAX_NUMBER:
        return f"{value} is out of range: numbers must lie between -{MAX_NUMBER:,.0f} and {MAX_NUMBER:,.0f}"
    if isinstance(value, float) and round(value, MAX_DECIMALS) != value:
        return f"{value} has more than {MAX_DECIMALS} decimal places"
    return None


# ------------------------------------------------------------------ one rule

YES_NO = {"yes": True, "no": False}  # how the docs speak of a yes/no fact; true and false are read too
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_DATE = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(?:([+-])\s*([a-z_][a-z0-9_]*|\d+)\s*(days?|weeks?|months?))?\s*$")


class _RuleBuilder:
    """Turns one rule's raw spec into a checked `Rule`, reporting problems to the loader."""

    def __init__(self, loader: _Loader, spec: _RuleSpec, category: str, located: Located, base: tuple,
                 sources: dict, thresholds: dict, signals: set, stage_names: set):
        self.loader = loader
        self.spec = spec
        self.category = category
        self.located = located
        self.base = base
        self.sources = sources
        self.thresholds = thresholds
        self.signals = signals
        self.stage_names = stage_names
        self.ok = True

    def where(self, *path) -> Location:
        return self.located.where(self.base + path)

    def fail(self, where: Location, message: str, name: str = "") -> None:
        """Report a problem, unless it only repeats one already reported in the manifest."""
        self.ok = False
        if name not in self.loader.broken:
            self.loader.fail(where, f'rule "{self.spec.id}": {message}')
        else:
            self.loader.silenced.setdefault(name, []).append(f'"{self.spec.id}"')

    def hint(self, word: str, choices) -> str:
        return self.loader.hint(word, choices)

    def uses(self, threshold: str, where: Location) -> None:
        self.loader.threshold_uses.setdefault(threshold, []).append(where)

    def build(self) -> Optional[Rule]:
        spec = self.spec
        effects = [name for name in ("recommend", "derive") if getattr(spec, name)]
        if spec.derive and (spec.recommend or spec.hold_back or spec.tags or spec.date):
            self.fail(self.where("derive"), "a rule that derives a signal only derives it "
                      "(no recommend, hold_back, tags or date)")
        if not effects and not spec.hold_back:
            self.fail(self.where(), "needs an effect: recommend:, derive: or hold_back:")
        if spec.date and not spec.recommend:
            self.fail(self.where("date"), "date: goes with recommend:")
        for name in spec.stages:
            if name not in self.stage_names:
                self.fail(self.where("stages"), f'unknown stage "{name}"{self.hint(name, self.stage_names)}')
        for tag in spec.tags:
            if not re.match(TAG, tag):
                self.fail(self.where("tags"), f'tag "{tag}": use lower-case letters, digits, "-" and "_"')
        condition = self.condition(spec.when, ("when",)) if spec.when is not None else c.ALWAYS
        try:
            branches = c.to_dnf(condition, MAX_BRANCHES)
        except c.TooManyBranches:
            self.fail(self.where("when"), f"the condition has more than {MAX_BRANCHES} alternative branches "
                      "once written without not:; split the rule")
            branches = []
        for branch in branches:
            if sum(atom.signal for atom in branch) > MAX_SIGNALS_PER_BRANCH:
                self.fail(self.where("when"), f"a branch uses more than {MAX_SIGNALS_PER_BRANCH} signals")
                break
        date = self.date(spec.date) if spec.date else None
        recommend = self.template(spec.recommend, ("recommend",), spec.date is not None) if spec.recommend else None
        title = self.heading(spec.title, ("title",))
        date_label = self.heading(spec.date_label, ("date_label",))
        sources = self.citations()
        if not self.ok:
            return None
        for index, name in enumerate(spec.hold_back):
            self.loader.hold_back_at.setdefault((spec.id, name), self.where("hold_back", index))
        return Rule(
            id=spec.id,
            category=self.category,
            priority=spec.priority,
            title=title,
            condition=condition,
            recommend=recommend,
            derive=spec.derive,
            hold_back=tuple(spec.hold_back),
            tags=tuple(spec.tags),
            stages=tuple(spec.stages),
            date=date,
            date_label=date_label or ("Date" if date else ""),
            rationale=spec.rationale,
            sources=sources,
            location=self.where("id"),
        )

    # -- conditions

    def condition(self, raw: Any, path: tuple) -> c.Condition:
        where = self.where(*path)
        if isinstance(raw, str):
            return self.atom(raw, where)
        if isinstance(raw, list):
            return c.All(tuple(self.condition(item, path + (i,)) for i, item in enumerate(raw)), where)
        if isinstance(raw, dict) and len(raw) == 1:
            (key, value), = raw.items()
            inner = path + (key,)
            if key in ("all", "any"):
                if not isinstance(value, list) or not value:
                    self.fail(self.where(*inner), f"{key}: needs a list of conditions")
                    return c.ALWAYS
                items = tuple(self.condition(item, inner + (i,)) for i, item in enumerate(value))
                return c.All(items, where) if key == "all" else c.AnyOf(items, where)
            if key == "not":
                return c.Not(self.condition(value, inner), where)
            self.fail(where, f'unknown combinator "{key}"{self.hint(key, ["all", "any", "not"])}; use all:, any: or not:')
            return c.ALWAYS
        self.fail(where, "a condition is a text like \"months_in_role < 12\", or all:/any:/not: with a list")
        return c.ALWAYS

    def atom(self, text: str, where: Location) -> c.Condition:
        try:
            raw = c.parse_atom(text, where)
        except c.ConditionSyntaxError as exc:
            info = FACTS.get(exc.name) if exc.name not in self.thresholds else None
            unreadable_value = info is not None and info.kind in ("date", "text")  # e.g. a date written out
            self.fail(where, self.only_known(info) if unreadable_value else str(exc))
            return c.ALWAYS
        checked = self.check_atom(raw, text, where)
        return c.Not(checked, where) if raw.negated else checked

    def check_atom(self, raw: c.RawAtom, text: str, where: Location) -> c.Condition:
        name = raw.name
        if name in self.thresholds:
            return self.constant(raw, text, where)
        if name in self.signals:
            if raw.op != "bool":
                self.fail(where, f'"{name}" is a signal: write "{name}" or "not {name}"')
                return c.ALWAYS
            return c.Atom(name, "eq", True, None, True, where)
        info = FACTS.get(name)
        if info is None:
            hint = self.hint(name, set(FACTS) | self.signals | set(self.thresholds))
            self.fail(where, f'unknown fact "{name}"{hint}', name)
            return c.ALWAYS
        if raw.op in ("known", "unknown"):
            return c.Atom(name, raw.op, None, None, False, where)
        if info.kind in ("date", "text"):
            self.fail(where, self.only_known(info))
            return c.ALWAYS
        if raw.op == "bool":
            if info.kind != "bool":
                self.fail(where, f'"{name}" is a {info.kind}, not yes/no: compare it, e.g. "{name} >= 1"')
                return c.ALWAYS
            return c.Atom(name, "eq", True, None, False, where)
        if raw.op in ("in", "notin"):
            values = [self.operand(info, "eq", item, text, where) for item in raw.operands]
            if any(v is None for v in values):
                return c.ALWAYS
            options = tuple(c.Atom(name, "eq", v[0], v[1], False, where) for v in values)
            group = c.AnyOf(options, where)
            return c.Not(group, where) if raw.op == "notin" else group
        resolved = self.operand(info, raw.op, raw.operands[0], text, where)
        if resolved is None:
            return c.ALWAYS
        return c.Atom(name, raw.op, resolved[0], resolved[1], False, where)

    @staticmethod
    def only_known(info) -> str:
        """Why a date or a text cannot be compared, and for a date the number fact to compare instead."""
        message = f'"{info.name}" is a {info.kind}; conditions can only ask whether it "is known"'
        instead = [name for name, other in FACTS.items() if other.kind == "number"
                   and name.startswith(("months_", "days_")) and set(other.inputs) & set(info.inputs)]
        if info.kind == "date" and len(instead) == 1:
            message += f'; compare "{instead[0]}" instead'
        return message

    def operand(self, info, op: str, operand: Any, text: str, where: Location):
        """(value, threshold name or None) after checking it fits the fact's type."""
        threshold = None
        value = operand
        if isinstance(operand, tuple):
            kind, word = operand
            if kind == "word" and word in self.thresholds:
                threshold = word
                self.uses(word, where)
                value = self.thresholds[word].value
            elif info.kind == "enum":
                value = word
                if word not in info.choices:
                    self.fail(where, f'"{word}" is not a value of {info.name} ({", ".join(info.choices)})'
                              f"{self.hint(word, info.choices)}")
                    return None
            elif info.kind == "bool":
                if word not in YES_NO:
                    self.fail(where, f'"{info.name}" is yes/no: write "{info.name}" or "not {info.name}"')
                    return None
                value = YES_NO[word]
            else:
                hint = self.hint(word, self.thresholds)
                self.fail(where, f'unknown threshold "{word}"{hint}', word)
                return None
        if info.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(where, f'"{info.name}" is a number; "{text}" compares it with {value!r}')
                return None
            problem = number_problem(value) if threshold is None else None
            if problem:
                self.fail(where, f'"{text}": {problem}')
                return None
        elif info.kind == "bool":
            if not isinstance(value, bool) or op not in ("eq", "ne"):
                self.fail(where, f'"{info.name}" is yes/no: write "{info.name}" or "not {info.name}"')
                return None
        elif info.kind == "enum":
            if op not in ("eq", "ne"):
                self.fail(where, f'"{info.name}" is one of {", ".join(info.choices)}: compare it with == or !=')
                return None
            if value not in info.choices:
                self.fail(where, f'"{value}" is not a value of {info.name} ({", ".join(info.choices)})')
                return None
        return value, threshold

    def constant(self, raw: c.RawAtom, text: str, where: Location) -> c.Condition:
        """A condition on a threshold alone (e.g. a policy switch) is decided when loading."""
        threshold = self.thresholds[raw.name]
        self.uses(raw.name, where)
        if raw.op not in ("eq", "ne", "in", "notin"):
            self.fail(where, f'compare the threshold "{raw.name}" with == or in [...]')
            return c.ALWAYS
        words = []
        for operand in raw.operands:
            word = operand[1] if isinstance(operand, tuple) else operand
            allowed = threshold.choices or ()
            if allowed and word not in allowed:
                self.fail(where, f'"{word}" is not a choice of {raw.name} ({", ".join(allowed)})')
                return c.ALWAYS
            words.append(word)
        holds = threshold.value in words
        if raw.op in ("ne", "notin"):
            holds = not holds
        self.loader.switches[where] = re.sub(r"^\s*not\s+", "", text).strip()  # the "not" is outside
        return c.All((), where) if holds else c.AnyOf((), where)

    # -- effects

    def template(self, text: str, path: tuple, has_date: bool) -> Template:
        """Advice text: its placeholders are filled for each person, with facts, thresholds and the date."""

        def place(name: str):
            if name == "date" and has_date:
                return ("date", name)
            if name in self.thresholds:
                return ("threshold", name)
            if name in FACTS:
                return ("fact", name)
            hint = self.hint(name, set(FACTS) | set(self.thresholds) | ({"date"} if has_date else set()))
            return f'the placeholder "{{{name}}}" is not a fact or threshold{hint}'

        return Template(self.placeholders(text, path, place))

    def heading(self, text: str, path: tuple) -> str:
        """A title or date label is the same for everyone the rule applies to, so only thresholds
        can go in it; they are filled here, after any threshold override, so a tuned number shows."""
        key = path[-1]

        def place(name: str):
            if name in self.thresholds:
                return ("threshold", name)
            if name in FACTS:
                return (f'{key}: the placeholder "{{{name}}}" is a fact, but a {key} is the same for everyone; '
                        "only thresholds can go in it")
            return f'{key}: the placeholder "{{{name}}}" is not a threshold{self.hint(name, self.thresholds)}'

        parts = self.placeholders(text, path, place)
        return "".join(part if isinstance(part, str) else counted(self.thresholds[part[1]].value, part)
                       for part in parts)

    def placeholders(self, text: str, path: tuple, place) -> tuple:
        """Split ``text`` into literal text and ``{name}`` placeholders; ``place(name)`` gives the
        placeholder's part, or the message saying why the name cannot go there."""
        parts: list = []
        where = self.where(*path)
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            parts.append(text[position:match.start()])
            position = match.end()
            token = match.group(0)
            if token in ("{{", "}}"):
                parts.append(token[0])
                continue
            name = match.group(1)
            if name is None:
                self.fail(where, 'a lone "{" or "}" in the text; write "{{" or "}}" for a brace')
                continue
            name, *forms = [piece.strip() for piece in name.split("|")]
            found = place(name)
            if isinstance(found, str):
                self.fail(where, found, name)
                continue
            if forms:
                problem = self.count_problem(name, found, forms)
                if problem:
                    self.fail(where, problem, name)
                    continue
                found = (*found, tuple(forms))
            if found[0] == "threshold":
                self.uses(name, where)
            parts.append(found)
        parts.append(text[position:])
        return tuple(part for part in parts if part != "")

    def count_problem(self, name: str, found: tuple, forms: list[str]) -> Optional[str]:
        """``{name|month|months}``: a number with its word, one form for 1 and one for any other number."""
        if len(forms) != 2 or not all(forms):
            return f'write a count with its word as {{{name}|month|months}}: the word for 1, then for any other number'
        number = (found[0] == "fact" and FACTS[name].kind == "number") or (
            found[0] == "threshold" and isinstance(self.thresholds[name].value, (int, float)))
        return None if number else f'"{name}" is not a number, so it cannot take a word for 1 and for more'

    def date(self, text: str) -> Optional[DateExpr]:
        where = self.where("date")
        match = _DATE.match(text)
        if not match:
            self.fail(where, f'cannot read the date "{text}"; write e.g. "role_start_date + min_months_in_role months"')
            return None
        fact, sign, amount, unit = match.groups()
        info = FACTS.get(fact)
        if info is None or info.kind != "date":
            dates = [name for name, item in FACTS.items() if item.kind == "date"]
            self.fail(where, f'"{fact}" is not a date fact{self.hint(fact, dates)}')
            return None
        if not sign:
            return DateExpr(fact)
        threshold = None
        if amount.isdigit():
            number = int(amount)
        elif amount in self.thresholds and isinstance(self.thresholds[amount].value, int):
            threshold, number = amount, self.thresholds[amount].value
            self.uses(amount, where)
        else:
            self.fail(where, f'"{amount}" is not a whole number or a whole-number threshold', amount)
            return None
        limit = MAX_DATE_SHIFT[unit.rstrip("s") + "s"]
        if number > limit:
            self.fail(where, f"{number} {unit.rstrip('s')}s is too far: at most {limit:,}", amount)
            return None
        return DateExpr(fact, -number if sign == "-" else number, unit.rstrip("s") + "s", threshold)

    def citations(self) -> tuple:
        result = []
        for index, item in enumerate(self.spec.sources):
            where = self.where("sources", index)
            if len(item) != 1:
                self.fail(where, 'write each source as "- S3: Section title"')
                continue
            (source, section), = item.items()
            if source not in self.sources:
                self.fail(where, f'unknown source "{source}"{self.hint(source, self.sources)}', source)
                continue
            result.append(Citation(source, str(section)))
        return tuple(result)
