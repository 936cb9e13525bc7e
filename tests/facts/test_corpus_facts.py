"""Bad facts files never crash `promorules advise`: exit 2, an `error:` line naming the field or file:line.

The corpus is tests/support/corpus/facts/ (one file per case) and its index
cases.yaml (the fragments each error must contain). The hostile files run
through the installed command in a child process, where a crash, a hang or
code run from the YAML would show; the rest run through click's CliRunner.
Cases too big to keep in the repository are written to a temporary directory
from the recipes below.

The same records go to the programs' doors too: each, as one JSONL line,
must give a named error row from `promorules batch` (one output line per
record, in order), and, as the body of POST /v1/advice, an error answer from
the service (422 naming the field where a field is wrong).
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from promorules import Advisor
from promorules.cli import main
from promorules.errors import InputError
from promorules.yamlsource import load_yaml

CORPUS = Path(__file__).resolve().parents[1] / "support" / "corpus" / "facts"
INDEX = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
PROMORULES = Path(sys.executable).parent / "promorules"
MIB = 1024 * 1024


def _nested_mappings(levels: int) -> str:
    lines = ["as_of: 2026-11-24"] + ["  " * n + "org:" for n in range(levels)] + ["  " * levels + "size: 1"]
    return "\n".join(lines) + "\n"


def _org_size(number: str) -> str:
    return f"as_of: 2026-11-24\norg:\n  size: {number}\n"


RECIPES = {
    "ten-megabyte-string.yaml": lambda: "as_of: 2026-11-24\ncurrent_title: " + "x" * (10 * MIB) + "\n",
    "ten-megabyte-json-on-stdin.json": lambda: json.dumps({"as_of": "2026-11-24", "current_title": "x" * (10 * MIB)}),
    "large-title-under-file-limit.yaml": lambda: "as_of: 2026-11-24\ncurrent_title: " + "x" * (1900 * 1024) + "\n",
    "five-thousand-achievements.yaml": lambda: (
        "as_of: 2026-11-24\nachievements:\n"
        + "".join(f"  - {{title: Result {n}, date: 2026-01-01}}\n" for n in range(5000))
    ),
    "too-many-ratings.yaml": lambda: (
        "as_of: 2026-11-24\ncriteria_self_rating:\n" + "".join(f"  criterion {n}: met\n" for n in range(1001))
    ),
    "too-many-values.yaml": lambda: "as_of: 2026-11-24\nleveling_criteria: [" + ", ".join(["a"] * 200_001) + "]\n",
    "nested-300-lists-deep.yaml": lambda: "as_of: 2026-11-24\nachievements: " + "[" * 300 + "]" * 300 + "\n",
    "nested-300-mappings-deep.yaml": lambda: _nested_mappings(300),
    "nested-100000-deep.yaml": lambda: "as_of: 2026-11-24\nachievements: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "nested-100000-deep.json": lambda: '{"achievements": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "three-hundred-properties.yaml": lambda: "as_of: 2026-11-24\n" + "".join(f"fact_{n}: {n}\n" for n in range(300)),
    "three-hundred-org-properties.json": lambda: json.dumps(
        {"as_of": "2026-11-24", "org": {f"p{n}": n for n in range(300)}}
    ),
    "ten-thousand-character-key.yaml": lambda: "as_of: 2026-11-24\n" + "k" * 10_000 + ": true\n",
    "five-thousand-digit-integer.json": lambda: '{"as_of": "2026-11-24", "org": {"size": 1' + "0" * 5000 + "}}",
    # 1.8 MB and 960 KB of unknown keys: about 20 s of "did you mean" each, before only the problems shown were worded
    "eighty-thousand-unknown-keys.yaml": lambda: (
        "as_of: 2026-11-24\n" + "".join(f"unknown_key_{n:05d}: 1\n" for n in range(80_000))
    ),
    "forty-thousand-unknown-keys.json": lambda: json.dumps(
        {"as_of": "2026-11-24", **{f"unknown_key_{n:05d}": 1 for n in range(40_000)}}
    ),
    "two-mebibytes-of-base-60.yaml": lambda: _org_size(":".join(["1"] * (MIB - 32))),
    "five-thousand-digit-integer.yaml": lambda: _org_size("9" * 5000),
    "five-thousand-digit-hex.yaml": lambda: _org_size("0x" + "f" * 5000),
    "twenty-thousand-digit-binary.yaml": lambda: _org_size("0b" + "1" * 20_000),
    "six-thousand-digit-octal.yaml": lambda: _org_size("0" + "7" * 6000),
}


@pytest.fixture(autouse=True)
def shared_advisor(monkeypatch):
    """Build the bundled advisor once: the command builds it before it reads the facts, and that
    costs more than refusing the facts. Everything after it runs as it does for a person."""
    monkeypatch.setattr("promorules.cli.Advisor", _cached_advisor, raising=False)


_ADVISORS: dict = {}


def _cached_advisor(*args, **kwargs):
    key = repr((args, sorted(kwargs.items())))
    if key not in _ADVISORS:
        _ADVISORS[key] = Advisor(*args, **kwargs)
    return _ADVISORS[key]


def _params(section: str) -> list:
    return [
        pytest.param(
            name, case, id=name, marks=[pytest.mark.xfail(strict=True, reason=case["gap"])] if "gap" in case else []
        )
        for name, case in INDEX[section].items()
    ]


def advise(path: Path, case: dict, cwd: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `promorules advise` on one corpus file."""
    on_stdin = case.get("stdin", False)
    args = ["advise", "-" if on_stdin else str(path), *case.get("args", [])]
    data = path.read_bytes() if on_stdin else None
    if case.get("command"):
        done = subprocess.run([str(PROMORULES), *args], input=data, capture_output=True, cwd=cwd, timeout=60)
        return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
    result = CliRunner().invoke(main, args, input=data)
    return result.exit_code, result.stdout, result.stderr


def check_refused(path: Path, case: dict, tmp_path: Path) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    code, out, err = advise(path, case, cwd)
    assert list(cwd.iterdir()) == [], "refusing input writes nothing (and runs nothing from it)"
    assert "Traceback" not in out + err
    assert code == 2, f"exit {code}: {(out + err)[:500]}"
    assert out == "", "no advice is printed for bad input"
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and all(line.startswith("error: ") for line in lines), err[:1000]
    for fragment in case["expect"]:
        assert fragment in err, f"{fragment!r} not in:\n{err[:1000]}"


def test_the_index_lists_every_corpus_file_and_every_recipe():
    assert {p.name for p in CORPUS.iterdir()} - {"cases.yaml"} == set(INDEX["files"])
    assert set(INDEX["generated"]) == set(RECIPES)
    assert len(INDEX["files"]) + len(INDEX["generated"]) >= 40


@pytest.mark.parametrize("name, case", _params("files"))
def test_bad_facts_file_is_refused_with_a_named_error(name, case, tmp_path):
    check_refused(CORPUS / name, case, tmp_path)


@pytest.mark.parametrize("name, case", _params("generated"))
def test_oversized_and_overnested_facts_are_refused(name, case, tmp_path):
    path = tmp_path / name
    path.write_text(RECIPES[name](), encoding="utf-8")
    check_refused(path, case, tmp_path)


# ------------------------------------------------------------------ the same records through batch and serve

ALL_CASES = {**INDEX["files"], **INDEX["generated"]}


@lru_cache(maxsize=None)
def as_record(name: str) -> bytes:
    """The case as one JSON line: JSON files as written, YAML that reads as data converted, the rest as raw text."""
    raw = RECIPES[name]().encode("utf-8") if name in RECIPES else (CORPUS / name).read_bytes()
    if not name.endswith(".json"):
        try:
            data = load_yaml(raw.decode("utf-8-sig"), name).data
            return json.dumps(data, default=lambda value: value.isoformat()).encode("utf-8")
        except (InputError, UnicodeDecodeError):
            pass  # not data in any form: the program gets the text itself
    return raw.replace(b"\r", b" ").replace(b"\n", b" ")


def _as_of(case: dict) -> list[str]:
    args = case.get("args", [])
    return args[args.index("--as-of") :][:2] if "--as-of" in args else []


def names_the_field(case: dict, errors: list[dict]) -> bool:
    return any(case["field"] in (e.get("field") or "") + " " + e["message"] for e in errors)


@pytest.fixture(scope="module")
def batch_rows(tmp_path_factory) -> dict:
    """Every record through the installed `promorules batch`, one run per set of options: name -> output row."""
    rows: dict = {}
    groups: dict = {}
    for name, case in ALL_CASES.items():
        groups.setdefault(tuple(_as_of(case)), []).append(name)
    for options, names in groups.items():
        folder = tmp_path_factory.mktemp("batch")
        (folder / "records.jsonl").write_bytes(b"".join(as_record(name) + b"\n" for name in names))
        done = subprocess.run(
            [str(PROMORULES), "batch", "records.jsonl", "-o", "out.jsonl", "--workers", "2", *options],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
        lines = (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(names), "one output line per input record"
        for number, (name, line) in enumerate(zip(names, lines), start=1):
            row = json.loads(line)
            assert row["record"] == number, "output in input order"
            rows[name] = row
    return rows


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_batch_gives_each_bad_record_a_named_error_row(name, batch_rows):
    case = ALL_CASES[name]
    row = batch_rows[name]
    assert "advice" not in row and row["error"]["message"], row
    assert row["error"] == row["errors"][0]
    if "field" in case:
        assert names_the_field(case, row["errors"]), row["errors"]


class Service:
    """The HTTP service in this process, called through its ASGI interface (no port is opened)."""

    def __init__(self):
        from promorules.service.server import create_app

        self.app = create_app(Advisor())

    def post(self, path: str, **options):
        import asyncio

        import httpx

        async def call():
            transport = httpx.ASGITransport(app=self.app)  # app exceptions propagate: a crash fails the test
            async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
                return await client.post(path, **options)

        return asyncio.run(call())


@pytest.fixture(scope="module")
def service() -> Service:
    return Service()


@pytest.mark.parametrize("name", list(ALL_CASES))
def test_the_service_answers_each_bad_record_with_a_named_error(name, service):
    from promorules.service.server import MAX_BODY_BYTES

    case = ALL_CASES[name]
    body = as_record(name)
    as_of = _as_of(case)
    answer = service.post(
        "/v1/advice",
        content=body,
        params={"as_of": as_of[1]} if as_of else None,
        headers={"content-type": "application/json"},
    )
    assert "Traceback" not in answer.text
    if len(body) > MAX_BODY_BYTES:
        assert answer.status_code == 413
    elif "field" in case:
        assert answer.status_code == 422, answer.text[:500]
    else:
        assert answer.status_code in (400, 422), answer.text[:500]
    errors = answer.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    if "field" in case and answer.status_code == 422:
        assert names_the_field(case, errors), errors
