"""The commands a person uses besides ``advise``: explain a rule, draft the case, the interview."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Optional

import click

from ..advisor import Advisor
from ..cli_support import RULESET_OPTION, advice_format_option, as_of_option, friendly
from ..errors import InputError, Location, Problem
from ..facts.files import load_facts, read_facts, validate_facts


@click.command()
@click.argument("rule_id")
@click.option(
    "--facts",
    "facts_path",
    type=click.Path(),
    default=None,
    metavar="FILE",
    help="A facts file: show, for each condition, your value and whether it held.",
)
@as_of_option("The day to explain for.")
@RULESET_OPTION
@friendly
def explain(rule_id, facts_path, as_of, ruleset_path):
    """Explain one rule: when it applies, its thresholds and sources; with --facts, how it applies to you.

    \b
    Example:
      promorules explain timing.avoid-freeze --facts examples/priya-hiring-freeze.yaml
    """
    from .explain import explain as explain_rule

    advisor = Advisor(ruleset_path)
    model = advisor.ruleset.facts_model  # with the ruleset's own facts
    facts = read_facts(facts_path, as_of=as_of, model=model) if facts_path else None
    click.echo(explain_rule(advisor, rule_id, facts), nl=False)


@click.command()
@click.argument("facts", metavar="FACTS|-")
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the draft to this Markdown file instead of the screen. An existing file is not "
    "replaced without --force, and the facts file never.",
)
@click.option("--force", is_flag=True, help="Replace the output file even if it exists.")
@as_of_option("The day to draft for.")
@RULESET_OPTION
@friendly
def case(facts, output_path, force, as_of, ruleset_path):
    """Draft your written promotion case in Markdown, in the five parts, with weak parts flagged.

    \b
    Example:
      promorules case examples/claire-ready-to-ask.yaml -o my-case.md
    """
    from .casedraft import draft_case
    from ..outfile import check_target, write_file

    if output_path:
        check_target(output_path, [facts], force)  # before the work, so a mistake costs nothing
    advisor = Advisor(ruleset_path)
    text = draft_case(advisor, read_facts(facts, as_of=as_of, model=advisor.ruleset.facts_model))
    if output_path:
        write_file(output_path, text, [facts], force)
        click.echo(f"Draft written to {output_path}.", err=True)
    else:
        click.echo(text, nl=False)


@click.command()
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FACTS.yaml",
    help="Where to save your answers. Default: the --facts file, or my-promotion-facts.yaml. "
    "An existing file other than the --facts file is not replaced without --force.",
)
@click.option(
    "--facts",
    "facts_path",
    type=click.Path(),
    default=None,
    metavar="FILE",
    help="Start from an existing facts file (and only ask what is still missing).",
)
@click.option("--force", is_flag=True, help="Replace the output file even if it exists.")
@as_of_option(
    "The day to advise for, saved in the file. Default: the as_of of the --facts file if it has "
    "one, else today, which is not saved, so the file is advised for the day it is used."
)
@click.option(
    "--max-questions",
    type=click.IntRange(1, 200),
    default=15,
    show_default=True,
    help="Stop asking after this many questions.",
)
@advice_format_option("How to show the advice at the end.")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Show every recommendation in full (by default the first few for this moment are, "
    "the rest one line each; json always has everything).",
)
@RULESET_OPTION
@friendly
def interview(output_path, facts_path, force, as_of, max_questions, output, everything, ruleset_path):
    """Answer a few questions (only those that can change your advice), save them, and get your advice.

    Answers can also be piped in, one per line.

    \b
    Example:
      promorules interview -o my-facts.yaml
      promorules interview --facts my-facts.yaml
    """
    import yaml

    from .interview import Interview
    from ..advisor import full_advice
    from ..advice.render import print_advice

    target = output_path or facts_path or "my-promotion-facts.yaml"
    check_can_save(target, facts_path, force)
    advisor = Advisor(ruleset_path)
    known, keep_day = {}, as_of is not None
    if facts_path:
        located = load_facts(facts_path)
        model = advisor.ruleset.facts_model  # with the ruleset's own facts
        known = validate_facts(located, as_of=as_of, model=model).model_dump(mode="json", exclude_none=True)
        if not keep_day and located.data.get("as_of") is not None:
            keep_day = True
            click.echo(
                f"Advising for {known['as_of']}, the as_of in {facts_path} "
                "(remove it from the file to be advised for today).",
                err=True,
            )
    day = date.fromisoformat(known.pop("as_of")) if facts_path else as_of or date.today()
    session = Interview(advisor, known, day, max_questions)
    stdin = sys.stdin

    def read_line():
        line = stdin.readline()
        return line if line else None

    session.run(read_line, lambda text: click.echo(text, nl=False, err=True))
    facts = session.validated()
    saved = facts.model_dump(mode="json", exclude_none=True)
    if not keep_day:
        del saved["as_of"]
    from ..outfile import write_file

    # checked by check_can_save before the first question; replacing the facts file resumed is the point
    write_file(target, yaml.safe_dump(saved, sort_keys=False, allow_unicode=True), force=True)
    questions = "question" if len(session.asked) == 1 else "questions"
    click.echo(f"\n\nYour answers are saved in {target} ({len(session.asked)} {questions} asked).\n", err=True)
    print_advice(full_advice(advisor, facts), output, everything)


def check_can_save(target: str, facts_path: Optional[str], force: bool) -> None:
    """Refuse before the first question, not after the last, when the answers could not be saved or would
    replace a file the person did not ask to continue from."""
    where = Location(target)
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        raise InputError([Problem(where, f"cannot save your answers there: the folder {folder} does not exist")])
    if os.path.exists(target):
        continuing = facts_path is not None and os.path.exists(facts_path) and os.path.samefile(target, facts_path)
        if not continuing and not force:
            raise InputError(
                [
                    Problem(
                        where, f"already exists; use `--facts {target}` to continue from it, or `--force` to replace it"
                    )
                ]
            )
        if not os.access(target, os.W_OK):
            raise InputError([Problem(where, "cannot save your answers: the file is not writable")])
    elif not os.access(folder, os.W_OK):
        raise InputError([Problem(where, f"cannot save your answers there: the folder {folder} is not writable")])
