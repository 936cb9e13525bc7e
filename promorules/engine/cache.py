"""A compiled ruleset kept between runs of `promorules advise`, so a run does not read and compile it again.

Reading, checking and compiling the bundled ruleset is about a quarter of a
cold `advise` (docs/performance.md). `compiled_ruleset` keeps what that work
makes (the loaded ruleset, its durable network, and its conditions written
out as Python: the code objects and the constants they read) in one file per
ruleset, under
``$XDG_CACHE_HOME/promorules`` (``~/.cache/promorules`` by default).
``PROMORULES_CACHE=off`` turns it off; ``PROMORULES_CACHE=/a/folder`` puts it there.

It never serves a stale ruleset. An entry is found by the ruleset's path as
given and resolved, the thresholds set, the Python version, and a digest of
every module of this package, which stands for the package version: any
release and any local edit of the code changes it (a version number alone
changes nothing an entry holds, and is read from the package's metadata at a
cost of 15 ms). An entry is used only if every file of every layer (the
``*.yaml`` and ``*.yml`` the loader reads, in the ruleset's directory and in
each one it extends) still has the content recorded, and no such file came or
went. A file changed in the two seconds before the run began, or during it,
keeps that run from writing an entry (the content read may predate the
change: the "racy" case of stat-based caches). An entry that cannot be read,
is not the user's own, is writable by others, or does not unpickle is ignored
and written again. Entries are written whole or not at all
(`outfile.replacing`), one per ruleset and thresholds: the entry of a new
build replaces the old build's, and an entry not written for 30 days is
removed by the next write. A ruleset with mistakes is never kept: its
problems are found afresh on every run.

Only the `advise` command uses this, in one thread: a library caller's
`Advisor` reads its ruleset as before, and writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Union

if TYPE_CHECKING:
    from ..ruleset.model import Ruleset
    from .compiler import Network

FORMAT = 2  # raised when what an entry holds changes shape
SUFFIXES = (".yaml", ".yml")  # the files of a layer the loader reads (ruleset.schema.RULE_SUFFIXES)
PACKAGE = Path(__file__).resolve().parents[1]
UNUSED_DAYS = 30  # an entry not written for this long (its ruleset moved or gone) is removed by the next write
SETTLED_NS = 2_000_000_000  # a layer file changed this recently before a load is not trusted to match what was read

# What this process holds from an entry, by the id of its ruleset (the ruleset is held with it, so the id stays
# its own): the network, and each kind of generated code with the constants it reads. And what is being recorded
# for a new entry: the ruleset, and its generated code by kind (marshalled).
_networks: dict[int, tuple[Any, Any]] = {}
_generated: dict[tuple[int, str], tuple[Any, Any, dict]] = {}
_recording: Optional[tuple[Any, dict[str, tuple[bytes, dict]]]] = None


def stored_network(ruleset: "Ruleset") -> Optional["Network"]:
    """The network kept with ``ruleset`` when it came from (or goes to) the cache; None otherwise."""
    held = _networks.get(id(ruleset))
    return held[1] if held is not None and held[0] is ruleset else None


def generated(ruleset: "Ruleset", kind: str, namespace: dict, write: Callable[[], str], filename: str):
    """The compiled code of ``kind`` (one of `engine.codegen`'s programs) for ``ruleset``, its constants put in
    ``namespace``: kept with a ruleset from the cache, else written (``write`` adds the constants) and compiled.

    Writing the source walks every condition (about 10 ms for the bundled ruleset); the code and the constants
    are a function of the ruleset alone, so an entry keeps them.
    """
    held = _generated.get((id(ruleset), kind))
    if held is not None and held[0] is ruleset:
        namespace.update(held[2])
        return held[1]
    before = set(namespace)
    code = compile(write() + "\n", filename, "exec")
    if _recording is not None and _recording[0] is ruleset:
        _recording[1][kind] = (marshal.dumps(code), {name: namespace[name] for name in namespace if name not in before})
    return code


def cache_folder() -> Optional[Path]:
    """Where entries live, or None when PROMORULES_CACHE is off."""
    setting = os.environ.get("PROMORULES_CACHE", "").strip()
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if os.path.isabs(base):
        return Path(base) / "promorules"
    try:
        return Path.home() / ".cache" / "promorules"
    except RuntimeError:  # no home folder to keep it in: advise as if it were off
        return None


@contextmanager
def compiled_ruleset(path: Union[str, Path], thresholds: Optional[Mapping[str, Any]] = None) -> Iterator["Ruleset"]:
    """The ruleset at ``path`` with ``thresholds`` set: from the cache, or read (raising on its mistakes).

    Build the advisor inside the block: what it compiles there is kept with the ruleset when the block ends.
    """
    global _recording
    folder = cache_folder()
    key = _key(path, thresholds) if folder is not None else {}
    entry = folder / _entry_name(key) if folder is not None else None
    found = _read(entry, key) if entry is not None else None
    if found is not None:
        ruleset = found["ruleset"]
        _networks[id(ruleset)] = (ruleset, found["network"])
        for kind, (code, names) in found["code"].items():
            _generated[id(ruleset), kind] = (ruleset, marshal.loads(code), names)
        yield ruleset
        return
    from ..ruleset.loader import inspect_ruleset
    from ..errors import RulesetError
    from .compiler import fitted_network

    started = time.time_ns()
    report = inspect_ruleset(path, thresholds)
    if report.problems:
        raise RulesetError(report.problems)
    ruleset = report.ruleset
    assert ruleset is not None, "a load without problems gives a ruleset"
    layers = [Path(manifest).parent for manifest in report.layers]
    recorded: dict[str, tuple[bytes, dict]] = {}
    _recording = (ruleset, recorded) if entry is not None else None
    try:
        _networks[id(ruleset)] = (ruleset, fitted_network(ruleset))
        yield ruleset
    finally:
        _recording = None
    if entry is not None and _newest_change(layers) < started - SETTLED_NS:
        _write(entry, key, layers, ruleset, _networks[id(ruleset)][1], recorded)


def _key(path: Union[str, Path], thresholds: Optional[Mapping[str, Any]]) -> dict:
    return {
        "format": FORMAT,
        "path": str(path),
        "resolved": os.path.abspath(path),
        "thresholds": json.dumps(dict(thresholds or {}), sort_keys=True, default=repr),
        "python": f"{sys.version} {sys.implementation.cache_tag}",
        "package": _package_digest(),
    }


def _entry_name(key: dict) -> str:
    """``<the ruleset and thresholds>-<the package and Python>.pickle``: a new build replaces its ruleset's entry."""
    place = {name: key[name] for name in ("path", "resolved", "thresholds")}
    build = {name: value for name, value in key.items() if name not in place}
    return f"{_digest(place)}-{_digest(build)}.pickle"


def _digest(value: dict) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:24]


def _package_digest() -> str:
    """A digest of every module of this package: its code, whatever version it calls itself."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(PACKAGE):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), "rb") as handle:
                    digest.update(name.encode() + b"\0" + handle.read() + b"\0")
    return digest.hexdigest()


def _layer_files(layers: list[Path]) -> dict[str, str]:
    """Each file the loader reads in these layer folders, by path: the digest of its content."""
    files = {}
    for layer in layers:
        for file in sorted(layer.iterdir()):
            if file.suffix in SUFFIXES:
                files[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return files


def _newest_change(layers: list[Path]) -> int:
    """The latest modification time (ns) of the layer folders and their files; the far future if unreadable."""
    try:
        times = [layer.stat().st_mtime_ns for layer in layers]
        times += [file.stat().st_mtime_ns for layer in layers for file in layer.iterdir() if file.suffix in SUFFIXES]
    except OSError:
        return sys.maxsize
    return max(times, default=0)


def _read(entry: Path, key: dict) -> Optional[dict]:
    """The entry's contents if it is ours, whole, and its layers are unchanged; None otherwise."""
    try:
        with open(entry, "rb") as handle:
            status = os.fstat(handle.fileno())
            if status.st_uid != os.getuid() or status.st_mode & 0o022:
                return None  # another user's file, or one others could have written: never unpickled
            found = pickle.load(handle)
        if not isinstance(found, dict) or found.get("key") != key:
            return None
        if _layer_files([Path(layer) for layer in found["layers"]]) != found["files"]:
            return None
        return found
    except Exception:  # noqa: BLE001 - absent, unreadable, truncated or from another layout: read afresh
        return None


def _write(entry: Path, key: dict, layers: list[Path], ruleset, network, code: dict[str, tuple[bytes, dict]]) -> None:
    from ..errors import PromorulesError
    from ..outfile import replacing

    try:
        contents = {
            "key": key,
            "layers": [str(layer) for layer in layers],
            "files": _layer_files(layers),
            "ruleset": ruleset,
            "network": network,
            "code": code,
        }
        data = pickle.dumps(contents, protocol=pickle.HIGHEST_PROTOCOL)
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with replacing(str(entry)) as handle:
            handle.write(data)
        os.chmod(entry, 0o600)  # whatever the umask: an entry others could write is never read (see _read)
        stale = time.time() - UNUSED_DAYS * 86_400
        for older in entry.parent.glob("*-*.pickle"):
            same_ruleset = older.name.split("-")[0] == entry.name.split("-")[0]
            if older != entry and (same_ruleset or older.stat().st_mtime < stale):
                older.unlink()  # an earlier build's entry for this ruleset, or one unused for a month
    except (OSError, PromorulesError, pickle.PicklingError, TypeError, AttributeError):
        pass  # a cache that cannot be written costs the next run its compile, nothing more
