"""The consumer script of docs/embedding.md, as an HR platform's engineer writes it, passes `mypy --strict`
against the installed package (its py.typed and annotations) with no ignores, and runs."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"^```python\n(.*?)^```", (ROOT / "docs" / "embedding.md").read_text(), flags=re.M | re.S)
CONSUMER = next(block for block in BLOCKS if block.startswith("# consumer.py"))


def strict_mypy(folder: Path, script: str) -> subprocess.CompletedProcess:
    """mypy --strict on ``script`` alone, from a folder outside the repository, with none of the project's
    settings (its ``ignore_missing_imports`` would let an unfound package pass as Any)."""
    (folder / "consumer.py").write_text(script)
    (folder / "mypy.ini").write_text("[mypy]\n")
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "consumer.py"]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def test_the_consumer_script_passes_mypy_strict_without_ignores(tmp_path):
    assert "type: ignore" not in CONSUMER and "Any" not in CONSUMER
    checked = strict_mypy(tmp_path, CONSUMER)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Success: no issues found in 1 source file" in checked.stdout


def test_mypy_sees_the_package_types_so_a_mistake_in_the_script_is_caught(tmp_path):
    """The check above means something only if promorules' types reach mypy (not Any)."""
    mistaken = CONSUMER + '\n\nversion: int = Advisor().advise({}, view="summary").schema_version\n'
    checked = strict_mypy(tmp_path, mistaken)
    assert checked.returncode == 1
    assert 'expression has type "str", variable has type "int"' in checked.stdout


def test_the_consumer_script_runs_and_reports_by_employee_and_field(tmp_path):
    (tmp_path / "consumer.py").write_text(CONSUMER)
    done = subprocess.run([sys.executable, "consumer.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("E-1042 E-1042 1.")
    assert lines[1] == "E-1043 refused: frustrated: must be true or false (got 'maybe')"


def test_a_fresh_clone_s_test_install_has_mypy():
    import tomllib  # Python 3.11+

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(re.match(r"mypy\b", requirement) for requirement in extras["test"])
