"""Where the default ruleset lives, found without reading it.

Apart from the loader, so `promorules advise` can name the bundled ruleset (the key of its compiled copy,
`engine.cache`) without importing the YAML reader and the file format's checks, which a cached run never uses.
"""

from __future__ import annotations

from pathlib import Path

MANIFEST = "ruleset.yaml"  # the file that makes a folder a ruleset layer


def bundled_ruleset_path() -> Path:
    """The default ruleset: inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "rulesets" / "default", package.parent / "rulesets" / "default"):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise FileNotFoundError("the bundled ruleset is missing from this installation")
