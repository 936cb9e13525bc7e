"""Rulesets: the guidance as data.

``model`` is the ruleset's in-memory form (rules, conditions, thresholds, sources); ``conditions`` the
condition tree and its operators; ``loader`` reads the YAML layers into a `Ruleset`, collecting every problem
with file:line:col. This layer reads facts' names (to check rules) but never runs an engine.
"""
