"""The ruleset a stack of layers adds up to, printed as one YAML document.

A coach who layers changes on the bundled guidance needs to see what is in
force without reading every layer: the merged manifest, then every rule as it
was written, each with a comment naming the file (and line) it came from.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..ruleset.loader import LoadReport
from ..ruleset.model import Ruleset


def effective_yaml(report: LoadReport) -> str:
    """The merged ruleset of a report without problems. Splitting off ``rules:`` gives a loadable ruleset."""
    ruleset = report.ruleset
    if ruleset is None:
        raise ValueError("the ruleset has problems; fix them first")
    lines = [f"# The effective ruleset {ruleset.name} {ruleset.version}, made of these manifests (base first):"]
    lines += [f"#   {layer}" for layer in report.layers]
    lines += _dump({"name": ruleset.name, "version": ruleset.version, "description": ruleset.description})
    lines += _dump({"sources": {key: _source(s) for key, s in ruleset.sources.items()}})
    lines.append(f"categories: [{', '.join(ruleset.categories)}]")
    lines += _thresholds(ruleset, report.threshold_changes)
    lines += _dump({"stages": [_stage(stage) for stage in ruleset.stages]})
    if ruleset.of_the_moment:
        lines += _dump({"of_the_moment": list(ruleset.of_the_moment)})
    if ruleset.pairs:
        lines += _dump({"pairs": [_pair(pair) for pair in ruleset.pairs]})
    if ruleset.facts:
        lines += _dump({"facts": {fact.name: _fact(fact) for fact in ruleset.facts}})
    if report.disabled:
        lines.append("# Disabled by a layer, so not in force:")
        lines += [f"#   {rule_id} (at {where})" for rule_id, where in report.disabled.items()]
    lines.append("rules:")
    for rule_id, origin in report.origins.items():
        comment = f"  # from {origin.location}"
        if origin.replaced is not None:
            comment += f", replacing the rule at {origin.replaced}"
        data = {"id": origin.data["id"], "category": origin.category}
        data.update((key, value) for key, value in origin.data.items() if key not in ("id", "category", "replaces"))
        lines.append(comment)
        lines += _indent(_dump([data]), "  ")
    return "\n".join(lines) + "\n"


def _thresholds(ruleset: Ruleset, changes: dict) -> list[str]:
    if not ruleset.thresholds:
        return ["thresholds: {}"]
    lines = ["thresholds:"]
    for name, threshold in ruleset.thresholds.items():
        where = [str(threshold.location)] + [f"changed at {place}" for place in changes.get(name, ())]
        lines.append(f"  # {name}: from {', '.join(where)}")
        entry: dict[str, Any] = {"default": threshold.value, "unit": threshold.unit, "meaning": threshold.meaning}
        if threshold.choices:
            entry["choices"] = list(threshold.choices)
        if threshold.origin:
            entry["origin"] = threshold.origin
        if threshold.at_most:
            entry["at_most"] = threshold.at_most
        lines += _indent(_dump({name: entry}), "  ")
    return lines


def _fact(fact) -> dict:
    """A declared fact as its manifest writes it: the keys left out are left out here too."""
    data: dict = {"type": fact.type}
    if fact.choices:
        data["choices"] = list(fact.choices)
    data.update({key: value for key, value in (("min", fact.low), ("max", fact.high)) if value is not None})
    data.update(label=fact.label, question=fact.question, description=fact.description)
    if fact.column != fact.name:
        data["column"] = fact.column
    return data


def _stage(stage) -> dict:
    data: dict[str, Any] = {"name": stage.name, "title": stage.title}
    if stage.signal:
        data["signal"] = stage.signal
    if stage.description:
        data["description"] = stage.description
    return data


def _pair(pair) -> dict:
    data: dict[str, Any] = {"first": list(pair.first), "second": list(pair.second)}
    if pair.yields:
        data.update(yields=pair.yields, reason=pair.reason)
    if pair.fit:
        data["fit"] = pair.fit
    return data


class _Dumper(yaml.SafeDumper):
    """Long texts stay readable: a text with line breaks is written as a block, as a coach would."""


def _text(dumper: yaml.SafeDumper, value: str):
    if "\n" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value)
    folded = value.endswith("\n") and value.count("\n") == 1
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">" if folded else "|")


_Dumper.add_representer(str, _text)


def _dump(data) -> list[str]:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return text.rstrip("\n").split("\n")


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


def _source(source) -> dict:
    """A source as ruleset.yaml declares it: what is not known is left out, as it was written."""
    fields = {
        "file": source.file,
        "title": source.title,
        "author": source.author,
        "publisher": source.publisher,
        "published": source.published,
        "link": source.link,
    }
    return {name: value for name, value in fields.items() if value is not None}
