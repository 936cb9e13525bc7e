"""The Dask cluster against the local batch: records per second on the same people, in one run.

    .venv/bin/python bench/dask_cluster.py              # 100,000 people, 2 rounds (a few minutes on 2 cores)
    .venv/bin/python bench/dask_cluster.py --people 20000 --rounds 1

Each round runs, on the same JSONL file of generated people (bench/people.py),
`promorules batch --workers 2` and then `promorules batch --scheduler ADDRESS`
on a local Dask cluster of 2 worker processes (one thread each) started before
the rounds, as a platform's cluster is already running. Both are timed from
the command's start to its end (reading, advising and writing the whole file).
The ratio is the median of the rounds' ratios, so both sides of a ratio ran
under the same load. The outputs are compared byte for byte. Memory is the
peak resident memory of each worker process, sampled every 0.2 s: the
cluster's workers, and the local batch's pool processes beside them.

Target: the cluster at least 0.8x the local batch on one machine (the cluster
pays for a scheduler, a nanny per worker and the records' trip over TCP; its
value is in adding machines). Nothing here fails a build.
"""

from __future__ import annotations

import argparse
import filecmp
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

from people import people  # noqa: E402

PROMORULES = [sys.executable, "-c", "from promorules.cli import main; main()"]
TARGET = 0.8


class PeakMemory:
    """The peak resident memory of each of some processes, sampled in a thread until stopped."""

    def __init__(self, pids):
        import psutil

        self.pids = pids  # a callable: the pids to watch now (a pool's workers appear after the start)
        self.peaks: dict[int, int] = {}
        self.stopped = threading.Event()
        self.psutil = psutil
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self) -> None:
        while not self.stopped.wait(0.2):
            for pid in self.pids():
                try:
                    rss = self.psutil.Process(pid).memory_info().rss
                except (self.psutil.Error, OSError):
                    continue
                self.peaks[pid] = max(rss, self.peaks.get(pid, 0))

    def stop(self) -> list[float]:
        """The peaks, in MiB, one per process seen."""
        self.stopped.set()
        self.thread.join()
        return sorted(peak / 2**20 for peak in self.peaks.values())


def timed(command: list[str], watch) -> tuple[float, list[float], str]:
    """Seconds, the peak memory of the processes ``watch(process)`` names, and the summary line."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(lambda: watch(process))
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    peaks = memory.stop()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr}")
    return seconds, peaks, stderr.strip().splitlines()[-1]


def first_difference(one: Path, other: Path) -> str:
    """Where two outputs part (a ruleset edited between the two runs shows up here)."""
    with one.open("rb") as left, other.open("rb") as right:
        for number, (a, b) in enumerate(zip(left, right), 1):
            if a != b:
                return f"False, from output line {number}"
    return "False, one output is longer"


def pool_workers(process) -> list[int]:
    import psutil

    try:
        return [child.pid for child in psutil.Process(process.pid).children(recursive=True)]
    except psutil.Error:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from distributed import Client

    from promorules.service.distributed import local_cluster

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "people.jsonl"
        with source.open("w") as handle:
            for person in people(args.people):
                handle.write(json.dumps(person) + "\n")
        print(f"{args.people:,} people, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
        with local_cluster(2) as cluster, Client(cluster) as client:
            worker_pids = list(client.run(os.getpid).values())
            ratios, local_rates, cluster_rates = [], [], []
            local_memory: list[float] = []
            cluster_memory: list[float] = []
            for round_number in range(1, args.rounds + 1):
                local_out, cluster_out = Path(folder) / "local.jsonl", Path(folder) / "cluster.jsonl"
                for out in (local_out, cluster_out):
                    out.unlink(missing_ok=True)
                local_seconds, local_peaks, local_summary = timed(
                    [*PROMORULES, "batch", str(source), "-o", str(local_out), "--workers", "2"], pool_workers
                )
                cluster_seconds, cluster_peaks, cluster_summary = timed(
                    [
                        *PROMORULES,
                        "batch",
                        str(source),
                        "-o",
                        str(cluster_out),
                        "--scheduler",
                        cluster.scheduler_address,
                    ],
                    lambda process: worker_pids,
                )
                same = filecmp.cmp(local_out, cluster_out, shallow=False) or first_difference(local_out, cluster_out)
                local_rate, cluster_rate = args.people / local_seconds, args.people / cluster_seconds
                ratios.append(cluster_rate / local_rate)
                local_rates.append(local_rate)
                cluster_rates.append(cluster_rate)
                local_memory += local_peaks
                cluster_memory += cluster_peaks
                print(
                    f"round {round_number}: local batch --workers 2 {local_rate:,.0f} records/s "
                    f"({local_seconds:.1f} s), cluster of 2 workers {cluster_rate:,.0f} records/s "
                    f"({cluster_seconds:.1f} s), ratio {ratios[-1]:.3f}x, outputs identical: {same}"
                )
                print(f"  local:   {local_summary}\n  cluster: {cluster_summary}")
        ratio = statistics.median(ratios)
        verdict = "met" if ratio >= TARGET else "missed"
        print(
            f"records per second: local batch {statistics.median(local_rates):,.0f}, "
            f"cluster {statistics.median(cluster_rates):,.0f}"
        )
        print(f"cluster / local batch: {ratio:.3f}x (target at least {TARGET}x): {verdict}")
        print(
            f"memory per worker (peak resident): cluster {max(cluster_memory):.0f} MiB "
            f"(each of {len(worker_pids)}: {', '.join(f'{m:.0f}' for m in cluster_memory[-len(worker_pids) :])}),"
            f" local batch pool process {max(local_memory, default=0):.0f} MiB"
        )


if __name__ == "__main__":
    main()
