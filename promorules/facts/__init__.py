"""Facts: what a person tells us, and what follows from it.

The lowest layer of the flow. ``model`` validates a facts file into `Facts`; ``derive`` turns them into the
flat dict of derived facts that rules read; ``files`` and ``csvrow`` read YAML/JSON files and CSV rows;
``questions`` holds how the interview asks for each input fact. Nothing here knows about rulesets or engines.
"""
