"""The isolation check's pieces, shared by tests/engine/test_isolation.py and bench/soak.py.

Plain Python (no pytest, no hypothesis), so the soak runs where only the
package is installed. The ruleset is the bundled guidance plus one rule that
writes out whose advice it is ("Advice for P00042: 42 months in the role, a
unit of 100042."): a fact that leaked from one person's evaluation into
another's would show in the text.
"""

from __future__ import annotations

import threading
from datetime import date

from promorules.engine import durable as durable_engine
from promorules.dates import add_months

AS_OF = date(2026, 11, 24)
LAYER = """\
extends: default
name: isolation
version: "1"
"""
ECHO = """\
category: stage
rules:
  - id: isolation.whose-advice
    priority: 1
    title: Whose advice this is
    when: months_in_role is known
    recommend: "Advice for {current_title}: {months_in_role} months in the role, a unit of {org_size}."
"""


def person(index: int, base: dict) -> dict:
    """A varied person made unmistakable: name, months in role and unit size are their own."""
    return {
        **base,
        "as_of": AS_OF,
        "current_title": f"P{index:05d}",
        "role_start_date": add_months(AS_OF, -index),
        "org": {**base.get("org", {}), "size": 100_000 + index},
    }


def expected_text(index: int) -> str:
    """The sentence the echo rule writes for ``person(index, ...)``."""
    return f"Advice for P{index:05d}: {index} months in the role, a unit of {100_000 + index}."


def run_threads(work, count: int) -> list[BaseException]:
    """``work(n)`` on ``count`` threads at once; what they raised, so the caller reports it rather than a thread."""
    errors: list[BaseException] = []

    def guarded(n: int) -> None:
        try:
            work(n)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


class FailingDurable:
    """durable-rules' C module, except that chosen calls fail the way durable reports errors."""

    def __init__(self, fail_on: str, every: int):
        self.real = durable_engine._durable
        self.fail_on = fail_on
        self.every = every
        self.calls = 0
        self.failures = 0
        self._lock = threading.Lock()

    def __getattr__(self, name):
        function = getattr(self.real, name)
        if name != self.fail_on:
            return function

        def maybe_fail(*args):
            with self._lock:
                self.calls += 1
                fail = self.calls % self.every == 0
                self.failures += fail
            if fail:
                raise self.real.error("simulated failure")
            return function(*args)

        return maybe_fail
