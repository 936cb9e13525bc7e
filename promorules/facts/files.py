"""Read a facts file (YAML or JSON) into a validated `Facts`, or say exactly what is wrong.

Messages name the file and, for YAML, the line and column; for JSON, the
field path. Unknown keys get a "did you mean" hint.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import date
from typing import Any, Callable, Optional, Union

from pydantic import ValidationError

from .derive import FACTS
from ..errors import MAX_PROBLEMS, InputError, Location, Problem, argument_error, closest, did_you_mean
from .model import Facts, field_path, model_at
from ..yamlsource import MAX_DEPTH, MAX_NUMBER_LENGTH, Located, load_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024


def read_facts(source: str, as_of: Optional[date] = None, model: type[Facts] = Facts) -> Facts:
    """Load facts from a path, or from standard input when ``source`` is ``-``.

    The facts' day is ``as_of`` if given, else the file's own ``as_of``, else today. ``model`` is the
    ruleset's facts model (`Ruleset.facts_model`), for a ruleset that declares facts of its own.
    """
    if not isinstance(source, (str, os.PathLike)):
        raise argument_error("source", f'source must be a file\'s path or "-", not {type(source).__name__}')
    return validate_facts(load_facts(os.fspath(source)), as_of=as_of, model=model)


def load_facts(source: str) -> Located:
    """The facts of a path (or ``-``) as located data, not yet checked against the model."""
    name = "<stdin>" if source == "-" else source
    if source == "-":
        raw = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        try:
            with open_regular_file(source) as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise InputError([Problem(Location(name), f"cannot read the file: {exc.strerror}")]) from None
    return _located(raw, name)


_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def open_regular_file(source: str):
    """``source`` opened for reading in binary; InputError naming it if it is not a regular file.

    A named pipe would block until something writes to it and ``/dev/zero``
    never ends, so they are refused at once, as the ruleset loader refuses
    them. The file is opened without waiting (a pipe's open would block)
    and then asked what it is, so nothing can swap it in between.
    """
    descriptor = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    kind = stat.S_IFMT(os.fstat(descriptor).st_mode)
    if kind != stat.S_IFREG:
        os.close(descriptor)
        what = f" ({_NOT_REGULAR[kind]})" if kind in _NOT_REGULAR else ""
        raise InputError([Problem(Location(source), f"cannot read the file: it is not a regular file{what}")])
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def parse_facts(raw: Union[bytes, str], name: str, as_of: Optional[date] = None, model: type[Facts] = Facts) -> Facts:
    """Parse facts from bytes or text; JSON when the name ends in .json or the text starts with '{'."""
    if not isinstance(raw, (bytes, str)):
        raise argument_error("raw", f"raw must be the facts' text or bytes, not {type(raw).__name__}")
    if not isinstance(name, str):
        raise argument_error("name", f"name must be text (the name the problems give), not {type(name).__name__}")
    return validate_facts(_located(raw, name), as_of=as_of, model=model)


def _located(raw: Union[bytes, str], name: str) -> Located:
    """Decode and parse; an empty file is refused, as it is almost always the wrong file or an unsaved one."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise InputError([Problem(Location(name), f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                [Problem(Location(name), f"not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8")]
            ) from None
    else:
        text = raw
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        located = _load_json(text, name)
    else:
        located = load_yaml(text, name)
    if located.data is None:
        raise InputError(
            [
                Problem(
                    Location(name),
                    "no facts in it (it is empty, or only comments); write yours in "
                    "it, or run `promorules interview` to be asked for them",
                )
            ]
        )
    return located


def validate_facts(located: Located, as_of: Optional[date] = None, model: type[Facts] = Facts) -> Facts:
    """Facts for the day ``as_of``, else the data's own ``as_of``, else today.

    The day is set before the model checks the data, so a date after it is
    reported at its line, like any other mistake in the file.
    """
    data = located.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise InputError([Problem(located.where(()), f"facts must be a mapping of names to values, not {kind}")])
    if as_of is not None:
        data = {**data, "as_of": as_of}
    elif data.get("as_of") is None:
        data = {**data, "as_of": date.today()}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise first_problems(located, exc.errors(include_url=False), model) from None


def first_problems(located: Located, errors: list, model: type[Facts] = Facts) -> InputError:
    """The InputError for pydantic's ``errors``: the first `MAX_PROBLEMS` by place, worded, and a count of the rest.

    Only the problems shown are worded: a "did you mean" costs about 250 µs,
    and a 2 MiB file holds 80,000 unknown keys (20 s of hints for one line saying how many).
    """
    if len(errors) > MAX_PROBLEMS:
        places = [located.where(error["loc"]) for error in errors]  # sorting is stable: ties stay in pydantic's order
        shown = [errors[i] for i in sorted(range(len(errors)), key=places.__getitem__)[:MAX_PROBLEMS]]
        return InputError([_problem(located, error, model) for error in shown], more=len(errors) - len(shown))
    return InputError([_problem(located, error, model) for error in errors])


def worked_out(name: str, describe: Callable[[str], str] = lambda path: f'"{path}"') -> Optional[str]:
    """Why ``name`` cannot be given: rules read it, but it is worked out from other facts.

    A name close to such a fact (and to no fact a person can give) is taken as
    a misspelling of it. ``describe`` words each input to give instead.
    """
    if "." not in name and name not in Facts.model_fields and name not in FACTS:
        derived = [fact for fact, info in FACTS.items() if info.inputs and fact not in info.inputs]
        close = closest(name, derived)
        if close and not closest(name, Facts.model_fields):
            return f'unknown fact "{name}"{did_you_mean(name, derived)}; ' + str(worked_out(close, describe))
    info = FACTS.get(name)
    if info is None or not info.inputs or name in info.inputs:
        return None
    instead = " and ".join(describe(path) for path in info.inputs)
    return f'"{name}" is worked out from {", ".join(info.inputs)}, so it cannot be given; give {instead} instead'


def _loc(error: dict) -> tuple:
    """Where pydantic's error is, without the names of our validator functions."""
    return tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))


def _problem(located: Located, error: dict, facts_model: type[Facts] = Facts) -> Problem:
    loc = _loc(error)
    path = field_path(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        model = facts_model if len(loc) == 1 else model_at(field_path(loc[:-1]))  # a ruleset's own facts too
        known = list(model.model_fields) if model is not None else []
        derived = worked_out(path) if len(loc) == 1 else None
        message = derived or f'unknown fact "{path}"{did_you_mean(str(loc[-1]), known)}'
    elif kind == "missing":
        message = f'"{path}" is required here'
    elif kind.startswith("date"):
        message = f"{path}: must be a date like 2026-11-24"
    elif kind == "late_date":
        message = error["msg"]
    elif kind == "value_error":
        reason = error["msg"].removeprefix("Value error, ")
        message = f"{path}: {reason}" if path else reason
    else:
        words = _in_words(kind, error.get("ctx") or {}) or error["msg"]
        message = f"{path}: {words}" if path else words
        if "input" in error and kind not in ("model_type", "list_type", "dict_type"):
            message += f" (got {_shown(error['input'])})"
    return Problem(located.where(loc), message, field=path)


def _shown(value) -> str:
    """The value refused, cut to 60 characters; a whole number too long to write out (Python's limit) by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_NUMBER_LENGTH:
        return f"a number of more than {MAX_NUMBER_LENGTH} digits"
    shown = repr(value)
    return shown[:60] + "…" if len(shown) > 60 else shown


def _in_words(kind: str, ctx: dict) -> Optional[str]:
    """What to write instead, for the mistakes people make most; None leaves pydantic's sentence."""
    fixed = {
        "bool_type": "must be true or false",
        "bool_parsing": "must be true or false",
        "int_type": "must be a whole number",
        "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "float_type": "must be a number",
        "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
        "string_type": "must be text",
        "string_too_short": "must not be blank",
        "list_type": "must be a list",
        "dict_type": "must be a group of facts (name: value)",
        "model_type": "must be a group of facts (name: value)",
    }
    bounds = {
        "greater_than_equal": ("ge", "at least"),
        "greater_than": ("gt", "more than"),
        "less_than_equal": ("le", "at most"),
        "less_than": ("lt", "under"),
    }
    if kind in fixed:
        return fixed[kind]
    if kind in bounds and bounds[kind][0] in ctx:
        key, word = bounds[kind]
        bound = ctx[key]
        return f"must be {word} {int(bound) if isinstance(bound, float) and bound.is_integer() else bound}"
    if kind == "literal_error" and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    if kind == "string_too_long" and "max_length" in ctx:
        return f"must be at most {ctx['max_length']} characters"
    if kind == "too_long" and "max_length" in ctx:
        return f"must have at most {ctx['max_length']} items"
    return None


def loads_strict(text: str):
    """JSON as every input of facts reads it: a key twice in one object, NaN and Infinity refused.

    Raises json.JSONDecodeError, or ValueError with the reason (also for lists and objects nested
    more than MAX_DEPTH deep, as YAML's are).
    """
    lengths: list[int] = []

    def whole(digits: str):
        """Python's conversion of a long number is slow and fails past 4,300 digits: longer ones are marked."""
        if len(digits) > MAX_NUMBER_LENGTH:
            lengths.append(len(digits))
            return _TOO_LONG
        return int(digits)

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants, parse_int=whole)
    except RecursionError:  # the parser's own depth guard, which differs between Python versions
        raise ValueError("nested too deeply") from None
    if lengths:
        raise NumberTooLong(_path_to(data, _TOO_LONG), lengths[0])
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(data) > MAX_DEPTH:  # counted only when it could be
        raise ValueError("nested too deeply")  # YAML's limit, and the same on every Python
    return data


class NumberTooLong(ValueError):
    """A whole number longer than `MAX_NUMBER_LENGTH` characters, as YAML's are refused; ``field`` says where."""

    def __init__(self, field: str, length: int):
        self.field = field
        where = f"{field}: " if field else ""
        super().__init__(f"{where}a number of {length} characters; at most {MAX_NUMBER_LENGTH} are read")


_TOO_LONG = object()  # stands for a refused number until its place is found


def _path_to(value, target) -> str:
    """The field path ("org.budget_season_months[1]") of the first ``target`` in parsed JSON, without recursion."""
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if item is target:
            return field_path(path)
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        stack.extend(reversed([(child, path + (key,)) for key, child in children]))
    return ""


def _depth(value) -> int:
    """How deeply lists and objects nest in parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f'the key "{key}" appears twice in the same object')
        result[key] = value
    return result


def _no_constants(token):
    raise ValueError(f"{token} is not a number JSON allows")


def _load_json(text: str, name: str) -> Located:
    try:
        data = loads_strict(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(Location(name, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")]) from None
    except NumberTooLong as exc:
        raise InputError([Problem(Location(name), str(exc), field=exc.field)]) from None
    except ValueError as exc:
        raise InputError([Problem(Location(name), f"not valid JSON: {exc}")]) from None
    return Located(data, name)
