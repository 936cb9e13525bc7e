"""Tests marked ``durable`` need durable-rules, which does not build on Python 3.13 or newer.

There the package advises with its Python evaluator alone, and those tests are
skipped (with the reason shown), so `make test` still passes on such a machine.
"""

import os

import pytest

from promorules.engine.durable import durable_available

DURABLE_MISSING = "durable-rules is not installed (it does not build on Python 3.13 or newer)"


def pytest_collection_modifyitems(config, items):
    if durable_available():
        return
    for item in items:
        if "durable" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=DURABLE_MISSING))


@pytest.fixture(autouse=True, scope="session")
def ruleset_cache_of_the_session(tmp_path_factory):
    """`promorules advise` keeps compiled rulesets (engine/cache.py): in a folder of this session, not the user's."""
    os.environ["PROMORULES_CACHE"] = str(tmp_path_factory.mktemp("promorules-cache"))


def skip_module_without_durable() -> None:
    """For a module that builds durable networks as it is imported."""
    if not durable_available():
        pytest.skip(DURABLE_MISSING, allow_module_level=True)


@pytest.fixture(autouse=True)
def durable_in_use_again(monkeypatch):
    """Each test starts with durable-rules deciding: one test's simulated failures set it aside for itself only.

    The memory those failures retired stays with the test process (durable never frees it); the budget
    does not, so a test run cannot drift onto the Python evaluator half-way.
    """
    from promorules.engine import durable as durable_engine

    monkeypatch.setattr(durable_engine, "retired_sessions", durable_engine.RetiredSessions())
