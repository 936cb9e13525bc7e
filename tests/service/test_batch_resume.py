"""A stopped batch loses nothing: killed, interrupted or terminated, it resumes to the bytes of an unbroken run."""

import gc
import json
import os
import random
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.people import varied_people

ROOT = Path(__file__).resolve().parents[2]
PROMORULES = [sys.executable, "-c", "from promorules.cli import main; main()"]


def run(*args):
    return subprocess.run([*PROMORULES, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300)


def start(*args) -> subprocess.Popen:
    """A batch in a process group of its own, as a terminal starts one (so Ctrl-C can reach all of it)."""
    return subprocess.Popen(
        [*PROMORULES, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_output(partial: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not (partial.exists() and partial.stat().st_size > 0):
        assert process.poll() is None, process.communicate()[1]
        assert time.monotonic() < deadline, "no output after two minutes"
        time.sleep(0.01)


@contextmanager
def on_time():
    """This process's garbage collector paused from starting the batch to stopping it.

    The batch ends about a second after its first output. Late in a full test session this process has a
    heap of several gigabytes, and one full collection of it took long enough for the batch to finish
    before it was stopped (in two full runs out of two, never when tests/service ran alone).
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture(scope="module")
def workforce(tmp_path_factory):
    """3,000 people (some without as_of, so the day of the run matters) and the output of an unbroken run."""
    folder = tmp_path_factory.mktemp("workforce")
    source = folder / "people.jsonl"
    people = [json.dumps(person, default=str) for person in varied_people(3000)]
    for number in range(0, len(people), 7):
        people[number] = json.dumps({key: value for key, value in json.loads(people[number]).items() if key != "as_of"})
    source.write_text("\n".join(people) + "\n")
    unbroken = folder / "unbroken.jsonl"
    done = run("batch", source, "-o", unbroken, "--workers", "2")
    assert done.returncode == 0, done.stderr
    return source, unbroken.read_bytes()


def test_a_batch_killed_at_a_random_point_resumes_to_the_bytes_of_an_unbroken_run(workforce, tmp_path):
    source, unbroken = workforce
    out = tmp_path / "advice.jsonl"
    partial = Path(f"{out}.partial")
    seed = random.randrange(1 << 30)
    with on_time():
        batch = start("batch", source, "-o", out, "--workers", "2")
        wait_for_output(partial, batch)
        time.sleep(random.Random(seed).uniform(0, 0.5))
        os.kill(batch.pid, signal.SIGKILL)
    _, stderr = batch.communicate(timeout=60)  # also waits for the workers, which share standard error
    assert stderr == "", "a worker left behind printed something"
    assert not out.exists(), f"a killed run left a file that looks finished (seed {seed})"
    kept = partial.read_bytes()
    assert 0 < len(kept) < len(unbroken) and unbroken.startswith(kept), f"seed {seed}"
    with open(partial, "ab") as cut_off:  # as if the kill had come in the middle of a line
        cut_off.write(b'{"record":9999,"advice":{"as_o')

    resumed = run("batch", source, "-o", out, "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == unbroken, f"seed {seed}"
    assert not partial.exists() and not Path(f"{out}.partial.run").exists()
    lines = unbroken.count(b"\n")
    assert resumed.stderr.startswith(f"records: {lines:,}, ")


@pytest.mark.parametrize(
    "stop, whole_group, code",
    [
        (signal.SIGINT, True, 130),  # Ctrl-C: the terminal signals every process of the group
        (signal.SIGTERM, False, 143),  # kill PID
        (signal.SIGTERM, True, 143),  # a service manager stopping the whole group
    ],
)
def test_ctrl_c_or_sigterm_stops_with_one_line_and_the_run_resumes(workforce, tmp_path, stop, whole_group, code):
    source, unbroken = workforce
    out = tmp_path / "advice.jsonl"
    partial = Path(f"{out}.partial")
    with on_time():
        batch = start("batch", source, "-o", out, "--workers", "2")
        wait_for_output(partial, batch)
        (os.killpg if whole_group else os.kill)(batch.pid, stop)
    _, stderr = batch.communicate(timeout=60)  # also waits for the workers, which share standard error
    assert batch.returncode == code, stderr
    kept = partial.read_bytes()
    records = kept.count(b"\n")
    assert stderr == f"stopped after {records:,} records; output kept in {partial} (resume with --resume)\n"
    assert unbroken.startswith(kept) and not out.exists()

    resumed = run("batch", source, "-o", out, "--workers", "1", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == unbroken


def test_a_stopped_run_is_neither_replaced_unasked_nor_resumed_with_other_options(workforce, tmp_path):
    source, unbroken = workforce
    out = tmp_path / "advice.jsonl"
    partial = Path(f"{out}.partial")
    head = b"".join(unbroken.splitlines(keepends=True)[:5])
    partial.write_bytes(head)
    Path(f"{out}.partial.run").write_text(
        json.dumps(
            {
                "input": str(source),
                "format": "auto",
                "outlook": False,
                "ruleset": None,
                "thresholds": {},
                "as_of": None,
                "day": "2026-11-24",
            }
        )
    )

    again = run("batch", source, "-o", out)
    assert again.returncode == 2
    assert again.stderr == (
        f"error: {partial}: holds the output of a stopped run; continue it with --resume, or start again with --force\n"
    )
    other = run("batch", source, "-o", out, "--resume", "--outlook")
    assert other.returncode == 2
    assert "cannot resume: the stopped run had outlook false, this one true" in other.stderr
    assert partial.read_bytes() == head  # neither touched it

    nothing = run("batch", source, "-o", tmp_path / "other.jsonl", "--resume")
    assert nothing.returncode == 2
    assert "other.jsonl.partial: cannot resume: there is no stopped run's output here" in nothing.stderr


def test_a_resumed_run_refuses_an_input_that_no_longer_matches_its_output(workforce, tmp_path):
    source, unbroken = workforce
    out = tmp_path / "advice.jsonl"
    shorter = tmp_path / "people.jsonl"
    shorter.write_text("".join(source.read_text().splitlines(keepends=True)[:3]))
    Path(f"{out}.partial").write_bytes(b"".join(unbroken.splitlines(keepends=True)[:5]))
    Path(f"{out}.partial.run").write_text(
        json.dumps(
            {
                "input": str(shorter),
                "format": "auto",
                "outlook": False,
                "ruleset": None,
                "thresholds": {},
                "as_of": None,
                "day": "2026-11-24",
            }
        )
    )
    done = run("batch", shorter, "-o", out, "--resume")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        f"error: {shorter}: is not the input of the run being resumed: it has 3 records, fewer than the 5 "
        "already written; start again with --force"
    ) in done.stderr
    assert not out.exists()
