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

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# One network with the default ruleset and its session take about 8 MB; a leak of even a fifth
# of one per advisor crosses these bounds, while the allocator's own noise stays well inside.
NEW_ADVISORS, NEW_ADVISORS_BOUND_MB = 200, 24.0
RELOADS, RELOADS_BOUND_MB = 30, 12.0

CHILD = r"""
import gc, json, os, sys
from pathlib import Path
import yaml
from promorules import Advisor, bundled_ruleset_path, load_ruleset

mode, count, bound, examples = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), Path(sys.argv[4])
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


people = [yaml.safe_load(path.read_text()) for path in sorted(examples.glob("*.yaml"))]
ruleset = load_ruleset(bundled_ruleset_path())
advisor = Advisor(ruleset if mode == "new" else bundled_ruleset_path(), engine="durable")
expected = [advisor.advise(person).model_dump_json() for person in people]


def turn():
    global advisor
    if mode == "new":
        advisor = Advisor(ruleset, engine="durable")
    else:
        advisor.reload()
    return [advisor.advise(person).model_dump_json() for person in people] != expected


for _ in range(5):  # warm up: first-use caches and the allocator's arenas
    turn()
gc.collect()
before = rss_mb()
wrong = done = 0
for done in range(1, count + 1):
    wrong += turn()
    if rss_mb() - before > bound:
        break
gc.collect()
print(json.dumps({"engine": advisor.engine, "done": done, "wrong": wrong, "growth_mb": rss_mb() - before}))
"""


def _grow(mode: str, count: int, bound_mb: float) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(count), str(bound_mb), str(EXAMPLES)],
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
