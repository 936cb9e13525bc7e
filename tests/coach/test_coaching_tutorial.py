"""docs/coaching.md works as written: its files and commands, run in order with the installed promorules.

Code blocks with ``title="PATH"`` are files to write; ``console`` blocks hold
commands (lines starting with ``$ ``) followed by the output the tutorial shows.
In shown output, a line ``...`` stands for any number of lines and ``...``
inside a line for any text. ``exit=N`` after ``console`` gives the expected exit
code (0 otherwise).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "docs" / "coaching.md"
BLOCK = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.M | re.S)


def steps(text: str) -> list[tuple]:
    """('file', path, content) and ('run', command, shown output lines, exit code), in document order."""
    found = []
    for block in BLOCK.finditer(text):
        info, body = block["info"].strip(), block["body"]
        title = re.search(r'title="([^"]+)"', info)
        if title:
            found.append(("file", title[1], body))
        elif info.split(" ")[0] == "console":
            exit_code = int(re.search(r"exit=(\d+)", info)[1]) if "exit=" in info else 0
            command = None
            for line in body.splitlines():
                if line.startswith("$ "):
                    if command:
                        found.append(("run", *command, exit_code))
                    command = (line[2:], [])
                elif command:
                    command[1].append(line)
            if command:
                found.append(("run", *command, exit_code))
    return found


def line_matches(shown: str, actual: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in shown.split("..."))
    return re.fullmatch(pattern, actual) is not None


def output_matches(shown: list[str], actual: list[str]) -> bool:
    """Every shown line, in order; '...' alone skips any lines; nothing else may be left over."""
    position, skipping = 0, False
    for line in shown:
        if line == "...":
            skipping = True
            continue
        while skipping and position < len(actual) and not line_matches(line, actual[position]):
            position += 1
        if position >= len(actual) or not line_matches(line, actual[position]):
            return False
        position, skipping = position + 1, False
    return skipping or position == len(actual)


def test_the_tutorial_has_files_and_commands_for_every_command_family():
    found = steps(TUTORIAL.read_text())
    commands = " ".join(step[1] for step in found if step[0] == "run")
    for needed in ("ruleset validate", "ruleset test", "ruleset diff", "ruleset doc", "advise"):
        assert f"promorules {needed}" in commands
    files = [step[1] for step in found if step[0] == "file"]
    assert "my-ruleset/ruleset.yaml" in files and any(name.endswith(".feature") for name in files)


def test_the_tutorial_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PROMORULES_DEBUG", None)
    outputs = {}
    for step in steps(TUTORIAL.read_text()):
        if step[0] == "file":
            path = tmp_path / step[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(step[2])
            continue
        _, command, shown, exit_code = step
        assert command.startswith("promorules "), command
        done = subprocess.run(command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == exit_code, f"$ {command}\n{done.stdout}{done.stderr}"
        actual = done.stdout.splitlines()
        outputs[command] = done.stdout
        assert output_matches(shown, actual), f"$ {command}\nshown:\n" + "\n".join(shown) + "\nactual:\n" + done.stdout
    impact = next(text for command, text in outputs.items() if "--people" in command)
    for rule in ("acme.sales-talk-to-manager-first", "timing.avoid-under-12-months"):  # Acme's rules meet people
        row = re.search(rf"^{re.escape(rule)} \(.*?\s\s+(added|reworded \([^)]*\))\s+(\d+)", impact, re.M)
        assert row and int(row[2]) >= 1, impact
    assert (tmp_path / "handbook.md").read_text().startswith("# acme-coaching 1.0.0\n")
    client = (tmp_path / "guidance.md").read_text()
    assert "(company rule)" in client and "Talk the missed quotas over with your manager first" in client
    assert "acme.sales-talk-to-manager-first" not in client  # no rule ids for a client
    page = (tmp_path / "guidance.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "(company rule)" in page


def written_files() -> dict[str, str]:
    """Each file the tutorial has the coach write, as it last reads."""
    return {step[1]: step[2] for step in steps(TUTORIAL.read_text()) if step[0] == "file"}


def test_the_tutorial_does_the_company_job_without_a_workaround():
    """Acme's policy, as the tutorial's opening states it, is each done the direct way, and then checked."""
    files = written_files()
    manifest = yaml.safe_load(files["my-ruleset/ruleset.yaml"])
    assert manifest["thresholds"]["min_months_in_role"]["default"] == 18
    assert set(manifest["facts"]) == {"department", "missed_quota_count", "talked_to_manager"}
    assert manifest["disable"] == ["negotiate.know-market-rate"]
    assert "file" not in manifest["sources"]["ACME"]  # a company's policy has no file to keep
    rules = {
        rule["id"]: rule
        for name, text in files.items()
        if name.startswith("my-ruleset/") and name.endswith(".yaml") and name != "my-ruleset/ruleset.yaml"
        for rule in yaml.safe_load(text)["rules"]
    }
    sales = rules["acme.sales-talk-to-manager-first"]
    assert sales["when"] == ["department == sales", "missed_quota_count >= 2", "not talked_to_manager"]
    assert "ask-now" in sales["hold_back"]
    reworded = rules["timing.avoid-under-12-months"]
    assert reworded["replaces"] is True and "Acme" in reworded["title"]
    scenarios = files["my-ruleset/features/acme-policy.feature"]
    for step in (
        'Then "negotiate.know-market-rate" is disabled',
        'Then "acme.sales-talk-to-manager-first" does not fire',
    ):
        assert step in scenarios
    assert re.search(r'is held back by "acme\.sales-talk-to-manager-first"', scenarios)
    commands = [step[1] for step in steps(TUTORIAL.read_text()) if step[0] == "run"]
    for needed in (
        r"ruleset validate my-ruleset --strict$",
        r"ruleset test my-ruleset$",
        r"explain acme\.sales-talk-to-manager-first .*--facts ",
        r"ruleset diff default my-ruleset .*--people \d+",
        r"ruleset diff .*--person ",
        r"ruleset doc my-ruleset --audience client -o guidance\.md$",
        r"ruleset doc my-ruleset --audience client --format html -o guidance\.html$",
    ):
        assert any(re.search(needed, command) for command in commands), needed


def test_the_output_matching_is_strict_where_the_tutorial_is_literal():
    assert output_matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert output_matches(["x: ... rules"], ["x: 12 rules"])
    assert not output_matches(["a", "d"], ["a", "b", "d"])
    assert not output_matches(["a"], ["a", "b"])
    assert not output_matches(["x: ... rules, 0 errors"], ["x: 12 rules, 1 errors"])
