"""The machine a bench runs on, and what the package and its processes take of it: shared by every bench script.

A ratio means little without the machine and its load beside it, and a cold
start means little unless the package is compiled as pip installs it.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    """Cores, CPU model, system and Python, as one line."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return (
        f"{os.cpu_count()} cores ({model or platform.machine()}), {platform.system()}, "
        f"Python {platform.python_version()}"
    )


def load() -> str:
    """The load averages over 1, 5 and 15 minutes."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def compile_bytecode() -> str:
    """Compile promorules to bytecode as pip does on installing, and say so.

    The environment may set PYTHONDONTWRITEBYTECODE (a checkout run that way
    would otherwise compile every module on every start); an existing .pyc is
    still read under it.
    """
    package = ROOT / "promorules"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, stdout=subprocess.DEVNULL)
    unset = "" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "not "
    return f"promorules compiled to bytecode with compileall before timing (PYTHONDONTWRITEBYTECODE is {unset}set)"


def tree_rss(pid: int) -> float:
    """Resident memory, in MiB, of a process and all its descendants (Linux /proc; 0 elsewhere)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024
