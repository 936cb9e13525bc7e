"""One person's facts never reach another person's advice: threads, worker processes and failures.

The ruleset here (tests/support/isolation_kit.py) is the bundled guidance plus one rule
that writes out whose advice it is ("Advice for P00042: 42 months in the role,
a unit of 100042."): every person has their own name, month count and unit
size, so a fact that leaked from one evaluation into another would show in the
text, and any difference from the serial result shows byte for byte.

bench/soak.py runs the same check at full size (16 threads x 2,000).
"""

from __future__ import annotations

import multiprocessing
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from promorules import Advisor
from promorules.engine import durable as durable_engine
from promorules.engine.durable import EngineError
from tests.support.isolation_kit import ECHO, LAYER, FailingDurable, expected_text, person, run_threads
from tests.support.people import varied_people

pytestmark = pytest.mark.durable  # every test here drives durable-rules
THREADS = 16
EVALUATIONS_PER_THREAD = 500
PEOPLE_PER_THREAD = 25


@pytest.fixture(scope="module")
def ruleset_path(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("isolation")
    (root / "ruleset.yaml").write_text(LAYER)
    (root / "echo.yaml").write_text(ECHO)
    return root


@pytest.fixture(scope="module")
def people() -> list[dict]:
    bases = varied_people(100)
    return [person(i, bases[i % len(bases)]) for i in range(THREADS * PEOPLE_PER_THREAD)]


@pytest.fixture(scope="module")
def advisor(ruleset_path) -> Advisor:
    return Advisor(ruleset_path, engine="durable")


@pytest.fixture(scope="module")
def serial(advisor, people) -> list[str]:
    return [advisor.advise(p).model_dump_json() for p in people]


def test_each_persons_advice_names_only_them(serial):
    """Guards the tests below: the serial results themselves are each person's own, and they differ."""
    for index, text in enumerate(serial):
        assert expected_text(index) in text
        assert set(re.findall(r"P\d{5}", text)) == {f"P{index:05d}"}
    assert len(set(serial)) == len(serial)


def test_sixteen_threads_give_exactly_the_serial_results(advisor, people, serial):
    wrong: list[tuple[int, int]] = []

    def work(thread: int) -> None:
        mine = range(thread * PEOPLE_PER_THREAD, (thread + 1) * PEOPLE_PER_THREAD)
        for n in range(EVALUATIONS_PER_THREAD):
            index = mine[(n * 7) % len(mine)]
            if advisor.advise(people[index]).model_dump_json() != serial[index]:
                wrong.append((thread, index))

    assert run_threads(work, THREADS) == []
    assert wrong == [], f"{len(wrong)} of {THREADS * EVALUATIONS_PER_THREAD} evaluations differ from the serial result"


# ------------------------------------------------------------------ worker processes

_SHARED: dict = {}


def _advise_shared(indexes: list[int]) -> list[str]:
    """In a forked worker: the parent's advisor, used through the copied memory."""
    advisor, people = _SHARED["advisor"], _SHARED["people"]
    return [advisor.advise(people[i]).model_dump_json() for i in indexes]


def _advise_from_path(job: tuple[str, list[dict]]) -> list[str]:
    """In a spawned worker: a fresh advisor built from the ruleset's path."""
    path, people = job
    advisor = Advisor(path, engine="durable")
    return [advisor.advise(p).model_dump_json() for p in people]


def _chunks(indexes: list[int], size: int) -> list[list[int]]:
    return [indexes[n : n + size] for n in range(0, len(indexes), size)]


@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")  # Python 3.12+ warns about fork with threads
def test_workers_forked_while_threads_are_mid_evaluation_give_the_serial_results(advisor, people, serial):
    """A fork can copy the engine's lock while another thread holds it; the child must neither hang nor mix."""
    _SHARED.update(advisor=advisor, people=people)
    stop = threading.Event()

    def busy(thread: int) -> None:
        n = thread
        while not stop.is_set():
            advisor.advise(people[n % len(people)])
            n += 7

    background = [threading.Thread(target=busy, args=(n,)) for n in range(4)]
    for thread in background:
        thread.start()
    try:
        indexes = list(range(0, len(people), 5))
        with multiprocessing.get_context("fork").Pool(4) as pool:
            results = pool.map_async(_advise_shared, _chunks(indexes, 10)).get(timeout=120)
    finally:
        stop.set()
        for thread in background:
            thread.join()
    assert [text for chunk in results for text in chunk] == [serial[i] for i in indexes]


def test_spawned_workers_give_the_serial_results(ruleset_path, people, serial):
    indexes = list(range(3, len(people), 10))
    jobs = [(str(ruleset_path), [people[i] for i in chunk]) for chunk in _chunks(indexes, 20)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map_async(_advise_from_path, jobs).get(timeout=120)
    assert [text for chunk in results for text in chunk] == [serial[i] for i in indexes]


# ------------------------------------------------------------------ failures do not poison what follows


@pytest.mark.parametrize(
    "fail_on", ["assert_fact", "complete_and_start_action", "start_action_for_state", "retract_fact"]
)
def test_failed_evaluations_do_not_poison_the_next_ones(fail_on, ruleset_path, people, serial, monkeypatch):
    """Failures at every step of an evaluation, on a shared advisor under 8 threads: each failed evaluation
    raises EngineError, every other one is exactly the serial result, and so is everything afterwards."""
    advisor = Advisor(ruleset_path, engine="durable")
    failing = FailingDurable(fail_on, every=13)
    monkeypatch.setattr(durable_engine, "_durable", failing)
    wrong: list[int] = []
    raised: list[int] = []

    def work(thread: int) -> None:
        for n in range(40):
            index = (thread * 40 + n * 11) % len(people)
            try:
                text = advisor.advise(people[index]).model_dump_json()
            except EngineError:
                raised.append(index)
                continue
            if text != serial[index]:
                wrong.append(index)

    assert run_threads(work, count=8) == []
    assert 0 < len(raised) <= failing.failures  # a failure while cleaning up after another raises nothing more
    assert len(raised) <= durable_engine.MAX_RETIRED_SESSIONS  # then the Python evaluator decides
    assert advisor.engine == ("python" if len(raised) == durable_engine.MAX_RETIRED_SESSIONS else "durable")
    assert wrong == []
    monkeypatch.setattr(durable_engine, "_durable", failing.real)
    assert [advisor.advise(p).model_dump_json() for p in people[:60]] == serial[:60]


def test_an_interrupt_in_the_middle_of_an_evaluation_does_not_poison_the_next(
    ruleset_path, people, serial, monkeypatch
):
    advisor = Advisor(ruleset_path, engine="durable")
    real = durable_engine._durable

    class Interrupting(FailingDurable):
        def __getattr__(self, name):
            if name == "complete_and_start_action":

                def interrupt(*args):
                    raise KeyboardInterrupt

                return interrupt
            return getattr(real, name)

    for index in range(0, 40, 4):
        monkeypatch.setattr(durable_engine, "_durable", Interrupting("", 1))
        with pytest.raises(KeyboardInterrupt):
            advisor.advise(people[index])
        monkeypatch.setattr(durable_engine, "_durable", real)
        assert advisor.advise(people[index + 1]).model_dump_json() == serial[index + 1]


def test_hostile_facts_between_good_ones_change_nothing(advisor, people, serial):
    """Facts that are refused, or that make an evaluation fail, leave the shared advisor as it was."""
    hostile = [
        {"as_of": "2026-11-24", "frustrated": "sometimes"},
        {"as_of": "2026-11-24", "current_comp": float("nan")},
        {"as_of": "2026-11-24", "sid": "w0", "__type": "signal"},
        {"as_of": "9999-12-31", "role_start_date": "9999-01-04", "scope_change": "none"},
        {"as_of": "0001-03-01", "achievements": [{"title": "x", "date": "0001-02-01"}]},
    ]
    for n, index in enumerate(range(0, len(people), 9)):
        try:
            advisor.advise(hostile[n % len(hostile)])
        except Exception:  # noqa: BLE001 - refused or failed: either way the next person must not notice
            pass
        assert advisor.advise(people[index]).model_dump_json() == serial[index]


def test_the_soak_runs_without_the_test_extra():
    """bench/soak.py shares this check's pieces, so it must not need pytest or hypothesis to be installed."""
    blocked = "import sys; sys.modules['pytest'] = sys.modules['hypothesis'] = None; sys.path.insert(0, 'bench'); "
    loaded = subprocess.run(
        [sys.executable, "-c", blocked + "import soak; print(len(list(soak.bench_people(3))))"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (loaded.returncode, loaded.stdout, loaded.stderr) == (0, "3\n", "")
