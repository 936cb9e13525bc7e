"""Where a warning belongs in a stack of layers: at the coach's own change, not in the file it extends.

A warning often has several causes: a rule of the bundled guidance and the threshold a layer raised, a pair
of the base and the rule a layer added. The bundled files are not the coach's to edit, so a warning is
shown at the cause in the topmost layer; a threshold set when loading (``--threshold``) is above them all.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Location
from ..ruleset.loader import LoadReport
from ..text import show


class Blame:
    """Answers, for one load report, which layer a place is in and where a threshold's value was set."""

    def __init__(self, report: LoadReport, varied: str = ""):
        """``varied``: a threshold set when loading only to try another of its choices, not by the coach."""
        assert report.ruleset is not None, "only a ruleset that loaded is checked for warnings"
        self.report = report
        self.ruleset = report.ruleset
        self.roots = [Path(manifest).parent for manifest in report.layers]
        self.varied = varied

    def layer(self, where: Location) -> int:
        """0 for the base, then each layer up; a place in no layer's folder is a setting given when loading."""
        folder = Path(where.file).parent
        return next((index for index, root in enumerate(self.roots) if root == folder), len(self.roots))

    def value_set_at(self, threshold: str) -> Location:
        """Where the threshold got the value in force: a setting, else the last layer that changed it, else its
        declaration (the same words as the loader's own message for a setting)."""
        if threshold in self.ruleset.settings and threshold != self.varied:
            return Location(f"{self.ruleset.path} (threshold {threshold})")
        changes = self.report.threshold_changes.get(threshold)
        return changes[-1] if changes else self.ruleset.thresholds[threshold].location

    def topmost(self, own: Location, places=(), thresholds=()) -> tuple[Location, str]:
        """Of ``own``, ``places`` and the places that set ``thresholds``, the one in the topmost layer (the first
        on a tie, so ``own`` when it is as high), with the threshold set there ("" for ``own`` or a place)."""
        best, why = own, ""
        candidates = [(where, "") for where in places]
        candidates += [
            (self.value_set_at(name), name) for name in dict.fromkeys(thresholds) if name in self.ruleset.thresholds
        ]
        for where, name in candidates:
            if self.layer(where) > self.layer(best):
                best, why = where, name
        return best, why

    def values(self, thresholds) -> str:
        """ "min_months_in_role is 24, ideal_tenure_max_months is 18": the values a message compares."""
        table = self.ruleset.thresholds
        return ", ".join(f"{name} is {show(table[name].value)}" for name in dict.fromkeys(thresholds) if name in table)
