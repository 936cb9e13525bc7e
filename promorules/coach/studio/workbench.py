"""What the studio shows about a ruleset folder, worked out with the same code as the ``ruleset`` commands.

Validation is `inspect_ruleset` and `lint`, so the studio lists exactly the
lines ``promorules ruleset validate`` prints. Advice, scenarios and the
impact table come from the advisor, `scenarios.run_features` (``ruleset
test``) and `ruleset_diff.compare` (``ruleset diff``). Everything is worked
out again from the files on each request: the folder is small, a load takes
a fraction of a second, and the page can never show a stale ruleset.

Advice is given by the Python engine: it decides exactly as durable-rules
does (the test suite holds them to it), and a fresh durable network for
every save would hold engine memory for each version of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ...advisor import Advisor
from ...errors import InputError, Location, Problem
from ...facts.files import read_facts
from ..lint import lint
from ...ruleset.loader import LoadReport, inspect_ruleset
from ...advice.render import to_text
from ..diff import RulesetDiff, compare, facts_files
from ..scenarios import NO_SCENARIOS, Advisors, ScenarioResult, run_features

MAX_GENERATED = 2000  # generated people an impact table may ask for


@dataclass
class Checked:
    """A ruleset folder as ``ruleset validate`` sees it."""

    report: LoadReport
    errors: list  # Problem
    warnings: list  # LintWarning

    @property
    def lines(self) -> list[str]:
        return [str(item) for item in self.errors + self.warnings]

    def summary(self, root: Path) -> str:
        return (
            f"{root}: {_count(self.report.rule_count, 'rule')}, {_count(len(self.errors), 'error')}, "
            f"{_count(len(self.warnings), 'warning')}"
        )

    def about(self, path: Path) -> tuple[list, list]:
        """The problems and warnings at ``path``, and those elsewhere (another file, another layer)."""
        here: list = []
        elsewhere: list = []
        target = path.resolve()
        for item in self.errors + self.warnings:
            named = item.location.file
            (here if named and Path(named).resolve() == target else elsewhere).append(item)
        return here, elsewhere


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def check(root: Path) -> Checked:
    report = inspect_ruleset(root)
    warnings = lint(report) if not report.problems else []
    return Checked(report, list(report.problems), list(warnings))


@dataclass(frozen=True)
class PersonAdvice:
    name: str
    text: str = ""
    problems: list = field(default_factory=list)  # why the advice could not be given


def people(folders: list[Path]) -> list[str]:
    """The facts files a coach can pick, as they are named on the page (the folder as given, then the file)."""
    names: list[str] = []
    for folder in folders:
        names += [str(path) for path in facts_files(folder)]
    return names


def advice_for(checked: Checked, names: list[str]) -> list[PersonAdvice]:
    """Each chosen person's advice, all of it (as `advise --all`), under the ruleset as it is now on disk."""
    if checked.report.ruleset is None:
        return [
            PersonAdvice(name, problems=["no advice until the ruleset loads: fix the problems above"]) for name in names
        ]
    advisor = Advisor(checked.report.ruleset, engine="python")
    shown = []
    for name in names:
        try:
            facts = read_facts(name, model=checked.report.ruleset.facts_model)
        except InputError as exc:
            shown.append(PersonAdvice(name, problems=[str(problem) for problem in exc.problems]))
            continue
        shown.append(PersonAdvice(name, text=to_text(advisor.advise(facts), everything=True)))
    return shown


def base_of(checked: Checked) -> Optional[Path]:
    """The folder of the ruleset this one extends, or None for a ruleset that extends nothing."""
    layers = checked.report.layers
    return Path(layers[-2]).parent if len(layers) >= 2 else None


def impact(checked: Checked, root: Path, folders: list[Path], generated: int) -> RulesetDiff:
    """The ``ruleset diff`` of the ruleset this one extends against this one, over the people and
    ``generated`` generated people (the same seeded crowd as the command's)."""
    base = base_of(checked)
    assert base is not None and checked.report.ruleset is not None, "only a loaded layer has an impact"
    files = [path for folder in folders for path in facts_files(folder)]
    return compare(
        Advisor(base, engine="python"),
        Advisor(checked.report.ruleset, engine="python"),
        files,
        names=(str(base), str(root)),
        generated=generated,
    )


def feature_files(root: Path) -> list[Path]:
    """The feature files ``ruleset test`` runs when given none: features/ inside the ruleset, else beside it."""
    from ..cli import _feature_files

    return _feature_files(root, ())


@dataclass(frozen=True)
class ScenarioRun:
    """The scenarios run, and the feature files that had none: a file that checks nothing is named, not passed over."""

    results: list  # ScenarioResult
    empty: list  # the feature files with no scenarios, as ``ruleset test`` warns about them

    @property
    def warnings(self) -> list[str]:
        return [f"{Location(file)}: warning: {NO_SCENARIOS}" for file in self.empty]


def scenarios(root: Path) -> ScenarioRun:
    """Every scenario of the feature files, run as ``ruleset test`` runs them; InputError for a broken file,
    or when no file has a scenario (nothing was checked, so nothing may look passed)."""
    advisors = Advisors()
    advisors.get(root, "python", {})  # a broken ruleset is reported once, before any scenario
    empty: list = []
    results: list[ScenarioResult] = run_features(feature_files(root), root, advisors, empty)
    if not results and empty:
        raise InputError([Problem(Location(file), NO_SCENARIOS) for file in empty])
    return ScenarioRun(results, empty)
