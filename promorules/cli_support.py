"""What every ``promorules`` command shares: the promise of no traceback, and option parsers.

Exit codes: 0 success; 2 bad input (facts, ruleset or options), with a message
naming the file and line or the field; 1 an internal problem. Never a
traceback (set PROMORULES_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from functools import wraps
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .errors import InputError

# Nothing else is imported here at the start: `promorules --help` and `--version` load this module, and must
# start as fast as click alone. What a command needs is imported when it runs.


def iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f'"{value}" is not a date like 2026-11-24') from None


def threshold_settings(ctx, param, values):
    """NAME=VALUE pairs; the value is read like YAML (12, 1.5, balanced)."""
    import yaml

    settings = {}
    for text in values:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f'"{text}" is not NAME=VALUE, e.g. leave_policy=conservative')
        try:
            settings[name.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            settings[name.strip()] = value
    return settings


def as_of_option(help: str):
    """The ``--as-of DATE`` option every command that advises takes; only its help differs by command."""
    return click.option("--as-of", callback=iso_date, default=None, metavar="DATE", help=help)


def advice_format_option(help: str):
    """The ``--format text|markdown|json`` option of the commands that show advice (parameter ``output``)."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(["text", "markdown", "json"]),
        default="text",
        show_default=True,
        help=help,
    )


RULESET_OPTION = click.option(
    "--ruleset",
    "ruleset_path",
    type=click.Path(),
    default=None,
    help="A ruleset directory. Default: the bundled guidance.",
)
THRESHOLD_OPTION = click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    callback=threshold_settings,
    metavar="NAME=VALUE",
    help="Tune a threshold of the ruleset, e.g. leave_policy=conservative. Repeatable.",
)


def friendly(command):
    """Turn expected failures into messages and exit codes, and hide tracebacks."""

    @wraps(command)
    def run(*args, **kwargs):
        from .engine.compiler import NetworkError
        from .errors import InputError, Location, Problem, PromorulesError

        try:
            return command(*args, **kwargs)
        except OSError as exc:
            if exc.filename is None:  # not about a file the command was given: an internal problem
                _internal(exc)
            # a file the command was told to use, e.g. -o in a folder that does not exist
            _refuse(InputError([Problem(Location(str(exc.filename)), f"cannot use this file: {exc.strerror or exc}")]))
        except InputError as exc:
            _refuse(exc)
        except NetworkError as exc:
            click.echo(f"error: the ruleset is too large for the engine: {exc}", err=True)
            sys.exit(2)
        except PromorulesError as exc:  # the root: a new kind of error keeps its exit code without a new branch
            if exc.exit_code == 1:
                _internal(exc)
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - the promise is "no traceback"
            _internal(exc)

    return run


def _refuse(exc: InputError) -> None:
    from .text_safety import one_line

    for problem in exc.problems:  # a message may quote a key or value from the input: shown, never run
        click.echo(f"error: {one_line(str(problem))}", err=True)
    sys.exit(2)


def _internal(exc: Exception) -> None:
    if os.environ.get("PROMORULES_DEBUG"):
        raise exc
    click.echo(
        f"promorules: internal problem ({type(exc).__name__}: {exc}). Run again with PROMORULES_DEBUG=1 for details.",
        err=True,
    )
    sys.exit(1)
