"""docs/guidance-coverage.md accounts for every catalogue entry with rules that exist."""

import re
from pathlib import Path

from promorules import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "guidance-coverage.md").read_text()
RULES = {rule.id for rule in load_ruleset(ROOT / "rulesets" / "default").rules}
ROWS = re.findall(r"^\| `([a-z0-9.-]+)` \| (.+?) \|", DOC.split("## Entries", 1)[1], re.M)


def test_all_101_catalogue_entries_are_accounted_for():
    entries = [entry for entry, _ in ROWS]
    assert len(entries) == 101
    assert len(set(entries)) == 101


def test_every_rule_named_exists():
    named = {rule for _, cell in ROWS for rule in re.findall(r"`([a-z0-9.-]+)`", cell)}
    named |= set(re.findall(r"`((?:signal|stage)\.[a-z0-9.-]+)`", DOC.split("## Entries", 1)[0]))
    assert named - RULES == set()


def test_every_recommendation_rule_traces_back_to_the_catalogue():
    named = {rule for _, cell in ROWS for rule in re.findall(r"`([a-z0-9.-]+)`", cell)}
    recommending = {r.id for r in load_ruleset(ROOT / "rulesets" / "default").rules if r.recommend}
    assert recommending - named == set()
