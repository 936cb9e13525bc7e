"""Where `promorules batch` writes: OUT.partial while it runs, renamed to OUT only when every record is in.

A batch can run for hours, so a killed or stopped run must neither leave a
file at OUT that looks finished nor lose the records already advised. The
lines go to ``OUT.partial`` beside OUT, and the settings the run started with
to ``OUT.partial.run``; at the end the partial file is flushed to disk and
renamed to OUT. ``--resume`` reads the partial file back: it keeps its whole
lines (a line cut off by ``kill -9`` or a full disk is dropped), and the run
goes on from the next record, with the same day and settings, so the result
is byte for byte the output of a run that was never stopped.

Nothing is created before the first chunk of results is ready: a wrong
ruleset or an unreadable input leaves no file behind.
"""

from __future__ import annotations

import errno
import json
import os
import re
from datetime import date
from typing import Any, BinaryIO, Optional

from .batch import Done, read_part
from ..outfile import check_target, is_stream, refuse, sync_folder, write_file

PARTIAL = ".partial"  # OUT + this: the lines written so far
RUN = ".partial.run"  # OUT + this: the settings of the run, for --resume
_LINE_START = re.compile(rb'\{"record":(\d+),(?:"id":"(?:[^"\\]|\\.)*",)?"(advice|error)"')


class BatchOutput:
    """The output of one batch run (or of its resumption): checked at once, created when first written to."""

    def __init__(self, target: str, source: str, settings: dict[str, Any], force: bool = False, resume: bool = False):
        """Refuse at once what must not be done: writing over the input, over an existing file without
        ``force``, over a stopped run without ``--resume`` or ``force``, or resuming what cannot be resumed.

        ``settings`` are what decides the output's bytes (input, ruleset, thresholds, day, ...): a run is
        resumed only with the same ones.
        """
        self.target, self.source = target, source
        self.partial, self.run_file = target + PARTIAL, target + RUN
        self.stream = is_stream(target)
        self.handle: Optional[BinaryIO] = None
        self.written = (0, 0)  # bytes and lines of the whole chunks written by this run (after those resumed)
        self.kept = 0  # bytes of the partial file kept from the stopped run
        self.done = Done(0, 0, 0)
        self.settings = settings
        if self.stream:
            if resume:
                raise refuse(
                    target, "cannot resume: the output is not a file (a stopped run's output is kept only in a file)"
                )
            return
        inputs = [source]
        check_target(target, inputs, force)
        check_target(self.partial, inputs, force=True)
        if resume:
            self._resume()
        elif os.path.exists(self.partial) and not force:
            raise refuse(
                self.partial,
                "holds the output of a stopped run; continue it with --resume, or start again with --force",
            )

    def _resume(self) -> None:
        if not os.path.exists(self.partial):
            raise refuse(self.partial, "cannot resume: there is no stopped run's output here")
        try:
            with open(self.run_file, encoding="utf-8") as handle:
                started = json.load(handle)
        except (OSError, ValueError):
            raise refuse(
                self.run_file, "cannot resume: the settings of the stopped run cannot be read; start again with --force"
            ) from None
        for name, value in self.settings.items():
            if name == "day":
                continue
            if started.get(name) != value:
                raise refuse(
                    self.target,
                    f"cannot resume: the stopped run had {name} {_shown(started.get(name))}, "
                    f"this one {_shown(value)}; give the same options, or start again "
                    "with --force",
                )
        self.settings = started
        self.done, self.kept = _whole_lines(self.partial)

    @property
    def day(self) -> Optional[date]:
        """The day a resumed run advises records without as_of for (None: a new run picks today)."""
        text = self.settings.get("day")
        return date.fromisoformat(text) if text else None

    def start(self, day: date) -> None:
        """Note the day, which a new run settles only now; a resumed run keeps its own."""
        if not self.settings.get("day"):
            self.settings = {**self.settings, "day": day.isoformat()}

    def write(self, data: bytes) -> None:
        """Append whole lines (one chunk of results)."""
        try:
            if self.handle is None:
                self.handle = self._open()
            self._write_all(data)
        except OSError as exc:
            raise refuse(self._shown_target(), f"cannot write the file: {exc.strerror or exc}") from None
        size, lines = self.written
        self.written = (size + len(data), lines + data.count(b"\n"))  # one store: a signal sees both or neither

    def copy_lines(self, fd: int, size: int, lines: int) -> None:
        """Append the first ``size`` bytes of the file ``fd``: ``lines`` whole lines (one chunk of results).

        Into a file the kernel copies them (sendfile), so they never pass
        through this process's memory; what the output's file system cannot
        take that way is read and written.
        """
        if self.stream:
            self.write(read_part(fd, 0, size))
            return
        sent = 0
        try:
            if self.handle is None:
                self.handle = self._open()
            try:
                while sent < size:
                    copied = os.sendfile(self.handle.fileno(), fd, sent, size - sent)
                    if not copied:
                        raise OSError(errno.EIO, f"the lines ended at byte {sent:,}, not {size:,}")
                    sent += copied
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                    raise
                self._write_all(read_part(fd, sent, size - sent))
        except OSError as exc:
            raise refuse(self._shown_target(), f"cannot write the file: {exc.strerror or exc}") from None
        written, counted = self.written
        self.written = (written + size, counted + lines)  # one store: a signal sees both or neither

    def _write_all(self, data: bytes) -> None:
        assert self.handle is not None, "opened by the caller"
        view = memoryview(data)
        while view:  # the file is unbuffered, so that what is counted written is on its way to disk
            view = view[self.handle.write(view) or 0 :]

    def flush(self) -> None:
        pass  # flushed where it matters: when finished or stopped

    def _open(self) -> BinaryIO:
        if self.target == "-":
            import sys

            return sys.stdout.buffer
        if self.stream:
            return open(self.target, "wb")  # noqa: SIM115 - closed by finish or stop
        if self.kept:
            handle = open(self.partial, "r+b", buffering=0)  # noqa: SIM115 - closed by finish or stop
            handle.truncate(self.kept)  # the line a kill cut off
            handle.seek(self.kept)
            return handle
        write_file(self.run_file, json.dumps(self.settings, sort_keys=True) + "\n", force=True)
        return open(self.partial, "wb", buffering=0)  # noqa: SIM115 - closed by finish or stop

    def finish(self) -> None:
        """Every record is in: the partial file goes to disk and becomes the output (an empty one if no record)."""
        try:
            if self.handle is None:
                self.handle = self._open()
            self.handle.flush()
            if self.stream:
                if self.target != "-":
                    self.handle.close()
                return
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.partial, self.target)
            os.unlink(self.run_file)
        except OSError as exc:
            raise refuse(self._shown_target(), f"cannot write the file: {exc.strerror or exc}") from None
        sync_folder(os.path.dirname(os.path.abspath(self.target)))

    def stop(self) -> int:
        """The run stops early: keep the whole chunks written, to disk, for --resume. The records kept."""
        if self.handle is not None and not self.stream:
            try:
                os.ftruncate(self.handle.fileno(), self.kept + self.written[0])  # a chunk an interrupt cut off
                os.fsync(self.handle.fileno())
            except OSError:
                pass  # a full disk: --resume drops a cut-off line anyway
            self.handle.close()
        elif self.handle is not None and self.target != "-":
            try:
                self.handle.close()
            except OSError:
                pass
        return self.records

    @property
    def records(self) -> int:
        """The records the output holds so far, counting those of the run resumed."""
        return self.done.records + self.written[1]

    @property
    def where(self) -> Optional[str]:
        """Where the stopped run's output is, for the closing message (None: nothing was written)."""
        if self.stream:
            return "standard output" if self.target == "-" else self.target
        return self.partial if self.handle is not None or self.kept else None

    def _shown_target(self) -> str:
        return "standard output" if self.target == "-" else self.target


def _whole_lines(partial: str) -> tuple[Done, int]:
    """What the partial file of a stopped run holds, and the bytes of its whole lines."""
    records = advised = last = 0
    kept = 0
    try:
        with open(partial, "rb") as handle:
            for line in handle:
                if not line.endswith(b"\n"):
                    break  # cut off by the stop: written again
                start = _LINE_START.match(line)
                if start is None:
                    raise refuse(
                        partial,
                        f"line {records + 1} is not a line of batch output; cannot resume, start again with --force",
                    )
                records += 1
                advised += start.group(2) == b"advice"
                last = int(start.group(1))
                kept += len(line)
    except OSError as exc:
        raise refuse(partial, f"cannot read the file: {exc.strerror or exc}") from None
    return Done(records, advised, last), kept


def _shown(value: Any) -> str:
    return "none" if value is None else json.dumps(value, sort_keys=True)
