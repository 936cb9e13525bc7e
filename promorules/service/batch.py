"""Advice for a whole workforce: JSONL, CSV or TSV in, one JSON line out per record, in input order.

Every record gives exactly one line, ``{"record": n, "advice": {...}}`` or
``{"record": n, "error": {"field": ..., "message": ...}, "errors": [...]}``
(``error`` is the first problem, ``errors`` all of them), so N records in
make N lines out and nothing is dropped. A record's own id (a CSV/TSV id
column, ``employee_id`` by default; a JSONL record's ``id`` key) follows the
record number, ``{"record": n, "id": "E-1042", ...}``, on advice and error
lines alike, and is never read as a fact. ``advice`` is the view asked for
(`promorules.advice.views`). ``n`` is the 1-based line of a JSONL
file or the 1-based data row of a CSV or TSV file. A blank line is not a
record in any format; the summary counts blank lines, so none goes unmentioned.

The input is streamed: records are read lazily in chunks, at most a few
chunks per worker (and `IN_FLIGHT_BYTES` of records) are in flight, and
results are written as soon as they are next in order, so memory stays flat
however long the file is and however long its lines. Workers are processes
(durable-rules holds the GIL), forked with the advisor this process loaded
(elsewhere each loads the ruleset once), and leave Ctrl-C to this process,
which stops them.

A stopped run can be resumed: `Done` says how many records its output
already holds, and those are read past, not advised again.
"""

from __future__ import annotations

import csv
import errno
import gc
import io
import json
import multiprocessing
import os
import re
import shlex
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Literal, Optional, TextIO, Union

from ..errors import InputError, Location, Problem, did_you_mean
from .records import RecordError, advise_line, error_line, parse_json, record_problem

Format = Literal["auto", "jsonl", "csv", "tsv"]
CHUNK = 200  # records per task sent to a worker
CHUNK_BYTES = 4 * 1024 * 1024  # a chunk ends early once its records hold this much text
MAX_RECORD_BYTES = 16 * 1024 * 1024  # a longer JSONL line is not read into memory
IN_FLIGHT_PER_WORKER = 4  # chunks per worker read ahead of the writer
IN_FLIGHT_BYTES = 64 * 1024 * 1024  # text of the records read ahead of the writer, all workers together
Record = tuple[int, str, Any]  # (record number, "json" | "row" | "error" | "blank", payload)
DEFAULT_ID_COLUMN = "employee_id"  # the id column of a CSV/TSV file when none is named, if the header has it
ID_CELL = ("id",)  # a row's key for its id cell: a tuple, so no column name can be it


@dataclass(frozen=True)
class Summary:
    records: int
    advised: int
    errors: int
    seconds: float
    blank_lines: int = 0  # not records, so not in the output either

    def __str__(self) -> str:
        blank = f"blank lines skipped: {self.blank_lines:,}, " if self.blank_lines else ""
        return (
            f"records: {self.records:,}, advised: {self.advised:,}, errors: {self.errors:,}, "
            f"{blank}seconds: {self.seconds:.1f}"
        )


@dataclass(frozen=True)
class Settings:
    """What each worker needs to build its own advisor (it travels to worker processes)."""

    ruleset: Optional[str]
    thresholds: Optional[dict]
    as_of: date  # --as-of, or the day the batch started, for records that do not give one
    override: bool  # True: as_of replaces every record's own date
    outlook: bool = False  # True: fill nearest_misses and plan too, as `promorules advise` does
    view: str = "full"  # the view each advice is written as: full, summary or ids (promorules.advice.views)
    id_key: str = "id"  # the key of a JSONL record that holds its id (--id-column)


@dataclass(frozen=True)
class Done:
    """What the output of a stopped run already holds: its first ``records`` records, the last being ``last``."""

    records: int
    advised: int
    last: int  # the record number (line or row) of the last record written


def run_batch(
    source: str,
    output: BinaryIO,
    *,
    workers: int = 1,
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
) -> Summary:
    """Advise every record of ``source`` into ``output`` (binary: UTF-8 JSON lines).

    Raises InputError if the file itself (or the ruleset) cannot be read.

    A record without ``as_of`` is advised for the day the batch started, so
    a run that crosses midnight still treats everyone alike. ``outlook``
    fills each advice's nearest misses and dated plan (`outlook.full_advice`),
    at the cost of a few more evaluations per record. ``day`` replaces "the
    day the batch started" (a resumed run passes the day of the run it
    continues). ``done`` resumes a stopped run: its records are read past,
    not advised, and must end at the same record number. ``view`` is the view
    written (full, summary or ids); ``id_column`` names the CSV/TSV column (or
    the JSONL key) holding each record's id (default: ``employee_id`` for
    CSV/TSV when the header has it, ``id`` for JSONL).
    """
    from ..advice.views import check_view

    started = time.perf_counter()
    settings = Settings(
        ruleset,
        thresholds,
        as_of or day or date.today(),
        as_of is not None,
        outlook,
        check_view(view),
        id_column or "id",
    )
    # A broken ruleset stops the batch here, once, with its file and line; its own facts have columns of their own.
    worker = _Worker(settings)
    declared = worker.advisor.ruleset.facts
    blank = 0

    def records() -> Iterator[Record]:
        nonlocal blank
        passed = 0
        for record in read_records(source, input_format, id_column, declared):
            if record[1] == "blank":
                blank += 1
            elif passed < done.records:
                passed += 1
                if passed == done.records and record[0] != done.last:
                    raise _not_resumable(source, f"its record {passed:,} is at {record[0]}, not at {done.last}")
            else:
                yield record
        if passed < done.records:
            raise _not_resumable(source, f"it has {passed:,} records, fewer than the {done.records:,} already written")

    total, advised = done.records, done.advised
    copy = getattr(output, "copy_lines", None)  # BatchOutput's: the kernel copies a worker's lines to the file
    for lines, count, good in _advise_all(records(), settings, workers, worker):
        if isinstance(lines, bytes):
            output.write(lines)
        elif copy is not None:
            copy(lines.fd, lines.size, count)
        else:
            output.write(bytes(lines))
        total += count
        advised += good
        if progress is not None:
            progress(total)
    output.flush()
    return Summary(total, advised, total - advised, time.perf_counter() - started, blank)


def _not_resumable(source: str, why: str) -> InputError:
    return InputError(
        [Problem(Location(source), f"is not the input of the run being resumed: {why}; start again with --force")]
    )


def _advise_all(
    records: Iterator[Record], settings: Settings, workers: int, worker: Optional[_Worker] = None
) -> Iterator[tuple[Lines, int, int]]:
    """Chunks of output, in input order: (the lines, records, records advised).

    In this process for one worker, else in a pool of processes. ``worker``
    is this process's, when it has one already: it advises in this process,
    and forked workers start with a copy of it instead of loading the ruleset
    again. A chunk's lines are bytes, or, from a forked worker, `LinesInFile`,
    valid until the next chunk is asked for.
    """
    chunks = _chunked(records, CHUNK)
    if workers <= 1:
        worker = worker or _Worker(settings)
        for chunk in chunks:
            yield worker.advise_chunk(chunk)
        return
    window = _Window(workers * IN_FLIGHT_PER_WORKER, IN_FLIGHT_BYTES)
    stopped = threading.Event()
    failure: list[BaseException] = []
    context = multiprocessing.get_context()
    forked = context.get_start_method() == "fork"
    files = _chunk_files(window.chunks) if forked else ()

    def bounded() -> Iterator[tuple[Optional[int], list[Record]]]:
        """Chunks for the pool, never more than the window ahead of the writer; read errors kept for later.

        Each goes with the in-memory file its lines are to be left in (None:
        they come back through the pool): chunk k takes file k mod the window,
        whose chunk has been written, as the window lets chunk k in only then.
        The pool reads this in a thread of its own, which must end when the
        writer stops early (an error, Ctrl-C), or closing the pool would wait
        for it forever.
        """
        try:
            for number, chunk in enumerate(chunks):
                if not window.enter(_chunk_bytes(chunk), stopped):
                    return
                yield (number % len(files) if files else None), chunk
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread below
            failure.append(exc)

    try:
        pool = _pool_deaf_to_stops(context, workers, settings, worker if forked else None, files)
        try:
            for number, (lines, count, good) in enumerate(pool.imap(_advise_in_worker, bounded())):
                if isinstance(lines, int):
                    fd = files[number % len(files)]
                    yield LinesInFile(fd, lines), count, good
                    os.ftruncate(fd, 0)  # its memory freed: only the chunks in flight hold any
                else:
                    yield lines, count, good
                window.leave()  # only now: the chunk's file may be written again
        finally:
            stopped.set()
            pool.close()  # the workers finish the chunks they were given (at most the window), then leave
            pool.join()
    finally:
        for fd in files:
            os.close(fd)
    if failure:
        raise failure[0]


@dataclass(frozen=True)
class LinesInFile:
    """A chunk's lines, left by a worker in an in-memory file: its first ``size`` bytes."""

    fd: int
    size: int

    def __bytes__(self) -> bytes:
        return read_part(self.fd, 0, self.size)


Lines = Union[bytes, LinesInFile]


def read_part(fd: int, offset: int, size: int) -> bytes:
    """``size`` bytes of the file ``fd`` from ``offset``; OSError if it ends before."""
    data = b""
    while len(data) < size:
        more = os.pread(fd, size - len(data), offset + len(data))
        if not more:
            raise OSError(errno.EIO, f"the lines ended at byte {offset + len(data):,}, not {offset + size:,}")
        data += more
    return data


def _chunk_files(count: int) -> tuple[int, ...]:
    """In-memory files for forked workers to leave chunks' lines in; none where Linux's memfd is missing.

    A chunk's lines (about 4.6 MB in the full view) sent back through the
    pool's pipe cost the worker a pickled copy and waits on a 64 KiB pipe,
    and this process a read, an unpickled copy and a write. Left in a file
    the workers inherit, they are one write there and a copy by the kernel
    into the output here. With them and the advisor inherited, two workers
    advising 20,000 people in the full view took 1.0 to 1.9 s of this
    process's CPU time instead of 2.8, and 16.0 s of theirs instead of 17.0.
    Anonymous files: whatever stops the run, nothing is left on disk.
    """
    if not hasattr(os, "memfd_create") or not hasattr(os, "sendfile"):
        return ()
    files: list[int] = []
    try:
        for number in range(count):
            files.append(os.memfd_create(f"promorules-batch-{number}", os.MFD_CLOEXEC))
    except OSError:
        for fd in files:
            os.close(fd)
        return ()
    return tuple(files)


_STOPS = (signal.SIGINT, signal.SIGTERM)


def _pool_deaf_to_stops(context, workers: int, settings: Settings, worker: Optional[_Worker], files: tuple[int, ...]):
    """A pool whose workers ignore Ctrl-C and SIGTERM: this process alone stops, and then lets them leave.

    Each worker starts with ``worker`` (forked, so not pickled) or builds its
    own from ``settings``, and leaves its chunks' lines in ``files`` (see
    `_chunk_files`) when there are any.

    Ctrl-C reaches every process of the terminal's group, and a service
    manager sends SIGTERM to all of them. A worker that raised would print
    a traceback; one that died at once could hold the lock of the pool's
    task queue and leave the pool waiting for it forever. So the workers are
    forked with both signals ignored (not even one started a moment before
    can see them), and are closed in order when this process stops.
    """
    main = threading.current_thread() is threading.main_thread()
    previous = [signal.signal(number, signal.SIG_IGN) for number in _STOPS] if main else []
    try:
        return context.Pool(workers, initializer=_start_worker, initargs=(settings, worker, files))
    finally:
        for number, handler in zip(_STOPS, previous):
            signal.signal(number, handler)


class _Window:
    """The chunks handed to the pool and not yet written: at most ``chunks`` of them and ``size`` bytes of text.

    Counting chunks alone would let 200 lines of 15 MiB each be one chunk,
    and a few such chunks gigabytes. One chunk may always go when none is
    out, so a chunk larger than ``size`` still makes progress.
    """

    def __init__(self, chunks: int, size: int):
        self.chunks, self.size = chunks, size
        self.sizes: deque[int] = deque()  # of the chunks out, oldest first (results come back in order)
        self.used = 0
        self.changed = threading.Condition()

    def enter(self, size: int, stopped: threading.Event) -> bool:
        """Wait until a chunk of ``size`` fits; False if the writer stopped meanwhile."""
        with self.changed:
            while self.sizes and (len(self.sizes) >= self.chunks or self.used + size > self.size):
                if stopped.is_set():
                    return False
                self.changed.wait(0.1)
            self.sizes.append(size)
            self.used += size
            return not stopped.is_set()

    def leave(self) -> None:
        """The oldest chunk's lines were written."""
        with self.changed:
            self.used -= self.sizes.popleft()
            self.changed.notify()


def _record_bytes(record: Record) -> int:
    """About how much memory a record's text takes: a JSONL line's characters, or a CSV row's cells."""
    _, kind, payload = record
    if kind == "json":
        return len(payload)
    if kind == "row":
        return sum(len(cell) for cell in payload.values() if isinstance(cell, str))
    return 0


def _chunk_bytes(chunk: list[Record]) -> int:
    return sum(_record_bytes(record) for record in chunk)


def _chunked(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    """Lists of `size` records, or fewer once they hold `CHUNK_BYTES` of text; when reading fails, the
    records read before it come out before the error."""
    chunk: list[Record] = []
    held = 0
    try:
        for record in records:
            chunk.append(record)
            held += _record_bytes(record)
            if len(chunk) == size or held >= CHUNK_BYTES:
                yield chunk
                chunk, held = [], 0
    except Exception:
        if chunk:
            yield chunk
        raise
    if chunk:
        yield chunk


# ------------------------------------------------------------------ reading


def read_records(
    source: str, input_format: Format = "auto", id_column: Optional[str] = None, declared: tuple = ()
) -> Iterator[Record]:
    """The records of a JSONL, CSV or TSV file, lazily; InputError (raised on first use) if the file cannot be read.

    A CSV/TSV row's id cell (``id_column``, else `DEFAULT_ID_COLUMN` when the header has it) is kept
    under `ID_CELL`, apart from the facts; a JSONL record keeps its id in its JSON. ``declared`` are the
    ruleset's own facts (`Ruleset.facts`), whose columns a CSV/TSV header may have.
    """
    from ..facts.files import open_regular_file

    path = Path(source)
    try:
        handle = open_regular_file(source)  # closed by the generator
    except OSError as exc:
        raise InputError([Problem(Location(source), f"cannot read the file: {exc.strerror}")]) from None
    kind = input_format if input_format != "auto" else _guess_format(path, handle)
    if kind == "jsonl":
        _refuse_json_array(path, handle, source)
        return _jsonl_records(handle, source)
    return _csv_records(handle, source, "\t" if kind == "tsv" else ",", id_column, declared)


def _guess_format(path: Path, handle) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv"):
        return suffix[1:]
    start = handle.peek(64)[:64].lstrip(b"\xef\xbb\xbf \t\r\n") if hasattr(handle, "peek") else b""
    return "jsonl" if start.startswith((b"{", b"[")) else "csv"


def _refuse_json_array(path: Path, handle, source: str) -> None:
    """Stop at a JSON array (a pretty-printed one, or any in a .json file) before reading it line by line.

    Read as JSON Lines, ``[``, ``{...},`` and ``]`` would each be a record:
    a mix of errors and advice that hides the real mistake.
    """
    start = handle.peek(1 << 16) if hasattr(handle, "peek") else b""
    lines = start.removeprefix(b"\xef\xbb\xbf").splitlines()
    number, first = next(((n, line.strip()) for n, line in enumerate(lines, 1) if line.strip()), (0, b""))
    if first == b"[" or (first.startswith(b"[") and (path.suffix.lower() == ".json" or not _is_json(first))):
        handle.close()
        raise InputError(
            [
                Problem(
                    Location(source, number),
                    "this is a JSON array, but batch reads JSON Lines: one facts object per line, with no [ ] around "
                    f"them; convert it with: jq -c '.[]' {shlex.quote(source)} > people.jsonl",
                )
            ]
        )


def _is_json(text: bytes) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _jsonl_records(handle, source: str) -> Iterator[Record]:
    """One record per line; a line over `MAX_RECORD_BYTES` is skipped unread, as an error record.

    Lines up to the limit are read and validated, so a record that is too
    large because of one fact is refused naming that fact. A blank line is
    no record. The line break is not part of the record, so a JSON error at
    the end of a cut-off line is at its real column.
    """
    with handle:
        number = 0
        while raw := handle.readline(MAX_RECORD_BYTES + 1):
            number += 1
            if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass  # the rest of the oversized line, read in pieces and dropped
                too_large = record_problem(f"the record is larger than {MAX_RECORD_BYTES // (1 << 20)} MiB")
                yield number, "error", (too_large, None)
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                yield number, "blank", None
                continue
            try:
                yield number, "json", raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                character = len(raw[: exc.start].decode("utf-8", errors="replace")) + 1
                where = f" at character {character} of line {number}"
                not_utf8 = record_problem(_not_utf8_text(raw[exc.start], where))
                yield number, "error", (not_utf8, None)


def _csv_records(
    handle, source: str, separator: str, id_column: Optional[str] = None, declared: tuple = ()
) -> Iterator[Record]:
    """The data rows of a CSV file (``separator`` ",") or a TSV one ("\\t"); the header is checked now, before any row.

    TSV is read as spreadsheets write it: a cell holding a tab, a quote or a
    line break is quoted, as in CSV. Only the separator differs.
    """
    from ..facts.csvrow import check_header

    lines = _CsvLines(handle)
    reader = csv.reader(lines, delimiter=separator)
    try:
        while (header := _next_row(reader, lines, source, None)) == []:
            pass  # blank lines before the header
        header = header or []
        if lines.not_utf8:
            line, character, byte = lines.not_utf8
            raise InputError(
                [Problem(Location(source, line, character), f"cannot read the header row: {_not_utf8_text(byte)}")]
            )
        names = [column.strip() for column in header]
        if id_column is not None and id_column not in names:
            raise InputError(
                [
                    Problem(
                        Location(source, 1),
                        f'--id-column: there is no column "{id_column}"{did_you_mean(id_column, names)}',
                        field="id",
                    )
                ]
            )
        id_at = names.index(id_column or DEFAULT_ID_COLUMN) if (id_column or DEFAULT_ID_COLUMN) in names else None
        problems = check_header([c for i, c in enumerate(header) if i != id_at], separator, declared)
        if problems:
            raise InputError([Problem(Location(source, 1), message) for message in problems])
    except BaseException:
        lines.text.close()
        raise
    return _csv_rows(lines, reader, header, source, header[id_at] if id_at is not None else None)


def _csv_rows(
    lines: _CsvLines, reader: Iterator[list[str]], header: list[str], source: str, id_name: Optional[str] = None
) -> Iterator[Record]:
    """One record per data row; a row with a byte that is not UTF-8 is that record's error.

    The cell of the id column ``id_name`` moves to `ID_CELL`, so it is never read as a fact.
    """
    with lines.text:
        number = 0
        while (cells := _next_row(reader, lines, source, header)) is not None:
            if not cells:
                yield lines.number, "blank", None
                continue
            number += 1
            if lines.not_utf8:
                line, character, byte = lines.not_utf8
                column = next((c.strip() for c, cell in zip(header, cells) if _NOT_UTF8.search(cell)), None)
                message = _not_utf8_text(byte, f" at character {character} of line {line}")
                cell = dict(zip(header, cells)).get(id_name) if id_name is not None else None
                shown_id = cell.strip() if cell and not _NOT_UTF8.search(cell) else None
                problem = record_problem(f"{column}: {message}" if column else message, column or "")
                yield number, "error", (problem, shown_id)
                continue
            row: dict[Optional[str] | tuple[str], Any] = dict(zip(header, cells))  # ID_CELL is a tuple key
            if len(cells) > len(header):
                row[None] = cells[len(header) :]  # refused by row_facts, naming the surplus
            for column in header[len(cells) :]:
                row[column] = None  # a short row: the missing cells are unknown
            if id_name is not None:
                row[ID_CELL] = row.pop(id_name)
            yield number, "row", row


def _next_row(
    reader: Iterator[list[str]], lines: _CsvLines, source: str, header: Optional[list[str]]
) -> Optional[list[str]]:
    """The cells of the next row ([] for a blank line), or None at the end of the file.

    Raises InputError where the file cannot be read from that point on; the
    rows before it have been given out already, so none of them is lost.
    """
    lines.start_row()
    try:
        cells = next(reader)
    except StopIteration:
        return None
    except (csv.Error, _RowTooLarge) as exc:
        raise InputError([_unreadable(exc, lines, source)]) from None
    if lines.ended:  # csv gives the rest of the file as the last cell when a quote is never closed
        opened = lines.row_start + sum(len(_LINE_BREAK.findall(cell)) for cell in cells[:-1])
        column = header[len(cells) - 1].strip() if header and len(cells) <= len(header) else None
        cell = f'the "{column}" cell' if column else "a cell"
        raise InputError(
            [
                Problem(
                    Location(source, opened),
                    f"a quote that opens {cell} on this line is never closed, so the rest of the file would be read "
                    f'as that one cell; close the quote, or double a quote that is part of the text ("")',
                )
            ]
        )
    return cells


def _unreadable(exc: Exception, lines: _CsvLines, source: str) -> Problem:
    """Why the file cannot be read on from the current row, at the line a person should look at."""
    stop = "cannot read the file from here on"
    if isinstance(exc, _RowTooLarge):
        return Problem(
            Location(source, lines.row_start),
            f"{stop}: the row that starts on this line is larger than {MAX_RECORD_BYTES // (1 << 20)} MiB",
        )
    if str(exc).startswith("field larger than field limit"):
        limit = f"{csv.field_size_limit():,} characters"
        if lines.number == lines.row_start:
            return Problem(Location(source, lines.row_start), f"{stop}: a cell is longer than {limit}")
        return Problem(
            Location(source, lines.row_start),
            f"{stop}: a cell of the row that starts on this line runs past {limit} (to line "
            f"{lines.number}); is a quote opened on this line and never closed?",
        )
    return Problem(Location(source, lines.number), f"{stop}: {exc}")


def _not_utf8_text(byte: int, where: str = "") -> str:
    return f"not UTF-8 text (the byte 0x{byte:02X}{where}); save the file as UTF-8"


_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # how the decoder below keeps a byte that is not UTF-8
_LINE_BREAK = re.compile("\r\n|\r|\n")


class _RowTooLarge(Exception):
    """A CSV row longer than MAX_RECORD_BYTES: where it ends cannot be known without holding it."""


class _CsvLines:
    """A CSV file's lines for `csv.reader`, one at a time, counted, and checked as they are read.

    A byte that is not UTF-8 is kept as a lone surrogate and noted, instead
    of failing the decoder: that would fail a whole block of the file at once,
    name no line, and leave the rows after it unread. The rows are bounded
    at MAX_RECORD_BYTES characters so one row cannot fill memory.
    """

    def __init__(self, handle: BinaryIO):
        self.text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="surrogateescape", newline="")
        self.number = 0  # lines read so far
        self.ended = False  # the end of the file was reached
        self.row_start = 1  # the line the current row starts on
        self.row_size = 0  # characters of the current row so far
        self.not_utf8: Optional[tuple[int, int, int]] = None  # the current row's first bad byte: line, character, byte

    def start_row(self) -> None:
        self.row_start, self.row_size, self.not_utf8 = self.number + 1, 0, None

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(MAX_RECORD_BYTES + 1 - self.row_size)
        if not line:
            self.ended = True
            raise StopIteration
        self.number += 1
        self.row_size += len(line)
        if self.row_size > MAX_RECORD_BYTES:
            raise _RowTooLarge()
        if self.not_utf8 is None and (bad := _NOT_UTF8.search(line)):
            self.not_utf8 = (self.number, bad.start() + 1, ord(bad.group()) - 0xDC00)
        return line


# ------------------------------------------------------------------ advising, in a worker


class _Worker:
    """One advisor, and how to turn a record into its output line."""

    def __init__(self, settings: Settings):
        from ..advisor import Advisor

        self.settings = settings
        self.advisor = Advisor(settings.ruleset, thresholds=settings.thresholds)
        # A ruleset's own fact read from a CSV column of another name: its problems name the column.
        self.columns = {fact.name: fact.column for fact in self.advisor.ruleset.facts if fact.column != fact.name}

    def advise_chunk(self, chunk: list[Record]) -> tuple[bytes, int, int]:
        lines = [self.advise_record(record) for record in chunk]
        text = b"\n".join([line for line, _ in lines] + [b""])  # each line ends with "\n", copied once
        return text, len(lines), sum(advised for _, advised in lines)

    def advise_record(self, record: Record) -> tuple[bytes, bool]:
        from ..facts.csvrow import CellError, row_facts

        number, kind, payload = record
        person_id: Optional[str] = None
        settings = self.settings
        try:
            if kind == "error":
                problem, person_id = payload
                raise RecordError([problem])
            if kind == "json":
                data = parse_json(payload)
            else:
                person_id = _row_id(payload)
                row = {column: cell for column, cell in payload.items() if column != ID_CELL}
                data = row_facts(row, self.advisor.ruleset.facts)
        except RecordError as exc:
            return error_line(number, exc.problems, person_id), False
        except CellError as exc:
            return error_line(number, [record_problem(exc.message, exc.field)], person_id), False
        except Exception as exc:  # noqa: BLE001 - one record's internal problem must not stop the others
            problem = record_problem(f"internal problem ({type(exc).__name__}: {exc})")
            return error_line(number, [problem], person_id), False
        return advise_line(
            self.advisor,
            number,
            data,
            settings.as_of,
            settings.override,
            settings.outlook,
            view=settings.view,
            id_key=settings.id_key,
            person_id=person_id,
            columns=self.columns if kind == "row" else None,
        )


def _row_id(row: dict) -> Optional[str]:
    """A CSV row's id cell: stripped, None when empty; RecordError when it is too long to be an id."""
    cell = row.get(ID_CELL)
    if cell is None or not cell.strip():
        return None
    from ..advisor import IdError, check_id

    try:
        return check_id(cell.strip(), "id")
    except IdError as exc:
        raise RecordError([record_problem(exc.message, "id")]) from None


_WORKER: Optional[_Worker] = None  # the advisor of this worker process
_FILES: tuple[int, ...] = ()  # the in-memory files this worker leaves its chunks' lines in (see `_chunk_files`)


def _start_worker(settings: Settings, worker: Optional[_Worker], files: tuple[int, ...]) -> None:
    global _WORKER, _FILES
    for number in _STOPS:  # also where workers are not forked (see _pool_deaf_to_stops)
        signal.signal(number, signal.SIG_IGN)
    _die_with_parent()
    _WORKER = worker or _Worker(settings)  # a forked one's durable-rules network is rebuilt on first use
    _FILES = files
    gc.freeze()  # the advisor lives as long as the worker: keep it out of every garbage collection


def _die_with_parent() -> None:
    """On Linux, end this worker when the batch process dies (``kill -9``): left alone, it would advise on
    and then print a traceback for the pipe its results can no longer go to."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _advise_in_worker(task: tuple[Optional[int], list[Record]]) -> tuple[Union[bytes, int], int, int]:
    """A chunk's (lines, records, records advised); the lines left in the chunk's file give their size instead."""
    assert _WORKER is not None, "the worker was not started"
    file, chunk = task
    lines, count, good = _WORKER.advise_chunk(chunk)
    if file is None:
        return lines, count, good
    fd = _FILES[file]
    try:
        view = memoryview(lines)
        while view:  # into an empty file: this process's parent empties it once written
            view = view[os.pwrite(fd, view, len(lines) - len(view)) :]
    except OSError:
        return lines, count, good  # no memory left for it there: the pool passes it on
    return len(lines), count, good


# ------------------------------------------------------------------ progress


class ProgressLine:
    """A one-line progress report on a terminal's standard error, at most twice a second."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.started = time.perf_counter()
        self.shown = 0.0

    def __call__(self, records: int) -> None:
        now = time.perf_counter()
        if now - self.shown >= 0.5:
            self.shown = now
            rate = records / max(now - self.started, 1e-9)
            self.stream.write(f"\r{records:,} records ({rate:,.0f}/s)")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()
