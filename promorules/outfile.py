"""Files the tool writes: whole or not at all, and never over an input or an existing file unasked.

Every command that writes a file (``batch``, ``case``, ``interview``,
``ruleset doc``) goes through here. A file is written to a temporary file in
the target's own folder, flushed to disk, and renamed over the target only
once complete: a crash, a full disk or Ctrl-C leaves the old file (or none),
never half of a new one. The checks run before any work, so a mistake in the
command costs nothing and destroys nothing.

A target that already exists and is not a regular file (``/dev/null``, a
named pipe, a terminal) is a stream: it is written directly, as a rename
would replace the device itself.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from typing import BinaryIO, Iterable, Iterator, Union

from .errors import InputError, Location, Problem


def refuse(target: str, message: str) -> InputError:
    return InputError([Problem(Location(target), message)])


def check_target(target: str, inputs: Iterable[str] = (), force: bool = False) -> None:
    """Refuse, before any work, a target that cannot be written or must not be replaced.

    ``inputs`` are the files the command reads: the target may never be one
    of them, even with ``force`` and whatever path (a link, a hard link)
    names it, since the input would be gone before it was read in full.
    Without ``force`` an existing file is not replaced.
    """
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise refuse(target, f"cannot write the file: the folder {os.path.dirname(target) or '.'} does not exist")
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return  # a new file: it cannot be an input (a dangling link is replaced, not followed)
    except OSError as exc:
        raise refuse(target, f"cannot write the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(status.st_mode):
        raise refuse(target, "cannot write the file: it is a folder")
    for name in inputs:
        if name != "-" and _same_file(status, name):
            raise refuse(target, f"is also the input {name}; write the output to another file")
    if stat.S_ISREG(status.st_mode) and not force:
        raise refuse(target, "already exists; use --force to replace it")


def _same_file(status: os.stat_result, name: str) -> bool:
    try:
        other = os.stat(name)
    except OSError:
        return False
    return (status.st_dev, status.st_ino) == (other.st_dev, other.st_ino)


def is_stream(target: str) -> bool:
    """A target that is written directly: an existing device, named pipe or socket, or ``-``."""
    if target == "-":
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_file(target: str, data: Union[str, bytes], inputs: Iterable[str] = (), force: bool = False) -> None:
    """Check ``target`` (see `check_target`), then write ``data`` (text as UTF-8) to it whole or not at all."""
    check_target(target, inputs, force)
    content = data.encode("utf-8") if isinstance(data, str) else data
    if is_stream(target):
        try:
            with open(target, "wb") as stream:
                stream.write(content)
        except OSError as exc:
            raise refuse(target, f"cannot write the file: {exc.strerror or exc}") from None
        return
    with replacing(target) as handle:
        handle.write(content)


@contextmanager
def replacing(target: str) -> Iterator[BinaryIO]:
    """A temporary file beside ``target``, renamed over it when the block ends without an error.

    On an error (or Ctrl-C) the temporary file is removed and ``target`` is
    as it was. An OSError names ``target``, not the temporary file.
    """
    folder = os.path.dirname(os.path.abspath(target))
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as exc:
        raise refuse(target, f"cannot write the file: {exc.strerror or exc}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise refuse(target, f"cannot write the file: {exc.strerror or exc}") from None
        raise
    sync_folder(folder)


def _mode_for(target: str) -> int:
    """The permissions of the file replaced, or those a new file gets (the temporary file's are 0600)."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def sync_folder(folder: str) -> None:
    """Make a rename in ``folder`` survive a power cut (where the system allows a folder to be synced)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
