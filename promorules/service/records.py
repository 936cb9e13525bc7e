"""One record of facts as the batch and the HTTP service read it, and its answer line.

Both paths take JSON from a program, not a file a person wrote: they parse it the same way (duplicate keys
and NaN refused), validate it as facts, and answer with the advice or an error naming each field. Kept here,
below both, so the service does not borrow the batch's internals.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any, Mapping, Optional, Sequence

from ..errors import InputError, Location, Problem

RECORD = Location("record")  # a record is not a file a person wrote: its problems name the field alone


def advise_line(
    advisor,
    number: int,
    data: Any,
    as_of: date,
    override: bool,
    outlook: bool = False,
    *,
    view: str = "full",
    id_key: str = "id",
    person_id: Optional[str] = None,
    columns: Optional[Mapping[str, str]] = None,
) -> tuple[bytes, bool]:
    """The output line (UTF-8 JSON) for one record of parsed JSON, and whether it was advised.

    ``as_of`` is used when ``override`` is set or the record gives no date;
    ``outlook`` adds the nearest misses and the plan. ``view`` is the view
    written; the record's id is ``person_id``, else its ``id_key`` key, which
    is taken out before the facts are read. Problems become an error line
    naming each field; nothing raises. ``columns`` maps a ruleset's own fact
    to the CSV column it was read from, where the two names differ: its
    problems name the column, as the person's file does.
    """
    from ..advice.views import view_of
    from ..advisor import IdError, check_id, full_advice
    from ..facts.files import validate_facts
    from ..yamlsource import Located

    try:
        if not isinstance(data, dict):
            raise RecordError([record_problem(f"a record must be a JSON object of facts, not {json_kind(data)}")])
        if id_key in data:
            data = dict(data)
            given = data.pop(id_key)
            try:
                person_id = check_id(given, id_key)
            except IdError as exc:
                raise RecordError([record_problem(exc.message, id_key)]) from None
        if override or data.get("as_of") is None:
            data = {**data, "as_of": as_of}
        facts = validate_facts(Located(data, "record"), model=advisor.ruleset.facts_model)
        if outlook:
            advice: Any = view_of(full_advice(advisor, facts).model_copy(update={"id": person_id}), view)  # type: ignore[arg-type]
        else:
            advice = advisor.advise(facts, view=view, id=person_id)
    except RecordError as exc:
        return error_line(number, exc.problems, person_id), False
    except InputError as exc:
        return error_line(number, [_by_column(p, columns) for p in exc.problems], person_id), False
    except Exception as exc:  # noqa: BLE001 - one record's internal problem must not stop the others
        return error_line(number, [record_problem(f"internal problem ({type(exc).__name__}: {exc})")], person_id), False
    return b'{"record":%d%s,"advice":%s}' % (
        number,
        _id_part(person_id),
        advice.__pydantic_serializer__.to_json(advice),
    ), True


def _id_part(person_id: Optional[str]) -> bytes:
    """``,"id":"..."`` for a record with an id, nothing for one without."""
    if person_id is None:
        return b""
    return b',"id":' + json.dumps(person_id, ensure_ascii=False).encode()


def json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's own words (null, not NoneType)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean (true or false)"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string" if isinstance(value, str) else "an array" if isinstance(value, list) else "an object"


def record_problem(message: str, field: str = "") -> Problem:
    """A problem of one record (or request), naming its field when it has one."""
    return Problem(RECORD, message, field)


def problem_json(problem: Problem) -> dict:
    """A problem as the batch and the service answer it: the field (null for the whole record) and message."""
    return {"field": problem.field or None, "message": problem.message}


class RecordError(Exception):
    """A record that cannot be advised, with its problems in the order found."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(problems[0].message)
        self.problems = list(problems)


def parse_json(text: str) -> Any:
    """One JSONL line's value: duplicate keys and NaN refused, like a facts file."""
    from ..facts.files import loads_strict

    if not text.strip():
        raise RecordError([record_problem("empty: expected one JSON object of facts")])
    try:
        data = loads_strict(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        message = f"{exc.msg} {where}" if exc.msg.endswith(" at") else f"{exc.msg} ({where})"
        raise RecordError([record_problem(f"not valid JSON: {message}")]) from None
    except ValueError as exc:
        raise RecordError([record_problem(f"not valid JSON: {exc}")]) from None
    return data


def error_line(number: int, problems: Sequence[Problem], person_id: Optional[str] = None) -> bytes:
    """The line of a record that was not advised; it carries the record's id when the id itself was readable."""
    errors = [problem_json(problem) for problem in problems]
    line: dict[str, Any] = {"record": number}
    if person_id is not None:
        line["id"] = person_id
    line.update(error=errors[0], errors=errors)
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode()


def _by_column(problem: Problem, columns: Optional[Mapping[str, str]]) -> Problem:
    """The problem of a fact read from a column of another name, worded with the column's name."""
    column = columns.get(problem.field) if columns else None
    if column is None:
        return problem
    message = problem.message
    if message.startswith(f"{problem.field}:"):
        message = column + message[len(problem.field) :]
    return replace(problem, field=column, message=message)
