"""Advice: from matched rules to what a person reads.

``model`` is the `Advice` (pydantic, also its JSON Schema); ``resolve`` applies hold-backs and the order;
``outlook`` adds the nearest misses and the dated plan; ``render`` writes text, markdown and json;
``wording`` puts conditions into words for explanations and the handbook.
"""
