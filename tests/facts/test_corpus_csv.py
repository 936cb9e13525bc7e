"""Spreadsheet exports with mistakes: `promorules batch` gives one row per record, or refuses the file by line.

The corpus is tests/support/corpus/csv/ with its index cases.yaml. A batch never
stops with an internal problem and never drops a record silently: either
every data row gets its output line (advice, or an error naming the field),
or the file is refused with exit 2 and an `error:` line naming file:line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from promorules.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "support" / "corpus" / "csv"
INDEX = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def test_the_index_lists_every_csv_file():
    assert {p.name for p in CORPUS.glob("*.csv")} == set(INDEX)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=case["gap"])] if "gap" in case else [])
        for name, case in INDEX.items()
    ],
)
def test_batch_reads_each_row_or_refuses_the_file_by_line(name, tmp_path):
    case = INDEX[name]
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(CORPUS / name), "-o", str(output), "--workers", "1"])
    assert "Traceback" not in result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()] if output.exists() else []
    if "refused" in case:
        assert result.exit_code == 2, result.output[-800:]
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        if case.get("written"):  # the rows before the break are kept for --resume, not presented as finished
            assert not output.exists()
            kept = Path(f"{output}.partial")
            rows = [json.loads(line) for line in kept.read_text(encoding="utf-8").splitlines()]
            assert lines.pop() == f"stopped after {len(rows)} records; output kept in {kept} (resume with --resume)"
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr
        for fragment in case["refused"]:
            assert fragment in result.stderr
        assert len(rows) == case.get("written", 0)
        return
    assert result.exit_code == 0, result.output[-800:]
    assert [row["record"] for row in rows] == list(range(1, len(case["records"]) + 1)), "one line per data row"
    for row, expected in zip(rows, case["records"]):
        if expected == "advice":
            assert "advice" in row, row
            continue
        assert "advice" not in row and row["error"]["message"], row
        said = " ".join(f"{e.get('field') or ''} {e['message']}" for e in row["errors"])
        assert expected.get("field", "") in said and expected.get("error", "") in said, row
