"""8 threads x 1,000 evaluations on one shared advisor, checked against the serial results.

Prints the mismatches (must be 0) and the throughput of threads as a ratio
of the serial throughput measured in the same process.

    .venv/bin/python bench/threads.py
"""
from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from promorules import Advisor  # noqa: E402
from tests.people import varied_people  # noqa: E402

THREADS, EACH = 8, 1000


def main() -> None:
    people = varied_people(100)
    advisor = Advisor(engine="durable")
    began = time.perf_counter()
    serial = [advisor.advise(p).model_dump_json() for p in people * 10]
    serial_rate = len(serial) / (time.perf_counter() - began)
    expected = serial[: len(people)]
    mismatches = []

    def work(offset: int) -> None:
        for n in range(EACH):
            index = (n + offset * 13) % len(people)
            if advisor.advise(people[index]).model_dump_json() != expected[index]:
                mismatches.append(index)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    threaded_rate = THREADS * EACH / (time.perf_counter() - began)
    print(f"{THREADS} threads x {EACH:,} evaluations: {len(mismatches)} mismatches with the serial results")
    print(f"threaded / serial throughput: {threaded_rate / serial_rate:.2f}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
