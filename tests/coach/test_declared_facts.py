"""Facts a ruleset declares (``facts:`` in ruleset.yaml): a company's own facts, for its ruleset only.

The company fixture (tests/coach/fixtures/company) extends the default ruleset with department,
missed_quota_count and talked_to_manager, and the plain rule "people in sales who missed quota twice
talk to their manager first".
"""

import asyncio
import json
import re
import shutil
import textwrap
from dataclasses import replace
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
        '13:3: the fact "months_in_role" is one of promorules\' own facts; give yours another name'
    ]


def test_a_group_name_is_a_built_in_fact_too(tmp_path):
    root = company_with(tmp_path, "org:\n  type: yes_no\n" + WORDS)
    assert problems(root) == ['13:3: the fact "org" is one of promorules\' own facts; give yours another name']


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
        f"extends (at {base / 'ruleset.yaml'}:13:3); give yours another name"
    ]


def test_an_unknown_type_says_what_was_meant(tmp_path):
    root = company_with(tmp_path, "quota:\n  type: cuont\n" + WORDS)
    assert problems(root) == [
        '14:5: fact "quota": unknown type "cuont" (did you mean "count"?); '
        "use one of yes_no, choice, date, count, months, years, number, money"
    ]


@pytest.mark.parametrize(
    "declaration, expected",
    [
        ("type: choice\n", '14:5: fact "f": a choice lists its choices:, e.g. [sales, engineering]'),
        ("type: choice\n  choices: [a, a]\n", '15:5: fact "f": the choice "a" is listed twice'),
        (
            "type: choice\n  choices: [Sales, b]\n",
            '15:5: fact "f": the choice "Sales": use lower-case letters, digits, "_" and "-"',
        ),
        ("type: yes_no\n  choices: [a, b]\n", '15:5: fact "f": choices: only go with type: choice, not yes_no'),
        (
            "type: yes_no\n  max: 3\n",
            '15:5: fact "f": max: only goes with a number (count, months, years, number, money), not yes_no',
        ),
        ("type: count\n  min: 5\n  max: 2\n", '16:5: fact "f": max: 2 is below min: 5'),
        ("type: count\n  max: 2.5\n", '15:5: fact "f": 2.5 is not a whole number (count are counted whole)'),
        ("type: money\n  min: -3\n", '15:5: fact "f": -3 is out of range for money: from 0 to 1e+12'),
        ("type: count\n  max: true\n", "15:5: facts.f.max: true is yes/no, not a number; write a number, or a choice"),
    ],
)
def test_bad_choices_and_bounds_are_refused_at_their_line(tmp_path, declaration, expected):
    root = company_with(tmp_path, "f:\n  " + declaration + WORDS)
    assert problems(root) == [expected]


def test_a_declaration_without_its_words_is_refused(tmp_path):
    root = company_with(tmp_path, "f:\n  type: yes_no\n")
    assert problems(root) == [
        '13:3: "description" is required',
        '13:3: "label" is required',
        '13:3: "question" is required',
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


# ------------------------------------------------------------ batch, schema, interview, explain, handbook, service


def test_batch_reads_the_declared_facts_from_their_csv_columns(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "employee_id,Department,missed_quota_count,talked_to_manager,as_of\n"
        "e1,sales,2,no,2026-11-01\n"
        "e2,engineering,3,no,2026-11-01\n"
        "e3,sales,2,yes,2026-11-01\n"
        "e4,salse,30,maybe,2026-11-01\n"
    )
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main, ["batch", str(people), "--ruleset", str(COMPANY), "--view", "ids", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    first = [[item["rule_id"] for item in line["advice"]["recommendations"]][:1] for line in lines[:3]]
    assert first[0] == [RULE] and first[1] != [RULE] and first[2] != [RULE]
    problems = {error["field"]: error["message"] for error in lines[3]["errors"]}
    # named as the file names them: Department is the column of the fact "department"
    assert problems["Department"].startswith("Department: must be one of 'sales', 'engineering'")
    assert problems["missed_quota_count"].startswith("missed_quota_count: must be at most 20")
    assert set(problems) == {"Department", "missed_quota_count", "talked_to_manager"}


def test_batch_names_a_misspelt_declared_column(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("Departmnt\nsales\n")
    result = CliRunner().invoke(main, ["batch", str(people), "--ruleset", str(COMPANY), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f'{people}:1:1: unknown column "Departmnt" (did you mean "Department"?)' in result.output


def test_the_json_schema_of_the_ruleset_has_its_own_facts():
    result = CliRunner().invoke(main, ["schema", "facts", "--ruleset", str(COMPANY)])
    assert result.exit_code == 0, result.output
    properties = json.loads(result.output)["properties"]
    department = properties["department"]["anyOf"][0]
    assert department["enum"] == ["sales", "engineering", "support", "finance", "operations"]
    assert properties["missed_quota_count"]["anyOf"][0] == {"maximum": 20, "minimum": 0, "type": "integer"}
    assert properties["talked_to_manager"]["description"].startswith("The person has talked to their manager")
    plain = json.loads(CliRunner().invoke(main, ["schema", "facts"]).output)["properties"]
    assert "department" not in plain


def test_the_interview_asks_the_declared_facts_with_their_questions(tmp_path):
    from datetime import date

    from promorules.person.interview import Interview

    session = Interview(Advisor(COMPANY, engine="python"), {"department": "sales"}, date(2026, 11, 1), 40)
    said: list[str] = []
    answers = {
        "How many times did you miss your quota this year?": "2",
        "Have you talked to your manager about the missed quota?": "no",
    }

    def read_line():
        last = said[-1]
        return next((answer for question, answer in answers.items() if question in last), "")

    advice = session.run(read_line, said.append)
    assert session.facts["missed_quota_count"] == 2
    assert session.facts["talked_to_manager"] is False
    assert advice.recommendations[0].rule_id == RULE
    assert "(yes/no)" in next(text for text in said if "talked to your manager about the missed" in text)


def test_the_interview_refuses_an_answer_out_of_bounds(tmp_path):
    from datetime import date

    from promorules.person.interview import Interview

    session = Interview(Advisor(COMPANY, engine="python"), {"department": "sales"}, date(2026, 11, 1), 40)
    said: list[str] = []

    def read_line():
        return "25" if "miss your quota" in said[-1] else ""

    session.run(read_line, said.append)
    assert "missed_quota_count" not in session.facts
    assert any("That answer cannot be used" in text and "20" in text for text in said)


def test_explain_shows_the_declared_facts_with_their_labels(tmp_path):
    person = tmp_path / "sam.yaml"
    person.write_text("as_of: 2026-11-01\ndepartment: sales\nmissed_quota_count: 3\ntalked_to_manager: false\n")
    result = CliRunner().invoke(main, ["explain", RULE, "--facts", str(person), "--ruleset", str(COMPANY)])
    assert result.exit_code == 0, result.output
    assert "[yes] department is sales  (department; yours: sales)" in result.output
    assert "(times quota was missed this year; yours: 3)" in result.output
    assert "(has talked to the manager about it; yours: no)" in result.output
    assert "For you: it applies; it is recommendation 1 of" in result.output


def test_explain_asks_for_the_declared_facts_still_unknown(tmp_path):
    person = tmp_path / "sam.yaml"
    person.write_text("as_of: 2026-11-01\ndepartment: sales\n")
    result = CliRunner().invoke(main, ["explain", RULE, "--facts", str(person), "--ruleset", str(COMPANY)])
    assert result.exit_code == 0, result.output
    assert "For you: cannot tell yet. Tell us: missed_quota_count, talked_to_manager." in result.output


def test_the_handbook_lists_the_rulesets_own_facts_and_words_the_rule_with_their_labels():
    result = CliRunner().invoke(main, ["ruleset", "doc", str(COMPANY)])
    assert result.exit_code == 0, result.output
    assert "- [The ruleset's own facts](#the-rulesets-own-facts)" in result.output
    assert (
        "| `missed_quota_count` | times quota was missed this year | a count, from 0 to 20: Times the person "
        "missed their quota in the last twelve months. | How many times did you miss your quota this year? "
        "| `missed_quota_count` |"
    ) in result.output
    assert "| `department` | department | one of sales, engineering, support, finance, operations:" in result.output
    assert "  - times quota was missed this year: at least 2\n  - has talked to the manager about it: no" in (
        result.output
    )
    plain = CliRunner().invoke(main, ["ruleset", "doc", "default"]).output
    assert "own facts" not in plain


def test_the_service_validates_and_uses_the_declared_facts():
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    from promorules.service.server import create_app

    async def ask(advisor):
        transport = httpx.ASGITransport(app=create_app(advisor))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            advice = await client.post("/v1/advice", params={"view": "ids"}, json=SALES)
            refused = await client.post("/v1/advice", json={**SALES, "missed_quota_count": 21})
            schema = await client.get("/v1/schema/facts")
            return advice, refused, schema

    advice, refused, schema = asyncio.run(ask(Advisor(COMPANY, engine="python")))
    assert advice.status_code == 200, advice.text
    assert advice.json()["recommendations"][0]["rule_id"] == RULE
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "missed_quota_count"
    assert "talked_to_manager" in schema.json()["properties"]
    plain, _, plain_schema = asyncio.run(ask(Advisor(engine="python")))
    assert plain.status_code == 422
    assert "talked_to_manager" not in plain_schema.json()["properties"]


def test_the_example_of_the_format_guide_loads_and_advises(tmp_path):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "rulesets.md").read_text()
    section = doc.split("## Facts of your own", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(# company/(\S+)\n.*?)```", section, re.S)
    assert [name for _, name in blocks] == ["ruleset.yaml", "company.yaml"]
    root = tmp_path / "company"
    root.mkdir()
    for text, name in blocks:
        (root / name).write_text(text)
    advice = Advisor(root, engine="python").advise(SALES)
    assert advice.recommendations[0].rule_id == RULE


def test_scenarios_give_the_declared_facts_in_a_table_and_check_the_company_rule():
    feature = COMPANY.parent / "company.feature"
    result = CliRunner().invoke(main, ["ruleset", "test", str(COMPANY), str(feature)])
    assert result.exit_code == 0, result.output
    assert "2 scenarios: 2 passed, 0 failed" in result.output


def test_a_scenario_with_a_bad_declared_value_names_its_row(tmp_path):
    feature = tmp_path / "bad.feature"
    feature.write_text((COMPANY.parent / "company.feature").read_text().replace("| sales      |", "| salse      |", 1))
    result = CliRunner().invoke(main, ["ruleset", "test", str(COMPANY), str(feature)])
    assert result.exit_code == 1, result.output
    assert f"{feature}:8:" in result.output and "department: must be one of 'sales'" in result.output


def test_the_effective_ruleset_keeps_the_declared_facts_and_loads_back_to_the_same_advice(tmp_path):
    result = CliRunner().invoke(main, ["ruleset", "show", str(COMPANY), "--effective"])
    assert result.exit_code == 0, result.output
    manifest, rules = result.output.split("\nrules:\n", 1)
    root = tmp_path / "flat"
    root.mkdir()
    (root / "ruleset.yaml").write_text(manifest + "\n")
    (root / "rules.yaml").write_text("rules:\n" + rules)
    flat = Advisor(root, engine="python")
    assert flat.ruleset.facts == tuple(
        replace(fact, location=found.location)
        for fact, found in zip(Advisor(COMPANY).ruleset.facts, flat.ruleset.facts)
    )
    assert flat.advise(SALES) == Advisor(COMPANY, engine="python").advise(SALES)


COMPANY_CSV = (
    "employee_id,Department,missed_quota_count,talked_to_manager,as_of\n"
    "e1,sales,2,no,2026-11-01\n"
    "e2,engineering,3,no,2026-11-01\n"
)


def test_a_cluster_reads_the_declared_columns_as_the_local_batch_does(tmp_path):
    pytest.importorskip("distributed", reason="needs the dask extra: pip install 'promorules[dask]'")
    dd = pytest.importorskip("dask.dataframe", reason="needs the dask extra: pip install 'promorules[dask]'")
    from distributed import Client

    from promorules.service import distributed as cluster_batch

    source = tmp_path / "people.csv"
    source.write_text(COMPANY_CSV)
    local = tmp_path / "local.jsonl"
    result = CliRunner().invoke(
        main, ["batch", str(source), "--ruleset", str(COMPANY), "--view", "summary", "-o", str(local)]
    )
    assert result.exit_code == 0, result.output
    frame = dd.read_csv(source, dtype=str, keep_default_na=False)
    with cluster_batch.local_cluster(1) as running, Client(running):
        lines = cluster_batch.advise_partitions(frame, str(COMPANY)).compute()["line"]
    assert "".join(line + "\n" for line in lines) == local.read_text()
    assert '"rule_id":"company.sales-quota-talk-first"' in lines[0]


def test_the_services_openapi_describes_the_rulesets_own_facts():
    """An HR platform generating its client from /openapi.json gets the facts the service's ruleset takes."""
    import httpx

    from promorules.service.server import create_app

    async def facts_described(advisor: Advisor) -> dict:
        transport = httpx.ASGITransport(app=create_app(advisor))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            openapi = (await client.get("/openapi.json")).json()
        return openapi["components"]["schemas"]["Facts"]["properties"]

    company = asyncio.run(facts_described(Advisor(COMPANY)))
    assert {"department", "missed_quota_count", "talked_to_manager"} <= set(company)
    assert "role_start_date" in company
    plain = asyncio.run(facts_described(Advisor()))
    assert "department" not in plain and "role_start_date" in plain
