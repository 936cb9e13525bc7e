"""Hypothesis strategies for random derived facts and random rulesets, shared by the engine tests.

Values are drawn at and beside every threshold of the bundled ruleset, where
a mistake in a comparison would show.
"""

import textwrap
from datetime import date
from pathlib import Path

import yaml
from hypothesis import strategies as st

from promorules.facts.derive import FACTS
from promorules import load_ruleset

DEFAULT = load_ruleset(Path(__file__).resolve().parents[2] / "rulesets" / "default")

EDGES = sorted(
    {t.value + d for t in DEFAULT.thresholds.values() if not t.choices for d in (-1, 0, 1)}
    | {2, 3, 4, 6, 7, 8, 11, 12, 13}
)


def value_of(kind: str, choices: tuple):
    if kind == "number":
        return (
            st.sampled_from(EDGES)  # values at and beside every threshold, where mistakes show
            | st.integers(-5, 400)
            | st.floats(-5, 400, allow_nan=False).map(lambda x: round(x, 2))
        )
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(choices)
    return st.just(date(2026, 1, 1))


def derived_facts(names):
    return st.fixed_dictionaries({name: st.none() | value_of(FACTS[name].kind, FACTS[name].choices) for name in names})


# ------------------------------------------------------------------ random rulesets

NUMBERS = ["months_in_role", "sponsor_count", "open_gap_count", "days_since_last_setback"]
BOOLS = ["freeze_active", "frustrated", "self_assessment_done"]
ENUMS = {"scope_change": ["none", "expanded", "dramatic"], "latest_outcome": ["pending", "denied", "not_yet"]}

atom = st.one_of(
    st.builds(
        lambda f, op, n: f"{f} {op} {n}",
        st.sampled_from(NUMBERS),
        st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
        st.sampled_from(["3", "limit", "12"]),
    ),
    st.builds(lambda f, neg: f"{'not ' if neg else ''}{f}", st.sampled_from(BOOLS), st.booleans()),
    st.builds(
        lambda f, v, op: f"{f} {op} {v}",
        st.sampled_from(sorted(ENUMS)),
        st.sampled_from(["dramatic", "denied"]),
        st.sampled_from(["==", "!="]),
    ).filter(lambda s: s.split()[-1] in ENUMS[s.split()[0]]),
    st.builds(lambda f, k: f"{f} is {k}", st.sampled_from(NUMBERS + BOOLS), st.sampled_from(["known", "unknown"])),
)


def condition(signals: list[str]):
    leaves = atom | (st.sampled_from(signals).map(lambda s: s) if signals else atom)
    negated = leaves | (st.sampled_from(signals).map(lambda s: f"not {s}") if signals else atom)
    return st.recursive(
        negated,
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
            inner.map(lambda x: {"not": x}),
        ),
        max_leaves=5,
    )


@st.composite
def rulesets(draw):
    rules = []
    signals: list[str] = []
    for index in range(draw(st.integers(1, 12))):
        rule = {
            "id": f"r{index}",
            "priority": draw(st.integers(1, 999)),
            "title": "t",
            "when": draw(condition(list(signals))),
        }
        if draw(st.booleans()) and len(signals) < 4:
            rule["derive"] = f"sig{index}"
            signals.append(rule["derive"])
        else:
            rule["recommend"] = "text"
            if index and draw(st.booleans()):
                rule["hold_back"] = [f"r{draw(st.integers(0, index - 1))}"]
        rules.append(rule)
    return rules


MANIFEST = textwrap.dedent("""\
    name: random
    version: "1"
    description: random
    categories: [c]
    thresholds:
      limit: {default: 7, unit: x, meaning: a limit}
""")


def load_random_ruleset(tmp_path_factory, rules: list):
    """A ruleset of `MANIFEST` and the drawn ``rules``, written to a fresh directory and loaded."""
    root = tmp_path_factory.mktemp("rs")
    (root / "ruleset.yaml").write_text(MANIFEST)
    (root / "rules.yaml").write_text(yaml.safe_dump({"category": "c", "rules": rules}))
    return load_ruleset(root)
