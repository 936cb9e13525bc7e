"""No command loses a file: outputs never replace an input or an existing file unasked, and appear whole or not at all.

Also: inputs that are not regular files are refused at once instead of
hanging, and the records a batch holds in memory are bounded in bytes.
"""

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from promorules.service import batch as batch_module
from promorules import outfile
from promorules.service.batch import Settings, _advise_all, _chunked
from promorules.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
PROMORULES = [sys.executable, "-c", "from promorules.cli import main; main()"]
CLAIRE = ROOT / "examples" / "claire-ready-to-ask.yaml"
PERSON = json.dumps({"as_of": "2026-11-24", "role_start_date": "2025-01-06"})


def run(*args, timeout=120):
    return subprocess.run([*PROMORULES, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def people(tmp_path) -> Path:
    source = tmp_path / "people.jsonl"
    source.write_text(f"{PERSON}\n" * 3)
    return source


# ------------------------------------------------------------------ batch -o


def test_a_mistake_in_the_command_leaves_an_existing_output_as_it_was(people, tmp_path):
    out = tmp_path / "advice.jsonl"
    out.write_text("last month's advice\n")
    refused = run("batch", people, "-o", out)
    assert refused.returncode == 2
    assert refused.stderr == f"error: {out}: already exists; use --force to replace it\n"
    typo = run("batch", people, "-o", out, "--force", "--ruleset", tmp_path / "no-such-ruleset")
    assert typo.returncode == 2 and "Traceback" not in typo.stderr
    assert out.read_text() == "last month's advice\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advice.jsonl", "people.jsonl"]  # no partial either


@pytest.mark.parametrize("name", ["itself", "symlink", "hardlink"])
def test_batch_never_writes_over_its_own_input_even_with_force(people, tmp_path, name):
    target = {"itself": people, "symlink": tmp_path / "link.jsonl", "hardlink": tmp_path / "hard.jsonl"}[name]
    if name == "symlink":
        target.symlink_to(people)
    elif name == "hardlink":
        os.link(people, target)
    done = run("batch", people, "-o", target, "--force")
    assert done.returncode == 2
    assert done.stderr == f"error: {target}: is also the input {people}; write the output to another file\n"
    assert people.read_text() == f"{PERSON}\n" * 3


def test_a_finished_batch_leaves_only_its_output(people, tmp_path):
    out = tmp_path / "advice.jsonl"
    assert run("batch", people, "-o", out).returncode == 0
    assert len(out.read_text().splitlines()) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advice.jsonl", "people.jsonl"]


# ------------------------------------------------------------------ case, ruleset doc


def test_case_refuses_an_existing_file_without_force_and_its_facts_file_always(tmp_path):
    facts = tmp_path / "facts.yaml"
    facts.write_text(CLAIRE.read_text())
    mine = tmp_path / "case.md"
    mine.write_text("my own notes\n")
    refused = run("case", facts, "-o", mine)
    assert refused.returncode == 2
    assert refused.stderr == f"error: {mine}: already exists; use --force to replace it\n"
    assert mine.read_text() == "my own notes\n"
    over_facts = run("case", facts, "-o", facts, "--force")
    assert over_facts.returncode == 2
    assert over_facts.stderr == f"error: {facts}: is also the input {facts}; write the output to another file\n"
    assert facts.read_text() == CLAIRE.read_text()
    replaced = run("case", facts, "-o", mine, "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert mine.read_text().startswith("# ")


def test_the_handbook_refuses_an_existing_file_and_never_replaces_a_file_of_the_ruleset(tmp_path):
    layer = tmp_path / "mine"
    layer.mkdir()
    manifest = layer / "ruleset.yaml"
    manifest.write_text("extends: default\nname: acme\nversion: '3'\n")
    handbook = tmp_path / "handbook.md"
    handbook.write_text("kept\n")
    assert run("ruleset", "doc", layer, "-o", handbook).returncode == 2
    assert handbook.read_text() == "kept\n"
    over_manifest = run("ruleset", "doc", layer, "-o", manifest, "--force")
    assert over_manifest.returncode == 2 and "is also the input" in over_manifest.stderr
    assert manifest.read_text().startswith("extends: default")
    assert run("ruleset", "doc", layer, "-o", handbook, "--force").returncode == 0
    assert handbook.read_text().startswith("# acme 3")


def test_a_file_that_fails_while_written_leaves_the_old_one_and_no_temporary_file(tmp_path):
    target = tmp_path / "case.md"
    target.write_text("the old draft\n")
    with pytest.raises(KeyboardInterrupt):
        with outfile.replacing(str(target)) as handle:
            handle.write(b"half of a new dra")
            raise KeyboardInterrupt
    assert target.read_text() == "the old draft\n"
    assert [p.name for p in tmp_path.iterdir()] == ["case.md"]
    outfile.write_file(str(target), "the new draft\n", force=True)
    assert target.read_text() == "the new draft\n"
    assert [p.name for p in tmp_path.iterdir()] == ["case.md"]


def test_a_device_as_output_is_written_to_not_replaced(people):
    """``-o /dev/null`` must not swap the device for a regular file."""
    done = run("batch", people, "-o", os.devnull)
    assert done.returncode == 0, done.stderr
    assert not Path(os.devnull).is_file()


# ------------------------------------------------------------------ inputs that are not regular files


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "facts.fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["advise", "{input}"],
        ["case", "{input}"],
        ["explain", "timing.avoid-freeze", "--facts", "{input}"],
        ["batch", "{input}", "-o", "{out}"],
        ["batch", "{input}", "-o", "{out}", "--format", "jsonl"],
    ],
)
@pytest.mark.parametrize("kind", ["fifo", "zero", "folder"])
def test_an_input_that_is_not_a_regular_file_is_refused_at_once(tmp_path, fifo, command, kind):
    if kind == "folder" and command[0] == "batch":
        pytest.skip("click refuses a folder for batch's INPUT itself")
    source = {"fifo": fifo, "zero": Path("/dev/zero"), "folder": tmp_path}[kind]
    what = {"fifo": "a named pipe", "zero": "a device", "folder": "a folder"}[kind]
    out = tmp_path / "out.jsonl"
    done = run(*[part.format(input=source, out=out) for part in command], timeout=20)
    assert done.returncode == 2
    assert f"error: {source}: cannot read the file: it is not a regular file ({what})" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


# ------------------------------------------------------------------ bytes held by a batch


def test_a_chunk_ends_once_its_records_hold_chunk_bytes_of_text(monkeypatch):
    monkeypatch.setattr(batch_module, "CHUNK_BYTES", 10_000)
    records = ((number, "json", "x" * 3_000) for number in range(1, 11))
    assert [len(chunk) for chunk in _chunked(records, 200)] == [4, 4, 2]


def test_the_records_read_ahead_are_bounded_in_bytes_not_only_in_chunks(monkeypatch):
    """200 lines of 15 MiB in one chunk, and four chunks per worker, would be gigabytes held at once."""
    monkeypatch.setattr(batch_module, "CHUNK_BYTES", 64 * 1024)
    monkeypatch.setattr(batch_module, "IN_FLIGHT_BYTES", 256 * 1024)
    line = json.dumps("x" * 16 * 1024)  # a record of 16 KiB (an error: not an object), cheap to advise
    pulled = 0

    def endless():
        nonlocal pulled
        number = 0
        while True:
            number += 1
            pulled += len(line)
            yield number, "json", line

    results = _advise_all(endless(), Settings(None, None, date(2026, 11, 24), False), workers=2)
    next(results)
    time.sleep(1.0)  # give the pool's feeder every chance to read ahead
    # in flight at most IN_FLIGHT_BYTES, plus one chunk written, one being read and one waiting for room
    assert pulled <= 256 * 1024 + 3 * (64 * 1024 + len(line)), pulled
    results.close()


def test_the_byte_bound_is_documented():
    security = (ROOT / "docs" / "security.md").read_text()
    assert "`batch.IN_FLIGHT_BYTES`" in security and "`batch.CHUNK_BYTES`" in security


def test_check_target_names_a_missing_folder(tmp_path):
    with pytest.raises(InputError) as refused:
        outfile.check_target(str(tmp_path / "nowhere" / "out.md"))
    assert str(refused.value).endswith(
        "cannot write the file: the folder " + str(tmp_path / "nowhere") + " does not exist"
    )
