"""`promorules batch` with 2 worker processes against one process: records per second, and memory over the run.

    .venv/bin/python bench/scaling.py                    # 20,000 generated people, 2 rounds
    .venv/bin/python bench/scaling.py --people 5000 --rounds 1

Each round runs `promorules batch FILE -o OUT --workers 1` (everything in one
process) and `--workers 2` on the same JSON Lines file of generated people
(bench/people.py), in turn, the first of the two alternating from round to
round; each is timed from the command's start to its end (reading, advising
and writing every record, full view). The scaling figure is the median of the
rounds' ratios of records per second, so both sides of a ratio ran under the
same load. Memory is the resident memory of the command's whole process tree,
with the in-memory files it holds (where workers leave their results, resident
in no process), sampled every 0.1 s: its peak, and whether it stays flat, as the median over
the last quarter of the run over the median over its second quarter (the
first quarter is the workers starting).

Targets: 2 workers at least 1.8x one process, and memory flat (that ratio at
most 1.1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import ROOT, load, machine, tree_rss  # noqa: E402
from people import people  # noqa: E402
from targets import Target  # noqa: E402

SCRIPT = Path(sys.executable).with_name("promorules")
PROMORULES = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-c", "from promorules.cli import main; main()"]
FLAT = 1.1  # the last quarter's median memory over the second quarter's, at most


class Run:
    """One timed `batch`: seconds, and (seconds since start, MiB of its process tree) sampled meanwhile."""

    def __init__(self, source: Path, output: Path, workers: int):
        output.unlink(missing_ok=True)
        command = [*PROMORULES, "batch", str(source), "-o", str(output), "--workers", str(workers)]
        self.samples: list[tuple[float, float]] = []
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        watcher = threading.Thread(target=self._watch, args=(process, started), daemon=True)
        watcher.start()
        _, stderr = process.communicate()
        self.seconds = time.perf_counter() - started
        watcher.join()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {stderr.strip()[-300:]}")
        self.summary = stderr.strip().splitlines()[-1] if stderr.strip() else ""

    def _watch(self, process: subprocess.Popen, started: float) -> None:
        while process.poll() is None:
            rss = tree_rss(process.pid)
            if rss:
                self.samples.append((time.perf_counter() - started, rss + memfd_mib(process.pid)))
            time.sleep(0.1)

    @property
    def peak(self) -> float:
        return max((rss for _, rss in self.samples), default=0.0)

    def quarter(self, number: int) -> float:
        """The median memory over the ``number``-th quarter (1 to 4) of the run."""
        low, high = (number - 1) * self.seconds / 4, number * self.seconds / 4
        inside = [rss for at, rss in self.samples if low <= at < high]
        return statistics.median(inside) if inside else float("nan")

    @property
    def growth(self) -> float:
        return self.quarter(4) / self.quarter(2)


def memfd_mib(pid: int) -> float:
    """MiB held by the in-memory files (Linux memfd) a process has open; 0 elsewhere."""
    held: dict[int, int] = {}
    try:
        entries = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return 0.0
    for entry in entries:
        try:
            if os.readlink(entry).startswith("/memfd:"):
                status = entry.stat()
                held[status.st_ino] = status.st_blocks * 512
        except OSError:
            continue  # closed meanwhile
    return sum(held.values()) / (1 << 20)


def run(records: int = 20_000, rounds: int = 2) -> list[Target]:
    """Print each round and return the targets."""
    print(f"batch scaling: {records:,} generated people, full view, {rounds} round(s); load average {load()}")
    ratios: list[float] = []
    runs: dict[int, list[Run]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as folder:
        source, output = Path(folder) / "people.jsonl", Path(folder) / "advice.jsonl"
        with source.open("w") as handle:
            for person in people(records, seed=5):
                handle.write(json.dumps(person) + "\n")
        for number in range(rounds):
            order = (1, 2) if number % 2 == 0 else (2, 1)
            done = {workers: Run(source, output, workers) for workers in order}
            for workers, one in done.items():
                runs[workers].append(one)
            ratios.append(done[1].seconds / done[2].seconds)
            print(
                f"    round {number + 1}: 1 process {records / done[1].seconds:,.0f} records/s "
                f"({done[1].seconds:.1f} s, peak {done[1].peak:.0f} MiB), 2 workers "
                f"{records / done[2].seconds:,.0f} records/s ({done[2].seconds:.1f} s, peak {done[2].peak:.0f} MiB): "
                f"{ratios[-1]:.2f}x; load average {load()}"
            )
    two = runs[2]
    growth = max(one.growth for one in two)
    quarters = ", ".join(f"{two[-1].quarter(n):.0f}" for n in (1, 2, 3, 4))
    print(f"    2 workers, last round, median MiB of the process tree by quarter of the run: {quarters}")
    return [
        Target(
            "`batch --workers 2` >= 1.8x the records/s of one process",
            statistics.median(ratios),
            1.8,
            detail=f"median of {rounds} round(s)",
        ),
        Target(
            f"`batch --workers 2` memory flat (last quarter <= {FLAT}x the second)",
            growth,
            FLAT,
            at_most=True,
            detail=f"peak {max(one.peak for one in two):.0f} MiB for the 3 processes; "
            f"one process {max(one.peak for one in runs[1]):.0f} MiB",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000, help="generated people (default 20,000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the two runs (default 2)")
    args = parser.parse_args()
    if args.people < 1000 or args.rounds < 1:
        parser.error("--people must be at least 1,000 (a shorter run is mostly start-up) and --rounds at least 1")
    print(f"machine: {machine()}")
    try:
        targets = run(args.people, args.rounds)
    except RuntimeError as failure:
        print(f"bench/scaling.py: {failure}", file=sys.stderr)
        return 1
    print("\ntargets:")
    for target in targets:
        print(target.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
