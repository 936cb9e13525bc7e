"""The JSON Schema of facts and the API agree: what one accepts the other accepts, what one refuses the other refuses.

A program that checks a record against `promorules schema facts` (or
`GET /v1/schema/facts`) before sending it must get the same verdict as
`promorules advise`, `batch` and the HTTP service. The schema is checked
without asserting "format", as many validators do; what it says must hold
through types, patterns and ranges alone. The two rules that join fields (a
past date after as_of, a review cycle that ends before it starts) are beyond
JSON Schema: the descriptions state them, and the tests below hold the
descriptions to exactly the fields the API checks.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from promorules.cli import main
from promorules.errors import InputError
from promorules.facts.model import Facts
from promorules.facts.files import parse_facts, validate_facts
from promorules.service.schema import json_schema
from promorules.yamlsource import Located

SCHEMA = json_schema("facts")
VALIDATOR = Draft202012Validator(SCHEMA)
AS_OF = "2026-11-24"


def api_accepts(data) -> bool:
    try:
        validate_facts(Located(copy.deepcopy(data), "request"))
    except InputError:
        return False
    return True


ACCEPTED = {
    "nothing known": {},
    "a yes/no": {"frustrated": True, "org": {"hiring_freeze": False}},
    "whole and fractional money": {"current_comp": 50000, "market_rate_next_level": 61250.5},
    "a count": {"org": {"size": 12, "typical_approval_weeks": 0}},
    "a whole count written with .0": {"org": {"size": 12.0}},
    "a date": {"as_of": AS_OF, "role_start_date": "2025-01-06"},
    "the first and last years": {"as_of": "2200-12-31", "last_promotion_date": "1900-01-01"},
    "budget months": {"org": {"budget_season_months": [9, 10]}},
    "text": {"current_title": "Senior engineer", "people": [{"name": "Dana", "stance": "champion"}]},
    "text with spaces around it": {"target_title": "  Lead  "},
    "a self-rating": {"criteria_self_rating": {"Leads a team": "met"}},
    "a dated record": {"as_of": AS_OF, "achievements": [{"title": "Launch", "date": "2026-03-01"}]},
}

REFUSED_ALREADY = {
    "a date and time": {"as_of": "2026-11-24T00:00:00"},
    "a date with a time zone": {"role_start_date": "2025-01-06T00:00:00Z"},
    "a day out of a month's range": {"as_of": "2026-13-01"},
    "a year before 1900": {"as_of": "1899-12-31"},
    "a year after 2200": {"as_of": "2201-01-01"},
    "an early year in a list item": {"achievements": [{"title": "Launch", "date": "1800-01-01"}]},
    "blank text": {"current_title": "   "},
    "a blank name": {"people": [{"name": " "}]},
    "a blank item of a list of texts": {"leveling_criteria": ["Leads a team", "  "]},
    "a blank criterion to rate": {"criteria_self_rating": {"  ": "met"}},
    "true for a number": {"org": {"size": True}},
    "a month 13": {"org": {"budget_season_months": [13]}},
    "an unknown fact": {"frustated": True},
    "a choice not offered": {"scope_change": "huge"},
}

REFUSED_LOOSE_VALUES = {
    "yes for a yes/no": {"frustrated": "yes"},
    "1 for a yes/no": {"frustrated": 1},
    '"true" for a yes/no': {"org": {"hiring_freeze": "true"}},
    "text for money": {"current_comp": "50000"},
    "text for a count": {"org": {"size": "12"}},
    "text for a month": {"org": {"budget_season_months": ["9"]}},
}


@pytest.mark.parametrize("data", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_both_accept(data):
    assert VALIDATOR.is_valid(data) and api_accepts(data)


@pytest.mark.parametrize("data", REFUSED_ALREADY.values(), ids=REFUSED_ALREADY.keys())
def test_both_refuse(data):
    assert (VALIDATOR.is_valid(data), api_accepts(data)) == (False, False)


@pytest.mark.parametrize("data", REFUSED_LOOSE_VALUES.values(), ids=REFUSED_LOOSE_VALUES.keys())
def test_both_refuse_loose_values(data):
    assert (VALIDATOR.is_valid(data), api_accepts(data)) == (False, False)


# ---------------------------------------------------------------- the same values from YAML, CSV and Python


def test_yaml_yes_and_no_are_still_yes_and_no():
    facts = parse_facts("frustrated: yes\nremote: no\norg:\n  hiring_freeze: True\n", "me.yaml")
    assert (facts.frustrated, facts.remote, facts.org.hiring_freeze) == (True, False, True)


def test_quoted_yaml_values_are_text_and_refused_by_their_line():
    with pytest.raises(InputError) as caught:
        parse_facts('frustrated: "yes"\norg:\n  size: "12"\n', "me.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "me.yaml:1:1: frustrated: must be true or false (got 'yes')",
        "me.yaml:3:3: org.size: must be a number, not the text '12'",
    ]


def test_csv_cells_are_read_as_their_fields_yes_no_and_numbers(tmp_path):
    source = tmp_path / "people.csv"
    source.write_text(
        "as_of,frustrated,remote,org.hiring_freeze,org.size,current_comp\n"
        "2026-11-24,yes,FALSE,1,12,50000.5\n"
        "2026-11-24,maybe,,,twelve,\n"
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in out.read_text().splitlines())
    assert "advice" in first
    assert [e["field"] for e in second["errors"]] == ["frustrated", "org.size"]


def test_a_yaml_date_with_a_time_is_refused_by_its_line():
    with pytest.raises(InputError) as caught:
        parse_facts("as_of: 2026-11-24\nlast_promotion_date: 2025-03-01 00:00:00\n", "me.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "me.yaml:2:1: last_promotion_date: must be a date like 2026-11-24"
    ]


def test_python_dates_are_days_and_datetimes_are_not():
    assert Facts.model_validate({"as_of": date(2026, 11, 24)}).as_of == date(2026, 11, 24)
    with pytest.raises(ValueError, match="must be a date like 2026-11-24"):
        Facts.model_validate({"as_of": datetime(2026, 11, 24)})


# ---------------------------------------------------------------- rules that join fields, stated in descriptions


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].split("/")[-1]]
    return node


def _branch(node: dict) -> dict:
    """The non-null branch of an optional field."""
    for branch in node.get("anyOf", ()):
        if branch.get("type") != "null":
            return _resolve(branch)
    return _resolve(node)


def _sample(node: dict):
    """A small valid value for a schema node: required fields filled, optional ones left out."""
    node = _branch(node)
    if "enum" in node:
        return node["enum"][0]
    if node.get("format") == "date":
        return "2026-01-05"
    kind = node.get("type")
    if kind == "object":
        return {name: _sample(node["properties"][name]) for name in node.get("required", ())}
    if kind == "array":
        return [_sample(node["items"])]
    return {"string": "x", "boolean": True, "integer": 1, "number": 1.0}[kind]


def _date_fields(node: dict, path: tuple = ()):
    """(path, property schema) for every date the schema holds; a list item is 0 in the path."""
    node = _branch(node)
    if node.get("type") == "array":
        yield from _date_fields(node["items"], path + (0,))
        return
    for name, field in node.get("properties", {}).items():
        if _branch(field).get("format") == "date":
            yield path + (name,), field
        else:
            yield from _date_fields(field, path + (name,))


def _facts_with(path: tuple, value: str) -> dict:
    """Facts that hold ``value`` at ``path``, and whatever the records on the way require."""
    data: dict = {"as_of": AS_OF}
    node, target = SCHEMA, data
    for step, following in zip(path, path[1:] + (None,)):
        node = _branch(node)
        if isinstance(step, int):
            node = node["items"]
            continue
        node = node["properties"][step]
        if following is None:
            target[step] = value
        elif isinstance(following, int):
            item = _sample(_branch(node)["items"])
            target[step] = [item]
            target = item
        else:
            target = target.setdefault(step, _sample(node))
    return data


DATES = [(path, field) for path, field in _date_fields(SCHEMA) if path != ("as_of",)]
LATE = (date.fromisoformat(AS_OF) + timedelta(days=1)).isoformat()


def test_the_walk_finds_dates_deep_down():
    paths = {path for path, _ in DATES}
    assert {
        ("achievements", 0, "date"),
        ("org", "last_funding_date"),
        ("promotion_requests", 0, "revisit_date"),
    } <= paths


@pytest.mark.parametrize("path, field", DATES, ids=[".".join(map(str, path)) for path, _ in DATES])
def test_a_date_is_refused_after_as_of_exactly_when_its_description_says_so(path, field):
    data = _facts_with(path, LATE)
    assert VALIDATOR.is_valid(data)
    assert api_accepts(_facts_with(path, "2026-01-05"))
    says = "Not after as_of" in field["description"]
    assert api_accepts(data) is not says


def test_the_review_cycle_order_is_stated_and_checked():
    organisation = SCHEMA["$defs"]["Organisation"]
    assert "review_end must not come before next_review_start" in organisation["description"]
    assert "Not before next_review_start" in organisation["properties"]["review_end"]["description"]
    assert "org.review_end must not come before org.next_review_start" in SCHEMA["description"]
    backwards = {"org": {"next_review_start": "2026-10-01", "review_end": "2026-09-30"}}
    assert VALIDATOR.is_valid(backwards) and not api_accepts(backwards)
    assert api_accepts({"org": {"next_review_start": "2026-10-01", "review_end": "2026-10-01"}})
