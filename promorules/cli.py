"""The ``promorules`` command.

Exit codes: 0 advice given; 2 bad input (facts, ruleset or options), with a
message naming the file and line or the field; 1 an internal problem. Never a
traceback (set PROMORULES_DEBUG=1 to see one).
"""

from __future__ import annotations

import gc
import importlib
import sys

import click

from .cli_support import RULESET_OPTION, THRESHOLD_OPTION, advice_format_option, as_of_option, friendly

# Command families defined in their own modules, imported only when used, each with the first paragraph of its
# help: `promorules --help` lists the commands from these lines alone, so it and `--version` import nothing but
# click, and `promorules advise` pays for neither the Gherkin parser nor the HTTP service.
LAZY_COMMANDS = {
    "explain": (
        "promorules.person.cli",
        "Explain one rule: when it applies, its thresholds and sources; with --facts, how it applies to you.",
    ),
    "case": (
        "promorules.person.cli",
        "Draft your written promotion case in Markdown, in the five parts, with weak parts flagged.",
    ),
    "interview": (
        "promorules.person.cli",
        "Answer a few questions (only those that can change your advice), save them, and get your advice.",
    ),
    "ruleset": ("promorules.coach.cli", "Check, show, document, test and compare rulesets."),
    "schema": (
        "promorules.service.cli",
        "Print the JSON Schema of the facts (input), or of the advice (output) in full or as its summary or ids view.",
    ),
    "batch": (
        "promorules.service.cli",
        "Advise every person in a JSONL, CSV or TSV file, one output line per record.",
    ),
    "serve": ("promorules.service.cli", "Serve advice over HTTP (FastAPI; needs the server extra)."),
    "studio": (
        "promorules.coach.studio",
        "Edit a ruleset in your browser: checks on every save, live advice, scenarios and impact.",
    ),
}
# What a family needs beyond the core install, by the extra that brings it (pyproject.toml).
EXTRAS = {"promorules.coach.cli": "coach"}


class _Commands(click.Group):
    """The command group, with the families of LAZY_COMMANDS loaded on first use."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in LAZY_COMMANDS:
            module = LAZY_COMMANDS[name][0]
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

    def format_commands(self, ctx, formatter) -> None:
        """The commands listed as click lists them, a family not loaded yet by its help in LAZY_COMMANDS."""
        listed = {
            name: self.commands.get(name) or click.Command(name, help=LAZY_COMMANDS[name][1])
            for name in self.list_commands(ctx)
        }
        click.Group(commands=listed).format_commands(ctx, formatter)


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
@as_of_option("The day to advise for (YYYY-MM-DD). Default: the facts' as_of, or today.")
@advice_format_option(
    "text for people (laid out in colour on a terminal, plain when piped), "
    "markdown to share with a coach, json for programs (see `promorules schema advice`)."
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
    # Python's cyclic collector would run dozens of times while the models and the advisor are built, and find
    # nothing to free: what they build lives until the process ends. It runs again before the facts are read.
    gc.disable()
    try:
        from .advice.render import print_advice
        from .advisor import bundled_ruleset_path, full_advice
        from .engine.cache import compiled_ruleset
        from .facts.files import read_facts

        # The ruleset compiled by an earlier run when nothing it was made from changed (engine/cache.py).
        with compiled_ruleset(ruleset_path or bundled_ruleset_path(), thresholds) as ruleset:
            advisor = sys.modules[__name__].Advisor(ruleset)  # see __getattr__ below
    finally:
        gc.enable()
    person = read_facts(facts, as_of=as_of, model=advisor.ruleset.facts_model)  # with the ruleset's own facts
    print_advice(full_advice(advisor, person), output, everything)


def __getattr__(name: str):
    """`promorules.cli.Advisor`, imported when `advise` runs rather than when the command starts.

    Read through the module, so a caller advising many files in one process may put a shared advisor here.
    """
    if name == "Advisor":
        from .advisor import Advisor

        return Advisor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
