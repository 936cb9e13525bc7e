"""The Gherkin parser's mistakes, and the ones it lets through, in the words a coach reads.

The parser reports a misspelt keyword as 'expected: #EOF, #TableRow, …, got
"then …"'; worse, a misspelt ``Scenario:`` right under ``Feature:`` is no error
at all to it: the line and every step below it become the feature's free-text
description, and the file quietly has no scenarios. Both are reported here at
file:line:col, with the keyword that was probably meant.
"""

from __future__ import annotations

import difflib
import re
from typing import Callable, Iterator, Optional, Sequence

from ..errors import Location, Problem

BLOCKS = ["Feature", "Background", "Scenario", "Scenario Outline", "Examples", "Rule"]
STEPS = ["Given", "When", "Then", "And", "But"]
EVERY_BLOCK = [*BLOCKS, "Example", "Scenarios", "Scenario Template", "Business Need", "Ability"]
KEYWORDS = "Feature:, Background:, Scenario:, Scenario Outline:, Examples:, Given, When, Then, And, But"


def _close(word: str, choices: Sequence[str], cutoff: float) -> Optional[str]:
    """The keyword ``word`` is a slip of: another case, or a letter or two off."""
    lowered = {choice.lower(): choice for choice in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[close[0]] if close else None


def misspelt_keyword(line: str, is_step: Callable[[str], bool], cutoff: float = 0.75) -> Optional[str]:
    """A message for a line that reads like a keyword line with the keyword misspelt, else None.

    ``is_step(text)`` tells whether text is a step of the library: a line is
    taken for a step with a misspelt Given/When/Then only when the rest of it
    is a step, so prose such as "The committee meets in May" is left alone.
    """
    text = line.strip()
    head, colon, _ = text.partition(":")
    if colon and 0 < len(head.split()) <= 3 and head.strip() not in EVERY_BLOCK:
        meant = _close(head.strip(), BLOCKS, cutoff)
        if meant:
            return f'"{head.strip()}:" is not a keyword (did you mean "{meant}:"?)'
    first, _, rest = text.partition(" ")
    if first and first not in STEPS and rest and is_step(rest.strip()):
        meant = _close(first, STEPS, cutoff)
        if meant:
            return f'"{first}" is not a keyword (did you mean "{meant}"?)'
    return None


def parser_problems(file: str, text: str, errors: Sequence, is_step: Callable[[str], bool]) -> list[Problem]:
    """The parser's mistakes in plain words; a file without its Feature: line is one mistake, not one per line."""
    problems = []
    for error in errors:
        location = getattr(error, "location", None) or {}
        line, col = location.get("line", 0), location.get("column") or 1
        message = re.sub(r"^\(\d+:\d+\): ", "", str(error))
        got = re.search(r", got '(.*)'$", message)
        written = got.group(1) if got else ""
        if "#FeatureLine" in message:
            slip = misspelt_keyword(written, is_step) if written else None
            hint = f"; {slip}" if slip and '"Feature:"' in slip else ""
            problems.append(Problem(Location(file, line, col), f"a feature file starts with 'Feature: <name>'{hint}"))
            break
        if message.startswith("inconsistent cell count"):
            line, message = _uneven_row(text, line)
        elif got:
            case_slip = written.split(maxsplit=1)[0].lower() in {step.lower() for step in STEPS}
            message = (
                misspelt_keyword(written, lambda rest: case_slip or is_step(rest), cutoff=0.6)
                or _colon_left_out(written)
                or (
                    f'this line is not a step, a table row or a keyword line: "{written}"; '
                    f"a line in a scenario starts with one of: {KEYWORDS}"
                )
            )
        elif message.startswith("unexpected end of file"):
            line, col, message = _early_end(text, line)
        problems.append(Problem(Location(file, line, col), message))
    return problems


def _colon_left_out(written: str) -> Optional[str]:
    """'Scenario second try' where the parser expects a step: the keyword is there, its colon is not."""
    for keyword in sorted(BLOCKS, key=len, reverse=True):
        if written.startswith(keyword + " ") or written == keyword:
            return f'a colon is missing after "{keyword}": write "{keyword}:"'
    return None


def _early_end(text: str, line: int) -> tuple[int, int, str]:
    """The file ends where the parser still expects something: almost always a docstring left open,
    reported where it opens."""
    lines = text.splitlines()
    marks = [number for number, written in enumerate(lines, start=1) if written.strip()[:3] in ('"""', "```")]
    if len(marks) % 2:
        opened = lines[marks[-1] - 1]
        column = len(opened) - len(opened.lstrip()) + 1
        return marks[-1], column, 'this block of text (""") is never closed; end it with """ on a line of its own'
    return line, 1, "the file ends in the middle of a step or table"


def _uneven_row(text: str, line: int) -> tuple[int, str]:
    """The row of a table whose cells differ from most rows (the parser names the row after a short header)."""
    lines = text.splitlines()
    first = last = line - 1
    while first > 0 and lines[first - 1].strip().startswith("|"):
        first -= 1
    while last + 1 < len(lines) and lines[last + 1].strip().startswith("|"):
        last += 1
    counts = {number: len(re.findall(r"(?<!\\)\|", lines[number])) - 1 for number in range(first, last + 1)}
    values = list(counts.values())
    usual = max(values, key=lambda count: (values.count(count), count == values[0]))  # a tie: the header's
    odd = next((number for number, count in counts.items() if count != usual), line - 1)
    cells = f"{counts[odd]} cell{'' if counts[odd] == 1 else 's'}"
    return odd + 1, f"this table row has {cells}, the other rows have {usual}"


def description_problems(file: str, text: str, document: dict, is_step: Callable[[str], bool]) -> list[Problem]:
    """Keyword lines the parser took for free text: a misspelt keyword, or steps with no Scenario: above them.

    A line counts as a step only when its text is a step of the library: a
    feature's description is prose and may well start with "When" or "And".

    Only the first such line of each description is reported: the lines after
    it are free text only because of it.
    """
    lines = text.splitlines()
    problems = []
    for node, may_hold_steps in _described(document.get("feature") or {}, top=True):
        cursor = node["location"]["line"]  # the description follows its keyword line
        for written in (node.get("description") or "").splitlines():
            if not written.strip():
                continue
            while cursor < len(lines) and lines[cursor].strip() != written.strip():
                cursor += 1
            number, column = cursor + 1, len(written) - len(written.lstrip()) + 1
            cursor += 1
            message = misspelt_keyword(written, is_step)
            first, _, rest = written.strip().partition(" ")
            if message is None and may_hold_steps and first in STEPS and is_step(rest.strip()):
                message = "this step is not inside a scenario; write 'Scenario: <name>' on a line above it"
            if message:
                problems.append(Problem(Location(file, number, column), message))
                break
    return problems


def _described(node: dict, top: bool = False) -> Iterator[tuple[dict, bool]]:
    """Every node with a description, and whether a step line in it means a missing Scenario: line."""
    if node.get("location") is not None and "description" in node:
        yield node, top or node.get("keyword") == "Rule"
    for child in node.get("children", ()):
        for kind in ("background", "scenario", "rule"):
            if kind in child:
                yield from _described(child[kind], top=kind == "rule")
    for examples in node.get("examples", ()):
        yield from _described(examples)
