"""The commands a person uses besides ``advise``: explain a rule, draft the case, the interview."""
from __future__ import annotations

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
