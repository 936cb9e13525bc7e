"""Advice on a real Dask cluster (worker processes, TCP on loopback): the local batch's output, byte for byte,
even when a worker is killed during the run."""

import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="needs the dask extra: pip install 'promorules[dask]'")
pytest.importorskip("dask.dataframe", reason="needs the dask extra: pip install 'promorules[dask]'")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from distributed import Client  # noqa: E402
from promorules.service import distributed as cluster_batch  # noqa: E402
from promorules.advisor import bundled_ruleset_path  # noqa: E402
from promorules.cli import main  # noqa: E402
from tests.support.people import varied_people  # noqa: E402

PEOPLE = [json.loads(json.dumps(p, default=str)) for p in varied_people(60)]
BAD = {
    3: "this is not json",
    7: json.dumps({"id": "E-7", "as_of": "2026-11-24", "org": {"hiring_freeze": "maybe"}}),
    11: "",
    15: json.dumps(["a", "list"]),
    19: json.dumps({"as_of": "2026-11-24", "role_start_dat": "2025-01-01"}),
    27: '{"as_of": "2026-11-24", "frustrated": true, "frustrated": false}',
    31: json.dumps({"id": "E-31", "as_of": "2026-11-24", "role_start_date": "2025-01-01"}),
}


def start_cluster():
    return cluster_batch.local_cluster(2)


@pytest.fixture(scope="module")
def cluster():
    with start_cluster() as running:
        yield running


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """A JSONL file of 600 records: good people (some with ids), every kind of bad record and a blank line in each 60."""
    lines = []
    for number in range(1, 601):
        person = PEOPLE[number % len(PEOPLE)]
        person = {"id": f"E-{number}", **person} if number % 4 == 0 else person
        lines.append(BAD.get(number % 60, json.dumps(person)))
    path = tmp_path_factory.mktemp("distributed") / "people.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def local_batch(source: Path, folder: Path, *options) -> bytes:
    out = folder / f"local{len(list(folder.iterdir()))}.jsonl"
    code, _, stderr = batch(source, "-o", out, "--workers", "1", *options)
    assert code == 0, stderr
    return out.read_bytes()


def batch(*args):
    result = CliRunner().invoke(main, ["batch", *map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def local(mixed, tmp_path_factory) -> tuple[bytes, str]:
    """The local batch's output and summary for the mixed file."""
    out = tmp_path_factory.mktemp("local") / "advice.jsonl"
    code, _, stderr = batch(mixed, "-o", out, "--workers", "1")
    assert code == 0, stderr
    return out.read_bytes(), summary_without_seconds(stderr)


def summary_without_seconds(stderr: str) -> str:
    return stderr.strip().splitlines()[-1].rsplit(", seconds:", 1)[0]


def test_the_cluster_writes_the_local_batch_byte_for_byte(cluster, mixed, local, tmp_path):
    out = tmp_path / "advice.jsonl"
    code, _, stderr = batch(mixed, "-o", out, "--scheduler", cluster.scheduler_address)
    assert code == 0, stderr
    assert out.read_bytes() == local[0]
    assert (
        summary_without_seconds(stderr)
        == local[1]
        == ("records: 590, advised: 540, errors: 50, blank lines skipped: 10")
    )
    lines = [json.loads(line) for line in out.read_bytes().splitlines()]
    assert [line["record"] for line in lines] == [n for n in range(1, 601) if n % 60 != 11]
    assert {line["record"] % 60 for line in lines if "error" in line} == {3, 7, 15, 19, 27}
    ids = {n: f"E-{n}" for n in range(1, 601) if n % 4 == 0 and n % 60 not in BAD}
    ids.update({n: f"E-{n % 60}" for n in range(1, 601) if n % 60 in (7, 31)})
    assert {line["record"]: line["id"] for line in lines if "id" in line} == ids
    assert not list(tmp_path.glob("*.partial*"))


def test_a_killed_worker_loses_no_record_and_repeats_none(mixed, local, tmp_path):
    """SIGKILL to one worker process while partitions are in flight: its tasks run again on the other worker."""
    killed = []

    class KillingOutput:
        """The output file, which kills a worker once the first partition is in it and others are on the way."""

        def __init__(self):
            self.data = bytearray()

        def write(self, data: bytes) -> None:
            if not killed:
                pids = client.run(os.getpid)
                victim = sorted(pids.items())[0]
                os.kill(victim[1], signal.SIGKILL)
                killed.append(victim)
            self.data += data

        def flush(self) -> None:
            pass

    with start_cluster() as running, Client(running) as client:
        output = KillingOutput()
        summary = cluster_batch.run_on_cluster(str(mixed), output, client, partition=20)
        address, pid = killed[0]
        time.sleep(0.2)
        assert not _alive(pid)
        assert address not in client.scheduler_info()["workers"]
    assert bytes(output.data) == local[0]
    assert (summary.records, summary.errors, summary.blank_lines) == (590, 50, 10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a killed child not yet waited for is a zombie: dead all the same
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def test_csv_on_the_cluster_and_as_a_dataframe_match_the_local_batch(cluster, tmp_path):
    source = tmp_path / "people.csv"
    rows = ["role_start_date,employee_id,last_promotion_date,frustrated,org.hiring_freeze,as_of"]
    for number in range(1, 241):
        freeze = "maybe" if number % 17 == 0 else ("true" if number % 5 == 0 else "")
        start = "2025-13-01" if number % 23 == 0 else f"202{number % 5}-0{1 + number % 9}-1{number % 10}"
        rows.append(f"{start},{f'E-{number}' if number % 7 else ''},,{'yes' if number % 3 else ''},{freeze},2026-11-24")
    source.write_text("\n".join(rows) + "\n")
    folder = tmp_path / "local"
    folder.mkdir()
    expected = local_batch(source, folder, "--view", "summary")
    assert b'"error"' in expected and b'"advice"' in expected and b'"id":"E-23"' in expected
    code, _, stderr = batch(
        source, "-o", tmp_path / "cluster.jsonl", "--view", "summary", "--scheduler", cluster.scheduler_address
    )
    assert code == 0, stderr
    assert (tmp_path / "cluster.jsonl").read_bytes() == expected

    frame = dd.read_csv(source, dtype=str, keep_default_na=False, blocksize=2_000)
    assert frame.npartitions > 1
    with Client(cluster):
        result = cluster_batch.advise_partitions(frame).compute()
    assert "".join(line + "\n" for line in result["line"]).encode() == expected
    assert list(result["record"]) == list(range(1, 241))
    assert list(result["advised"]) == [b'"advice"' in line for line in expected.splitlines()]


def test_a_bag_of_lines_or_facts_gives_the_local_batch_lines(cluster, mixed, tmp_path):
    expected = local_batch(mixed, tmp_path, "--view", "summary").decode().splitlines()
    with Client(cluster):
        lines = db.read_text(str(mixed), blocksize=4_000)
        assert lines.npartitions > 1
        assert cluster_batch.advise_bag(lines).compute() == expected
        people = db.from_sequence(PEOPLE[1:21] + [["not", "facts"]], npartitions=3)
        advised = cluster_batch.advise_bag(people).compute()
    by_record = {json.loads(line)["record"]: line for line in expected}  # line n of the file is PEOPLE[n]
    plain = [number for number in range(1, 21) if number not in BAD and number % 4]  # no id, not made bad
    assert [advised[number - 1] for number in plain] == [by_record[number] for number in plain]
    assert json.loads(advised[20])["record"] == 21
    assert json.loads(advised[20])["error"] == {
        "field": None,
        "message": "a record must be a JSON object of facts, not an array",
    }


def test_a_ruleset_that_fails_to_load_stops_the_job_at_once_with_file_and_line(cluster, mixed, tmp_path):
    ruleset = tmp_path / "ruleset"
    shutil.copytree(bundled_ruleset_path(), ruleset)
    timing = ruleset / "timing.yaml"
    timing.write_text(timing.read_text().replace("priority:", "priorty:", 1))
    out = tmp_path / "advice.jsonl"
    code, _, stderr = batch(mixed, "-o", out, "--ruleset", ruleset, "--scheduler", cluster.scheduler_address)
    assert code == 2
    assert f"{timing}:" in stderr and "priorty" in stderr
    assert "Traceback" not in stderr
    assert not out.exists() and not list(tmp_path.glob("advice.jsonl*"))


def test_a_worker_whose_ruleset_differs_stops_the_job(cluster, mixed, tmp_path):
    """The ruleset changed between the client's check and a worker's load: no advice from the other copy."""
    ruleset = tmp_path / "ruleset"
    shutil.copytree(bundled_ruleset_path(), ruleset)
    job = cluster_batch.make_job(str(ruleset))
    timing = ruleset / "timing.yaml"
    timing.write_text(timing.read_text() + "\n# changed\n")
    with Client(cluster) as client:
        future = client.submit(cluster_batch.advise_records, job, [(1, "json", json.dumps(PEOPLE[0]))])
        with pytest.raises(cluster_batch.RulesetOnWorkerError, match="differs from this machine's"):
            future.result()


def test_a_file_that_breaks_part_way_keeps_the_partitions_before_as_the_local_batch_does(cluster, tmp_path):
    source = tmp_path / "people.csv"
    rows = ["role_start_date,as_of"] + [f"2025-0{1 + n % 9}-01,2026-11-24" for n in range(500)]
    source.write_text("\n".join(rows) + '\n"2025-01-01,2026-11-24\n' + "2025-01-01,2026-11-24\n" * 5)
    local_out, cluster_out = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    local_code, _, local_err = batch(source, "-o", local_out, "--workers", "1")
    code, _, stderr = batch(source, "-o", cluster_out, "--scheduler", cluster.scheduler_address)
    assert (code, local_code) == (2, 2)
    assert "never closed" in stderr and stderr.splitlines()[0] == local_err.splitlines()[0]
    assert not cluster_out.exists()
    kept = Path(f"{cluster_out}.partial").read_bytes()
    assert kept.count(b"\n") > 0 and Path(f"{local_out}.partial").read_bytes().startswith(kept)


def test_a_local_cluster_of_its_own(mixed, local, tmp_path):
    out = tmp_path / "advice.jsonl"
    code, _, stderr = batch(mixed, "-o", out, "--cluster", "local:1")
    assert code == 0, stderr
    assert out.read_bytes() == local[0]
    assert summary_without_seconds(stderr) == local[1]


@pytest.mark.parametrize(
    "options, message",
    [
        (["--cluster", "local:0"], "expected local:N"),
        (["--cluster", "tcp://127.0.0.1:1"], "expected local:N"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "give one of --workers, --scheduler and --cluster"),
    ],
)
def test_cluster_options_are_checked_before_any_work(mixed, tmp_path, options, message):
    code, _, stderr = batch(mixed, "-o", tmp_path / "advice.jsonl", *options)
    assert code == 2 and message in stderr


def test_a_scheduler_that_cannot_be_reached_is_named(mixed, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster_batch, "CONNECT_SECONDS", 1.0)
    out = tmp_path / "advice.jsonl"
    code, _, stderr = batch(mixed, "-o", out, "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert "error: tcp://127.0.0.1:9: cannot start the job on the cluster" in stderr
    assert "Traceback" not in stderr and not list(tmp_path.iterdir())
