"""Cold start of the `promorules` command against the import floor, measured as a user runs it.

    .venv/bin/python bench/coldstart.py              # 15 interleaved runs of each command
    .venv/bin/python bench/coldstart.py --runs 21

The floor is `python -c "import pydantic, click, yaml, durable_rules_engine"`:
what any program on this stack pays before it does anything. That floor
never builds a pydantic model, and advising needs them, so `advise` is held
to the floor plus one one-field model defined and validated. promorules is
compiled to bytecode first, as pip does when it installs a package; the
commands are the installed `promorules` script where there is one. Each
command runs once to warm the file cache, then all of them in turn, round
after round, so every command sees the same load; the median of each is
compared.

`advise` keeps the compiled ruleset between runs (promorules/engine/cache.py),
so it is timed as a person's second and later runs are: with a cache folder
of this run's own, filled by the untimed first run. The same command with
PROMORULES_CACHE=off is timed beside it, for the cost of reading and
compiling the ruleset.

Targets: `--version` and `--help` at most 1.2x the floor (they need click
alone), `advise examples/claire-first-visit.yaml` at most 1.5x the floor
plus one model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import ROOT, compile_bytecode, load, machine  # noqa: E402
from targets import Target  # noqa: E402

FLOOR = "import pydantic, click, yaml, durable_rules_engine"
ONE_MODEL = FLOOR + "\nfrom pydantic import BaseModel\n\n\nclass One(BaseModel):\n    x: int = 0\n\n\nOne(x=1)\n"
EXAMPLE = "examples/claire-first-visit.yaml"


def promorules_command() -> list[str]:
    """The installed script, as a user types `promorules`; the module's entry point in a bare checkout."""
    script = Path(sys.executable).with_name("promorules")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from promorules.cli import main; main()"]


ADVISE = f"promorules advise {EXAMPLE}"
UNCACHED = f"{ADVISE}, PROMORULES_CACHE=off"


def commands() -> dict[str, tuple[list[str], dict[str, str]]]:
    """Each command, and what it sets in the environment."""
    promorules = promorules_command()
    return {
        "floor": ([sys.executable, "-c", FLOOR], {}),
        "floor + one pydantic model": ([sys.executable, "-c", ONE_MODEL], {}),
        "promorules --version": ([*promorules, "--version"], {}),
        "promorules --help": ([*promorules, "--help"], {}),
        ADVISE: ([*promorules, "advise", EXAMPLE], {}),
        UNCACHED: ([*promorules, "advise", EXAMPLE], {"PROMORULES_CACHE": "off"}),
    }


def seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, list[float]]:
    """Seconds of each command, ``runs`` rounds of all of them in turn (each run once beforehand, untimed)."""
    with tempfile.TemporaryDirectory() as cache:
        steps = {
            name: (command, {**os.environ, "PROMORULES_CACHE": cache, **setting})
            for name, (command, setting) in commands().items()
        }
        for command, env in steps.values():
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)
        times: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(runs):
            for name, (command, env) in steps.items():
                times[name].append(seconds(command, env))
    return times


def run(runs: int = 15) -> list[Target]:
    """Print the cold-start medians and return the targets."""
    print(f"cold start: {compile_bytecode()}; load average {load()} before the runs")
    times = measure(runs)
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor, model = medians["floor"], medians["floor + one pydantic model"]
    print(f"    median of {runs} interleaved runs of each, wall clock from start to exit:")
    for name, value in medians.items():
        spread = f"{min(times[name]) * 1000:.0f}-{max(times[name]) * 1000:.0f}"
        print(f"    {name:71s} {value * 1000:5.0f} ms  (runs {spread} ms)  {value / floor:.2f}x the floor")
    print(f"    load average {load()} after the runs")
    version, help_, advise, uncached = (medians[name] for name in list(medians)[2:])
    return [
        Target("`promorules --version` <= 1.2x the import floor", version / floor, 1.2, at_most=True),
        Target("`promorules --help` <= 1.2x the import floor", help_ / floor, 1.2, at_most=True),
        Target(
            "`promorules advise FILE` <= 1.5x the floor plus one pydantic model",
            advise / model,
            1.5,
            at_most=True,
            detail=f"{advise * 1000:.0f} ms against {model * 1000:.0f} ms; without the cache "
            f"{uncached / model:.2f}x, {uncached * 1000:.0f} ms",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="interleaved runs of each command (at least 11)")
    args = parser.parse_args()
    if args.runs < 11:
        parser.error("--runs must be at least 11: a median of fewer runs swings with the machine's load")
    print(f"machine: {machine()}")
    targets = run(args.runs)
    print("\ntargets (the command's median over the floor's):")
    for target in targets:
        print(target.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
