"""Rewrite the generated fact tables from the facts the code defines, so the docs cannot drift from it.

    .venv/bin/python docs/facts_table.py

* docs/rulesets.md ends with the facts a rule can use (derived ones included);
* docs/facts.md has a table of input fields under each ``<!-- fields: NAME -->``
  mark, up to the next ``<!-- /fields -->``: the fields of a facts file, from
  the JSON Schema of the facts (each field's description, type and default).
"""
from __future__ import annotations

import re
from pathlib import Path

from promorules.facts.derive import FACTS
from promorules.service.schema import json_schema

HERE = Path(__file__).resolve().parent
DOC = HERE / "rulesets.md"
INPUTS_DOC = HERE / "facts.md"
HEADER = "| fact | kind | in advice | meaning |"


def table() -> str:
    """Each fact by the name a rule uses, its kind, the words the advice shows it by, and its meaning."""
    rows = [HEADER, "|---|---|---|---|"]
    for name, info in FACTS.items():
        kind = info.kind + (f" ({', '.join(info.choices)})" if info.choices else "")
        rows.append(f"| `{name}` | {kind} | {info.label} | {info.description} |")
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- docs/facts.md

# The top-level fields of each group of docs/facts.md, in the order shown. A
# record (a list item or a group) gets its own table: "prefix": "model".
GROUPS: dict[str, list[str]] = {
    "role": ["as_of", "current_title", "target_title", "target_role_exists", "target_role_is_management",
             "role_start_date", "scope_change", "last_promotion_date", "target_role_tried",
             "target_value_aligned_with_org_goals", "target_dropped"],
    "performance": ["self_assessment_done", "self_assessment_date", "self_assessment_discussed",
                    "meets_all_responsibilities", "informal_review_done", "informal_review_date",
                    "informal_review_expectations_agreed", "feedback_unclear", "improvement_cycle_start",
                    "effort_trend", "frustrated", "strategy", "hinting_only", "performance_gaps", "setbacks"],
    "stepping-up": ["above_level_activities", "capacity_constrained", "boss_territorial",
                    "lacks_experience_for_next_role", "leadership_evidence", "has_mentor"],
    "evidence": ["achievements", "achievement_log_last_updated", "leveling_criteria", "criteria_self_rating",
                 "case_document"],
    "pay": ["comp_in_ask", "current_comp", "market_rate_current_level", "market_rate_next_level",
            "walk_away_number", "revenue_attributed", "negotiation_experience"],
    "people": ["people", "manager_relationship", "manager_not_advocating", "relying_on_relationships", "manager_post"],
    "organisation": ["org", "manager_visibly_stressed", "remote", "manager_onsite", "planned_setting",
                     "meeting_scheduled"],
    "requests": ["promotion_requests"],
    "outcomes": ["promotion_approved", "terms_final", "terms_negotiable", "external_offer", "job_search_active",
                 "soul_search_done", "soul_search_found_gaps", "growth_blocked"],
}
RECORDS: dict[str, str] = {
    "performance_gaps[]": "PerformanceGap",
    "setbacks[]": "Setback",
    "above_level_activities[]": "AboveLevelActivity",
    "achievements[]": "Achievement",
    "case_document": "CaseDocument",
    "case_document.accomplishment_items[]": "CaseItem",
    "people[]": "Person",
    "org": "Organisation",
    "org.dysfunction": "Dysfunction",
    "promotion_requests[]": "PromotionRequest",
    "external_offer": "ExternalOffer",
}
FIELD_HEADER = "| field | type | meaning |"
MARK = re.compile(r"(<!-- fields: ([\w\[\].-]+) -->\n).*?(?=<!-- /fields -->)", re.S)


def _branch(schema: dict, node: dict) -> dict:
    """The non-null branch of an optional field, with $ref followed."""
    for branch in node.get("anyOf", ()):
        if branch.get("type") != "null":
            node = branch
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def type_words(schema: dict, node: dict) -> str:
    """A field's type in plain words: yes/no, whole number, date (YYYY-MM-DD), one of: ..."""
    node = _branch(schema, node)
    if "enum" in node:
        return "one of: " + ", ".join(f"`{choice}`" for choice in node["enum"])
    kind = node.get("type")
    if kind == "array":
        return "list of " + _plural(type_words(schema, node["items"]))
    if kind == "object":
        if "properties" in node:
            return "group (table below)"
        return f"mapping of text to {type_words(schema, node['additionalProperties'])}"
    if node.get("format") == "date":
        return "date (YYYY-MM-DD)"
    if kind in ("integer", "number"):
        low, high = node.get("minimum"), node.get("maximum")
        words = "whole number" if kind == "integer" else "number"
        if low is not None and high is not None and high <= 12:
            return f"{words} from {low:g} to {high:g}"
        return f"{words}, {low:g} or more" if low is not None else words
    return {"boolean": "yes/no", "string": "text"}[kind]


def _plural(words: str) -> str:
    if words == "group (table below)":
        return "records (table below)"
    if words.startswith("one of:"):
        return "choices, each " + words
    noun = next(noun for noun in ("whole number", "number", "date", "text", "yes/no") if words.startswith(noun))
    return noun + ("es" if noun == "yes/no" else "s") + words[len(noun):]


def _row(schema: dict, path: str, node: dict, required: bool) -> str:
    kind = type_words(schema, node)
    if required:
        kind += " (required)"
    elif node.get("default") is not None:
        default = node["default"]
        kind += f" (default `{str(default).lower() if isinstance(default, bool) else default}`)"
    return f"| `{path}` | {kind} | {node['description']} |"


def field_table(name: str, schema: dict | None = None) -> str:
    """The table under ``<!-- fields: name -->``: a group's top-level fields, or a record's fields by its prefix."""
    schema = schema or json_schema("facts")
    rows = [FIELD_HEADER, "|---|---|---|"]
    if name in GROUPS:
        for field in GROUPS[name]:
            rows.append(_row(schema, field, schema["properties"][field], False))
    else:
        model = schema["$defs"][RECORDS[name]]
        for field, node in model["properties"].items():
            rows.append(_row(schema, f"{name}.{field}", node, field in model.get("required", ())))
    return "\n".join(rows) + "\n"


def unplaced_fields(schema: dict | None = None) -> list[str]:
    """Top-level fields in no group, and groups naming fields that do not exist: both must be empty."""
    schema = schema or json_schema("facts")
    placed = [field for fields in GROUPS.values() for field in fields]
    return sorted(set(schema["properties"]).symmetric_difference(placed))


def facts_doc(text: str) -> str:
    """docs/facts.md with every marked table written afresh."""
    schema = json_schema("facts")
    return MARK.sub(lambda found: found[1] + field_table(found[2], schema), text)


if __name__ == "__main__":
    if unplaced_fields():
        raise SystemExit(f"put these fields in a group of GROUPS: {', '.join(unplaced_fields())}")
    text = DOC.read_text()
    DOC.write_text(text[: text.index(HEADER)] + table())
    INPUTS_DOC.write_text(facts_doc(INPUTS_DOC.read_text()))
