"""The wheel ships the bundled ruleset, so an installed promorules advises out of the box, and py.typed."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel of this checkout, built once for the tests below."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return next(out.glob("promorules-*.whl"))


def test_installed_wheel_advises_with_its_bundled_ruleset(wheel, tmp_path):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "promorules/rulesets/default/ruleset.yaml" in names
        assert "promorules/rulesets/default/timing.yaml" in names
        archive.extractall(tmp_path / "site")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import promorules.advisor as a;"
        "assert a.__file__.startswith(sys.argv[1]), a.__file__;"
        "print(a.bundled_ruleset_path());"
        "from promorules.cli import main; main(['advise', sys.argv[2]])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "site"), str(ROOT / "examples" / "priya-hiring-freeze.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    first_line, rest = done.stdout.split("\n", 1)
    assert first_line.startswith(str(tmp_path / "site" / "promorules" / "rulesets" / "default"))
    assert "1. Hold the formal request while the company is frozen" in rest


def test_the_wheel_ships_py_typed(wheel):
    assert (ROOT / "promorules" / "py.typed").is_file()
    with zipfile.ZipFile(wheel) as archive:
        assert "promorules/py.typed" in archive.namelist()
