"""promorules: career-promotion guidance as declarative rulesets, and an engine that applies it.

    from promorules import Advisor, full_advice
    advice = Advisor().advise({"as_of": "2026-11-24", "role_start_date": "2026-05-01"})
    fuller = full_advice(Advisor(), {"as_of": "2026-11-24", "role_start_date": "2026-05-01"})  # + plan, misses

docs/embedding.md describes the API, the JSON Schemas, batch runs and the HTTP service.
"""
from .advice.model import Advice
from .advisor import Advisor, bundled_ruleset_path
from .errors import EngineError, InputError, Problem, PromorulesError, RulesetError
from .facts.model import Facts
from .facts.files import parse_facts, read_facts
from .advisor import load_ruleset
from .advisor import full_advice
from .ruleset.model import Ruleset
from .service.schema import json_schema

__all__ = [
    "Advice",
    "Advisor",
    "EngineError",
    "Facts",
    "InputError",
    "Problem",
    "PromorulesError",
    "Ruleset",
    "RulesetError",
    "bundled_ruleset_path",
    "full_advice",
    "json_schema",
    "load_ruleset",
    "parse_facts",
    "read_facts",
]
