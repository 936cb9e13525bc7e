"""A person reads every fact in plain words: in the first line, the reasons and what would change.

Rules, JSON and coaches keep the fact names (``freeze_active``); a person reads
"a freeze or money trouble". Threshold names stay, in parentheses, so a coach
can look them up.
"""

import re
from datetime import date
from pathlib import Path

import pytest

from promorules import Advisor
from promorules.ruleset.conditions import Atom
from promorules.facts.derive import FACTS, is_input
from promorules.facts.model import Facts, Organisation, words_of
from promorules.facts.files import read_facts
from promorules import full_advice
from promorules.advice.outlook import _change_text
from promorules.advice.render import reason_text, to_markdown, to_text, verdict

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
PRIYA = next(path for path in EXAMPLES if path.name == "priya-hiring-freeze.yaml")
NAME = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")  # a name joined by underscores: freeze_active


@pytest.fixture(scope="module")
def advisor():
    return Advisor()


def _advice(advisor, path):
    return full_advice(advisor, read_facts(str(path)))


def _section(text: str, heading: str) -> str:
    return text.split(heading + "\n", 1)[1].split("\n\n\n", 1)[0].split("\nYour dated plan\n", 1)[0]


def _outside_parentheses(text: str) -> str:
    """The words a person reads as words: threshold names in parentheses are kept there for coaches."""
    return re.sub(r"\([^()]*\)", "", text)


def test_priyas_first_lines_and_changes_name_the_facts_in_words(advisor):
    text = to_text(_advice(advisor, PRIYA))
    lines = text.splitlines()
    assert lines[1] == (
        "Start with: Hold the formal request while the company is frozen. "
        "Asking now waits on a freeze or money trouble: yes now, needs to be no."
    )
    changes = " ".join(_section(text, "What would change this advice").split())
    assert "- a freeze or money trouble: yes now, needs to be no" in changes
    assert "- days until the review cycle starts: 118 now, 56 or fewer from 2026-11-16" in changes
    assert "it is budget season: no now, yes from 2026-10-01" in changes
    for old in ("freeze active", "days until review start", "in budget season"):
        assert old not in text


def test_priyas_reasons_read_in_words_without_the_threshold_name(advisor):
    text = " ".join(to_text(_advice(advisor, PRIYA), everything=True).split())
    assert "Why: a freeze or money trouble: yes" in text
    assert "Why: an informal review took place: not given" in text
    assert "Why: months since the self-assessment is 7, which is over 4" in text
    assert "improvement_cycle_max_months" not in text  # a coach finds the name with `explain`


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_no_example_shows_a_fact_by_its_name(advisor, path):
    advice = _advice(advisor, path)
    for rec in advice.recommendations:
        for reason in rec.why:
            if reason.fact in FACTS:  # a signal reads as its rule's title (tests/advice/test_reasons_in_words.py)
                assert reason.label == FACTS[reason.fact].label
    for miss in advice.nearest_misses:
        for change in miss.changes:
            assert change.text.startswith(FACTS[change.fact].label + ": "), change.text
    words = [verdict(advice)]
    words += [reason_text(reason) for rec in advice.recommendations for reason in rec.why]
    words += [change.text for miss in advice.nearest_misses for change in miss.changes]
    for line in words:
        assert not NAME.findall(_outside_parentheses(line)), line
    markdown = to_markdown(advice)
    for line in markdown.splitlines():
        if line.startswith(("Start with:", "- Why:")) or "now, needs" in line:
            assert not NAME.findall(_outside_parentheses(line.replace("\\_", "_"))), line


def test_the_machine_readable_fields_keep_the_fact_names(advisor):
    advice = _advice(advisor, PRIYA)
    change = advice.nearest_misses[1].changes[0]
    assert (change.fact, change.needed) == ("days_until_review_start", "days_until_review_start <= review_lead_days")
    reason = advice.recommendations[0].why[0]
    assert (reason.fact, reason.condition, reason.label) == (
        "freeze_active",
        "freeze_active",
        "a freeze or money trouble",
    )


def test_every_fact_has_a_label_of_its_own():
    labels = {name: info.label for name, info in FACTS.items()}
    assert [name for name, label in labels.items() if not label] == []
    seen: dict[str, str] = {}
    for name, label in labels.items():
        assert label not in seen, f"{name} and {seen[label]} both read as {label!r}"
        seen[label] = name


def test_labels_read_well_before_a_value():
    """Lower case, no names, and nothing that would run into ': yes' or the '; ' between changes."""
    for name, info in FACTS.items():
        label = info.label
        assert label == label.strip() and label[0] == label[0].lower(), name
        assert not NAME.search(label) and ":" not in label and ";" not in label, name


def test_every_label_on_a_field_is_the_label_of_its_fact():
    """A field's label is shown only while its fact is read as it is: one made computed would lose it silently."""
    labelled = {
        prefix + name: words_of(info).label
        for model, prefix in ((Facts, ""), (Organisation, "org_"))
        for name, info in model.model_fields.items()
        if words_of(info).label
    }
    assert [name for name, label in labelled.items() if not is_input(name) or FACTS[name].label != label] == []


@pytest.mark.parametrize(
    "atom, now, expected",
    [
        (
            Atom("latest_stated_reason", "ne", "budget"),
            "budget",
            "reason given for the latest answer: budget now, needs to be anything but budget",
        ),
        (
            Atom("latest_outcome", "ne", "denied", "hopeless_outcome"),
            "denied",
            "outcome of the latest request: denied now, needs to be anything but denied",
        ),
        (
            Atom("as_of", "ge", date(2027, 1, 1)),
            date(2026, 9, 15),
            "the day of the advice: 2026-09-15 now, needs to be on or after 2027-01-01",
        ),
    ],
)
def test_every_kind_of_change_reads_in_words(atom, now, expected):
    """Changes the bundled guidance seldom needs read in words too, without the condition as a coach writes it."""
    assert _change_text(atom, now, None, None) == expected


def _every_comparison(ruleset) -> list:
    """Every comparison of a fact in the ruleset, both ways round (the search may need either)."""
    found: dict = {}

    def walk(node) -> None:
        if isinstance(node, Atom):
            for atom in (node, node.negated()):
                if not atom.signal and atom.op not in ("known", "unknown"):
                    found[(atom.name, atom.op, str(atom.value))] = atom
        elif hasattr(node, "item"):
            walk(node.item)
        else:
            for item in node.items:
                walk(item)

    for rule in ruleset.rules:
        walk(rule.condition)
    return [found[key] for key in sorted(found)]


ENGINE_WORDS = re.compile(r"[a-z]+_[a-z_]+|under 0|fewer than 0\b|\b0 or fewer|needs under|less\b|\([a-z_]+\)")


def test_every_change_of_every_fact_reads_without_the_engines_words(advisor):
    """No threshold name, no fact name, no "under 0" for a day to pass, no "less" for what time brings:
    for every comparison of the bundled guidance, with and without a day time brings it on."""
    comparisons = _every_comparison(advisor.ruleset)
    assert len(comparisons) > 100
    for atom in comparisons:
        now = True if isinstance(atom.value, bool) else atom.value
        gap = 3 if isinstance(atom.value, int) and not isinstance(atom.value, bool) else None
        for when in (None, date(2027, 1, 4)):
            text = _change_text(atom, now, gap, when)
            assert not ENGINE_WORDS.search(text), (atom, text)
            assert not atom.threshold or atom.threshold not in text, (atom, text)
