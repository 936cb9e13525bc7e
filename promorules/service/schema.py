"""JSON Schema of the input (facts) and the output (advice), from the models the API validates with.

Generated from `Facts` and `Advice` themselves, so the schema cannot drift
from what ``Advisor.advise``, ``promorules batch`` and the HTTP service accept
and return. Every field carries its description.
"""
from __future__ import annotations

import json
from typing import Any, Literal

Kind = Literal["facts", "advice"]


def json_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the facts a person gives, or of the advice they get."""
    if kind == "facts":
        from ..facts.model import Facts

        return Facts.model_json_schema()
    if kind == "advice":
        from ..advice.model import Advice

        return Advice.model_json_schema(mode="serialization")
    raise ValueError(f'kind must be "facts" or "advice", not {kind!r}')


def schema_text(kind: Kind) -> str:
    """The schema as stable, indented JSON text."""
    return json.dumps(json_schema(kind), indent=2, sort_keys=True) + "\n"
