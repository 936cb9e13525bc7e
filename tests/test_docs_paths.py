"""The docs and the README point at modules that exist, so a reader (or an embedder copying an import)
is not sent to a file a reorganisation moved away."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "promorules"
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
SUBPACKAGES = sorted(path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file())

FULL_PATH = re.compile(r"(?<![\w/.])promorules/[\w/]+\.py\b")
# a path inside the package written from its folder ("facts/derive.py"), not a test's ("tests/facts/...")
PACKAGE_PATH = re.compile(rf"(?<![\w/.])(?:{'|'.join(SUBPACKAGES)})/[\w/]+\.py\b")
DOTTED = re.compile(r"(?<![\w/.])promorules(?:\.[A-Za-z_]\w*)+")


def _mentions(pattern: re.Pattern) -> list[tuple[str, str]]:
    return [
        (f"{doc.name}:{number}", match.group(0))
        for doc in DOCS
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1)
        for match in pattern.finditer(line)
    ]


def _resolves(dotted: str) -> bool:
    """A module, or a name defined in one (``promorules.service.server.create_app``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_the_documents_mention_modules_at_all():
    """The checks below would pass on nothing; the docs name plenty of modules."""
    assert len(_mentions(FULL_PATH)) > 10
    assert len(_mentions(PACKAGE_PATH)) > 5
    assert len(_mentions(DOTTED)) > 10


def test_every_path_into_the_package_exists():
    missing = [f"{where}: {path}" for where, path in _mentions(FULL_PATH) if not (ROOT / path).is_file()]
    missing += [f"{where}: {path}" for where, path in _mentions(PACKAGE_PATH) if not (PACKAGE / path).is_file()]
    assert missing == []


@pytest.mark.parametrize("dotted", sorted({dotted for _, dotted in _mentions(DOTTED)}))
def test_every_dotted_name_imports(dotted):
    assert _resolves(dotted), dotted
