"""One person's facts from one CSV row, for HR exports that come as spreadsheets.

A TSV row (cells separated by tabs) is read the same way: only the separator differs.

Columns are fact names: flat names (``role_start_date``) and dotted names
for the organisation group (``org.hiring_freeze``, ``org.dysfunction.high_turnover``).
A cell is read as the field expects: text, a number, a yes/no (``true``,
``false``, ``yes``, ``no``, ``1``, ``0``) or a date (``2026-11-24``); list and
group fields (``achievements``, ``people``, ``case_document``, ...) hold JSON
(``[{"title": "Launch", "date": "2026-03-01"}]``). An empty cell means
unknown, exactly like a fact left out of a facts file.

A fact the ruleset declares (facts.declared) is read from its own column (``column:``, else its name),
as a built-in fact of its kind is.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any, Optional, Union, get_args, get_origin

from pydantic import BaseModel

from ..errors import did_you_mean
from .declared import DeclaredFact
from .model import Facts, FieldKind, field_at, field_kind
from .files import loads_strict


class CellError(ValueError):
    """A cell that cannot be read; ``field`` is its column."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def check_header(columns: list[str], separator: str = ",", declared: tuple[DeclaredFact, ...] = ()) -> list[str]:
    """Problems with the header row (unknown or repeated columns), one message each.

    ``separator`` is the one the file is read with: ``,`` for a ``.csv``
    file, a tab for a ``.tsv`` one. A header that is one cell holding
    another separator is a file separated by that (a spreadsheet's export in
    many locales): said so, with how to read it, instead of a "did you mean"
    for a column named after the whole row. ``declared`` are the ruleset's own facts, each with its column.
    """
    own_columns = {fact.column for fact in declared}
    if len(columns) == 1:
        name = columns[0].strip()
        found = next((char for char in _SEPARATORS if char != separator and char in name), None)
        if found:
            return [
                f'unknown column "{name}": the file seems to be separated by {_SEPARATORS[found]}, '
                f"not {_SEPARATORS[separator]}; {_how_to_read(found, separator)}"
            ]
    problems = []
    seen: set[str] = set()
    for column in columns:
        name = column.strip()
        if name in seen:
            problems.append(f'the column "{name}" appears twice')
        seen.add(name)
        if not name:
            problems.append("a column has no name")
            continue
        if name in own_columns:
            continue
        model: Any = Facts
        parts = name.split(".")
        for depth, part in enumerate(parts):
            fields = model.model_fields
            if part not in fields:
                known = [f"{'.'.join(parts[:depth])}.{f}" if depth else f for f in fields]
                known += [] if depth else sorted(own_columns)
                problems.append(f'unknown column "{name}"{did_you_mean(name, known)}')
                break
            model = _model_of(fields[part].annotation)
            if depth < len(parts) - 1 and model is None:
                problems.append(f'the column "{name}": "{part}" has no fields of its own')
                break
    return problems


_SEPARATORS = {",": "commas", "\t": "tabs", ";": '";"'}
_EXTENSIONS = {",": ".csv", "\t": ".tsv"}
_SEPARATED = {",": "comma-separated", "\t": "tab-separated"}


def _how_to_read(found: str, separator: str) -> str:
    """A file separated by commas or tabs is read as such under its own extension; ';' has none, so it is saved
    again."""
    save = f"save it {_SEPARATED[separator]}"
    if found in _EXTENSIONS:
        return (
            f"rename it to end in {_EXTENSIONS[found]} (or give --format {_EXTENSIONS[found][1:]}) "
            f"to read it as {_SEPARATED[found]}, or {save}"
        )
    return save


def row_facts(row: dict[str, Optional[str]], declared: tuple[DeclaredFact, ...] = ()) -> dict[str, Any]:
    """The facts of one row (header already checked); raises CellError for a cell that is not JSON where JSON is due.

    ``declared`` are the ruleset's own facts: a cell of a declared fact's column is that fact, of its kind.
    """
    facts: dict[str, Any] = {}
    own = {fact.column: fact for fact in declared}
    for column, cell in row.items():
        if column is None:
            raise CellError("", "the row has more cells than the header has columns")
        if cell is None or not cell.strip():
            continue  # empty: unknown
        name = column.strip()
        value: Any = cell.strip()
        if name in own:
            facts[own[name].name] = _scalar(value, own[name].kind)
            continue
        kind = _column_kind(name)
        if kind not in (None, "enums", "texts"):  # lists, mappings and groups hold JSON
            value = _scalar(value, kind)
        else:
            try:
                value = loads_strict(cell)
            except ValueError as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                raise CellError(name, f"{name}: this column holds JSON (a list or an object); {reason}") from None
        target = facts
        *groups, last = name.split(".")
        for group in groups:
            target = target.setdefault(group, {})
            if not isinstance(target, dict):
                raise CellError(name, f'{name}: the column "{group}" already gives the whole group')
        target[last] = value
    return facts


@functools.cache  # the columns passed check_header, so they are few: worked out once, not for every cell
def _column_kind(name: str) -> FieldKind:
    field = field_at(name)
    assert field is not None, f"{name} passed check_header, so it is a field"
    return field_kind(field.annotation)[0]


_YES_NO = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_INTEGER = re.compile(r"[+-]?[0-9]+")


def _scalar(text: str, kind: FieldKind) -> Any:
    """A cell as its field's kind: cells are text, but the facts model takes yes/no and numbers only as such.

    Text that does not fit stays text, for the facts model to refuse naming the field.
    """
    if kind == "bool":
        return _YES_NO.get(text.lower(), text)
    if kind == "number":
        if _INTEGER.fullmatch(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    return text


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) is Union:
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _model_of(annotation: Any) -> Optional[type[BaseModel]]:
    inner = _without_none(annotation)
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
