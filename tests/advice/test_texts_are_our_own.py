"""Advice texts are written for this project: no run of eight words is copied from a source.

The source documents live beside the project (../shared/seeds) where they are
available; the check is skipped, and says so, where they are not.
"""

import re
from pathlib import Path

import pytest

from promorules import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 8


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def runs(tokens: list[str]) -> set[tuple]:
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the project")
def test_no_advice_text_copies_eight_words_in_a_row_from_a_source():
    source_runs = set().union(*(runs(words(p.read_text(errors="replace"))) for p in sorted(SEEDS.glob("*.txt"))))
    copied = {}
    for rule in load_ruleset(ROOT / "rulesets" / "default").rules:
        if rule.recommend is None:
            continue
        text = "".join(part if isinstance(part, str) else " X " for part in rule.recommend.parts)
        found = runs(words(text)) & source_runs
        if found:
            copied[rule.id] = " ".join(sorted(found)[0])
    assert copied == {}
