"""docs/rulesets.md stays true: its rule-file examples load, and its fact table matches the code."""

import re
import shutil
from pathlib import Path

import pytest

from promorules.facts.derive import FACTS
from promorules import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rulesets.md").read_text()
RULE_FILES = [block for block in re.findall(r"```yaml\n(.*?)```", DOC, re.S) if block.startswith("# rule file")]


def test_the_doc_has_rule_file_examples():
    assert len(RULE_FILES) >= 2


@pytest.mark.parametrize("block", RULE_FILES)
def test_each_rule_file_example_loads_beside_the_default_rules(tmp_path, block):
    root = tmp_path / "rs"
    shutil.copytree(ROOT / "rulesets" / "default", root)
    (root / "zz-example.yaml").write_text(block)
    ids = re.findall(r"- id: (\S+)", block)
    ruleset = load_ruleset(root)
    assert all(ruleset.rule(rule_id) for rule_id in ids)


def test_the_fact_table_lists_exactly_the_facts_rules_can_use():
    facts_section = DOC.split("## Facts a rule can use", 1)[1]
    table = re.findall(r"^\| `([a-z0-9_]+)` \|", facts_section, re.M)
    assert sorted(table) == sorted(FACTS), "run: .venv/bin/python docs/facts_table.py"


def test_the_fact_table_gives_the_words_the_advice_shows_each_fact_by():
    """A coach writes freeze_active in a rule; the person reads "a freeze or money trouble"."""
    facts_section = DOC.split("## Facts a rule can use", 1)[1]
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| [^|]+ \| ([^|]+) \|", facts_section, re.M)
    shown = {name: label.strip() for name, label in rows}
    assert shown == {name: info.label for name, info in FACTS.items()}, "run: .venv/bin/python docs/facts_table.py"
