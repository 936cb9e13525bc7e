"""Facts a ruleset declares (``facts:`` in ruleset.yaml): a company's own facts, for its ruleset only.

The company fixture (tests/coach/fixtures/company) extends the default ruleset with department,
missed_quota_count and talked_to_manager, and the plain rule "people in sales who missed quota twice
talk to their manager first".
"""

import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules import Advisor
from promorules.cli import main
from promorules.errors import InputError
from promorules.ruleset.loader import inspect_ruleset

COMPANY = Path(__file__).parent / "fixtures" / "company"
RULE = "company.sales-quota-talk-first"
SALES = {"as_of": "2026-11-01", "department": "sales", "missed_quota_count": 2, "talked_to_manager": False}


def fired(advice) -> list[str]:
    return [item.rule_id for item in advice.recommendations]


@pytest.mark.parametrize("engine", ["python", "durable"])
def test_the_company_rule_fires_for_sales_with_two_missed_quotas_in_both_engines(engine):
    advisor = Advisor(COMPANY, engine=engine)
    assert RULE in fired(advisor.advise(SALES))
    assert RULE not in fired(advisor.advise({**SALES, "department": "engineering"}))
    assert RULE not in fired(advisor.advise({**SALES, "missed_quota_count": 1}))
    assert RULE not in fired(advisor.advise({**SALES, "talked_to_manager": True}))


def test_the_company_rule_holds_back_asking_now():
    advice = Advisor(COMPANY, engine="python").advise(SALES)
    assert advice.recommendations[0].rule_id == RULE


def test_an_unknown_declared_fact_is_worth_giving():
    advice = Advisor(COMPANY, engine="python").advise({"as_of": "2026-11-01", "department": "sales"})
    assert "missed_quota_count" in {item.fact for item in advice.missing_facts}


def test_the_api_validates_declared_facts_naming_the_field():
    advisor = Advisor(COMPANY, engine="python")
    with pytest.raises(InputError) as caught:
        advisor.advise({**SALES, "department": "marketing", "missed_quota_count": 21})
    text = str(caught.value)
    assert "department: must be one of 'sales', 'engineering', 'support', 'finance' or 'operations'" in text
    assert "missed_quota_count: must be at most 20" in text


def test_the_default_ruleset_knows_nothing_of_them():
    Advisor(COMPANY, engine="python")  # loaded first: nothing it declares may leak
    with pytest.raises(InputError, match='unknown fact "department"'):
        Advisor(engine="python").advise(SALES)


def test_cli_advise_with_the_company_ruleset(tmp_path):
    person = tmp_path / "sam.yaml"
    person.write_text("as_of: 2026-11-01\ndepartment: sales\nmissed_quota_count: 3\ntalked_to_manager: false\n")
    result = CliRunner().invoke(main, ["advise", str(person), "--ruleset", str(COMPANY)])
    assert result.exit_code == 0, result.output
    assert "Start with: Talk to your manager about the missed quota first." in result.output
    assert "You missed your quota 3 times this year." in result.output
    assert "Why: times quota was missed this year: 3" in result.output


def test_cli_advise_names_the_line_of_a_bad_declared_fact(tmp_path):
    person = tmp_path / "sam.yaml"
    person.write_text("as_of: 2026-11-01\ndepartment: sales\nmissed_quota_count: many\ndepartmnt: x\n")
    result = CliRunner().invoke(main, ["advise", str(person), "--ruleset", str(COMPANY)])
    assert result.exit_code == 2
    assert f"{person}:3:1: missed_quota_count: must be a number" in result.output
    assert f'{person}:4:1: unknown fact "departmnt" (did you mean "department"?)' in result.output
    assert "Traceback" not in result.output


def test_cli_advise_with_the_default_ruleset_refuses_them(tmp_path):
    person = tmp_path / "sam.yaml"
    person.write_text("as_of: 2026-11-01\ndepartment: sales\n")
    result = CliRunner().invoke(main, ["advise", str(person)])
    assert result.exit_code == 2
    assert 'unknown fact "department"' in result.output


# ------------------------------------------------------------------ mistakes in a declaration


def company_with(tmp_path, facts: str, rules: str = "") -> Path:
    root = tmp_path / "co"
    shutil.copytree(COMPANY, root)
    manifest = (root / "ruleset.yaml").read_text().split("facts:\n")[0]
    (root / "ruleset.yaml").write_text(manifest + "facts:\n" + textwrap.indent(textwrap.dedent(facts), "  "))
    if rules:
        (root / "company.yaml").write_text(
            "category: company\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")
        )
    else:
        (root / "company.yaml").unlink()
    return root


def problems(root: Path) -> list[str]:
    return [f"{p.location.line}:{p.location.col}: {p.message}" for p in inspect_ruleset(root).problems]


WORDS = "  label: l\n  question: q?\n  description: d.\n"


def test_a_fact_named_as_a_built_in_one_is_refused_at_its_line(tmp_path):
    root = company_with(tmp_path, "months_in_role:\n  type: count\n" + WORDS)
    assert problems(root) == [
        '9:3: the fact "months_in_role" is one of promorules\' own facts; give yours another name'
    ]


def test_a_group_name_is_a_built_in_fact_too(tmp_path):
    root = company_with(tmp_path, "org:\n  type: yes_no\n" + WORDS)
    assert problems(root) == ['9:3: the fact "org" is one of promorules\' own facts; give yours another name']


def test_a_fact_declared_again_by_a_layer_is_refused_there(tmp_path):
    base = company_with(tmp_path, "department:\n  type: choice\n  choices: [a, b]\n" + WORDS)
    top = tmp_path / "top"
    top.mkdir()
    (top / "ruleset.yaml").write_text(
        "extends: ../co\nname: top\nversion: '1'\nfacts:\n  department:\n    type: yes_no\n"
        + textwrap.indent(WORDS, "  ")
    )
    found = [f"{p.location}: {p.message}" for p in inspect_ruleset(top).problems]
    assert found == [
        f'{top / "ruleset.yaml"}:5:3: the fact "department" is already declared by the ruleset this one '
        f"extends (at {base / 'ruleset.yaml'}:9:3); give yours another name"
    ]


def test_an_unknown_type_says_what_was_meant(tmp_path):
    root = company_with(tmp_path, "quota:\n  type: cuont\n" + WORDS)
    assert problems(root) == [
        '10:5: fact "quota": unknown type "cuont" (did you mean "count"?); '
        "use one of yes_no, choice, date, count, months, years, number, money"
    ]


@pytest.mark.parametrize(
    "declaration, expected",
    [
        ("type: choice\n", '10:5: fact "f": a choice lists its choices:, e.g. [sales, engineering]'),
        ("type: choice\n  choices: [a, a]\n", '11:5: fact "f": the choice "a" is listed twice'),
        (
            "type: choice\n  choices: [Sales, b]\n",
            '11:5: fact "f": the choice "Sales": use lower-case letters, digits, "_" and "-"',
        ),
        ("type: yes_no\n  choices: [a, b]\n", '11:5: fact "f": choices: only go with type: choice, not yes_no'),
        (
            "type: yes_no\n  max: 3\n",
            '11:5: fact "f": max: only goes with a number (count, months, years, number, money), not yes_no',
        ),
        ("type: count\n  min: 5\n  max: 2\n", '12:5: fact "f": max: 2 is below min: 5'),
        ("type: count\n  max: 2.5\n", '11:5: fact "f": 2.5 is not a whole number (count are counted whole)'),
        ("type: money\n  min: -3\n", '11:5: fact "f": -3 is out of range for money: from 0 to 1e+12'),
        ("type: count\n  max: true\n", "11:5: facts.f.max: true is yes/no, not a number; write a number, or a choice"),
    ],
)
def test_bad_choices_and_bounds_are_refused_at_their_line(tmp_path, declaration, expected):
    root = company_with(tmp_path, "f:\n  " + declaration + WORDS)
    assert problems(root) == [expected]


def test_a_declaration_without_its_words_is_refused(tmp_path):
    root = company_with(tmp_path, "f:\n  type: yes_no\n")
    assert problems(root) == [
        '9:3: "description" is required',
        '9:3: "label" is required',
        '9:3: "question" is required',
    ]


def test_a_rule_using_a_misspelt_declared_fact_gets_a_did_you_mean(tmp_path):
    root = company_with(
        tmp_path,
        "talked_to_manager:\n  type: yes_no\n" + WORDS,
        "- id: co.x\n  priority: 5\n  title: T\n  when: talked_to_manger\n  recommend: Talk.\n",
    )
    assert any('unknown fact "talked_to_manger" (did you mean "talked_to_manager"?)' in p for p in problems(root))


def test_a_rule_compares_a_choice_with_its_choices_only(tmp_path):
    root = company_with(
        tmp_path,
        "department:\n  type: choice\n  choices: [sales, support]\n" + WORDS,
        "- id: co.x\n  priority: 5\n  title: T\n  when: department == marketing\n  recommend: Talk.\n",
    )
    assert any("marketing" in p and "sales" in p for p in problems(root)), problems(root)
