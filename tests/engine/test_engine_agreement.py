"""durable-rules and the Python evaluator decide exactly the same things.

The Python evaluator is the oracle: three-valued logic written plainly. If the
durable network ever disagrees (a compile mistake, a durable quirk), these fail.
None of them looks at durable's own firing order.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promorules import Advisor
from promorules.engine.compiler import compile_ruleset
from promorules.engine.durable import DurableMatcher
from promorules.engine.python import PythonMatcher
from promorules import load_ruleset
from tests.support import people
from tests.conftest import skip_module_without_durable
from tests.support.random_rules import BOOLS, ENUMS, NUMBERS, derived_facts, load_random_ruleset, rulesets

skip_module_without_durable()
ROOT = Path(__file__).resolve().parents[2]
DEFAULT = load_ruleset(ROOT / "rulesets" / "default")
NETWORK = compile_ruleset(DEFAULT)
DURABLE = DurableMatcher(NETWORK)
ORACLE = PythonMatcher(DEFAULT)
DURABLE_ADVISOR = Advisor(DEFAULT, engine="durable")
PYTHON_ADVISOR = Advisor(DEFAULT, engine="python")


@settings(max_examples=400, deadline=None)
@given(derived_facts(NETWORK.facts))
def test_same_rules_and_signals_on_random_derived_facts(facts):
    assert DURABLE.match(facts) == ORACLE.match(facts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people.facts)
def test_same_advice_on_random_people(person):
    durable = DURABLE_ADVISOR.advise(person)
    assert durable == PYTHON_ADVISOR.advise(person)
    assert DURABLE_ADVISOR.advise(person).model_dump_json() == durable.model_dump_json()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(rulesets(), st.lists(derived_facts(NUMBERS + BOOLS + sorted(ENUMS)), min_size=5, max_size=5))
def test_random_rulesets_agree(tmp_path_factory, rules, samples):
    ruleset = load_random_ruleset(tmp_path_factory, rules)
    durable = DurableMatcher(compile_ruleset(ruleset))
    oracle = PythonMatcher(ruleset)
    for facts in samples:
        assert durable.match(facts) == oracle.match(facts), (rules, facts)


def test_a_crash_in_durable_would_fail_this_test_not_kill_the_run():
    """Random evaluations in a child process: a segfault shows up as a non-zero exit."""
    code = textwrap.dedent("""
        from hypothesis import given, settings
        from promorules import Advisor
        from tests.support import people
        durable, python = Advisor(engine="durable"), Advisor(engine="python")

        @settings(max_examples=300, deadline=None, database=None)
        @given(people.facts)
        def check(person):
            assert durable.advise(person) == python.advise(person)

        check()
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"
