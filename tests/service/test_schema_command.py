"""`promorules schema facts|advice` prints the JSON Schema the API validates with, and the examples fit it."""

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from promorules import Advisor, Facts, read_facts
from promorules.advice.model import Advice
from promorules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def printed(kind: str) -> dict:
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def properties_of(schema: dict, node: dict) -> dict:
    """The object schema behind ``node``: follows $ref, and the non-null branch of anyOf."""
    if "$ref" in node:
        return properties_of(schema, schema["$defs"][node["$ref"].split("/")[-1]])
    for branch in node.get("anyOf", ()):
        if branch.get("type") != "null":
            return properties_of(schema, branch)
    return node


def unknown_keys(schema: dict, node: dict, value, path: str = "") -> list[str]:
    """Every key in ``value`` that the schema does not declare, as a path; recursive."""
    node = properties_of(schema, node)
    if isinstance(value, dict):
        if "properties" in node:
            found = []
            for key, item in value.items():
                if key not in node["properties"]:
                    found.append(f"{path}.{key}".lstrip("."))
                else:
                    found += unknown_keys(schema, node["properties"][key], item, f"{path}.{key}")
            return found
        assert node.get("type") == "object" and "additionalProperties" in node, (path, node)
        return []
    if isinstance(value, list):
        assert node.get("type") == "array", (path, node)
        return [k for n, item in enumerate(value) for k in unknown_keys(schema, node["items"], item, f"{path}[{n}]")]
    return []


def test_facts_schema_is_the_models_schema():
    assert printed("facts") == Facts.model_json_schema()


def test_advice_schema_is_the_models_schema():
    assert printed("advice") == Advice.model_json_schema(mode="serialization")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_field_of_the_examples_is_in_the_facts_schema(example):
    schema = printed("facts")
    data = yaml.safe_load(example.read_text())
    assert unknown_keys(schema, schema, json.loads(json.dumps(data, default=str))) == []
    read_facts(str(example))  # and the model the schema comes from accepts it


def test_the_schema_check_finds_an_unknown_nested_field():
    """Guards the check above: it must see keys the schema lacks, deep down too."""
    schema = printed("facts")
    person = {
        "org": {"hiring_freeze": True, "dysfunction": {"high_turnover": True, "morale": "low"}},
        "achievements": [{"title": "x", "date": "2026-01-01", "impact": 3}],
    }
    assert unknown_keys(schema, schema, person) == ["org.dysfunction.morale", "achievements[0].impact"]


def test_every_field_of_real_advice_is_in_the_advice_schema():
    schema = printed("advice")
    advice = Advisor().advise(read_facts(str(ROOT / "examples" / "claire-first-visit.yaml")))
    assert unknown_keys(schema, schema, json.loads(advice.model_dump_json())) == []


def test_every_fact_has_a_description():
    schema = printed("facts")
    undescribed = [name for name, spec in schema["properties"].items() if not spec.get("description")]
    for model, spec in schema["$defs"].items():
        undescribed += [f"{model}.{name}" for name, field in spec["properties"].items() if not field.get("description")]
    assert undescribed == []


def test_an_unknown_kind_is_a_usage_error():
    result = CliRunner().invoke(main, ["schema", "people"])
    assert result.exit_code == 2
    assert "facts" in result.output and "advice" in result.output
