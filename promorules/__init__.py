"""promorules: career-promotion guidance as declarative rulesets, and an engine that applies it.

    from promorules import Advisor, full_advice
    advice = Advisor().advise({"as_of": "2026-11-24", "role_start_date": "2026-05-01"})
    summary = Advisor().advise({"as_of": "2026-11-24"}, view="summary", id="E-1042")  # ~2.5 KB, id echoed
    fuller = full_advice(Advisor(), {"as_of": "2026-11-24", "role_start_date": "2026-05-01"})  # + plan, misses

docs/embedding.md describes the API, the JSON Schemas, batch runs and the HTTP service.
Everything raised on purpose is a `PromorulesError`; bad input (facts that do not fit, a wrong argument) is
an `InputError` whose problems name each field, worded as the command line words them.

Each name below is imported from its module on first use, not when the package is: `promorules --version`
and `--help` import this package too, and must start as fast as click alone (docs/performance.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .advice.model import SCHEMA_VERSION, Advice
    from .advice.views import IdsView, SummaryView, view_of
    from .advisor import Advisor, IdError, bundled_ruleset_path, full_advice, load_ruleset
    from .errors import EngineError, InputError, Problem, PromorulesError, RulesetError
    from .facts.files import parse_facts, read_facts
    from .facts.model import Facts
    from .ruleset.model import Ruleset
    from .service.schema import json_schema

    __version__: str

# The public names, each with the module that defines it.
_HOMES = {
    "SCHEMA_VERSION": ".advice.model",
    "Advice": ".advice.model",
    "IdsView": ".advice.views",
    "SummaryView": ".advice.views",
    "view_of": ".advice.views",
    "Advisor": ".advisor",
    "IdError": ".advisor",
    "bundled_ruleset_path": ".advisor",
    "full_advice": ".advisor",
    "load_ruleset": ".advisor",
    "EngineError": ".errors",
    "InputError": ".errors",
    "Problem": ".errors",
    "PromorulesError": ".errors",
    "RulesetError": ".errors",
    "parse_facts": ".facts.files",
    "read_facts": ".facts.files",
    "Facts": ".facts.model",
    "Ruleset": ".ruleset.model",
    "json_schema": ".service.schema",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _installed_version()
    elif name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("promorules")
    except PackageNotFoundError:  # a source tree on sys.path without an install
        return "0+unknown"


__all__ = [
    "Advice",
    "Advisor",
    "EngineError",
    "Facts",
    "IdError",
    "IdsView",
    "InputError",
    "Problem",
    "PromorulesError",
    "Ruleset",
    "RulesetError",
    "SCHEMA_VERSION",
    "SummaryView",
    "__version__",
    "bundled_ruleset_path",
    "full_advice",
    "json_schema",
    "load_ruleset",
    "parse_facts",
    "read_facts",
    "view_of",
]
