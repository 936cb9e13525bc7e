"""docs/advice.md documents every field of the advice JSON."""

from pathlib import Path

from pydantic import BaseModel

from promorules.advice import model as advice

DOC = (Path(__file__).resolve().parents[2] / "docs" / "advice.md").read_text()


def test_every_field_of_the_advice_is_documented():
    models = [m for m in vars(advice).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    fields = {name for model in models for name in model.model_fields}
    undocumented = sorted(name for name in fields if f"`{name}`" not in DOC)
    assert undocumented == []


def test_every_field_of_the_advice_schema_has_a_description():
    schema = advice.Advice.model_json_schema()
    models = [schema, *schema["$defs"].values()]
    defs = schema["$defs"]

    def described(prop: dict) -> bool:
        ref = prop.get("$ref", "").rsplit("/", 1)[-1]
        return "description" in prop or "description" in defs.get(ref, {})

    bare = [name for model in models for name, prop in model.get("properties", {}).items() if not described(prop)]
    assert bare == []
