"""`promorules batch --outlook`: the same advice JSON as `promorules advise`, nearest misses and plan included."""

import json
from pathlib import Path

from click.testing import CliRunner

from promorules import read_facts
from promorules.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def compact(text: str) -> str:
    """The advice JSON as one line, the way the batch and the service write it."""
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def batch_lines(tmp_path: Path, *options: str) -> list[bytes]:
    source = tmp_path / "people.jsonl"
    source.write_text("".join(read_facts(str(p)).model_dump_json(exclude_none=True) + "\n" for p in EXAMPLES))
    output = tmp_path / "advice.jsonl"
    done = CliRunner().invoke(main, ["batch", str(source), "-o", str(output), "--workers", "1", *options])
    assert done.exit_code == 0, done.output
    return output.read_bytes().splitlines()


def test_batch_with_outlook_writes_the_advice_of_promorules_advise_byte_for_byte(tmp_path):
    lines = batch_lines(tmp_path, "--outlook")
    assert len(lines) == len(EXAMPLES) >= 5
    for number, (example, line) in enumerate(zip(EXAMPLES, lines), 1):
        printed = CliRunner().invoke(main, ["advise", str(example), "--format", "json"])
        assert printed.exit_code == 0, printed.output
        assert line == b'{"record":%d,"advice":%s}' % (number, compact(printed.output).encode())
    assert any(json.loads(line)["advice"]["plan"] for line in lines)
    assert any(json.loads(line)["advice"]["nearest_misses"] for line in lines)


def test_without_outlook_the_batch_leaves_plan_and_nearest_misses_empty(tmp_path):
    for line in batch_lines(tmp_path):
        advice = json.loads(line)["advice"]
        assert (advice["plan"], advice["nearest_misses"]) == ([], [])


def test_run_batch_takes_outlook_from_python(tmp_path):
    import io

    from promorules.service.batch import run_batch

    source = tmp_path / "one.jsonl"
    source.write_text(read_facts(str(ROOT / "examples" / "priya-hiring-freeze.yaml")).model_dump_json() + "\n")
    with_outlook, without = io.BytesIO(), io.BytesIO()
    run_batch(str(source), with_outlook, outlook=True)
    run_batch(str(source), without)
    assert json.loads(with_outlook.getvalue())["advice"]["plan"]
    assert json.loads(without.getvalue())["advice"]["plan"] == []
