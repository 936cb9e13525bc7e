"""One shared advisor under threads, forks and failures; networks that would crash durable are refused."""

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from promorules import Advisor
from promorules.advisor import with_as_of
from promorules.engine import durable as durable_engine
from promorules.engine.compiler import Network, NetworkError, check_network, compile_ruleset
from promorules.facts.derive import derive
from promorules.engine.durable import DurableMatcher
from promorules.engine.python import PythonMatcher
from promorules import load_ruleset
from tests.support.people import varied_people

ROOT = Path(__file__).resolve().parents[2]


PEOPLE = varied_people(50)


@pytest.fixture(scope="module")
def advisor():
    return Advisor(engine="durable")


@pytest.mark.durable
def test_people_get_varied_advice(advisor):
    """Guards the tests below: they mean something only if people's advice differs."""
    assert len({advisor.advise(p).model_dump_json() for p in PEOPLE}) > 20


@pytest.mark.durable
def test_eight_threads_give_exactly_the_serial_results(advisor):
    serial = [advisor.advise(p).model_dump_json() for p in PEOPLE]
    wrong: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for n in range(1000):
                index = (n * 7 + offset) % len(PEOPLE)
                if advisor.advise(PEOPLE[index]).model_dump_json() != serial[index]:
                    wrong.append((offset, index))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert not wrong, f"{len(wrong)} evaluations differ from the serial result"


@pytest.mark.durable
def test_a_failed_evaluation_does_not_poison_the_next(monkeypatch):
    ruleset = load_ruleset(ROOT / "rulesets" / "default")
    durable = DurableMatcher(compile_ruleset(ruleset))
    oracle = PythonMatcher(ruleset)
    facts = [derive(_facts(p)) for p in PEOPLE]
    busy = max(facts, key=lambda f: len(oracle.match(f).fired))
    assert len(oracle.match(busy).fired) >= 3

    class FailingOnSecondFiring:
        calls = 0

        @classmethod
        def loads(cls, text):
            cls.calls += 1
            if cls.calls == 2:
                raise RuntimeError("boom in the middle of an agenda")
            return json.loads(text)

    monkeypatch.setattr(durable_engine, "json", FailingOnSecondFiring)
    with pytest.raises(RuntimeError):
        durable.match(busy)
    monkeypatch.setattr(durable_engine, "json", json)
    for f in facts:
        assert durable.match(f) == oracle.match(f)


@pytest.mark.durable
def test_facts_durable_cannot_read_are_refused_and_the_engine_goes_on():
    ruleset = load_ruleset(ROOT / "rulesets" / "default")
    durable = DurableMatcher(compile_ruleset(ruleset))
    good = derive(_facts(PEOPLE[0]))
    with pytest.raises(ValueError, match="months_in_role is not a finite number"):
        durable.match({**good, "months_in_role": float("nan")})
    assert durable.match(good) == PythonMatcher(ruleset).match(good)


def _facts(person):
    return with_as_of(person)


def _advise_in_worker(people_json: str) -> list[str]:
    return [Advisor(engine="durable").advise(p).model_dump_json() for p in json.loads(people_json)]


def _advise_with_inherited(index_range) -> list[str]:
    return [INHERITED.advise(PEOPLE[i]).model_dump_json() for i in index_range]


INHERITED = None


@pytest.mark.durable
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_worker_processes_give_the_same_advice(method, advisor):
    global INHERITED
    sample = PEOPLE[:8]
    expected = [advisor.advise(p).model_dump_json() for p in sample]
    context = multiprocessing.get_context(method)
    INHERITED = advisor  # a forked child uses it through the copied memory
    with context.Pool(2) as pool:
        if method == "fork":
            results = pool.map(_advise_with_inherited, [range(0, 4), range(4, 8)])
        else:
            blob = json.dumps(sample, default=str)
            results = pool.map(_advise_in_worker, [blob, blob])[:1]
            results = [results[0][:4], results[0][4:]]
    assert results[0] + results[1] == expected


# ------------------------------------------------------------------ hostile networks


def network(rules: dict, facts=("months_in_role",), groups=1) -> Network:
    return Network("hostile", json.dumps(rules), {}, tuple(facts), groups)


def person_rule(*steps, pri=1):
    return {"pri": pri, "all": [{"m": {"$and": [{"__type": "person"}, *steps]}}]}


@pytest.mark.parametrize(
    "rules, message",
    [
        ({"r": {"pri": 1, "all": [{"m": {"$and": [{"months_in_role": 3}]}}]}}, "must start with a type tag"),
        ({"r": {"pri": 1, "all": [{"m$not": {"$and": [{"__type": "person"}]}}]}}, "one positive $and"),
        ({"r": person_rule({"$or": [{"a": 1}, {"b": 2}]})}, "nested $or is not allowed"),
        ({"r": person_rule(pri=70000)}, "priority 70000 outside 0..65535"),
        ({"r": {"pri": 1, "any": [{"m": {"$and": [{"__type": "person"}]}}]}}, "only all-patterns"),
        ({f"r{n}": person_rule({"$gt": {f"f{n}": n}}) for n in range(61)}, "could match at once"),
        ({f"r{n}": person_rule({"f": n}) for n in range(600)}, "600 conditions under one node"),
        ({f"r{n}": person_rule({"$gt": {"f": 1}}) for n in range(201)}, "201 durable rules share one identical"),
    ],
)
def test_networks_that_would_crash_durable_are_refused(rules, message):
    with pytest.raises(NetworkError, match=message.replace("$", r"\$")):
        check_network(network(rules))


def test_reserved_fact_names_are_refused():
    with pytest.raises(NetworkError, match="reserved by durable-rules: sid"):
        check_network(network({"r": person_rule()}, facts=("sid",)))


@pytest.mark.durable
def test_three_hundred_rules_compile_into_bounded_groups(tmp_path):
    root = tmp_path / "big"
    root.mkdir()
    (root / "ruleset.yaml").write_text("name: big\nversion: '1'\ndescription: big\ncategories: [c]\n")
    rules = "\n".join(
        f"  - {{id: r{n}, priority: 5, title: t, when: 'months_in_role >= {n}', recommend: x}}" for n in range(300)
    )
    (root / "rules.yaml").write_text(f"category: c\nrules:\n{rules}\n")
    ruleset = load_ruleset(root)
    compiled = compile_ruleset(ruleset)
    assert compiled.groups == 8
    durable = DurableMatcher(compiled)
    fired = durable.match({"months_in_role": 150}).fired
    assert fired == {f"r{n}" for n in range(151)}
    assert fired == PythonMatcher(ruleset).match({"months_in_role": 150}).fired
