"""Broken and hostile rulesets are refused at the file and line that hold the mistake, before durable sees them.

The corpus is tests/support/corpus/rulesets/ (one directory per case) and its index
cases.yaml; cases that need symlinks, a named pipe or oversized files are
built in a temporary directory from the recipes below. Each case is checked
three ways: `load_ruleset` must raise InputError naming the exact file:line;
`promorules advise --ruleset` must exit 2 with `error:` lines naming it, no
traceback, and without creating a durable-rules network; and `promorules
ruleset validate`, what a coach runs while writing, must report the same
place. Hostile cases run in a child process, where a crash or a hang cannot
take the test run down.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

import pytest
import yaml
from click.testing import CliRunner

from promorules.engine import durable as durable_engine
from promorules.cli import main
from promorules.errors import InputError
from promorules import load_ruleset

CORPUS = Path(__file__).resolve().parents[1] / "support" / "corpus" / "rulesets"
INDEX = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
PERSON = CORPUS / "person.yaml"
PROMORULES = Path(sys.executable).parent / "promorules"
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60

MANIFEST = """\
name: hostile
version: "1"
description: A ruleset that must be refused.
categories: [timing]
thresholds:
  min_months_in_role: {default: 12, unit: months, meaning: Months in the role before asking.}
"""
RULE = "category: timing\nrules:\n  - {id: timing.example, priority: 10, title: Example, recommend: Wait.}\n"


class PipeWatch:
    """Notices whether anyone opens a named pipe for reading, and lets them go on if they do."""

    def __init__(self, path: Path):
        self.path = path
        self.opened = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                descriptor = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody is reading
                time.sleep(0.01)
                continue
            self.opened = True
            os.close(descriptor)  # the reader sees an empty file and carries on

    def __enter__(self) -> "PipeWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _with_manifest(root: Path) -> Path:
    root.mkdir()
    (root / "ruleset.yaml").write_text(MANIFEST)
    return root


def _symlink_rule_file_outside(root: Path) -> None:
    outside = root.parent / "outside.yaml"
    outside.write_text(RULE)
    (_with_manifest(root) / "rules.yaml").symlink_to(outside)


def _symlink_manifest_outside(root: Path) -> None:
    outside = root.parent / "outside-manifest.yaml"
    outside.write_text(MANIFEST)
    root.mkdir()
    (root / "ruleset.yaml").symlink_to(outside)
    (root / "rules.yaml").write_text(RULE)


def _symlink_loop(root: Path) -> None:
    link = _with_manifest(root) / "rules.yaml"
    link.symlink_to(link)


def _fifo_rule_file(root: Path) -> PipeWatch:
    pipe = _with_manifest(root) / "rules.yaml"
    os.mkfifo(pipe)
    return PipeWatch(pipe)


def _rules(count: int, branches: int, first: int = 0) -> str:
    """A rule file of ``count`` rules, each with ``branches`` alternatives no other rule shares."""
    lines = ["category: timing", "rules:"]
    for n in range(first, first + count):
        when = "{any: [" + ", ".join(f"'months_in_role == {n * branches + k}'" for k in range(branches)) + "]}"
        lines.append(f"  - {{id: timing.r{n}, priority: 10, title: R, when: {when}, recommend: x}}")
    return "\n".join(lines) + "\n"


def _too_many_rules(root: Path) -> None:
    """1,001 rules in two files, each file within its own limit."""
    _with_manifest(root)
    (root / "a.yaml").write_text(_rules(600, 1))
    (root / "b.yaml").write_text(_rules(401, 1, first=600))


RECIPES = {
    "symlink-rule-file-outside": _symlink_rule_file_outside,
    "symlink-manifest-outside": _symlink_manifest_outside,
    "symlink-to-a-device": lambda root: (_with_manifest(root) / "rules.yaml").symlink_to("/dev/zero"),
    "symlink-loop": _symlink_loop,
    "fifo-rule-file": _fifo_rule_file,
    "huge-rule-file": lambda root: (_with_manifest(root) / "rules.yaml").write_text(RULE + "# " + "x" * 2**21 + "\n"),
    "too-many-rules-in-a-file": lambda root: (_with_manifest(root) / "rules.yaml").write_text(_rules(1001, 1)),
    "too-many-rules": _too_many_rules,
    "too-many-sibling-conditions": lambda root: (_with_manifest(root) / "rules.yaml").write_text(_rules(100, 30)),
}


def _params(section: str, gap_key: str) -> list:
    params = []
    for name, case in INDEX[section].items():
        reason = case.get(gap_key)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(section, name, case, id=name, marks=marks))
    return params


def _case(section: str, name: str, case: dict, tmp_path: Path) -> tuple[Path, Path, Optional[PipeWatch]]:
    """(case directory, the directory to load, a pipe watch if the case has a pipe)."""
    if section == "cases":
        root = CORPUS / name
        watch = None
    else:
        root = tmp_path / name
        made = RECIPES[name](root)
        watch = made if isinstance(made, PipeWatch) else None
    return root, root / case.get("load", ""), watch


def _expected(root: Path, case: dict) -> tuple[str, int]:
    file, _, line = case["at"].partition(":")
    return str(root if file == "." else root / file), int(line or 0)


_CHILD = """
import json, sys
from promorules.errors import InputError
from promorules import load_ruleset
try:
    load_ruleset(sys.argv[1])
except InputError as exc:
    print(json.dumps([[p.location.file, p.location.line, p.message] for p in exc.problems]))
else:
    print("null")
"""


def _problems(target: Path, in_child: bool) -> Optional[list[tuple[str, int, str]]]:
    """What load_ruleset reports (None if it accepts the ruleset); hostile cases load in a child process."""
    if not in_child:
        try:
            load_ruleset(target)
        except InputError as exc:
            return [(p.location.file, p.location.line, p.message) for p in exc.problems]
        return None
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(target)], capture_output=True, text=True, cwd=ROOT, timeout=TIMEOUT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    return None if found is None else [tuple(item) for item in found]


def test_the_index_lists_every_case_directory_and_every_recipe():
    directories = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert directories == set(INDEX["cases"])
    assert set(INDEX["generated"]) == set(RECIPES)
    assert len(INDEX["cases"]) + len(INDEX["generated"]) >= 25


@pytest.mark.parametrize("section, name, case", _params("cases", "gap") + _params("generated", "gap"))
def test_load_ruleset_refuses_at_the_file_and_line(section, name, case, tmp_path):
    root, target, watch = _case(section, name, case, tmp_path)
    if watch:
        with watch:
            problems = _problems(target, in_child=True)
        assert not watch.opened, "the loader opened a named pipe (it would wait for a writer forever)"
    else:
        problems = _problems(target, in_child=case.get("command", False))
    assert problems is not None, "the ruleset was accepted"
    file, line = _expected(root, case)
    if case["at"] == ".":  # the ruleset as a whole: the directory, or a file in it, without a line
        at_place = [message for where, number, message in problems if where.startswith(file) and not number]
    else:
        at_place = [message for where, number, message in problems if where == file and number == line]
    assert at_place, f"nothing reported at {case['at']}; reported: {problems}"
    assert any(case.get("expect", "") in message for message in at_place), at_place


@pytest.fixture
def durable_networks(monkeypatch):
    """Counts the durable-rules networks created, while still creating them."""
    created: list[str] = []
    real = durable_engine._durable

    class Spy:
        def __getattr__(self, name):
            return getattr(real, name)

        @staticmethod
        def create_ruleset(name, definition):
            created.append(name)
            return real.create_ruleset(name, definition)

    monkeypatch.setattr(durable_engine, "_durable", Spy())
    return created


def _command(args: list[str], case: dict, tmp_path: Path, watch: Optional[PipeWatch]) -> tuple[int, str, str]:
    """Run a promorules command: in a child process for hostile cases, else in this process."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    if case.get("command") or watch:

        def run() -> subprocess.CompletedProcess:
            return subprocess.run([str(PROMORULES), *args], capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT)

        if watch:
            with watch:
                done = run()
            assert not watch.opened, "the command opened a named pipe (it would wait for a writer forever)"
        else:
            done = run()
        code, out, err = done.returncode, done.stdout, done.stderr
    else:
        result = CliRunner().invoke(main, args)
        code, out, err = result.exit_code, result.stdout, result.stderr
    assert "Traceback" not in out + err
    assert list(cwd.iterdir()) == [], "nothing is written, and nothing in the ruleset is run"
    return code, out, err


def _names_the_place(lines: list[str], root: Path, case: dict) -> bool:
    """Some problem line names the case's file:line (for "." the directory, or a file in it, without a line)."""
    file, line = _expected(root, case)
    texts = [text.removeprefix("error: ") for text in lines]
    if line:
        found = [text for text in texts if text.startswith(f"{file}:{line}:")]
    elif case["at"] == ".":
        found = [text for text in texts if re.match(re.escape(str(root)) + r"(/[^:]*)?: ", text)]
    else:
        found = [text for text in texts if text.startswith(f"{file}: ")]
    return any(case.get("expect", "") in text for text in found)


@pytest.mark.parametrize("section, name, case", _params("cases", "cli_gap") + _params("generated", "cli_gap"))
def test_advise_with_the_ruleset_exits_2_naming_the_place(section, name, case, tmp_path, durable_networks):
    root, target, watch = _case(section, name, case, tmp_path)
    code, out, err = _command(["advise", str(PERSON), "--ruleset", str(target)], case, tmp_path, watch)
    if not (case.get("command") or watch):
        assert durable_networks == [], "a refused ruleset must never reach durable-rules"
    assert code == 2, f"exit {code}: {(out + err)[-800:]}"
    assert out == ""
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and all(line.startswith("error: ") for line in lines), err[:1000]
    assert _names_the_place(lines, root, case), err[:1000]


@pytest.mark.parametrize("section, name, case", _params("cases", "validate_gap") + _params("generated", "validate_gap"))
def test_ruleset_validate_reports_the_place(section, name, case, tmp_path):
    """What a coach runs while writing: a problem line per mistake at its file:line, then a summary line."""
    root, target, watch = _case(section, name, case, tmp_path)
    code, out, err = _command(["ruleset", "validate", str(target)], case, tmp_path, watch)
    assert code in (1, 2) and "internal problem" not in out + err, f"exit {code}: {(out + err)[-800:]}"
    lines = [line for line in (out + err).splitlines() if line.strip() and not re.search(r": \d+ rules?, ", line)]
    assert _names_the_place(lines, root, case), (out + err)[:1000]
