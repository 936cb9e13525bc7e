"""The commands a person uses besides ``advise``: explain a rule, draft the case, the interview."""
from __future__ import annotations

import sys

import click

from .advisor import Advisor
from .cli_support import friendly, iso_date
from .factsfile import read_facts

RULESET_OPTION = click.option("--ruleset", "ruleset_path", type=click.Path(), default=None,
                              help="A ruleset directory. Default: the bundled guidance.")


@click.command()
@click.argument("rule_id")
@click.option("--facts", "facts_path", type=click.Path(), default=None, metavar="FILE",
              help="A facts file: show, for each condition, your value and whether it held.")
@click.option("--as-of", callback=iso_date, default=None, metavar="DATE", help="The day to explain for.")
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
    facts = read_facts(facts_path, as_of=as_of) if facts_path else None
    click.echo(explain_rule(advisor, rule_id, facts), nl=False)


@click.command()
@click.argument("facts", metavar="FACTS|-")
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the draft to this Markdown file instead of the screen.")
@click.option("--as-of", callback=iso_date, default=None, metavar="DATE", help="The day to draft for.")
@RULESET_OPTION
@friendly
def case(facts, output_path, as_of, ruleset_path):
    """Draft your written promotion case in Markdown, in the five parts, with weak parts flagged.

    \b
    Example:
      promorules case examples/claire-ready-to-ask.yaml -o my-case.md
    """
    from .casedraft import draft_case

    text = draft_case(Advisor(ruleset_path), read_facts(facts, as_of=as_of))
    if output_path:
        with open(output_path, "w", encoding="utf-8") as out:
            out.write(text)
        click.echo(f"Draft written to {output_path}.", err=True)
    else:
        click.echo(text, nl=False)


@click.command()
@click.option("-o", "--output", "output_path", type=click.Path(dir_okay=False), default=None, metavar="FACTS.yaml",
              help="Where to save your answers. Default: the --facts file, or my-promotion-facts.yaml.")
@click.option("--facts", "facts_path", type=click.Path(), default=None, metavar="FILE",
              help="Start from an existing facts file (and only ask what is still missing).")
@click.option("--as-of", callback=iso_date, default=None, metavar="DATE", help="The day to advise for. Default: today.")
@click.option("--max-questions", type=click.IntRange(1, 200), default=15, show_default=True,
              help="Stop asking after this many questions.")
@click.option("--format", "output", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="How to show the advice at the end.")
@RULESET_OPTION
@friendly
def interview(output_path, facts_path, as_of, max_questions, output, ruleset_path):
    """Answer a few questions (only those that can change your advice), save them, and get your advice.

    Answers can also be piped in, one per line.

    \b
    Example:
      promorules interview -o my-facts.yaml
      promorules interview --facts my-facts.yaml
    """
    from datetime import date

    import yaml

    from .interview import Interview
    from .outlook import full_advice
    from .render import print_advice

    advisor = Advisor(ruleset_path)
    known = {}
    if facts_path:
        known = read_facts(facts_path).model_dump(mode="json", exclude_none=True)
    day = as_of or (date.fromisoformat(known["as_of"]) if "as_of" in known else date.today())
    known.pop("as_of", None)
    session = Interview(advisor, known, day, max_questions)
    stdin = sys.stdin

    def read_line():
        line = stdin.readline()
        return line if line else None

    session.run(read_line, lambda text: click.echo(text, nl=False, err=True))
    facts = session.validated()
    target = output_path or facts_path or "my-promotion-facts.yaml"
    with open(target, "w", encoding="utf-8") as out:
        yaml.safe_dump(facts.model_dump(mode="json", exclude_none=True), out, sort_keys=False, allow_unicode=True)
    click.echo(f"\n\nYour answers are saved in {target} ({len(session.asked)} questions asked).\n", err=True)
    print_advice(full_advice(advisor, facts), output)
