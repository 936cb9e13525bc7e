"""JSON Schema of the input (facts) and the output (the advice and its views), from the models the API uses.

Generated from `Facts`, `Advice` and the views themselves, so the schema cannot drift
from what ``Advisor.advise``, ``promorules batch`` and the HTTP service accept
and return. Every field carries its description.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, Optional

if TYPE_CHECKING:  # pydantic is imported when a schema is made, not when this module is
    from pydantic import BaseModel

Kind = Literal["facts", "advice", "summary", "ids"]
KINDS = ("facts", "advice", "summary", "ids")


def json_schema(kind: Kind, facts_model: Optional[type["BaseModel"]] = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the facts a person gives, or of the advice they get (in full, or
    its ``summary`` or ``ids`` view). ``facts_model`` is a ruleset's (`Ruleset.facts_model`), with its own
    facts; `Facts` when not given."""
    if kind == "facts":
        from ..facts.model import Facts

        return (facts_model or Facts).model_json_schema()
    if kind == "advice":
        from ..advice.model import Advice

        return Advice.model_json_schema(mode="serialization")
    if kind in ("summary", "ids"):
        from ..advice.views import VIEW_MODELS

        return VIEW_MODELS[kind].model_json_schema(mode="serialization")
    from ..errors import argument_error

    raise argument_error("kind", f'kind must be "facts", "advice", "summary" or "ids", not {kind!r}')


def schema_text(kind: Kind, facts_model: Optional[type["BaseModel"]] = None) -> str:
    """The schema as stable, indented JSON text."""
    return json.dumps(json_schema(kind, facts_model), indent=2, sort_keys=True) + "\n"
