"""`promorules --version` and `--help` start on click alone: the command families and the models load when used.

Each check runs the command in a fresh interpreter and reads which modules it imported, since a module
imported once stays imported for the rest of a test session.
"""

import json
import subprocess
import sys

import pytest

COMMANDS = ["advise", "batch", "case", "explain", "interview", "ruleset", "schema", "serve", "studio"]
HEAVY = ("pydantic", "durable_rules_engine", "yaml", "rich", "gherkin", "fastapi")

# Runs the command in-process, then prints the modules it imported (atexit: the command ends in sys.exit).
RUN_AND_LIST_MODULES = """
import atexit, sys
atexit.register(lambda: print("MODULES", *sorted(sys.modules), file=sys.stderr))
from promorules.cli import main
main(prog_name="promorules")
"""

HELP_LAZY_AND_LOADED = """
import json, sys
import click
from click.testing import CliRunner
from promorules.cli import main

widths = (50, 80, 200)
lazy = [CliRunner().invoke(main, ["--help"], terminal_width=w).output for w in widths]
imported = sorted(sys.modules)
context = click.Context(main)
for name in main.list_commands(context):
    main.get_command(context, name)  # every family loaded, as before they were lazy
loaded = [CliRunner().invoke(main, ["--help"], terminal_width=w).output for w in widths]
print(json.dumps({"lazy": lazy, "loaded": loaded, "imported": imported}))
"""


def _modules(stderr: str) -> set[str]:
    line = next(line for line in stderr.splitlines() if line.startswith("MODULES "))
    return set(line.split()[1:])


def _heavy(modules: set[str]) -> list[str]:
    """The modules beyond click: the third-party packages a command needs, and our own beyond the command."""
    ours = {"promorules", "promorules.cli", "promorules.cli_support"}
    return sorted(
        name for name in modules if name.split(".")[0] in HEAVY or (name.startswith("promorules") and name not in ours)
    )


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_version_and_help_import_nothing_but_click(option):
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, option], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert _heavy(_modules(done.stderr)) == []
    if option == "--version":
        assert done.stdout.startswith("promorules, version ")
    else:
        assert all(f"  {name} " in done.stdout for name in COMMANDS)


def test_help_lists_every_command_as_the_loaded_commands_describe_themselves():
    done = subprocess.run([sys.executable, "-c", HELP_LAZY_AND_LOADED], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert _heavy(set(found["imported"])) == []
    assert found["lazy"] == found["loaded"]  # at every width: same names, same shortened help
    listed = found["lazy"][-1].split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == COMMANDS


def test_advise_still_advises_after_a_lazy_start(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text("as_of: 2026-11-24\nrole_start_date: 2026-05-01\n")
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST_MODULES, "advise", str(facts), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["recommendations"]
    assert not {"promorules.coach.cli", "promorules.service.cli", "promorules.person.cli"} & _modules(done.stderr)
