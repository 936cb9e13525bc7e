"""The two worked examples of docs/architecture.md, followed end to end: a new input fact is one field on
the facts model (with its label and question) plus, if rules need a measurement of it, one computed fact;
a new operator is one row of the operator table (and its negation's). Each is added to a copy of the
registry for the test alone, a ruleset that uses it is loaded, and the advice is checked."""

from __future__ import annotations

import operator
from datetime import date
from typing import Optional

import pytest
import yaml

from promorules import Advisor, RulesetError
from promorules.facts import derive
from promorules.facts.model import Facts, fact, words_of
from promorules.coach.handbook import plain_words
from promorules.ruleset import conditions as c
from tests.support.random_rules import MANIFEST


def _ruleset(tmp_path, when: str):
    (tmp_path / "ruleset.yaml").write_text(MANIFEST)
    rule = {"id": "r0", "priority": 1, "title": "t", "when": when, "recommend": "Ask now."}
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"category": "c", "rules": [rule]}))
    return tmp_path


@pytest.fixture
def registry():
    """The fact registry and the operator table (read by reference everywhere), restored after the test."""
    saved = [(table, dict(table)) for table in (derive.FACTS, derive._HOW, c.OPERATORS)]
    yield
    for table, before in saved:
        table.clear()
        table.update(before)


def test_a_new_input_fact_is_one_field_and_its_derivation(registry, tmp_path):
    class WithDesks(Facts):
        desks_moved: Optional[int] = fact(
            "Times the person's desk moved this year.",
            label="desk moves this year",
            question="How often did your desk move this year?",
        )

    info = WithDesks.model_fields["desks_moved"]
    assert words_of(info).question == "How often did your desk move this year?"

    @derive.computed(
        "desk_moves_over_two", "bool", ["desks_moved"], "More than two desk moves.", label="more than two desk moves"
    )
    def _over_two(f, as_of: date):
        moved = getattr(f, "desks_moved", None)
        return None if moved is None else moved > 2

    advisor = Advisor(str(_ruleset(tmp_path, "desk_moves_over_two")), engine="python")
    moved = advisor.advise(WithDesks(as_of=date(2026, 11, 24), desks_moved=3))
    stayed = advisor.advise(WithDesks(as_of=date(2026, 11, 24), desks_moved=1))
    assert [r.rule_id for r in moved.recommendations] == ["r0"]
    assert [r.rule_id for r in stayed.recommendations] == []
    assert derive.FACTS["desk_moves_over_two"].label == "more than two desk moves"


def test_a_new_operator_is_one_row(registry, tmp_path):
    """Coaches paste conditions from documents that write "≥"; one row makes it an operator of its own."""
    c.OPERATORS["ge_sign"] = c.Operator(
        "ge_sign",
        "≥",
        "lt",
        operator.ge,
        "{a} >= {b}",
        "$gte",
        "is at least",
        "at least",
        "needs at least",
        "at least {v}",
        "{v} or more",
        "to be on or after {v}",
    )
    atom = c.Atom("months_in_role", "ge_sign", 6, "min_months")
    assert plain_words(atom, {}) == "months in the current role: at least 6 (min_months)"
    root = _ruleset(tmp_path, "months_in_role ≥ 6")
    for engine in ("python", "durable"):
        advisor = Advisor(str(root), engine=engine)
        six = advisor.advise(Facts(as_of=date(2026, 11, 1), role_start_date=date(2026, 5, 1)))
        five = advisor.advise(Facts(as_of=date(2026, 10, 1), role_start_date=date(2026, 5, 1)))
        assert [r.rule_id for r in six.recommendations] == ["r0"], engine
        assert [r.rule_id for r in five.recommendations] == [], engine


def test_an_operator_durable_rules_lacks_is_refused_by_name(registry, tmp_path):
    """Every ruleset must fit durable-rules, whichever engine runs it; a row without a durable form says so."""
    c.OPERATORS["multiple"] = c.Operator(
        "multiple",
        "%=",
        "multiple",
        lambda a, b: a % b == 0,
        "{a} % {b} == 0",
        "",
        "is a multiple of",
        "a multiple of",
        "needs a multiple of",
    )
    with pytest.raises(RulesetError, match='durable-rules has no operator for "%="'):
        Advisor(str(_ruleset(tmp_path, "months_in_role %= 6")), engine="python")
