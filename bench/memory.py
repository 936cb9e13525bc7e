"""Soak: many evaluations on one advisor; resident memory must stay flat.

Prints RSS after a warm-up, at every tenth of the run and at the end, the
ratio end/start, and the durable engine's speed as a ratio of the Python
evaluator's, both measured here in the same process.

    .venv/bin/python bench/memory.py [--evaluations 100000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promorules import Advisor  # noqa: E402
from tests.people import varied_people  # noqa: E402


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def rate(advisor: Advisor, people: list, count: int) -> float:
    start = time.perf_counter()
    for n in range(count):
        advisor.advise(people[n % len(people)])
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=100_000)
    args = parser.parse_args()
    people = varied_people(200)
    durable = Advisor(engine="durable")
    python = Advisor(engine="python")
    for n in range(1000):
        durable.advise(people[n % len(people)])
    start = rss_mib()
    print(f"RSS after 1,000 warm-up evaluations: {start:.1f} MiB")
    step = max(args.evaluations // 10, 1)
    began = time.perf_counter()
    for n in range(1, args.evaluations + 1):
        durable.advise(people[n % len(people)])
        if n % step == 0:
            print(f"  {n:>9,} evaluations: {rss_mib():.1f} MiB")
    seconds = time.perf_counter() - began
    end = rss_mib()
    print(f"RSS end/start: {end / start:.3f} ({start:.1f} -> {end:.1f} MiB) over {args.evaluations:,} evaluations")
    print(f"durable: {args.evaluations / seconds:,.0f} advice/s in this run")
    durable_rate, python_rate = rate(durable, people, 5000), rate(python, people, 5000)
    print(f"durable / Python evaluator speed: {durable_rate / python_rate:.2f}")


if __name__ == "__main__":
    main()
