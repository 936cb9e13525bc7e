"""``promorules ruleset ...``: the commands a coach uses to adapt, check and document guidance.

validate (mistakes and warnings, each at its file:line), show (the effective
ruleset of a stack of layers), doc (a Markdown handbook), test (the coach's
Gherkin scenarios, no Python needed) and diff (how a change moves real
people's advice).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..advisor import Advisor, bundled_ruleset_path, check_ruleset
from ..cli_support import THRESHOLD_OPTION, advice_format_option, as_of_option, friendly
from .layers import effective_yaml
from ..errors import MAX_PROBLEMS, InputError, Location, Problem
from ..facts.files import read_facts
from .handbook import client_handbook, handbook
from .lint import lint
from ..ruleset.loader import BUNDLED
from .diff import compare, facts_files, person_model, to_json, to_markdown, to_text, why_changed, why_text
from .scenarios import NO_SCENARIOS, Advisors, run_features


def ruleset_path(text: str) -> Path:
    """A ruleset directory; ``default`` names the bundled guidance unless such a directory exists here."""
    path = Path(text)
    if text == BUNDLED and not path.exists():
        return bundled_ruleset_path()
    return path


def _loaded(path: Path):
    """The report of a ruleset that must load; its problems become the usual exit 2."""
    report = check_ruleset(path)
    if report.problems:
        raise InputError(report.problems)
    return report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def ruleset():
    """Check, show, document, test and compare rulesets.

    PATH is a ruleset directory, or "default" for the bundled guidance.

    \b
    Example:
      promorules ruleset validate my-ruleset/
    """


@ruleset.command()
@click.argument("path")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@friendly
def validate(path, strict):
    """Report every mistake (file:line:col: message) and every warning of a ruleset.

    Exit codes: 0 no errors (and no warnings with --strict); 1 errors found,
    or warnings with --strict.

    \b
    Example:
      promorules ruleset validate my-ruleset/ --strict
    """
    root = ruleset_path(path)
    report = check_ruleset(root)
    errors = [str(problem) for problem in report.problems]
    warnings = [str(warning) for warning in lint(report)] if not errors else []
    lines = errors + warnings
    for line in lines[:MAX_PROBLEMS]:
        click.echo(line)
    if len(lines) > MAX_PROBLEMS:  # the summary below still counts them all
        more = len(lines) - MAX_PROBLEMS
        click.echo(f"... and {more} more {'problem' if more == 1 else 'problems'}")
    click.echo(
        f"{root}: {_count(report.rule_count, 'rule')}, {_count(len(errors), 'error')}, "
        f"{_count(len(warnings), 'warning')}"
    )
    if errors or (strict and warnings):
        sys.exit(1)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


@ruleset.command()
@click.argument("path")
@click.option(
    "--effective",
    is_flag=True,
    help="Print the whole merged ruleset, each rule marked with the file it comes from, and the rules layers disabled.",
)
@friendly
def show(path, effective):
    """Show a ruleset: its layers, or with --effective everything in force, as YAML.

    \b
    Example:
      promorules ruleset show my-ruleset/ --effective
    """
    report = _loaded(ruleset_path(path))
    if effective:
        click.echo(effective_yaml(report), nl=False)
        return
    loaded = report.ruleset
    click.echo(
        f"{loaded.name} {loaded.version}: {_count(len(loaded.rules), 'rule')}, "
        f"{_count(len(loaded.thresholds), 'threshold')}, {_count(len(loaded.stages), 'stage')}"
    )
    click.echo("Made of these manifests (base first):")
    for layer in report.layers:
        click.echo(f"  {layer}")
    click.echo("Run with --effective to see every rule and threshold in force.")


@ruleset.command()
@click.argument("path")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE.md",
    help="Write the handbook to this file instead of printing it. An existing file is not replaced "
    "without --force, and a file of the ruleset never.",
)
@click.option("--force", is_flag=True, help="Replace the output file even if it exists.")
@click.option(
    "--audience",
    type=click.Choice(["coach", "client"]),
    default="coach",
    show_default=True,
    help="coach: every rule with its ids, priorities and notes; client: for a company's HR or a client, "
    "in plain words, the company's own rules marked.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
    help="html: a self-contained page (client handbook only).",
)
@friendly
def doc(path, output, force, audience, output_format):
    """Write a handbook of a ruleset: for the coach (the default) or, with --audience client, for a client.

    \b
    Example:
      promorules ruleset doc my-ruleset/ -o handbook.md
      promorules ruleset doc my-ruleset/ --audience client --format html -o guidance.html
    """
    if output_format == "html" and audience != "client":
        raise InputError([Problem(Location("--format"), "html is for the client handbook: add --audience client")])
    from ..outfile import check_target, write_file

    if output is not None:
        check_target(output, force=force)  # before the work, so a mistake costs nothing
    report = _loaded(ruleset_path(path))
    text = handbook(report) if audience == "coach" else client_handbook(report, output_format)
    if output is None:
        click.echo(text, nl=False)
        return
    write_file(output, text, _ruleset_files(report) if force else (), force)
    click.echo(f"wrote {output}")


def _ruleset_files(report) -> list[str]:
    """Every file in the folders of a ruleset's layers: a handbook written with --force must replace none."""
    folders = {Path(layer).parent for layer in report.layers}
    return [str(file) for folder in folders for file in folder.rglob("*") if file.is_file()]


@ruleset.command(name="test")
@click.argument("path")
@click.argument("features", nargs=-1)
@friendly
def test_command(path, features):
    """Run Gherkin scenarios (.feature files) against a ruleset; no Python needed.

    FEATURES are .feature files or folders of them. Without any, the
    features/ folder inside the ruleset is used, else the one beside it.
    "Given the default ruleset" in a scenario means the ruleset under test.
    Exit codes: 0 all passed; 1 a scenario failed; 2 bad input.

    \b
    Example:
      promorules ruleset test my-ruleset/ my-ruleset/features/sponsors.feature
    """
    root = ruleset_path(path)
    files = _feature_files(root, features)
    advisors = Advisors()
    advisors.get(root, "python", {})  # a broken ruleset is reported once, before any scenario
    empty: list[str] = []
    results = run_features(files, root, advisors, empty)
    if not results:  # nothing was checked at all: a pass would be a false one
        raise InputError([Problem(Location(file), NO_SCENARIOS) for file in empty])
    for file in empty:  # one stub among many is worth a word, not a refusal of the rest
        click.echo(f"{Location(file)}: warning: {NO_SCENARIOS}")
    for result in results:
        click.echo(f"{'PASS' if result.passed else 'FAIL'}  {result.location}  {result.name}")
        if not result.passed:
            if result.step:
                click.echo(f"      step at line {result.step_line}: {result.step}")
            for line in (result.message + "\n" + result.advice).strip("\n").split("\n"):
                click.echo(f"      {line.strip()}")
    failed = sum(not result.passed for result in results)
    unchecked = f"; {_count(len(empty), 'feature file')} without scenarios" if empty else ""
    click.echo(f"\n{_count(len(results), 'scenario')}: {len(results) - failed} passed, {failed} failed{unchecked}")
    if failed:
        sys.exit(1)


def _feature_files(root: Path, given: tuple) -> list[Path]:
    if not given:
        folders = [root / "features", root.parent / "features"]
        folder = next((f for f in folders if f.is_dir()), None)
        if folder is None:
            raise InputError(
                [
                    Problem(
                        Location(str(root)),
                        "no features/ folder inside or beside the ruleset; name the .feature files to run",
                    )
                ]
            )
        given = (str(folder),)
    files: list[Path] = []
    for text in given:
        path = Path(text)
        if path.is_dir():
            found = sorted(path.rglob("*.feature"))
            if not found:
                raise InputError([Problem(Location(text), "no .feature files in this folder")])
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise InputError([Problem(Location(text), "no such .feature file or folder")])
    return files


@ruleset.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "--facts",
    "facts_dir",
    default=None,
    metavar="DIR",
    help="A folder of facts files (YAML or JSON), one person each, e.g. examples/.",
)
@click.option(
    "--people",
    "generated",
    type=click.IntRange(0, 100_000),
    default=0,
    show_default=True,
    metavar="N",
    help="Also compare N generated people who between them reach every stage and every reason to wait.",
)
@click.option(
    "--seed",
    type=int,
    default=2026,
    show_default=True,
    help="The seed of the generated people: the same seed gives the same people.",
)
@THRESHOLD_OPTION
@click.option(
    "--person",
    "person_file",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Also say why this person's advice changed: the conditions that flipped, with their values.",
)
@as_of_option("Advise everyone for this day (YYYY-MM-DD). Default: each file's as_of.")
@advice_format_option("A table for the terminal, Markdown for a report, JSON for programs.")
@friendly
def diff(old, new, facts_dir, generated, seed, thresholds, person_file, as_of, output):
    """How advice changes from the OLD ruleset to the NEW one (with --threshold settings applied to NEW).

    Compares the people of --facts and --people N generated ones, then prints
    a table: for each rule that changed or moved anyone, how the rule changed
    (added, removed, reworded, condition), who gains it, who loses it, and the
    rank moves. With --person, why that person's advice changed. Exit codes:
    0 done; 2 a ruleset or a facts file could not be read (every file is
    still reported).

    \b
    Example:
      promorules ruleset diff default my-ruleset/ --facts examples/ --people 300
      promorules ruleset diff default default --threshold min_months_in_role=18 --people 300
    """
    if facts_dir is None and not generated and person_file is None:
        raise InputError(
            [Problem(Location("--facts"), "give --facts DIR, --people N or --person FILE: nobody to compare")]
        )
    old_advisor = Advisor(ruleset_path(old))
    new_advisor = Advisor(ruleset_path(new), thresholds=thresholds or None)
    files = facts_files(Path(facts_dir)) if facts_dir is not None else []
    result = compare(old_advisor, new_advisor, files, as_of, (old, new), generated, seed)
    render = {"json": to_json, "markdown": to_markdown, "text": to_text}[output]
    click.echo(render(result), nl=False)
    if person_file is not None:
        person = read_facts(person_file, as_of=as_of, model=person_model(old_advisor, new_advisor))
        whys = why_changed(old_advisor, new_advisor, person)
        if output == "json":
            click.echo(json.dumps({"person": person_file, "rules": [why.model_dump() for why in whys]}, indent=2))
        else:
            click.echo("\n" + why_text(person_file, whys), nl=False)
    if result.unreadable:
        sys.exit(2)
