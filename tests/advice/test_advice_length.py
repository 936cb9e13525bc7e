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
    assert 1 <= len(re.findall(r"^\d+\. ", text, re.M)) <= 5  # items in full are numbered at the margin
    markdown = _advise(str(example), "--format", "markdown")
    assert markdown.count("\n") <= 80
    assert 1 <= len(re.findall(r"^### \d+\. ", markdown, re.M)) <= 5


@pytest.mark.parametrize("example", EXAMPLES[:2], ids=lambda p: p.stem)
def test_all_shows_every_recommendation_in_full(example):
    import json

    count = len(json.loads(_advise(str(example), "--format", "json"))["recommendations"])
    text = _advise(str(example), "--all")
    assert len(re.findall(r"^\d+\. ", text, re.M)) == count
