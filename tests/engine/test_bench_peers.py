"""bench/peers.py compares like with like: its ZEN and json-rules-engine models fire the rules promorules fires.

The bench writes the default ruleset out as each peer's own model; a speed
ratio against a model that decides something else would mean nothing. These
tests run the same generation and agreement check on 50 people (the bench runs
it on 2,000), and show that the check does catch a model that differs. They
time nothing. zen-engine comes with the bench extra (pip install -e '.[bench]')
and json-rules-engine with Node; each test is skipped, saying why, without them.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from promorules import Advisor
from promorules.engine.durable import durable_available

BENCH = Path(__file__).resolve().parents[2] / "bench" / "peers.py"


def _load_bench():
    spec = importlib.util.spec_from_file_location("bench_peers", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


peers = _load_bench()


@pytest.fixture(scope="module")
def crowd():
    """50 generated people: raw facts for promorules, derived facts (as JSON gives them) for the peers."""
    raw = list(peers.people(50, seed=16))
    derived_facts = peers.promorules_internals()[0]
    return raw, [peers.json_ready(derived_facts(person)) for person in raw]


@pytest.fixture(scope="module")
def advisors():
    engines = ["python"] + (["durable"] if durable_available() else [])
    return {engine: Advisor(engine=engine) for engine in engines}


def _promorules(advisors, raw):
    return {
        f"promorules {name}": [peers.promorules_fired(advisor.advise(person)) for person in raw]
        for name, advisor in advisors.items()
    }


def test_the_zen_model_fires_the_rules_promorules_fires(crowd, advisors):
    pytest.importorskip("zen", reason="zen-engine is not installed (pip install -e '.[bench]')")
    raw, derived = crowd
    ruleset = advisors["python"].ruleset
    answers, differ = peers.agreement(ruleset, raw, derived, advisors, node=None)
    assert differ == []
    assert {"zen evaluate", "zen evaluate_batch"} <= set(answers)
    fired = answers["zen evaluate"]
    assert len(set(fired)) > 10, "the people should reach different rules, or agreeing proves little"


def test_the_agreement_check_names_a_rule_the_zen_model_decides_differently(crowd, advisors):
    pytest.importorskip("zen", reason="zen-engine is not installed (pip install -e '.[bench]')")
    raw, derived = crowd
    ruleset = advisors["python"].ruleset
    answers = _promorules(advisors, raw)
    common = Counter(rule for fired in answers["promorules python"] for rule in fired).most_common(1)[0][0]
    model = peers.zen_model(ruleset)
    table = model["nodes"][-2]["content"]
    table["rules"] = [row for row in table["rules"] if row["_id"] != common]
    zen = peers.Zen(model)
    answers["zen evaluate"] = [zen.fired(facts) for facts in derived]

    differ = peers.disagreements(answers)

    assert differ and all(common in line for line in differ)
    assert len(differ) == sum(common in fired for fired in answers["promorules python"])


def test_the_json_rules_engine_rules_fire_the_rules_promorules_fires(crowd, advisors, tmp_path):
    unavailable = peers.node_unavailable()
    if unavailable:
        pytest.skip(f"json-rules-engine cannot run: {unavailable}")
    raw, derived = crowd
    ruleset = advisors["python"].ruleset
    node = peers.Node(peers.jre_model(ruleset), derived, tmp_path)
    try:
        answers = {**_promorules(advisors, raw), "json-rules-engine": node.fired()}
    finally:
        node.close()
    assert peers.disagreements(answers) == []
    assert len(set(answers["json-rules-engine"])) > 10
