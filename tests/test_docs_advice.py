"""docs/advice.md documents every field of the advice JSON."""
from pathlib import Path

from pydantic import BaseModel

from promorules import advice

DOC = (Path(__file__).resolve().parent.parent / "docs" / "advice.md").read_text()


def test_every_field_of_the_advice_is_documented():
    models = [m for m in vars(advice).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    fields = {name for model in models for name in model.model_fields}
    undocumented = sorted(name for name in fields if f"`{name}`" not in DOC)
    assert undocumented == []
