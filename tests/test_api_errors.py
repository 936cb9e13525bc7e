"""Bad input reaches an embedder as one `PromorulesError`, worded as the command line, the batch and the service
word the same mistake: never pydantic's ValidationError, a bare TypeError or a bare ValueError."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx
import pytest
import yaml

from promorules import (
    Advisor,
    InputError,
    PromorulesError,
    full_advice,
    json_schema,
    parse_facts,
    read_facts,
    view_of,
)
from promorules.service.server import create_app

ROOT = Path(__file__).resolve().parents[1]
PROMORULES = [sys.executable, "-c", "from promorules.cli import main; main()"]

# One person's facts with five kinds of mistake: a wrong type, a number for a boolean, a misspelt key,
# a value not among the choices and a required field left out of a list item.
BAD = {
    "as_of": "2026-11-24",
    "frustrated": "maybe",
    "org": {"hiring_freeze": 3, "hiring_freze": True},
    "promotion_requests": [{"outcome": "won"}],
}


def api_problems(facts) -> dict:
    with pytest.raises(InputError) as caught:
        Advisor(engine="python").advise(facts)
    return {problem.field: problem.message for problem in caught.value.problems}


def test_bad_facts_read_the_same_through_the_api_the_cli_the_batch_and_the_service(tmp_path):
    api = api_problems(BAD)
    assert set(api) == {
        "frustrated",
        "org.hiring_freeze",
        "org.hiring_freze",
        "promotion_requests[0].outcome",
        "promotion_requests[0].date",
    }
    assert api["frustrated"] == "frustrated: must be true or false (got 'maybe')"

    facts_file = tmp_path / "me.yaml"
    facts_file.write_text(yaml.safe_dump(BAD, sort_keys=False))
    cli = subprocess.run([*PROMORULES, "advise", str(facts_file)], capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2 and "Traceback" not in cli.stderr
    prefix = f"error: {facts_file}:"
    cli_messages = [line.split(": ", 2)[2] for line in cli.stderr.splitlines() if line.startswith(prefix)]
    assert sorted(cli_messages) == sorted(api.values())

    records = tmp_path / "people.jsonl"
    records.write_text(json.dumps(BAD) + "\n")
    batch = subprocess.run([*PROMORULES, "batch", str(records), "-o", "-"], capture_output=True, text=True, timeout=120)
    assert batch.returncode == 0
    line = json.loads(batch.stdout)
    assert {error["field"]: error["message"] for error in line["errors"]} == api

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(Advisor(engine="python")))
        async with httpx.AsyncClient(transport=transport, base_url="http://promorules") as client:
            return await client.post("/v1/advice", json=BAD)

    import anyio

    answer = anyio.run(post)
    assert answer.status_code == 422
    http = {error["field"]: error["message"] for error in answer.json()["errors"]}
    # The service leaves out the value refused (so logged answers hold no one's facts), and only that.
    assert http == {field: message.split(" (got ")[0] for field, message in api.items()}


def test_a_csv_cell_reads_the_same_as_the_api_for_the_same_mistake(tmp_path):
    api = api_problems({"as_of": "2026-11-24", "frustrated": "maybe"})
    source = tmp_path / "hris.csv"
    source.write_text("employee_id,as_of,frustrated\nE-1,2026-11-24,maybe\n")
    batch = subprocess.run([*PROMORULES, "batch", str(source), "-o", "-"], capture_output=True, text=True, timeout=120)
    line = json.loads(batch.stdout)
    assert line["id"] == "E-1"
    assert {error["field"]: error["message"] for error in line["errors"]} == api


def test_the_error_of_the_api_names_the_facts_and_the_field_without_pydantic_words():
    with pytest.raises(InputError) as caught:
        Advisor(engine="python").advise({"as_of": "2026-11-24", "manager_supportive": "maybe", "frustrated": "x"})
    text = str(caught.value)
    assert text.splitlines()[0] == "facts: frustrated: must be true or false (got 'x')"
    assert "manager_supportive" in text
    for pydantic_words in ("Input should be", "Extra inputs are not permitted", "pydantic", "validation error"):
        assert pydantic_words not in text
    assert caught.value.exit_code == 2 and caught.value.http_status == 422


@pytest.mark.parametrize(
    "call, named, sentence",
    [
        (lambda a: a.advise(5), "facts", "facts must be a promorules.Facts or a mapping of facts, not int"),
        (lambda a: a.advise(None), "facts", "facts must be a promorules.Facts or a mapping of facts, not None"),
        (lambda a: a.advise({}, view="short"), "view", 'view must be "full", "summary" or "ids", not \'short\''),
        (lambda a: a.advise({}, as_of="2026-13-01"), "as_of", "as_of: must be a date like 2026-11-24"),
        (lambda a: a.advise({}, as_of=5), "as_of", "as_of: must be a date like 2026-11-24"),
        (
            lambda a: a.advise({"role_start_date": "2027-01-01"}, as_of=date(2026, 1, 1)),
            "role_start_date",
            "role_start_date after as_of (2026-01-01)",
        ),
        (lambda a: a.advise({"org": "x"}), "org", "org: must be a group of facts (name: value)"),
        (lambda a: a.advise({}, id=5), "id", 'id: must be a string (an id such as "E-1042"), not a number'),
        (lambda a: full_advice(a, 5), "facts", "facts must be a promorules.Facts or a mapping of facts, not int"),
        (lambda a: full_advice(a, {"frustrated": "x"}), "frustrated", "frustrated: must be true or false (got 'x')"),
        (lambda a: view_of(a.advise({}), "short"), "view", 'view must be "full", "summary" or "ids", not \'short\''),
        (lambda a: a.pinned().reload(), "", "a pinned advisor cannot reload; reload the advisor it was pinned from"),
        (
            lambda a: Advisor(a.ruleset).reload(),
            "",
            "this advisor was given a loaded Ruleset, so it has no path to reload from",
        ),
        (lambda a: Advisor(engine="fast"), "engine", 'engine must be "auto", "durable" or "python", not \'fast\''),
        (
            lambda a: Advisor(5),
            "ruleset",
            "ruleset must be a promorules.Ruleset or the path of a ruleset folder, not int",
        ),
        (lambda a: Advisor(thresholds=5), "thresholds", "thresholds must be a mapping of names to values, not int"),
        (
            lambda a: Advisor(a.ruleset, thresholds={"leave_policy": "conservative"}),
            "thresholds",
            "thresholds can only be set when the advisor loads the ruleset itself",
        ),
        (lambda a: parse_facts(5, "x.json"), "raw", "raw must be the facts' text or bytes, not int"),
        (lambda a: parse_facts("{}", None), "name", "name must be text (the name the problems give), not NoneType"),
        (lambda a: read_facts(5), "source", 'source must be a file\'s path or "-", not int'),
        (lambda a: json_schema("facs"), "kind", 'kind must be "facts", "advice", "summary" or "ids", not \'facs\''),
    ],
)
def test_every_entry_point_refuses_bad_input_with_an_input_error_naming_it(call, named, sentence):
    advisor = Advisor(engine="python")
    with pytest.raises(PromorulesError) as caught:
        call(advisor)
    refused = caught.value
    assert type(refused).__module__.startswith("promorules.")
    assert isinstance(refused, InputError) and (refused.exit_code, refused.http_status) == (2, 422)
    if named != "id":  # IdError stays a ValueError too, as it was
        assert not isinstance(refused, (TypeError, ValueError))
    assert [(p.field, p.message) for p in refused.problems] == [(named, sentence)]
