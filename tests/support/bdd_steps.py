"""Binds the step library of promorules.coach.scenarios to pytest-bdd, so features/ runs under pytest.

The steps themselves live in the package (coaches run them with
``promorules ruleset test``, without pytest); this file only adapts each one
to pytest-bdd's decorators, so both paths read every feature the same way.
"""

from __future__ import annotations

from inspect import Parameter, Signature
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then, when

try:  # pytest-bdd's record of the parsed scenario behind each test; without it, rows and files go unnamed
    from pytest_bdd.scenario import scenario_wrapper_template_registry as TEMPLATES
except ImportError:  # pragma: no cover - another pytest-bdd version
    TEMPLATES = {}

from promorules.coach import scenarios as library

ROOT = Path(__file__).resolve().parents[2]
ADVISORS = library.Advisors()
DECORATORS = {"given": given, "when": when, "then": then}


@pytest.fixture
def scenario(request, _pytest_bdd_example):
    """A scenario on the bundled ruleset; relative paths in steps are read from the project's root.

    As under ``promorules ruleset test``, messages name the feature file and
    the table rows, an outline's placeholders are checked against its
    Examples, and a scenario without a Then step fails.
    """
    columns = list(_pytest_bdd_example) if _pytest_bdd_example else None
    template = _template(request)
    file = template.feature.rel_filename if template else ""
    scenario = library.Scenario(ROOT / "rulesets" / "default", [ROOT], ADVISORS, file, columns)
    if template and not library.checks_something(
        [step.type for step in template.steps], [step.name for step in template.steps]
    ):
        pytest.fail(f"{file}:{template.line_number}: {library.NOTHING_CHECKED}", pytrace=False)
    scenario.pending_rows = [_rows(step) for step in template.steps] if template else []
    return scenario


def _template(request):
    """pytest-bdd's parsed scenario behind this test, where its registry can be read."""
    return TEMPLATES.get(getattr(request.node, "function", None))


def _rows(step) -> list:
    """The (line, column) of each row of a step's table."""
    rows = step.datatable.rows if step.datatable else []
    return [(row.location.line, row.cells[0].location.column if row.cells else row.location.column) for row in rows]


def _adapter(definition: library.StepDefinition):
    """A pytest-bdd step function with the parameters pytest-bdd looks for by name."""
    names = ["scenario", *definition.pattern.groupindex, *(["datatable"] if definition.table else [])]

    def run(**arguments):
        scenario = arguments.pop("scenario")
        table = arguments.pop("datatable", None)
        rows = scenario.pending_rows.pop(0) if scenario.pending_rows else None
        try:
            definition.run(scenario, arguments, table, rows)
            return
        except library.ScenarioFailure as exc:
            failure = str(exc)
        pytest.fail(f"{failure}{scenario.summary()}", pytrace=False)  # outside except: no chained traceback

    run.__name__ = definition.function.__name__
    run.__doc__ = definition.function.__doc__
    run.__signature__ = Signature([Parameter(name, Parameter.POSITIONAL_OR_KEYWORD) for name in names])
    return run


for _definition in library.STEPS:
    DECORATORS[_definition.kind](parsers.re(_definition.pattern.pattern))(_adapter(_definition))
