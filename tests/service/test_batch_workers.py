"""Two worker processes write the bytes one process writes, whichever way their lines reach the output."""

import errno
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.cli import main
from promorules.service import batch as batch_module
from promorules.service import batch_output as batch_output_module
from promorules.service.batch import run_batch
from promorules.service.batch_output import BatchOutput
from tests.support.people import varied_people

DAY = date(2026, 11, 24)


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> Path:
    """Enough records, with errors among them, for the in-flight chunks to go round their files more than once."""
    lines = [json.dumps(person, default=str) for person in varied_people(60)[:60]]
    lines[5] = "this is not json"
    lines[17] = json.dumps({"as_of": "2026-11-24", "org": {"hiring_freeze": "maybe"}})
    path = tmp_path_factory.mktemp("workers") / "people.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 records: 20 chunks, more than the 8 a pool of two workers holds in flight."""
    monkeypatch.setattr(batch_module, "CHUNK", 3)


def one_process(people: Path) -> bytes:
    lines = io.BytesIO()
    run_batch(str(people), lines, workers=1, day=DAY)
    return lines.getvalue()


def into_file(people: Path, target: Path, workers: int) -> bytes:
    out = BatchOutput(str(target), str(people), {"input": str(people)})
    out.start(DAY)
    summary = run_batch(str(people), out, workers=workers, day=DAY)
    out.finish()
    assert (summary.records, summary.errors, out.records) == (60, 2, 60)
    return target.read_bytes()


def test_two_workers_write_a_file_byte_for_byte_as_one_process(people, tmp_path, small_chunks):
    assert into_file(people, tmp_path / "two.jsonl", workers=2) == one_process(people)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["two.jsonl"]


def test_two_workers_write_any_binary_stream_the_same_bytes(people, small_chunks):
    lines = io.BytesIO()
    run_batch(str(people), lines, workers=2, day=DAY)
    assert lines.getvalue() == one_process(people)


def test_a_file_system_that_cannot_copy_in_the_kernel_gets_the_same_bytes(people, tmp_path, small_chunks, monkeypatch):
    def refused(*args):
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))

    monkeypatch.setattr(batch_output_module.os, "sendfile", refused)
    assert into_file(people, tmp_path / "two.jsonl", workers=2) == one_process(people)


def test_a_worker_without_memory_for_its_lines_passes_them_back_whole(people, tmp_path, small_chunks, monkeypatch):
    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(batch_module.os, "pwrite", full)  # before the workers are forked, so theirs fails too
    assert into_file(people, tmp_path / "two.jsonl", workers=2) == one_process(people)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_device_that_is_full_is_named_with_exit_2_when_two_workers_write_to_it(people, small_chunks):
    done = CliRunner().invoke(main, ["batch", str(people), "-o", "/dev/full", "--workers", "2"])
    assert done.exit_code == 2
    assert done.stderr == "error: /dev/full: cannot write the file: No space left on device\n"
