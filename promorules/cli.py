"""The ``promorules`` command.

Exit codes: 0 advice given; 2 bad input (facts, ruleset or options), with a
message naming the file and line or the field; 1 an internal problem. Never a
traceback (set PROMORULES_DEBUG=1 to see one).
"""

from __future__ import annotations

import importlib

import click

from .advisor import Advisor
from .cli_support import RULESET_OPTION, THRESHOLD_OPTION, friendly, iso_date
from .facts.files import read_facts
from .advisor import full_advice
from .advice.render import print_advice

# Command families defined in their own modules, imported only when used (so
# `promorules advise` does not pay for the Gherkin parser or the HTTP service).
LAZY_COMMANDS = {
    "explain": "promorules.person.cli",
    "case": "promorules.person.cli",
    "interview": "promorules.person.cli",
    "ruleset": "promorules.coach.cli",
    "schema": "promorules.service.cli",
    "batch": "promorules.service.cli",
    "serve": "promorules.service.cli",
    "studio": "promorules.coach.studio",
}
# What a family needs beyond the core install, by the extra that brings it (pyproject.toml).
EXTRAS = {"promorules.coach.cli": "coach"}


class _Commands(click.Group):
    """The command group, with the families of LAZY_COMMANDS loaded on first use."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in LAZY_COMMANDS:
            module = LAZY_COMMANDS[name]
            try:
                self.add_command(getattr(importlib.import_module(module), name))
            except ModuleNotFoundError as exc:
                if module not in EXTRAS or (exc.name or "").startswith("promorules"):
                    raise
                extra = EXTRAS[module]
                click.echo(
                    f"error: `promorules {name}` needs the {extra} extra ({exc.name} is missing); "
                    f"install it with: pip install 'promorules[{extra}]'",
                    err=True,
                )
                ctx.exit(2)
        return self.commands.get(name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="promorules")
def main():
    """Promotion advice from declarative rulesets.

    \b
    Example:
      promorules interview -o my-facts.yaml
      promorules advise examples/priya-hiring-freeze.yaml

    \b
    Exit codes: 0 success; 2 bad input (the message names the file and
    line, or the field); 1 an internal problem, or for `ruleset validate`
    and `ruleset test`, mistakes found or scenarios failed.
    """


@main.command()
@click.argument("facts", metavar="FACTS|-")
@RULESET_OPTION
@click.option(
    "--as-of",
    callback=iso_date,
    default=None,
    metavar="DATE",
    help="The day to advise for (YYYY-MM-DD). Default: the facts' as_of, or today.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people (laid out in colour on a terminal, plain when piped), "
    "markdown to share with a coach, json for programs (see `promorules schema advice`).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Show every recommendation in full (by default the first few for this moment are, the rest "
    "one line each; json always has everything).",
)
@THRESHOLD_OPTION
@friendly
def advise(facts, ruleset_path, as_of, output, everything, thresholds):
    """Advise one person, from a YAML or JSON facts file (or - for standard input).

    docs/facts.md describes every fact a file can give; `promorules
    interview` writes the file for you by asking.

    \b
    Example:
      promorules advise examples/priya-hiring-freeze.yaml --format json
    """
    advisor = Advisor(ruleset_path, thresholds=thresholds)
    print_advice(full_advice(advisor, read_facts(facts, as_of=as_of)), output, everything)
