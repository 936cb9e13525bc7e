"""Every rule of the default ruleset has a scenario in features/ where it fires.

A rule counts as covered when a step expects it to hold: it is included,
ranked, in the top three, held back, holding another back, or it fires.
Steps that say it does not apply ("does not include", "does not fire",
"is not held back") are gate checks and do not count.
"""

import re
from pathlib import Path

from promorules import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
RULES = {rule.id for rule in load_ruleset(ROOT / "rulesets" / "default").rules}
NEGATIVE = re.compile(r"does not include|does not fire|is not held back")


def rule_ids_expected_to_fire() -> set[str]:
    found: set[str] = set()
    for feature in sorted((ROOT / "features").rglob("*.feature")):
        for line in feature.read_text().splitlines():
            step = line.strip()
            if step.startswith(("Then ", "And ", "But ")) and not NEGATIVE.search(step):
                found.update(re.findall(r'"([a-z0-9_.-]+)"', step))
    return found


def test_every_rule_fires_in_some_scenario():
    uncovered = sorted(RULES - rule_ids_expected_to_fire())
    assert uncovered == [], f"{len(uncovered)} rules have no scenario where they fire: {', '.join(uncovered)}"
