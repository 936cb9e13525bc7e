"""Advice on a Dask cluster (``dask.distributed``), for workforces too large for one machine.

The cluster runs the same code as the local ``batch``: records are read and
numbered by `batch.read_records`, and each partition of records is advised by
the batch's own worker (`batch._Worker.advise_chunk`), so a line from the
cluster is byte for byte the line the local batch writes for that record.

Why it loses nothing when a worker dies: a partition is a pure task (records
in, lines out) that the scheduler runs again elsewhere when its worker goes,
and the client writes partitions only in input order, each once. Bad records
are error lines made inside the task, never exceptions; the only exceptions
that reach the client are about the job itself (a ruleset a worker cannot
load, or one that differs from the client's), and they stop it at once.

Each worker process builds its advisor once per job settings and ruleset
content (`ruleset_digest`), not once per task: loading takes a tenth of a
second, a partition of records about one second.
"""

from __future__ import annotations

import gc
import hashlib
import json
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Mapping, Optional

from .batch import (
    DEFAULT_ID_COLUMN,
    ID_CELL,
    Done,
    Format,
    Record,
    Settings,
    Summary,
    _chunked,
    _not_resumable,
    _Worker,
    read_records,
)
from ..errors import InputError, Location, Problem

PARTITION = 500  # records per task: the scheduler's cost per task is lost in the advising (about 0.3 s), and
# the result (some 20 KiB of full advice a record, held by the worker until the client takes it) stays near 10 MiB
IN_FLIGHT_PER_THREAD = 2  # partitions queued per worker thread, so no worker waits for the client
KEPT_ADVISORS = 4  # job settings a worker process keeps an advisor for
CONNECT_SECONDS = 30.0  # to reach the scheduler, and for it to have a worker


# ------------------------------------------------------------------ the job, as it travels to workers


@dataclass(frozen=True)
class Job:
    """What every task needs: the batch's settings and the content of the ruleset the client checked."""

    settings: Settings
    digest: str


class RulesetOnWorkerError(Exception):
    """A worker cannot advise for this job: its ruleset fails to load there, or is not the client's.

    A plain message, so it crosses the network as it is; the client turns
    it into an `InputError` that stops the job.
    """


def ruleset_digest(ruleset: Optional[str], thresholds: Optional[Mapping[str, Any]]) -> str:
    """The content of a ruleset as loaded: its layers' files and the thresholds; InputError if it fails to load.

    Workers compare it with their own copy, so a machine with an older
    ruleset cannot quietly give other advice.
    """
    from ..advisor import bundled_ruleset_path
    from ..ruleset.loader import RULE_SUFFIXES, inspect_ruleset

    path = Path(ruleset) if ruleset is not None else bundled_ruleset_path()
    report = inspect_ruleset(path, thresholds)
    if report.problems:
        raise InputError(report.problems)
    content = hashlib.sha256(json.dumps(thresholds or {}, sort_keys=True, default=str).encode())
    for manifest in report.layers:
        folder = Path(manifest).parent
        for file in sorted(file for file in folder.iterdir() if file.suffix in RULE_SUFFIXES):
            content.update(b"\0%s\0%d\0" % (file.name.encode(), file.stat().st_size))
            content.update(file.read_bytes())
    return content.hexdigest()


def make_job(
    ruleset: Optional[str] = None,
    thresholds: Optional[Mapping[str, Any]] = None,
    as_of: Optional[date] = None,
    outlook: bool = False,
    day: Optional[date] = None,
    view: str = "full",
    id_column: Optional[str] = None,
) -> Job:
    """The job for these options, as `batch.run_batch` settles them; the ruleset is loaded here, once.

    A ruleset that fails to load raises InputError now, with the loader's
    file:line messages, before any task is sent; an unknown view, ValueError.
    """
    from ..advice.views import check_view

    path = str(Path(ruleset).resolve()) if ruleset is not None else None  # workers may start elsewhere
    thresholds = dict(thresholds) if thresholds else None
    settings = Settings(
        path, thresholds, as_of or day or date.today(), as_of is not None, outlook, check_view(view), id_column or "id"
    )
    return Job(settings, ruleset_digest(path, thresholds))


def _declared(job: Job) -> tuple:
    """The facts the job's ruleset declares, whose CSV/TSV columns a header may have."""
    from ..ruleset.loader import bundled_ruleset_path, read_ruleset

    settings = job.settings
    return read_ruleset(settings.ruleset or bundled_ruleset_path(), settings.thresholds).facts


# ------------------------------------------------------------------ in a worker process


_ADVISORS: OrderedDict[Job, _Worker] = OrderedDict()
_ADVISORS_LOCK = threading.Lock()  # a worker with several threads builds each advisor once


def worker_for(job: Job) -> _Worker:
    """This process's advisor for ``job``, built on first use and kept for the tasks after it."""
    with _ADVISORS_LOCK:
        if job in _ADVISORS:
            _ADVISORS.move_to_end(job)
            return _ADVISORS[job]
        settings = job.settings
        where = settings.ruleset or "the bundled ruleset"
        try:
            digest = ruleset_digest(settings.ruleset, settings.thresholds)
            worker = _Worker(settings)
        except InputError as exc:
            raise RulesetOnWorkerError(f"the ruleset fails to load on a worker: {exc}") from None
        except OSError as exc:
            raise RulesetOnWorkerError(f"{where}: cannot read the ruleset on a worker: {exc}") from None
        if digest != job.digest:
            raise RulesetOnWorkerError(
                f"{where}: a worker's copy of the ruleset differs from this machine's; "
                "install the same ruleset on every worker"
            )
        _ADVISORS[job] = worker
        while len(_ADVISORS) > KEPT_ADVISORS:
            _ADVISORS.popitem(last=False)
        gc.freeze()  # the advisor lives as long as the worker: keep it out of every garbage collection
        return worker


def advise_records(job: Job, records: list[Record]) -> tuple[bytes, int, int]:
    """One partition, as the local batch advises one chunk: (the lines as UTF-8, records, records advised)."""
    return worker_for(job).advise_chunk(records)


def _advise_each(job: Job, records: list[Record]) -> list[tuple[bytes, bool]]:
    worker = worker_for(job)
    return [worker.advise_record(record) for record in records]


# ------------------------------------------------------------------ Dask collections


def advise_bag(
    bag,
    ruleset: Optional[str] = None,
    *,
    thresholds: Optional[Mapping[str, Any]] = None,
    as_of: Optional[date] = None,
    outlook: bool = False,
    view: str = "summary",
    id_column: Optional[str] = None,
):
    """A Bag of output lines (str, the local batch's JSON lines) for a Bag of records, in the same order.

    An element is a facts mapping or one line of JSON Lines (``db.read_text``
    gives those); its record number is its position in the bag, from 1, so
    for a JSONL file read with ``read_text`` it is the line number, as in
    ``batch``. A blank line is not a record and gives no line. A bad record
    gives an error line. ``view`` is full, summary or ids; a record's id is
    its ``id_column`` key (``id`` by default), as in ``batch``.
    """
    import dask
    import dask.bag as db

    job = make_job(ruleset, thresholds, as_of, outlook, view=view, id_column=id_column)
    parts = bag.to_delayed()
    advised, start = [], 0
    for part in parts:
        advised.append(dask.delayed(_advise_bag_partition, pure=True)(part, start, job))
        start = dask.delayed(_after, pure=True)(start, part)
    return db.from_delayed(advised)


def _after(start: int, part) -> int:
    return start + len(part)


def _advise_bag_partition(items, start: int, job: Job) -> list[str]:
    records = [record for record in _bag_records(items, start) if record[1] != "blank"]
    return [line.decode("utf-8") for line, _ in _advise_each(job, records)]


def _bag_records(items, start: int) -> Iterator[Record]:
    """The bag's elements as the batch's records: a line of JSON as it is, a mapping of facts as JSON text."""
    for number, item in enumerate(items, start + 1):
        if isinstance(item, bytes):
            try:
                item = item.decode("utf-8")
            except UnicodeDecodeError:
                yield number, "error", (None, "not UTF-8 text; save the file as UTF-8")
                continue
        if isinstance(item, str):
            text = item.removeprefix("\ufeff").rstrip("\r\n")
            yield (number, "blank", None) if not text.strip() else (number, "json", text)
        else:  # a mapping of facts, or anything else JSON can hold, refused as the batch refuses it
            try:
                text = json.dumps(
                    dict(item) if isinstance(item, Mapping) else item,
                    ensure_ascii=False,
                    allow_nan=False,
                    default=_json_value,
                )
            except (TypeError, ValueError) as exc:
                yield number, "error", (None, f"a record must be a mapping of facts or a line of JSON: {exc}")
            else:
                yield number, "json", text


def _json_value(value: Any) -> Any:
    """Dates as ISO text, as a facts file writes them; anything else is refused by json.dumps."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def advise_partitions(
    ddf,
    ruleset: Optional[str] = None,
    *,
    thresholds: Optional[Mapping[str, Any]] = None,
    as_of: Optional[date] = None,
    outlook: bool = False,
    view: str = "summary",
    id_column: Optional[str] = None,
):
    """A DataFrame of results, one row per input row, in order and with the input's index.

    ``ddf`` holds facts in the CSV layout (columns are fact names; read the
    file with ``dtype=str, keep_default_na=False`` to read cells as the
    local batch does). Columns of the result: ``record`` (the row's number
    from 1, as ``batch`` numbers CSV rows), ``advised`` (False for an error
    line) and ``line`` (the batch's JSON line, in ``view``). A row's id is
    in ``id_column`` (default ``employee_id`` where there is one), echoed
    and never read as a fact. The columns are checked now, as the local
    batch checks a header: an unknown one raises InputError.
    """
    import dask
    import dask.dataframe as dd

    from ..facts.csvrow import check_header

    columns = [str(column) for column in ddf.columns]
    names = [column.strip() for column in columns]
    if id_column is not None and id_column not in names:
        raise InputError([Problem(Location("columns"), f'id_column: there is no column "{id_column}"', "id")])
    id_name = (
        columns[names.index(id_column or DEFAULT_ID_COLUMN)] if (id_column or DEFAULT_ID_COLUMN) in names else None
    )
    job = make_job(ruleset, thresholds, as_of, outlook, view=view, id_column=id_column)
    problems = check_header([column for column in columns if column != id_name], declared=_declared(job))
    if problems:
        raise InputError([Problem(Location("columns"), message) for message in problems])
    advised, start = [], 0
    for part in ddf.to_delayed():
        advised.append(dask.delayed(_advise_frame_partition, pure=True)(part, start, job, id_name))
        start = dask.delayed(_after, pure=True)(start, part)
    return dd.from_delayed(advised, meta=_frame_result([], [], []), verify_meta=False)


def _advise_frame_partition(frame, start: int, job: Job, id_name: Optional[str]):
    """A partition's rows as the batch's CSV records (the id cell moved aside as `batch._csv_rows` does)."""
    records: list[Record] = []
    columns = [str(column) for column in frame.columns]
    for number, cells in enumerate(frame.itertuples(index=False, name=None), start + 1):
        row: dict[Any, Any] = {column: _cell(value) for column, value in zip(columns, cells)}
        if id_name is not None:
            row[ID_CELL] = row.pop(id_name)
        records.append((number, "row", row))
    results = _advise_each(job, records)
    return _frame_result([number for number, _, _ in records], results, frame.index)


def _cell(value: Any) -> Optional[str]:
    """A DataFrame cell as the CSV text it came from (missing: None, an unknown fact)."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _frame_result(numbers: list[int], results: list[tuple[bytes, bool]], index):
    import pandas as pd

    return pd.DataFrame(
        {
            "record": pd.Series(numbers, dtype="int64", index=index),
            "advised": pd.Series([good for _, good in results], dtype="bool", index=index),
            "line": pd.Series([line.decode("utf-8") for line, _ in results], dtype=object, index=index),
        }
    )


# ------------------------------------------------------------------ `promorules batch --scheduler/--cluster`


def run_on_cluster(
    source: str,
    output: BinaryIO,
    client,
    *,
    ruleset: Optional[str] = None,
    thresholds: Optional[dict] = None,
    as_of: Optional[date] = None,
    input_format: Format = "auto",
    progress: Optional[Callable[[int], None]] = None,
    outlook: bool = False,
    day: Optional[date] = None,
    done: Done = Done(0, 0, 0),
    view: str = "full",
    id_column: Optional[str] = None,
    partition: int = PARTITION,
) -> Summary:
    """`batch.run_batch`, with the partitions advised by the workers of ``client``'s cluster.

    The output is written partition by partition, in input order, as each
    is next; ``progress`` is told the records the cluster has advised so
    far. Raises InputError if the input or the ruleset cannot be read, or
    if the cluster cannot finish a partition (the partitions before it are
    in ``output``, so the run can be resumed).
    """
    started = time.perf_counter()
    job = make_job(ruleset, thresholds, as_of, outlook, day, view, id_column)
    records = _Unread(read_records(source, input_format, id_column, _declared(job)), done, source)
    threads = sum(worker["nthreads"] for worker in client.scheduler_info()["workers"].values())
    in_flight = max(4, IN_FLIGHT_PER_THREAD * threads)
    name = f"promorules-batch-{uuid.uuid4().hex}"
    sizes: dict[str, int] = {}  # records of each partition sent
    advised_on_cluster = [0]
    changed = threading.Event()  # a partition is done: the writer may look again

    def finished(future) -> None:  # in the client's own thread
        if future.status == "finished":
            advised_on_cluster[0] += sizes.pop(future.key, 0)
        changed.set()

    pending: deque = deque()
    total, advised = done.records, done.advised

    def write_next() -> None:
        nonlocal total, advised
        future = pending.popleft()
        lines, count, good = _result(
            future,
            client,
            changed,
            lambda: progress(done.records + advised_on_cluster[0]) if progress is not None else None,
        )
        output.write(lines)
        total += count
        advised += good

    try:
        try:
            for index, chunk in enumerate(_chunked(records, partition)):
                sizes[f"{name}-{index}"] = len(chunk)
                future = client.submit(advise_records, job, chunk, key=f"{name}-{index}", pure=False)
                future.add_done_callback(finished)
                pending.append(future)
                if len(pending) >= in_flight:
                    write_next()
        except InputError:  # the input cannot be read on: keep the records read before, as the local batch does
            while pending:
                write_next()
            raise
        while pending:
            write_next()
    finally:
        client.cancel(list(pending))
    if progress is not None:
        progress(total)
    output.flush()
    return Summary(total, advised, total - advised, time.perf_counter() - started, records.blank)


class _Unread:
    """The records of a run not yet in its output, blank lines counted: `run_batch`'s resume, record for record."""

    def __init__(self, records: Iterator[Record], done: Done, source: str):
        self.records, self.done, self.source = records, done, source
        self.blank = 0

    def __iter__(self) -> Iterator[Record]:
        passed = 0
        for record in self.records:
            if record[1] == "blank":
                self.blank += 1
            elif passed < self.done.records:
                passed += 1
                if passed == self.done.records and record[0] != self.done.last:
                    raise _not_resumable(
                        self.source, f"its record {passed:,} is at {record[0]}, not at {self.done.last}"
                    )
            else:
                yield record
        if passed < self.done.records:
            raise _not_resumable(
                self.source, f"it has {passed:,} records, fewer than the {self.done.records:,} already written"
            )


def _result(future, client, changed: threading.Event, tell: Callable[[], None]) -> tuple[bytes, int, int]:
    """A partition's result, telling the progress twice a second while it waits; a failed job as InputError.

    It waits for ``changed`` (set when any partition is done), not with ``result(timeout=...)``: under
    load, a result that arrives as that timeout expires can fail inside Dask's client (an
    UnboundLocalError, seen on a loaded machine).
    """
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    while not future.done():
        changed.wait(0.5)
        changed.clear()
        tell()
    try:
        return future.result()
    except RulesetOnWorkerError as exc:
        raise InputError([Problem(Location("ruleset"), str(exc))]) from None
    except (KilledWorker, CancelledError, OSError) as exc:  # the job failed, not a record: a lost scheduler
        raise InputError(
            [
                Problem(
                    Location(client.scheduler.address),
                    f"the cluster could not advise a partition ({type(exc).__name__}: {exc})",
                )
            ]
        ) from None


def local_cluster(workers: int):
    """A Dask cluster on this machine: ``workers`` processes of one thread each (durable-rules holds the GIL),
    listening on the loopback address only, with no dashboard (its status port is a free one on loopback)."""
    import logging

    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )


class cluster_client:
    """A Dask client for ``--scheduler ADDRESS`` or ``--cluster local:N``, closed (and a local cluster
    stopped) on leaving; a scheduler that cannot be reached is an InputError naming its address.

    A local cluster is `local_cluster`: no port is opened beyond the loopback address.
    """

    def __init__(
        self, scheduler: Optional[str] = None, local_workers: Optional[int] = None, timeout: Optional[float] = None
    ):
        self.scheduler, self.local_workers = scheduler, local_workers
        self.timeout = timeout or CONNECT_SECONDS
        self.cluster = self.client = None

    def __enter__(self):
        from distributed import Client

        try:
            if self.local_workers:
                self.cluster = local_cluster(self.local_workers)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.scheduler, timeout=self.timeout)
            self.client.wait_for_workers(1, timeout=self.timeout)
        except (OSError, TimeoutError) as exc:
            self.__exit__(None, None, None)
            where = self.scheduler or "the local cluster"
            raise InputError([Problem(Location(where), f"cannot start the job on the cluster: {exc}")]) from None
        return self.client

    def __exit__(self, *exc_info) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                try:
                    part.close()
                except Exception:  # noqa: BLE001 - a cluster already gone has nothing left to close
                    pass
