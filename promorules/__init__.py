"""promorules: career-promotion guidance as declarative rulesets, and an engine that applies it.

    from promorules import Advisor, full_advice
    advice = Advisor().advise({"as_of": "2026-11-24", "role_start_date": "2026-05-01"})
    summary = Advisor().advise({"as_of": "2026-11-24"}, view="summary", id="E-1042")  # ~2.5 KB, id echoed
    fuller = full_advice(Advisor(), {"as_of": "2026-11-24", "role_start_date": "2026-05-01"})  # + plan, misses

docs/embedding.md describes the API, the JSON Schemas, batch runs and the HTTP service.
"""

from importlib.metadata import PackageNotFoundError, version as _version

from .advice.model import SCHEMA_VERSION, Advice
from .advice.views import IdsView, SummaryView, view_of
from .advisor import Advisor, IdError, bundled_ruleset_path
from .errors import EngineError, InputError, Problem, PromorulesError, RulesetError
from .facts.model import Facts
from .facts.files import parse_facts, read_facts
from .advisor import load_ruleset
from .advisor import full_advice
from .ruleset.model import Ruleset
from .service.schema import json_schema

try:
    __version__ = _version("promorules")
except PackageNotFoundError:  # a source tree on sys.path without an install
    __version__ = "0+unknown"

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
