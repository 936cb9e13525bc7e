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
from typing import Any, Mapping, Optional, Union

from pydantic import BaseModel, ValidationError

from . import conditions as c
from ..facts.derive import FACTS
from ..errors import MAX_PROBLEMS, InputError, Location, Problem, RulesetError, did_you_mean
from ..facts.declared import LIMITS, NUMBERS, TYPES, WHOLE, DeclaredFact, declared_scope
from ..facts.model import Facts, field_path
from ..text import show
from .model import GATE, MOMENT_TAG, Pair, Rule, Ruleset, Source, Stage, Threshold
from .bundled import bundled_ruleset_path  # noqa: F401  (imported from here too)
from .rulecheck import RuleFindings, check_rule
from .schema import (  # noqa: F401  (MANIFEST, RULE_SUFFIXES, number_problem: imported from here too)
    MANIFEST,
    MAX_BRANCHES,
    MAX_FILE_BYTES,
    MAX_LAYERS,
    MAX_RULES,
    MAX_SIGNALS_PER_BRANCH,
    NAME,
    RULE_SUFFIXES,
    _LayerSpec,
    _ManifestSpec,
    _PairSpec,
    _RuleFileSpec,
    _RuleSpec,
    _SourceSpec,
    _StageSpec,
    _ThresholdPatch,
    _ThresholdSpec,
    _FactSpec,
    _what_to_write,
    number_problem,
)
from ..yamlsource import Located, load_yaml

BUNDLED = "default"  # ``extends: default`` names the ruleset that ships with promorules


# ------------------------------------------------------------------ loading


@dataclass(frozen=True)
class RuleOrigin:
    """A rule as the coach wrote it, and where: what the effective view and the handbook show."""

    data: dict  # the rule's mapping as written (``replaces`` included)
    category: str
    location: Location  # where its id is
    replaced: Optional[Location] = None  # where the rule it replaces was, for a replacing rule
    replaced_data: Optional[dict] = None  # that rule as written: what a replacement leaves out is checked against it


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
        self.replaced_data: dict[str, dict] = {}  # rule id -> the rule it replaces, as written
        self.hold_back_at: dict[tuple[str, str], Location] = {}  # (rule id, name held back) -> its entry
        self.at_most_at: dict[str, Location] = {}  # threshold -> where its at_most: is written

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
        facts = self.declared_facts(thresholds)
        specs = self.merged_rule_specs(categories)
        self.rule_count = len(specs)
        stage_names = {raw.get("name") for raw in base.spec.stages if isinstance(raw, dict)}
        with declared_scope(facts):
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
            facts=facts,
        )

    def declared_facts(self, thresholds: dict) -> tuple[DeclaredFact, ...]:
        """The facts the layers declare (``facts:``), base first; a name may be declared once, and never
        as one of promorules' own facts or a threshold."""
        found: dict[str, DeclaredFact] = {}
        columns = set(Facts.model_fields)  # a CSV column names a fact: the built-in facts' columns are taken
        for layer in self.layers:
            for name, raw in layer.spec.facts.items():
                where = layer.located.where(("facts", name))
                fact = self.declared_fact(str(name), raw, layer.located)
                if fact is None:
                    continue
                if not re.match(NAME, fact.name):
                    self.fail(where, f'fact name "{fact.name}": use lower-case letters, digits and "_"')
                elif fact.name in FACTS or fact.name in Facts.model_fields:
                    self.fail(
                        where, f'the fact "{fact.name}" is one of promorules\' own facts; give yours another name'
                    )
                elif fact.name in found:
                    self.fail(
                        where,
                        f'the fact "{fact.name}" is already declared by the ruleset this one extends '
                        f"(at {found[fact.name].location}); give yours another name",
                    )
                elif fact.name in thresholds:
                    self.fail(
                        where,
                        f'the fact "{fact.name}" has the same name as a threshold '
                        f"(at {thresholds[fact.name].location}); give one of them another name",
                    )
                elif fact.column in columns:
                    self.fail(
                        layer.located.where(("facts", name, "column")),
                        f'fact "{fact.name}": the CSV column "{fact.column}" is already taken; give it another column:',
                    )
                else:
                    found[fact.name] = fact
                    columns.add(fact.column)
                    continue
                self.broken.add(fact.name)  # rules using it are not blamed again
        return tuple(found.values())

    def declared_fact(self, name: str, raw: Any, located: Located) -> Optional[DeclaredFact]:
        """One entry of ``facts:``, its type, choices and bounds checked together."""
        item = self.validate(_FactSpec, raw, located, ("facts", name))
        if item is None:
            self.broken.add(name)
            return None

        def fail(key: str, message: str) -> None:
            self.fail(located.where(("facts", name, key)), f'fact "{name}": {message}')
            self.broken.add(name)

        if item.type not in TYPES:
            fail("type", f'unknown type "{item.type}"{self.hint(item.type, TYPES)}; use one of {", ".join(TYPES)}')
            return None
        if item.type == "choice":
            if not item.choices:
                fail("type", "a choice lists its choices:, e.g. [sales, engineering]")
                return None
            bad = [choice for choice in item.choices if not re.match(r"^[a-z0-9][a-z0-9_-]{0,63}$", choice)]
            repeated = sorted({choice for choice in item.choices if item.choices.count(choice) > 1})
            if bad or repeated:
                fail(
                    "choices",
                    f'the choice "{bad[0]}": use lower-case letters, digits, "_" and "-"'
                    if bad
                    else f'the choice "{repeated[0]}" is listed twice',
                )
                return None
        elif item.choices is not None:
            fail("choices", f"choices: only go with type: choice, not {item.type}")
            return None
        if item.type not in NUMBERS:
            for key in ("min", "max"):
                if getattr(item, key) is not None:
                    fail(key, f"{key}: only goes with a number ({', '.join(NUMBERS)}), not {item.type}")
                    return None
        else:
            widest = LIMITS[item.type]
            for key, bound in (("min", item.min), ("max", item.max)):
                if bound is None:
                    continue
                if item.type in WHOLE and not float(bound).is_integer():
                    fail(key, f"{bound} is not a whole number ({item.type} are counted whole)")
                    return None
                if not widest[0] <= bound <= widest[1]:
                    fail(key, f"{bound} is out of range for {item.type}: from {widest[0]:g} to {widest[1]:g}")
                    return None
            if item.min is not None and item.max is not None and item.min > item.max:
                fail("max", f"max: {item.max} is below min: {item.min}")
                return None
        return DeclaredFact(
            name,
            item.type,
            item.label,
            item.question,
            item.description,
            item.column or name,
            tuple(item.choices or ()),
            item.min,
            item.max,
            located.where(("facts", name)),
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
                    self.fail(
                        layer.located.where(("of_the_moment", index)),
                        f'of_the_moment: "{name}" is neither a rule id, a tag nor "gate"{self.hint(name, names)}',
                    )
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
                    self.fail(where, f'pairs: "{name}" is neither a rule id, a tag nor "gate"{self.hint(name, names)}')
                if item.yields and not item.reason:
                    self.fail(where, "pairs: say with reason: why one side yields (the person reads it)")
                elif not item.yields and not item.fit:
                    self.fail(
                        where,
                        "pairs: write yields: first or second (with a reason:), or fit: for two "
                        "pieces of advice that go together",
                    )
                if unknown:
                    continue
                pairs.append(
                    Pair(
                        tuple(item.first),
                        tuple(item.second),
                        item.reason.strip(),
                        item.yields or "",
                        item.fit.strip(),
                        where,
                    )
                )
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
                self.fail(
                    located.where(("stages",)),
                    "a ruleset that extends another keeps its stages; remove stages: from this manifest",
                )
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
                    self.fail(
                        layer.located.where(("sources", key)),
                        f'the source "{key}" is already defined by the ruleset this one extends; give yours another id',
                    )
                    continue
                seen.add(key)
                item = self.validate(_SourceSpec, raw, layer.located, ("sources", key))
                if item is None:
                    self.broken.add(key)
                else:
                    sources[key] = Source(
                        key, item.file, item.title, item.author, item.publisher, item.published, item.link
                    )
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
        self.check_at_most(result)
        return result

    def misspelt_threshold(self, result: dict, name: str, raw: Any, located: Located) -> bool:
        """A layer's threshold that is not written in full and is named like one it inherits is most
        likely a change to that one, misspelt; say so rather than ask for a new threshold's keys."""
        complete = isinstance(raw, dict) and {"meaning", "unit"} <= raw.keys()
        hint = self.hint(name, result)
        if complete or not hint:
            return False
        self.fail(
            located.where(("thresholds", name)),
            f'unknown threshold "{name}"{hint}; to add a new threshold give meaning: and unit:',
        )
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
            name,
            item.default,
            item.unit,
            item.meaning,
            tuple(item.choices or ()),
            item.origin,
            where,
            item.at_most or "",
        )
        self.note_at_most(item.at_most, located, name)

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
        merged = {
            "default": old.value,
            "unit": old.unit,
            "meaning": old.meaning,
            "choices": list(old.choices) or None,
            "origin": old.origin,
            "at_most": old.at_most or None,
            **given,
        }
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
            name,
            value,
            item.unit,
            item.meaning,
            tuple(item.choices or ()),
            item.origin,
            old.location,
            item.at_most or "",
        )
        self.threshold_changes.setdefault(name, []).append(where)
        self.note_at_most(given.get("at_most"), located, name)

    def note_at_most(self, other: Optional[str], located: Located, name: str) -> None:
        """Where ``at_most:`` names another threshold: checked once every layer's thresholds are in."""
        if other:
            self.at_most_at[name] = located.where(("thresholds", name, "at_most"))

    def check_at_most(self, result: dict) -> None:
        """``at_most:`` names a number threshold; whether the values keep to it is a warning (coach.sanity)."""
        for name, where in self.at_most_at.items():
            threshold = result.get(name)
            other = result.get(threshold.at_most) if threshold else None
            if threshold is None or not threshold.at_most:
                continue
            if other is None:
                if threshold.at_most not in self.broken:
                    hint = self.hint(threshold.at_most, result)
                    self.fail(where, f'threshold "{name}": at_most: "{threshold.at_most}" is not a threshold{hint}')
            elif threshold.choices or other.choices:
                self.fail(
                    where, f'threshold "{name}": at_most: names a number threshold, and one of the two has choices'
                )

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
            self.fail(
                where, f'"{value}" is not a number; {name} is {show(threshold.value)} {threshold.unit} by default'
            )
            return
        elif value != value or abs(value) == float("inf"):
            self.fail(where, f'"{value}" is not a finite number')
            return
        elif value < 0 <= threshold.value:
            self.fail(
                where, f"{value} is below zero; {name} counts {threshold.unit} and its default is {threshold.value}"
            )
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
                    self.fail(
                        where,
                        f'stage "{item.name}": no rule derives the signal "{item.signal}"'
                        f"{self.hint(item.signal, signals)}",
                    )
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
                self.fail(
                    located.where(base + ("replaces",)),
                    f'rule "{spec.id}": replaces: only applies in a ruleset that extends another',
                )
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
                self.fail(
                    where, f'disable: the ruleset this one extends has no rule "{name}"{self.hint(name, inherited)}'
                )
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
                self.fail(
                    where,
                    f'rule "{spec.id}" is disabled (at {disabled[spec.id]}) and defined again here; '
                    "to change it, take it out of disable: and say replaces: true",
                )
            elif spec.id in inherited and spec.id not in replaced_here:
                old = inherited[spec.id]
                old_where = old[2].where(old[3] + ("id",))
                if not spec.replaces:
                    self.fail(
                        where,
                        f'rule id "{spec.id}" is already used by the ruleset this one extends '
                        f'(at {old_where}); say "replaces: true" to replace that rule, or choose a new id',
                    )
                    continue
                replaced_here.add(spec.id)
                merged[position[spec.id]] = entry
                self.origins_replaced[spec.id] = old_where
                self.replaced_data[spec.id] = _as_written(old[2], old[3])
                if old[0].derive and old[0].derive != spec.derive:
                    self.lose_signal(old[0].derive, where)
            else:
                if spec.replaces and spec.id not in inherited:
                    self.fail(
                        located.where(base + ("replaces",)),
                        f'rule "{spec.id}" says replaces: true, but the ruleset this one extends has no '
                        f'rule "{spec.id}"{self.hint(spec.id, inherited)}',
                    )
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
                self.fail(
                    where,
                    f'no rule derives the signal "{signal}" any more, but {named} use it; disable or replace them too',
                )

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
                self.fail(
                    located.where(base + ("derive",)), f'the signal "{spec.derive}" has the same name as a threshold'
                )
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
            self.origins[spec.id] = RuleOrigin(
                _as_written(located, base),
                category,
                where,
                self.origins_replaced.get(spec.id),
                self.replaced_data.get(spec.id),
            )
            found = check_rule(
                spec,
                category,
                located,
                base,
                sources,
                thresholds,
                signals,
                stage_names,
                self.broken,
                len(self.problems),
            )
            self.record(found)
            if found.rule is not None:
                rules.append(found.rule)
        for rule in rules:
            self.check_references(rule, ids, tags)
        derivers: dict[str, list[Rule]] = {}  # signal -> the rules deriving it
        for rule in rules:
            if rule.derive:
                derivers.setdefault(rule.derive, []).append(rule)
        self.check_cycles(derivers)
        self.check_signal_negations(derivers)
        return rules

    def record(self, found: RuleFindings) -> None:
        """What checking one rule found, kept for the report: its problems and what it uses."""
        self.problems.extend(found.problems)
        for name, rule in found.silenced:
            self.silenced.setdefault(name, []).append(rule)
        for threshold, where in found.threshold_uses:
            self.threshold_uses.setdefault(threshold, []).append(where)
        for key, where in found.hold_back_at:
            self.hold_back_at.setdefault(key, where)
        self.switches.update(found.switches)
        for threshold, rule_id, where, message in found.value_problems:
            self.fail(*self.at_value(threshold, rule_id, where, message))

    def at_value(self, threshold: str, rule_id: str, where: Location, message: str) -> tuple[Location, str]:
        """A rule's problem that a threshold's value causes goes where a setting or a layer above the rule's
        set that value: that is the change to undo (the rule is named, with its place)."""
        changes = self.threshold_changes.get(threshold, [])
        if threshold in self.overrides:
            place, given = Location(f"{self.root} (threshold {threshold})"), "given"
        elif changes and self.layer_index(changes[-1]) > self.layer_index(where):
            place, given = changes[-1], "set here"
        else:
            return where, f'rule "{rule_id}": {message}'
        return (
            place,
            f'threshold "{threshold}": the value {given} does not fit rule "{rule_id}" (at {where}): {message}',
        )

    def check_signal_negations(self, derivers: dict[str, list[Rule]]) -> None:
        """ "Not x" holds when every rule deriving x fails; written out, that must stay within the limits."""
        for signal, group in derivers.items():
            negation = c.Not(c.AnyOf(tuple(rule.condition for rule in group)))
            try:
                branches = c.to_dnf(negation, MAX_BRANCHES)
            except c.TooManyBranches:
                self.fail(
                    group[0].location,
                    f'"not {signal}" has more than {MAX_BRANCHES} alternative branches '
                    f"across the {len(group)} rules deriving it; merge them into fewer, simpler rules",
                )
                continue
            if any(sum(atom.signal for atom in branch) > MAX_SIGNALS_PER_BRANCH for branch in branches):
                self.fail(
                    group[0].location,
                    f'"not {signal}" needs more than {MAX_SIGNALS_PER_BRANCH} signals at '
                    f"once across the {len(group)} rules deriving it; merge them into fewer rules",
                )

    def check_references(self, rule: Rule, ids: dict, tags: set) -> None:
        for name in rule.hold_back:
            where = self.hold_back_at.get((rule.id, name), rule.location)
            if name in ids and name in tags:
                self.fail(where, f'hold_back "{name}" is both a rule id and a tag; rename the tag')
            elif name not in ids and name not in tags:
                if name in self.removed or name in self.removed_tags:
                    continue  # it names a rule a layer disabled: nothing left to hold back
                self.fail(
                    where,
                    f'hold_back names "{name}", which is neither a rule id nor a tag{self.hint(name, set(ids) | tags)}',
                )
            elif name == rule.id:
                self.fail(where, "a rule cannot hold itself back")

    def check_cycles(self, derivers: dict[str, list[Rule]]) -> None:
        """A signal may not depend, through other signals, on itself."""
        uses = {
            signal: {a.name for rule in group for a in c.atoms(rule.condition) if a.signal}
            for signal, group in derivers.items()
        }
        state: dict[str, int] = {}

        def visit(name: str, trail: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                loop = trail[trail.index(name) :] + [name]
                rule = self.loop_rule(loop, derivers)
                self.fail(
                    rule.location, f'rule "{rule.id}": signals depend on each other in a loop: {" -> ".join(loop)}'
                )
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
        links = [
            rule
            for signal, used in zip(loop, loop[1:])
            for rule in derivers[signal]
            if used in {a.name for a in c.atoms(rule.condition) if a.signal}
        ]
        return min(links, key=lambda rule: (-self.layer_index(rule.location), rule.location))

    def layer_index(self, where: Location) -> int:
        """Which layer (0 for the base) holds the file at ``where``."""
        folder = Path(where.file).parent
        return next((index for index, layer in enumerate(self.layers) if layer.root == folder), 0)


def _as_written(located: Located, base: tuple) -> dict:
    """The mapping of one rule as its file holds it."""
    raw = located.data
    for key in base:
        raw = raw[key]
    return raw


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
