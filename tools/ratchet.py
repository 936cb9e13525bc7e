"""Type and line-length debt that may only shrink: mypy errors and lines over 120 characters, per file.

`tools/ratchet.json` records, per file, how many of each the package still has. A file not listed must have
none (so every new or cleaned-up module stays clean); a listed file may have fewer than recorded, never more.
When a count goes down, the run says so and `--update` writes the lower numbers, so the ratchet tightens.

    python tools/ratchet.py            # check (run by `make test`)
    python tools/ratchet.py --update   # record lower counts after a clean-up
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = Path(__file__).resolve().parent / "ratchet.json"


def mypy_counts() -> collections.Counter:
    run = subprocess.run([sys.executable, "-m", "mypy", "promorules"], cwd=ROOT, capture_output=True, text=True)
    counts: collections.Counter = collections.Counter()
    for line in run.stdout.splitlines():
        path, _, rest = line.partition(":")
        if " error: " in rest:
            counts[path] += 1
    if run.returncode not in (0, 1) or (run.returncode == 1 and not counts):
        sys.exit(f"mypy did not run:\n{run.stdout}{run.stderr}")
    return counts


def long_line_counts() -> collections.Counter:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--select",
            "E501",
            "--output-format",
            "concise",
            "promorules",
            "tests",
            "bench",
            "docs",
            "tools",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    counts: collections.Counter = collections.Counter()
    for line in run.stdout.splitlines():
        if " E501 " in line:
            counts[line.partition(":")[0]] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="record the current counts (only if none grew)")
    args = parser.parse_args()
    now = {"mypy": mypy_counts(), "long_lines": long_line_counts()}
    if args.update and not RECORD.exists():  # the first record: today's debt, to be paid down
        RECORD.write_text(json.dumps({k: dict(sorted(v.items())) for k, v in now.items()}, indent=1) + "\n")
    recorded = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    worse, better = [], []
    for kind, counts in now.items():
        allowed = recorded.get(kind, {})
        for path in sorted(set(counts) | set(allowed)):
            have, may = counts.get(path, 0), allowed.get(path, 0)
            if have > may:
                worse.append(f"{kind}: {path} has {have}, at most {may} allowed")
            elif have < may:
                better.append(f"{kind}: {path} down from {may} to {have}")
    for line in worse:
        print(f"ratchet: {line}", file=sys.stderr)
    for line in better:
        print(f"ratchet: {line} (run tools/ratchet.py --update to keep it there)")
    if worse:
        sys.exit(1)
    if args.update:
        RECORD.write_text(json.dumps({k: dict(sorted(v.items())) for k, v in now.items()}, indent=1) + "\n")
    print(
        f"ratchet: mypy {sum(now['mypy'].values())} errors, {sum(now['long_lines'].values())} long lines "
        f"(recorded: {_total(recorded)})"
    )


def _total(recorded: dict) -> str:
    return ", ".join(f"{kind} {sum(counts.values())}" for kind, counts in recorded.items()) or "nothing"


if __name__ == "__main__":
    main()
