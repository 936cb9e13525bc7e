"""durable-rules and the Python evaluator decide exactly the same things.

The Python evaluator is the oracle: three-valued logic written plainly. If the
durable network ever disagrees (a compile mistake, a durable quirk), these fail.
None of them looks at durable's own firing order.
"""
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promorules import Advisor
from promorules.compiler import compile_ruleset
from promorules.derive import FACTS
from promorules.durable_engine import DurableMatcher
from tests.conftest import skip_module_without_durable
from promorules.evaluator import PythonMatcher
from promorules.loader import load_ruleset
from tests import people

skip_module_without_durable()
ROOT = Path(__file__).resolve().parent.parent
DEFAULT = load_ruleset(ROOT / "rulesets" / "default")
NETWORK = compile_ruleset(DEFAULT)
DURABLE = DurableMatcher(NETWORK)
ORACLE = PythonMatcher(DEFAULT)
DURABLE_ADVISOR = Advisor(DEFAULT, engine="durable")
PYTHON_ADVISOR = Advisor(DEFAULT, engine="python")


EDGES = sorted(
    {t.value + d for t in DEFAULT.thresholds.values() if not t.choices for d in (-1, 0, 1)} | {2, 3, 4, 6, 7, 8, 11, 12, 13}
)


def value_of(kind: str, choices: tuple):
    if kind == "number":
        return (
            st.sampled_from(EDGES)  # values at and beside every threshold, where mistakes show
            | st.integers(-5, 400)
            | st.floats(-5, 400, allow_nan=False).map(lambda x: round(x, 2))
        )
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(choices)
    return st.just(date(2026, 1, 1))


def derived_facts(names):
    return st.fixed_dictionaries(
        {name: st.none() | value_of(FACTS[name].kind, FACTS[name].choices) for name in names}
    )


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


# ------------------------------------------------------------------ random rulesets

NUMBERS = ["months_in_role", "sponsor_count", "open_gap_count", "days_since_last_setback"]
BOOLS = ["freeze_active", "frustrated", "self_assessment_done"]
ENUMS = {"scope_change": ["none", "expanded", "dramatic"], "latest_outcome": ["pending", "denied", "not_yet"]}

atom = st.one_of(
    st.builds(lambda f, op, n: f"{f} {op} {n}", st.sampled_from(NUMBERS),
              st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), st.sampled_from(["3", "limit", "12"])),
    st.builds(lambda f, neg: f"{'not ' if neg else ''}{f}", st.sampled_from(BOOLS), st.booleans()),
    st.builds(lambda f, v, op: f"{f} {op} {v}", st.sampled_from(sorted(ENUMS)), st.sampled_from(["dramatic", "denied"]),
              st.sampled_from(["==", "!="])).filter(lambda s: s.split()[-1] in ENUMS[s.split()[0]]),
    st.builds(lambda f, k: f"{f} is {k}", st.sampled_from(NUMBERS + BOOLS), st.sampled_from(["known", "unknown"])),
)


def condition(signals: list[str]):
    leaves = atom | (st.sampled_from(signals).map(lambda s: s) if signals else atom)
    negated = leaves | (st.sampled_from(signals).map(lambda s: f"not {s}") if signals else atom)
    return st.recursive(
        negated,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=5,
    )


@st.composite
def rulesets(draw):
    rules = []
    signals: list[str] = []
    for index in range(draw(st.integers(1, 12))):
        rule = {"id": f"r{index}", "priority": draw(st.integers(1, 999)), "title": "t",
                "when": draw(condition(list(signals)))}
        if draw(st.booleans()) and len(signals) < 4:
            rule["derive"] = f"sig{index}"
            signals.append(rule["derive"])
        else:
            rule["recommend"] = "text"
            if index and draw(st.booleans()):
                rule["hold_back"] = [f"r{draw(st.integers(0, index - 1))}"]
        rules.append(rule)
    return rules


MANIFEST = textwrap.dedent("""\
    name: random
    version: "1"
    description: random
    categories: [c]
    thresholds:
      limit: {default: 7, unit: x, meaning: a limit}
""")


def load_random_ruleset(tmp_path_factory, rules: list):
    """A ruleset of `MANIFEST` and the drawn ``rules``, written to a fresh directory and loaded."""
    import yaml

    root = tmp_path_factory.mktemp("rs")
    (root / "ruleset.yaml").write_text(MANIFEST)
    (root / "rules.yaml").write_text(yaml.safe_dump({"category": "c", "rules": rules}))
    return load_ruleset(root)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
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
        from tests import people
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
