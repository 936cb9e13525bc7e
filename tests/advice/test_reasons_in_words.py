"""A person reads each reason in words: a signal by its rule's title, not by its name."""

from pathlib import Path

from promorules import Advisor
from promorules.facts.files import read_facts
from promorules.advice.render import to_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "claire-first-visit.yaml"


def test_a_signal_reads_as_the_title_of_its_rule():
    advisor = Advisor()
    advice = advisor.advise(read_facts(str(EXAMPLE)))
    titles = {rule.derive: rule.title for rule in advisor.ruleset.rules if rule.derive}
    signal_reasons = [reason for rec in advice.recommendations for reason in rec.why if reason.fact in titles]
    assert signal_reasons
    for reason in signal_reasons:
        assert reason.label.lower() == titles[reason.fact].lower()
    text = to_text(advice)
    assert "Why: the current role is rock-solid: no" in text
    assert "foundation solid" not in text
