"""Binds every Gherkin feature in features/ to the shared step library."""

from pytest_bdd import scenarios

from tests.support.bdd_steps import *  # noqa: F401,F403 - the steps every feature uses

scenarios(".")
