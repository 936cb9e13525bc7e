"""Memory across advisors and reloads: a network durable-rules holds is given back once no advisor can use it.

A platform builds an advisor per tenant and a service reloads on every SIGHUP;
durable-rules keeps each ruleset and each session until told to free them, and
without that each durable advisor or reload kept 8 to 23 MB for good. Each case
runs in a fresh process (a clean baseline, nothing left by other tests) and
reads the resident size from /proc/self/statm; the child stops as soon as the
bound is crossed, so a leak fails fast instead of filling the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from promorules.engine.durable import durable_available

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable-rules is not installed")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# One network with the default ruleset and its session take about 8 MB; a leak of even a fifth
# of one per advisor crosses these bounds, while the allocator's own noise stays well inside.
NEW_ADVISORS, NEW_ADVISORS_BOUND_MB = 200, 24.0
RELOADS, RELOADS_BOUND_MB = 30, 12.0
# A session that failed is never freed (about 6.5 MB each): once durable is set aside, a thousand more failing
# people may not cost even one more session's worth.
FAILURES, FAILURES_FIRST_ROUND, AFTER_FIRST_ROUND_BOUND_MB = 1000, 50, 6.0

CHILD = r"""
import gc, json, os, sys
from pathlib import Path
import yaml
from promorules import Advisor, EngineError, bundled_ruleset_path, load_ruleset
from promorules.engine import durable as durable_engine
from tests.support.isolation_kit import FailingDurable

mode, warm_ups, count, bound = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
examples = Path(sys.argv[5])
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


people = [yaml.safe_load(path.read_text()) for path in sorted(examples.glob("*.yaml"))]
ruleset = load_ruleset(bundled_ruleset_path())
advisor = Advisor(ruleset if mode == "new" else bundled_ruleset_path(), engine="durable")
expected = [advisor.advise(person).model_dump_json() for person in people]
turns = raised = 0
if mode == "fail":  # every evaluation that reaches durable fails
    durable_engine._durable = FailingDurable("complete_and_start_action", every=1)


def turn():
    global advisor, turns, raised
    turns += 1
    if mode == "fail":
        try:
            advisor.advise(people[turns % len(people)])
        except EngineError:
            raised += 1
        return False
    if mode == "new":
        advisor = Advisor(ruleset, engine="durable")
    else:
        advisor.reload()
    return [advisor.advise(person).model_dump_json() for person in people] != expected


for _ in range(warm_ups):  # first-use caches and the allocator's arenas; for "fail", the failures durable sees
    turn()
gc.collect()
before = rss_mb()
wrong = done = 0
for done in range(1, count + 1):
    wrong += turn()
    if rss_mb() - before > bound:
        break
if mode == "fail":
    durable_engine._durable = durable_engine._durable.real
    wrong = sum(advisor.advise(person).model_dump_json() != want for person, want in zip(people, expected))
gc.collect()
print(json.dumps({"engine": advisor.engine, "done": done, "raised": raised, "wrong": wrong,
                  "growth_mb": rss_mb() - before}))
"""


def _grow(mode: str, count: int, bound_mb: float, warm_ups: int = 5) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(warm_ups), str(count), str(bound_mb), str(EXAMPLES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_many_durable_advisors_built_and_dropped_keep_memory_flat():
    result = _grow("new", NEW_ADVISORS, NEW_ADVISORS_BOUND_MB)
    assert result["engine"] == "durable"
    assert result["growth_mb"] <= NEW_ADVISORS_BOUND_MB, (
        f"{result['growth_mb']:.0f} MB more after {result['done']} advisors (bound {NEW_ADVISORS_BOUND_MB} MB)"
    )
    assert result["done"] == NEW_ADVISORS
    assert result["wrong"] == 0, "advice changed after advisors were dropped and their networks freed"


def test_reloading_a_durable_advisor_keeps_memory_flat_and_advice_right():
    result = _grow("reload", RELOADS, RELOADS_BOUND_MB)
    assert result["engine"] == "durable"
    assert result["growth_mb"] <= RELOADS_BOUND_MB, (
        f"{result['growth_mb']:.0f} MB more after {result['done']} reloads (bound {RELOADS_BOUND_MB} MB)"
    )
    assert result["done"] == RELOADS
    assert result["wrong"] == 0, "advice changed after reloads freed the old networks"


def test_evaluations_failing_inside_durable_stop_costing_memory_once_it_is_set_aside():
    """durable never frees a session that failed; after a few, the Python evaluator decides, and memory stops."""
    from promorules.engine.durable import MAX_RETIRED_SESSIONS

    result = _grow("fail", FAILURES, AFTER_FIRST_ROUND_BOUND_MB, warm_ups=FAILURES_FIRST_ROUND)
    assert result["growth_mb"] <= AFTER_FIRST_ROUND_BOUND_MB, (
        f"{result['growth_mb']:.0f} MB more over {result['done']} failing evaluations "
        f"after the first {FAILURES_FIRST_ROUND}"
    )
    assert result["done"] == FAILURES
    assert result["raised"] == MAX_RETIRED_SESSIONS, "only the failures that reached durable raise"
    assert result["engine"] == "python", "the advisor says durable-rules is no longer what decides"
    assert result["wrong"] == 0, "the advice after the failures is the Python evaluator's, as before them"
