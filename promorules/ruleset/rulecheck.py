"""Check one rule of a ruleset: its condition, effects and citations, against the facts and thresholds.

The checker only reads what the loader knows (sources, thresholds, signals, stages, names already
reported as wrong) and returns what it found: the rule, its problems and what the load report records
about it (threshold uses, policy switches, hold_back entries). The loader merges those findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from . import conditions as c
from ..facts.derive import FACTS
from ..errors import MAX_PROBLEMS, Location, Problem, did_you_mean
from ..text import counted
from .model import Citation, DateExpr, Rule, Template
from .schema import MAX_BRANCHES, MAX_DATE_SHIFT, MAX_SIGNALS_PER_BRANCH, TAG, _RuleSpec, number_problem
from ..yamlsource import Located


YES_NO = {"yes": True, "no": False}  # how the docs speak of a yes/no fact; true and false are read too
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_DATE = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(?:([+-])\s*([a-z_][a-z0-9_]*|\d+)\s*(days?|weeks?|months?))?\s*$")


@dataclass
class RuleFindings:
    """What checking one rule found; the loader records it in its report."""

    rule: Optional[Rule] = None  # None when the rule has a problem
    problems: list[Problem] = field(default_factory=list)
    silenced: list[tuple[str, str]] = field(default_factory=list)  # (broken name, the rule not blamed again)
    threshold_uses: list[tuple[str, Location]] = field(default_factory=list)
    hold_back_at: list[tuple[tuple[str, str], Location]] = field(default_factory=list)  # ((rule id, name), entry)
    switches: dict[Location, str] = field(default_factory=dict)  # a condition on a threshold alone, as written
    # (threshold, rule id, the rule's place, problem): caused by the threshold's value; shown where a layer set it
    value_problems: list[tuple[str, str, Location, str]] = field(default_factory=list)


def check_rule(
    spec: _RuleSpec,
    category: str,
    located: Located,
    base: tuple,
    sources: dict,
    thresholds: dict,
    signals: set,
    stage_names: set,
    broken: set,
    problems_before: int,
) -> RuleFindings:
    """Check one rule. ``broken`` names what the manifest already reported as wrong (a rule using it is not
    blamed again); ``problems_before`` counts the problems found so far, past which hints are not worked out."""
    builder = _RuleBuilder(
        spec, category, located, base, sources, thresholds, signals, stage_names, broken, problems_before
    )
    builder.found.rule = builder.build()
    return builder.found


class _RuleBuilder:
    """Turns one rule's raw spec into a checked `Rule`, collecting what it finds on the way."""

    def __init__(
        self,
        spec: _RuleSpec,
        category: str,
        located: Located,
        base: tuple,
        sources: dict,
        thresholds: dict,
        signals: set,
        stage_names: set,
        broken: set,
        problems_before: int,
    ):
        self.broken = broken
        self.problems_before = problems_before
        self.found = RuleFindings()
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
        if name not in self.broken:
            self.found.problems.append(Problem(where, f'rule "{self.spec.id}": {message}'))
        else:
            self.found.silenced.append((name, f'"{self.spec.id}"'))

    def value_fail(self, threshold: str, where: Location, message: str) -> None:
        """A problem that the threshold's value causes, not the rule as written: the loader shows it where a
        layer (or a setting) gave the threshold that value, since the rule may be in a file the coach does not edit."""
        self.ok = False
        self.found.value_problems.append((threshold, self.spec.id, where, message))

    def hint(self, word: str, choices) -> str:
        """``did_you_mean`` while the problems found fit in what is shown (see the loader's hint)."""
        if self.problems_before + len(self.found.problems) >= MAX_PROBLEMS:
            return ""
        return did_you_mean(word, choices)

    def uses(self, threshold: str, where: Location) -> None:
        self.found.threshold_uses.append((threshold, where))

    def build(self) -> Optional[Rule]:
        spec = self.spec
        effects = [name for name in ("recommend", "derive") if getattr(spec, name)]
        if spec.derive and (spec.recommend or spec.hold_back or spec.tags or spec.date):
            self.fail(
                self.where("derive"),
                "a rule that derives a signal only derives it (no recommend, hold_back, tags or date)",
            )
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
            self.fail(
                self.where("when"),
                f"the condition has more than {MAX_BRANCHES} alternative branches "
                "once written without not:; split the rule",
            )
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
            self.found.hold_back_at.append(((spec.id, name), self.where("hold_back", index)))
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
            ((key, value),) = raw.items()
            inner = path + (key,)
            if key in ("all", "any"):
                if not isinstance(value, list) or not value:
                    self.fail(self.where(*inner), f"{key}: needs a list of conditions")
                    return c.ALWAYS
                items = tuple(self.condition(item, inner + (i,)) for i, item in enumerate(value))
                return c.All(items, where) if key == "all" else c.AnyOf(items, where)
            if key == "not":
                return c.Not(self.condition(value, inner), where)
            self.fail(
                where, f'unknown combinator "{key}"{self.hint(key, ["all", "any", "not"])}; use all:, any: or not:'
            )
            return c.ALWAYS
        self.fail(where, 'a condition is a text like "months_in_role < 12", or all:/any:/not: with a list')
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
        instead = [
            name
            for name, other in FACTS.items()
            if other.kind == "number" and name.startswith(("months_", "days_")) and set(other.inputs) & set(info.inputs)
        ]
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
                    self.fail(
                        where,
                        f'"{word}" is not a value of {info.name} ({", ".join(info.choices)})'
                        f"{self.hint(word, info.choices)}",
                    )
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
                message = f'"{value}" is not a value of {info.name} ({", ".join(info.choices)})'
                if threshold:
                    self.value_fail(threshold, where, message)
                else:
                    self.fail(where, message)
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
        self.found.switches[where] = re.sub(r"^\s*not\s+", "", text).strip()  # the "not" is outside
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
                return (
                    f'{key}: the placeholder "{{{name}}}" is a fact, but a {key} is the same for everyone; '
                    "only thresholds can go in it"
                )
            return f'{key}: the placeholder "{{{name}}}" is not a threshold{self.hint(name, self.thresholds)}'

        parts = self.placeholders(text, path, place)
        return "".join(
            part if isinstance(part, str) else counted(self.thresholds[part[1]].value, part) for part in parts
        )

    def placeholders(self, text: str, path: tuple, place) -> tuple:
        """Split ``text`` into literal text and ``{name}`` placeholders; ``place(name)`` gives the
        placeholder's part, or the message saying why the name cannot go there."""
        parts: list = []
        where = self.where(*path)
        position = 0
        for match in _PLACEHOLDER.finditer(text):
            parts.append(text[position : match.start()])
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
            return f"write a count with its word as {{{name}|month|months}}: the word for 1, then for any other number"
        number = (found[0] == "fact" and FACTS[name].kind == "number") or (
            found[0] == "threshold" and isinstance(self.thresholds[name].value, (int, float))
        )
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
            message = f"{number} {unit.rstrip('s')}s is too far: at most {limit:,}"
            if threshold:
                self.value_fail(threshold, where, message)
            else:
                self.fail(where, message, amount)
            return None
        return DateExpr(fact, -number if sign == "-" else number, unit.rstrip("s") + "s", threshold)

    def citations(self) -> tuple:
        result = []
        for index, item in enumerate(self.spec.sources):
            where = self.where("sources", index)
            if len(item) != 1:
                self.fail(where, 'write each source as "- S3: Section title"')
                continue
            ((source, section),) = item.items()
            if source not in self.sources:
                self.fail(where, f'unknown source "{source}"{self.hint(source, self.sources)}', source)
                continue
            result.append(Citation(source, str(section)))
        return tuple(result)
