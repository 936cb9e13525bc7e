"""Default text and Markdown advice fits what a person reads: at most 5 in full, at most 80 lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.cli import main

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def _advise(*args: str) -> str:
    result = CliRunner().invoke(main, ["advise", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_prints_at_most_five_in_full_and_80_lines(example):
    text = _advise(str(example))
    assert text.count("\n") <= 80
    in_full = len(re.findall(r"^\d+\. ", text, re.M))  # items in full are numbered at the margin
    assert in_full >= 1, text
    assert in_full <= 5, text
    markdown = _advise(str(example), "--format", "markdown")
    assert markdown.count("\n") <= 80
    headed = len(re.findall(r"^### \d+\. ", markdown, re.M))
    assert headed >= 1, markdown
    assert headed <= 5, markdown


@pytest.mark.parametrize("example", EXAMPLES[:2], ids=lambda p: p.stem)
def test_all_shows_every_recommendation_in_full(example):
    import json

    count = len(json.loads(_advise(str(example), "--format", "json"))["recommendations"])
    text = _advise(str(example), "--all")
    assert len(re.findall(r"^\d+\. ", text, re.M)) == count
