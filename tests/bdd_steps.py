"""Binds the step library of promorules.scenarios to pytest-bdd, so features/ runs under pytest.

The steps themselves live in the package (coaches run them with
``promorules ruleset test``, without pytest); this file only adapts each one
to pytest-bdd's decorators, so both paths read every feature the same way.
"""
from __future__ import annotations

from inspect import Parameter, Signature
from pathlib import Path

import pytest
from pytest_bdd import given, parsers, then, when

from promorules import scenarios as library

ROOT = Path(__file__).resolve().parent.parent
ADVISORS = library.Advisors()
DECORATORS = {"given": given, "when": when, "then": then}


@pytest.fixture
def scenario():
    """A scenario on the bundled ruleset; relative paths in steps are read from the project's root."""
    return library.Scenario(ROOT / "rulesets" / "default", [ROOT], ADVISORS)


def _adapter(definition: library.StepDefinition):
    """A pytest-bdd step function with the parameters pytest-bdd looks for by name."""
    names = ["scenario", *definition.pattern.groupindex, *(["datatable"] if definition.table else [])]

    def run(**arguments):
        scenario = arguments.pop("scenario")
        table = arguments.pop("datatable", None)
        try:
            definition.run(scenario, arguments, table)
        except library.ScenarioFailure as exc:
            pytest.fail(f"{exc}{scenario.summary()}", pytrace=False)

    run.__name__ = definition.function.__name__
    run.__doc__ = definition.function.__doc__
    run.__signature__ = Signature([Parameter(name, Parameter.POSITIONAL_OR_KEYWORD) for name in names])
    return run


for _definition in library.STEPS:
    DECORATORS[_definition.kind](parsers.re(_definition.pattern.pattern))(_adapter(_definition))
