"""The HTTP service: advice for one person or a batch, the facts schema, the rulesets, health.

    POST /v1/advice            a facts object (query: as_of=YYYY-MM-DD, outlook=true, view=full|summary|ids)
                               -> the advice, in that view
    POST /v1/advice/batch      a list of facts objects (the same query) -> one result per item, in order
    GET  /v1/schema/facts      the JSON Schema of the facts (also /v1/schema/advice, .../summary, .../ids)
    GET  /v1/ruleset           name, version and every threshold with its value, unit and meaning
    POST /v1/ruleset/reload    re-read the ruleset from its folder (only when a token is set)
    GET  /v1/rulesets          the named rulesets; /v1/rulesets/{name}/advice, .../advice/batch, .../reload
                               and /v1/rulesets/{name} as the routes above, for each
    GET  /metrics              Prometheus metrics (only when asked for)
    GET  /healthz              {"status": "ok"} once the rulesets are loaded
    GET  /openapi.json         the OpenAPI description

A facts object may carry the caller's ``id`` for the person (as a JSONL
batch line does): it is taken out before the facts are read and echoed in
the advice, in each batch result and in a 422.

Operations, each off unless asked for (see `_Operations`): a bearer token
for every path but /healthz, Prometheus metrics, an access log line per
request, JSON log lines. Always on: a request id (the client's safe
``X-Request-ID`` or a new one) in the response's header and in every log
line about the request; gzip for clients that accept it.

Every error has one shape, ``{"errors": [{"field": ..., "message": ...}]}``:
bad facts, and a query parameter that is unknown or given twice, get 422;
bodies over the size limit get 413, and so do batches over the item limit;
a body not sent as ``application/json`` 415; a path that does not exist 404,
a method it does not take 405. A 422 names the field and what is wrong with
it, never the value refused: a platform that logs responses would otherwise
log a person's facts (the sender knows what they sent).

Slow and hostile clients are bounded (see `run` and `_RequestGuard`): a
request's headers, and then its body, must each arrive within ``read_timeout``
(408 otherwise), and at most ``max_connections`` connections are open at once.

There are no /docs and /redoc pages: they load scripts, styles and fonts
from other sites, which a user's browser should not be sent to.
Request bodies are never logged (the access log is off unless asked for).
An outlook (several more evaluations) and a batch are worked out in a worker
thread, one at a time, so /healthz and plain advice are answered meanwhile;
so is reading and checking a body over `OFF_LOOP_BYTES` (a 960 KB body of
unknown keys takes about 0.4 s, which on the loop would hold up every other
request). An ordinary body (a few KB, read, checked and advised in well under
a millisecond) stays on the event loop: the worker thread is shared with
outlooks and batches, one at a time, so a plain request sent there would wait
behind a 1,000-item batch. (Throughput did not decide it: with every body
checked in the thread, 8 clients on loopback got 1.0 to 2.1 times the loop's
requests per second, on a 2-core machine with a load average of 8: too noisy
to call.)
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import time
import uuid
from contextvars import ContextVar
from datetime import date, datetime, timezone
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal, Mapping, Optional

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware

from ..advice.model import Advice
from ..advice.views import IdsView, SummaryView, view_of
from ..advisor import Advisor, IdError, full_advice, split_id
from ..engine import durable as durable_engine
from .records import (
    RecordError,
    advise_line,
    error_line,
    json_kind,
    parse_json,
    problem_json,
    record_problem,
)
from ..errors import InputError, Location, Problem, did_you_mean
from ..facts.model import Facts, field_path
from ..facts.files import validate_facts
from .schema import json_schema
from ..yamlsource import Located

MAX_BODY_BYTES = 1024 * 1024
MAX_BATCH_ITEMS = 1000
READ_TIMEOUT = 10.0  # seconds for a request's headers, and again for its body
MAX_CONNECTIONS = 32  # well under the 64 descriptors some containers allow, and under common ulimits (1,024)
# asyncio accepts up to the listen backlog in one go, before any connection is counted: kept small, a burst
# of connections cannot take the descriptors past the cap plus a few.
ACCEPTED_AT_ONCE = 8
OFF_LOOP_BYTES = 64 * 1024  # bodies larger than this are read and checked in the worker thread
JSON = "application/json"


def create_app(
    advisor: Optional[Advisor] = None,
    *,
    rulesets: Optional[Mapping[str, Advisor]] = None,
    token: Optional[str] = None,
    metrics: bool = False,
    access_log: bool = False,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_batch_items: int = MAX_BATCH_ITEMS,
    read_timeout: float = READ_TIMEOUT,
) -> FastAPI:
    """The service around a default advisor and any named ones (the bundled ruleset if given neither).

    ``rulesets`` maps a name (`RULESET_NAME`) to its advisor, served under
    /v1/rulesets/{name}/; with named rulesets and no ``advisor``, /v1/advice
    answers 404 naming them. ``token`` turns on bearer-token auth, ``metrics``
    the /metrics path, ``access_log`` a log line per request.
    ``read_timeout`` bounds the time a request's body may take to arrive; `run`
    also bounds its headers (which reach no ASGI app) and the open connections.
    """
    named = dict(rulesets or {})
    for name in named:
        if not RULESET_NAME.fullmatch(name):
            raise ValueError(f"a ruleset's name must be 1 to 64 letters, digits, '_' or '-', not {name!r}")
    default = advisor if advisor is not None or named else Advisor()
    counters = _Metrics() if metrics else None
    # Long work (an outlook, a batch, a reload) runs in one worker thread at a time: Python runs one thread at a
    # time anyway, and every further thread wanting to run is one more the event loop waits behind.
    one_worker = anyio.CapacityLimiter(1)

    async def checked(size: int, work, *args):
        """``work(*args)`` on the loop for an ordinary body, in the worker thread for a large one."""
        if size <= OFF_LOOP_BYTES:
            return work(*args)
        return await anyio.to_thread.run_sync(work, *args, limiter=one_worker)

    app = FastAPI(
        title="promorules",
        description="Ordered promotion advice, with reasons and sources, from one person's facts.",
        version=_version(),
        docs_url=None,  # the pages would load assets from CDNs: no calls to other sites from users' browsers
        redoc_url=None,
        dependencies=[Depends(_known_query)],
        responses={422: _ERRORS[422]},
    )

    @app.exception_handler(_Refused)
    async def refused(request: Request, exc: _Refused) -> JSONResponse:
        return _problems(exc.problems, exc.status, person_id=exc.person_id)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        """404 and 405 in the service's own error shape, saying what exists instead."""
        method, path = request.method, request.url.path
        if exc.status_code == 404:
            paths = {getattr(route, "path", "") for route in app.routes}
            message = f"no such path: {path}{did_you_mean(path, paths)}"
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "")
            message = f"{path} does not take {method}" + (f"; it takes {allowed}" if allowed else "")
        else:
            message = str(exc.detail)
        return _problems([record_problem(message)], exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """Query parameters that do not fit, named like facts are."""
        problems = [record_problem(error["msg"], field_path(tuple(error["loc"][1:]))) for error in exc.errors()]
        return _problems(problems, 422)

    def the_default() -> Advisor:
        if default is None:
            names = ", ".join(sorted(named))
            raise _Refused(
                [
                    record_problem(
                        f"this service has no default ruleset; use /v1/rulesets/{{name}}/... with one of: {names}"
                    )
                ],
                404,
            )
        return default

    def the_named(name: str) -> Advisor:
        if name not in named:
            raise _Refused(
                [
                    record_problem(
                        f"no ruleset named {name!r}{did_you_mean(name, set(named))}; "
                        f"this service has: {', '.join(sorted(named)) or 'none'}"
                    )
                ],
                404,
            )
        return named[name]

    async def advise_one(
        chosen: Advisor, label: str, request: Request, as_of: Optional[date], outlook: bool, view: View
    ) -> Response:
        body = await _json_body(request)
        facts, person_id = await checked(len(body), _facts, body, as_of, chosen.ruleset.facts_model)
        if outlook:  # many evaluations: worked out off the loop, so other requests are answered meanwhile
            advice = await anyio.to_thread.run_sync(_outlook, chosen, facts, person_id, view, limiter=one_worker)
        else:  # well under a millisecond: a trip to a worker thread would cost more than it spares
            advice = chosen.advise(facts, view=view, id=person_id)
        if counters is not None:
            counters.advised(label, view, _stage_name(advice.stage))
        return Response(advice.model_dump_json(), media_type=JSON)

    async def advise_many(
        chosen: Advisor, label: str, request: Request, as_of: Optional[date], outlook: bool, view: str
    ) -> Response:
        body = await _json_body(request)
        items = await checked(len(body), _parsed, body)
        if not isinstance(items, list):
            return _problems([record_problem("the body must be a JSON list of facts objects")], 422)
        if len(items) > max_batch_items:
            return _problems([record_problem(f"{len(items)} items; at most {max_batch_items} per request")], 413)
        day = as_of or date.today()
        results = await anyio.to_thread.run_sync(
            lambda: [
                _result(chosen, n, item, day, as_of is not None, outlook, view) for n, item in enumerate(items, 1)
            ],
            limiter=one_worker,
        )
        if counters is not None:
            for line, advised in results:
                if advised:
                    counters.advised(label, view, _stage_in_line(line))
                else:
                    counters.error("record")
        return Response(b"[" + b",".join(line for line, _ in results) + b"]", media_type=JSON)

    async def reload(chosen: Advisor, label: str) -> JSONResponse:
        if token is None:
            return _problems(
                [
                    record_problem(
                        "reloading over HTTP needs the service to run with a token "
                        "(--token-file); send SIGHUP to the process instead"
                    )
                ],
                403,
            )
        try:
            await anyio.to_thread.run_sync(chosen.reload, limiter=one_worker)
        except InputError as exc:
            _log_reload(label, chosen, exc)
            return _problems([record_problem(str(problem)) for problem in exc.problems], 409)
        _log_reload(label, chosen, None)
        return JSONResponse({"ruleset": label, "name": chosen.ruleset.name, "version": chosen.ruleset.version})

    view_query = Query("full", description=_VIEW)
    advice_doc: dict[str, Any] = dict(
        responses={**_ERRORS, 200: _ADVICE_VIEWS}, openapi_extra=_body({"$ref": "#/components/schemas/Facts"})
    )
    batch_doc: dict[str, Any] = dict(
        responses={**_ERRORS, 200: _BATCH_RESULTS},
        openapi_extra=_body(
            {"type": "array", "items": {"$ref": "#/components/schemas/Facts"}, "maxItems": max_batch_items}
        ),
    )

    @app.post("/v1/advice", **advice_doc)
    async def advise(
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise for this day instead of the facts' as_of (or today)."),
        outlook: bool = Query(False, description=_OUTLOOK),
        view: View = view_query,
    ) -> Response:
        """Advice for one person, from the default ruleset."""
        return await advise_one(the_default(), DEFAULT_LABEL, request, as_of, outlook, view)

    @app.post("/v1/rulesets/{name}/advice", **advice_doc)
    async def advise_named(
        name: str,
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise for this day instead of the facts' as_of (or today)."),
        outlook: bool = Query(False, description=_OUTLOOK),
        view: View = view_query,
    ) -> Response:
        """Advice for one person, from the ruleset of this name."""
        return await advise_one(the_named(name), name, request, as_of, outlook, view)

    @app.post("/v1/advice/batch", **batch_doc)
    async def advise_batch(
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise everyone for this day."),
        outlook: bool = Query(False, description=_OUTLOOK),
        view: View = view_query,
    ) -> Response:
        """Advice for many people: one result per item, in order, each the advice or its named errors.

        Each result is ``{"record": n, "advice": {...}}`` or ``{"record": n, "error": {...}, "errors": [...]}``
        with ``n`` counting from 1, as ``promorules batch`` writes them; an item's ``id`` follows ``n``.
        """
        return await advise_many(the_default(), DEFAULT_LABEL, request, as_of, outlook, view)

    @app.post("/v1/rulesets/{name}/advice/batch", **batch_doc)
    async def advise_batch_named(
        name: str,
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise everyone for this day."),
        outlook: bool = Query(False, description=_OUTLOOK),
        view: View = view_query,
    ) -> Response:
        """Advice for many people from the ruleset of this name, as /v1/advice/batch gives it."""
        return await advise_many(the_named(name), name, request, as_of, outlook, view)

    @app.get("/v1/schema/facts")
    async def facts_schema() -> JSONResponse:
        """The JSON Schema of a facts object, as /v1/advice validates it (with the default ruleset's own facts)."""
        return JSONResponse(json_schema("facts", default.ruleset.facts_model if default is not None else None))

    @app.get("/v1/schema/advice")
    async def advice_schema() -> JSONResponse:
        """The JSON Schema of the advice /v1/advice returns."""
        return JSONResponse(json_schema("advice"))

    @app.get("/v1/schema/summary")
    async def summary_schema() -> JSONResponse:
        """The JSON Schema of the advice's summary view (?view=summary)."""
        return JSONResponse(json_schema("summary"))

    @app.get("/v1/schema/ids")
    async def ids_schema() -> JSONResponse:
        """The JSON Schema of the advice's ids view (?view=ids)."""
        return JSONResponse(json_schema("ids"))

    @app.get("/v1/ruleset")
    async def ruleset() -> dict[str, Any]:
        """The default ruleset: name, version, and every threshold with its value, unit and meaning."""
        return _ruleset_info(the_default())

    @app.get("/v1/rulesets")
    async def ruleset_names() -> dict[str, Any]:
        """The named rulesets, each with its ruleset's own name and version."""
        return {
            "rulesets": [
                {"ruleset": label, "name": chosen.ruleset.name, "version": chosen.ruleset.version}
                for label, chosen in sorted(named.items())
            ]
        }

    @app.get("/v1/rulesets/{name}")
    async def ruleset_named(name: str) -> dict[str, Any]:
        """The ruleset of this name, as /v1/ruleset describes the default one."""
        return _ruleset_info(the_named(name))

    @app.post("/v1/ruleset/reload", responses={403: _ERRORS[403], 409: _ERRORS[409]})
    async def reload_default() -> JSONResponse:
        """Re-read the default ruleset from its folder; on problems (409) the one in use is kept."""
        return await reload(the_default(), DEFAULT_LABEL)

    @app.post("/v1/rulesets/{name}/reload", responses={403: _ERRORS[403], 409: _ERRORS[409]})
    async def reload_named(name: str) -> JSONResponse:
        """Re-read the ruleset of this name alone; the others are untouched."""
        return await reload(the_named(name), name)

    @app.get("/healthz")
    async def healthz() -> dict[str, Any]:
        """Ready to advise. Open without a token, for probes: with a token set it says no more than "ok"."""
        if token is not None:
            return {"status": "ok"}
        health: dict[str, Any] = {"status": "ok"}
        if default is not None:
            health["ruleset"] = f"{default.ruleset.name} {default.ruleset.version}"
        if named:
            health["rulesets"] = {
                label: f"{chosen.ruleset.name} {chosen.ruleset.version}" for label, chosen in sorted(named.items())
            }
        return health

    if counters is not None:

        @app.get("/metrics", include_in_schema=False)
        async def metrics_text() -> Response:
            """Prometheus's text format: counts and timings by route, status class and stage; no person's value."""
            return Response(counters.text(), media_type=counters.media_type)

    described_facts: list[type[Facts]] = []  # the facts model the cached description was made with

    def openapi() -> dict[str, Any]:
        """FastAPI's description, plus the Facts schema the request bodies refer to, and the views.

        Facts are the default ruleset's, with its own facts (as /v1/schema/facts gives them); a reload
        that changes them describes them afresh.
        """
        facts_model = default.ruleset.facts_model if default is not None else Facts
        if app.openapi_schema is None or described_facts != [facts_model]:
            described_facts[:] = [facts_model]
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            described_models: tuple[tuple[str, type[BaseModel]], ...] = (
                ("Facts", facts_model),
                ("Advice", Advice),
                ("SummaryView", SummaryView),
                ("IdsView", IdsView),
            )
            for title, model in described_models:
                described = model.model_json_schema(
                    ref_template="#/components/schemas/{model}",
                    mode="validation" if model is facts_model else "serialization",
                )
                components.update(described.pop("$defs", {}))
                components[title] = described
            components.update(_SCHEMAS)
            if token is not None:
                components_security = schema.setdefault("components", {}).setdefault("securitySchemes", {})
                components_security["bearer"] = {"type": "http", "scheme": "bearer"}
                schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(_RequestGuard, limit=max_body_bytes, read_timeout=read_timeout)
    # Compressed only for a client whose Accept-Encoding names gzip, and only past 1 KB; level 6 (zlib's own
    # default) as level 9 costs more time for little: a 1,000-person batch is tens of megabytes.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(_Operations, app=app, token=token, metrics=counters, access_log=access_log)
    return app


DEFAULT_LABEL = "-"  # the default ruleset's name in metrics and logs: "-" is no ruleset's name
RULESET_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
View = Literal["full", "summary", "ids"]
_VIEW = (
    "full: the whole advice; summary: stage, ranked rule ids, the first advice in full, held back, the five "
    "facts most worth asking for; ids: stage and ranked rule ids with dates."
)


def _outlook(advisor: Advisor, facts: Facts, person_id: Optional[str], view: View):
    """The outlook's advice (nearest misses and plan filled) in ``view``, as ``promorules batch`` gives it."""
    return view_of(full_advice(advisor, facts).model_copy(update={"id": person_id}), view)


def _ruleset_info(advisor: Advisor) -> dict[str, Any]:
    current = advisor.ruleset
    return {
        "name": current.name,
        "version": current.version,
        "description": current.description,
        "engine": advisor.engine,
        "thresholds": [
            {"name": t.name, "value": t.value, "unit": t.unit, "meaning": t.meaning, "choices": list(t.choices)}
            for t in sorted(current.thresholds.values(), key=lambda t: t.name)
        ],
    }


_OUTLOOK = (
    "Also fill nearest_misses and plan, as `promorules advise` does; "
    "a few more evaluations per person, so off unless asked for."
)


def _errors_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _errors_response("The body is not JSON."),
    401: _errors_response("No token, or not the service's token (only when the service runs with one)."),
    403: _errors_response("Reloading over HTTP needs the service to run with a token."),
    409: _errors_response("The ruleset on disk has problems; the one in use is kept."),
    408: _errors_response("The body did not arrive in time."),
    413: _errors_response("The body, or the batch, is too large."),
    415: _errors_response("The body is not sent as application/json."),
    422: _errors_response("Facts, or query parameters, that do not fit; each problem named."),
}

_ADVICE_VIEWS = {
    "description": "The advice in the view asked for (full unless ?view= says otherwise).",
    "content": {
        JSON: {
            "schema": {
                "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in ("Advice", "SummaryView", "IdsView")]
            }
        }
    },
}

_BATCH_RESULTS = {
    "description": "One result per item, in order.",
    "content": {
        JSON: {
            "schema": {
                "type": "array",
                "items": {
                    "oneOf": [{"$ref": "#/components/schemas/BatchAdvice"}, {"$ref": "#/components/schemas/BatchError"}]
                },
            }
        }
    },
}

_RECORD = {"type": "integer", "minimum": 1, "description": "The item's place in the list, counting from 1."}
_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["field", "message"],
        "properties": {
            "field": {
                "anyOf": [{"type": "string"}, {"type": "null"}],
                "description": "The fact's path (lists indexed from 0), or null for the whole body.",
            },
            "message": {"type": "string"},
        },
    },
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "id": {"type": "string", "description": "The facts' id, when it was read before the problems."},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
        },
    },
    "BatchAdvice": {
        "type": "object",
        "required": ["record", "advice"],
        "properties": {
            "record": _RECORD,
            "id": {"type": "string"},
            "advice": {
                "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in ("Advice", "SummaryView", "IdsView")]
            },
        },
    },
    "BatchError": {
        "type": "object",
        "required": ["record", "error", "errors"],
        "properties": {
            "record": _RECORD,
            "id": {"type": "string"},
            "error": {"$ref": "#/components/schemas/Problem"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
        },
    },
}


def _body(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}


async def _json_body(request: Request) -> bytes:
    """The request's body, if it is sent as JSON: ``application/json``, with ``charset=utf-8`` or none.

    A form or plain text posted by a browser or a mistaken client is refused
    (415) rather than read as JSON on the chance that it is.
    """
    media, *parameters = request.headers.get("content-type", "").split(";")
    charsets = [
        value.strip().strip('"').lower()
        for name, _, value in (p.partition("=") for p in parameters)
        if name.strip().lower() == "charset"
    ]
    if media.strip().lower() != JSON or any(charset not in ("utf-8", "utf8") for charset in charsets):
        raise _Refused([record_problem("the body must be sent as content-type: application/json (in UTF-8)")], 415)
    return await request.body()


def _facts(body: bytes, as_of: Optional[date], model: type[Facts] = Facts) -> tuple[Facts, Optional[str]]:
    """The facts a request body holds and the caller's id (its ``id`` key, never a fact); _Refused with each
    problem named, and no value refused quoted."""
    data = _parsed(body)
    if not isinstance(data, dict):  # as a batch item is refused: null is not an empty person
        raise _Refused([record_problem(f"the body must be a JSON object of facts, not {json_kind(data)}")], 422)
    try:
        data, person_id = split_id(data)
    except IdError as exc:
        raise _Refused([record_problem(exc.message, "id")], 422) from None
    try:
        return validate_facts(Located(data, "request"), as_of=as_of, model=model), person_id
    except InputError as exc:
        problems = [record_problem(_unquoted(p.field, p.message), p.field) for p in exc.problems]
        raise _Refused(problems, 422, person_id) from None


def _parsed(body: bytes) -> Any:
    try:
        return _parse(body)
    except RecordError as exc:
        raise _Refused(exc.problems, 400) from None


def _result(
    advisor: Advisor, number: int, item: Any, day: date, override: bool, outlook: bool, view: str
) -> tuple[bytes, bool]:
    """One batch result, as ``promorules batch`` writes it (the item's ``id`` echoed), but with no value refused
    quoted; and whether it was advised."""
    line, advised = advise_line(advisor, number, item, day, override, outlook, view=view)
    if advised:
        return line, True
    refused = json.loads(line)
    problems = [record_problem(_unquoted(e["field"], e["message"]), e["field"] or "") for e in refused["errors"]]
    return error_line(number, problems, refused.get("id")), False


_QUOTES = (" (got ", ", not the text ")  # how a facts message goes on to quote the value it refused


def _unquoted(field: Optional[str], message: str) -> str:
    """``message`` without the value it quotes: the field and the kind of problem are what the sender needs.

    The search starts after the field's name, which may itself be a key the sender chose.
    """
    start = len(field) + 2 if field and message.startswith(f"{field}: ") else 0
    for quote in _QUOTES:
        cut = message.find(quote, start)
        if cut >= 0:
            message = message[:cut]
    return message


def _parse(body: bytes) -> Any:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError([record_problem("the body is not UTF-8 text")]) from None
    return parse_json(text)


def _problems(
    problems: list[Problem], status: int, headers: Optional[Mapping[str, str]] = None, person_id: Optional[str] = None
) -> JSONResponse:
    body: dict[str, Any] = {} if person_id is None else {"id": person_id}
    body["errors"] = [problem_json(problem) for problem in problems]
    return JSONResponse(body, status, headers=headers)


class _Refused(Exception):
    """A request refused before its endpoint runs, with its problems, and the facts' id when it was read
    before them."""

    def __init__(self, problems: list[Problem], status: int, person_id: Optional[str] = None):
        super().__init__(problems[0].message)
        self.problems, self.status, self.person_id = problems, status, person_id


async def _known_query(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take, or one given twice.

    Ignoring ``?asof=`` would advise for today without a word, and of two
    ``as_of`` values one would be dropped.
    """
    route = request.scope.get("route")
    known = {param.alias for param in route.dependant.query_params} if route is not None else set()
    problems: list[Problem] = []
    for name in dict.fromkeys(request.query_params.keys()):
        given = len(request.query_params.getlist(name))
        if name not in known:
            takes = f"; it takes {', '.join(sorted(known))}" if known else "; it takes none"
            hint = did_you_mean(name, known)
            problems.append(record_problem(f'unknown query parameter "{name}"' + (hint or takes), name))
        elif given > 1:
            problems.append(record_problem(f'the query parameter "{name}" is given {given} times; give it once', name))
    if problems:
        raise _Refused(problems, 422)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("promorules")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "0"


class _RequestGuard:
    """ASGI middleware: the whole body is read before the app runs, within a size and a time bound.

    uvicorn has no read timeout for a body: a client sending one byte a
    second, or a chunked body that never ends, would hold its connection (and
    a descriptor) for ever. Here the body must arrive within ``read_timeout``
    (else 408) and stay within ``limit`` bytes (else 413, at once when the
    declared length says so). A client that leaves while sending gets no
    answer and leaves nothing in the log (Starlette would raise, and uvicorn
    log a traceback). Bodies are at most 1 MiB, so holding one is cheap.
    """

    def __init__(self, app, limit: int, read_timeout: float):
        self.app = app
        self.limit = limit
        self.read_timeout = read_timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _answer(send, 413, f"the body is larger than {self.limit:,} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        try:
            with anyio.fail_after(self.read_timeout):
                more = True
                while more:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.limit:
                        await _answer(send, 413, f"the body is larger than {self.limit:,} bytes")
                        return
                    chunks.append(chunk)
                    more = message.get("more_body", False)
        except TimeoutError:
            await _answer(send, 408, f"the body did not arrive within {self.read_timeout:g} s")
            return
        body = b"".join(chunks)
        given = False

        async def replay():
            nonlocal given
            if given:
                return await receive()  # after the body: the disconnect, whenever it comes
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _error_body(message: str) -> bytes:
    return json.dumps({"errors": [{"field": None, "message": message}]}).encode()


async def _answer(send, status: int, message: str, headers: tuple | list = ()) -> None:
    """An error answered before the body was read to its end: the connection is closed after it, or the rest
    of the body (a chunked one may never end) would be read on it."""
    body = _error_body(message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _raw_answer(status: int, message: str) -> bytes:
    """A whole HTTP response that closes the connection, for a connection that has sent no complete request."""
    body = _error_body(message)
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: {JSON}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


# ---- Operations: request ids, auth, metrics, logs ------------------------------------------------------------

REQUEST_ID: ContextVar[Optional[str]] = ContextVar("promorules_request_id", default=None)
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
OPEN_PATHS = frozenset({"/healthz"})  # answered without a token: probes (Docker, Kubernetes) carry none
TOKEN_ENV = "PROMORULES_TOKEN"
MIN_TOKEN_LENGTH = 16
log = logging.getLogger("promorules.service")

_METHODS = frozenset({"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"})
_ERROR_KINDS = {
    400: "not_json",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method",
    408: "timeout",
    409: "ruleset_problems",
    413: "too_large",
    415: "not_json_media",
    422: "invalid",
    500: "internal",
    503: "busy",
}
# In a batch line the stage follows as_of (and the summary's view): a key, as a JSON text holds no bare quote.
_STAGE_IN_LINE = re.compile(
    rb'"as_of":"[0-9-]+",(?:"view":"[a-z]+",)?"stage":(?:null|"([^"\\]*)"|\{"name":"([^"\\]*)")'
)


def read_token(token_file: Optional[str], environ: Mapping[str, str] = os.environ) -> Optional[str]:
    """The bearer token: the file's first line, else ``$PROMORULES_TOKEN``, else None (auth off).

    A token shorter than `MIN_TOKEN_LENGTH`, or with characters a header cannot carry, is refused
    (InputError naming the file or the variable); so is a variable set but empty, which would
    otherwise turn auth off without a word.
    """
    if token_file is not None:
        where = token_file
        with open(token_file, encoding="utf-8") as handle:
            token = handle.readline(4096).strip()
    elif TOKEN_ENV in environ:
        where, token = f"${TOKEN_ENV}", environ[TOKEN_ENV].strip()
    else:
        return None
    if len(token) < MIN_TOKEN_LENGTH or not all("!" <= char <= "~" for char in token):
        raise InputError(
            [
                Problem(
                    Location(where),
                    f"the token must be at least {MIN_TOKEN_LENGTH} visible ASCII "
                    "characters with no spaces (e.g. from: openssl rand -hex 32)",
                )
            ]
        )
    return token


def _authorized(header: Optional[bytes], token: bytes) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time (a mismatch's position tells nothing)."""
    if header is None:
        return False
    scheme, _, given = header.strip().partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), token)


def _request_id(header: Optional[bytes]) -> str:
    """The client's ``X-Request-ID`` when it is 1 to 128 of [A-Za-z0-9._-] (safe in a header and a log line),
    else a new one."""
    if header is not None:
        given = header.decode("latin-1")
        if SAFE_REQUEST_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


def _stage_name(stage: Any) -> str:
    """The stage's name in the ruleset (a bounded set, fit for a metric's label), "none" when no stage applies."""
    if stage is None:
        return "none"
    return stage if isinstance(stage, str) else stage.name


def _stage_in_line(line: bytes) -> str:
    """The stage of a batch result line, read without parsing the whole advice (tens of KB in the full view)."""
    found = _STAGE_IN_LINE.search(line)
    if found is None:
        return "none"
    return (found.group(1) or found.group(2) or b"none").decode()


class _Metrics:
    """The service's Prometheus metrics, in a registry of its own (two apps in one process do not mix).

    Every label is from a bounded set the service chooses: route templates,
    methods, status classes, error kinds, the operator's ruleset names, the
    views and the rulesets' stage names. No id, fact or path text a client
    sent reaches a label, so no person's value reaches /metrics and a client
    cannot grow the number of series.
    """

    def __init__(self) -> None:
        from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.media_type = CONTENT_TYPE_LATEST
        self.requests = Counter(
            "promorules_http_requests", "HTTP requests answered.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "promorules_http_request_duration_seconds", "Time to answer a request.", ["route"], registry=self.registry
        )
        self.errors = Counter(
            "promorules_errors",
            "Requests refused, and batch items refused ('record'), by kind.",
            ["kind"],
            registry=self.registry,
        )
        self.advice = Counter(
            "promorules_advice",
            "Advice given, by ruleset ('-' the default), view and stage.",
            ["ruleset", "view", "stage"],
            registry=self.registry,
        )
        retired = Gauge(
            "promorules_durable_sessions_retired",
            "durable-rules sessions this process retired after a failed evaluation (memory never given back); "
            f"at {durable_engine.MAX_RETIRED_SESSIONS} the Python evaluator decides instead.",
            registry=self.registry,
        )
        retired.set_function(lambda: durable_engine.retired_sessions.count)

    def answered(self, method: str, route: str, status: Optional[int], seconds: float) -> None:
        status_class = f"{status // 100}xx" if status else "none"
        self.requests.labels(method if method in _METHODS else "other", route, status_class).inc()
        self.latency.labels(route).observe(seconds)
        if status is not None and status >= 400:
            self.error(_ERROR_KINDS.get(status, "other"))

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def advised(self, ruleset: str, view: str, stage: str) -> None:
        self.advice.labels(ruleset, view, stage).inc()

    def text(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


class _Operations:
    """ASGI middleware, outermost: the request id, the token, metrics, the access line, and internal errors.

    It sees every response, the guard's 408 and 413 included, so each carries
    ``X-Request-ID`` and is counted. The token is checked before the body is
    read: a client without it gets 401 (the same short body whatever was
    wrong, so it learns nothing) and the connection is closed. An exception in
    the app is answered 500 and logged as its type and place, not its message
    (which may hold a value), with the request id.
    """

    def __init__(self, inner, *, app: FastAPI, token: Optional[str], metrics: Optional[_Metrics], access_log: bool):
        self.inner, self.app = inner, app
        self.token = token.encode() if token is not None else None
        self.metrics, self.access_log = metrics, access_log

    def route_of(self, scope) -> str:
        """The route's template (/v1/rulesets/{name}/advice), never the path sent: a bounded set of labels."""
        from starlette.routing import Match

        for route in self.app.router.routes:
            if route.matches(scope)[0] is not Match.NONE:
                return getattr(route, "path", "unmatched")
        return "unmatched"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = _request_id(headers.get(b"x-request-id"))
        bound = REQUEST_ID.set(request_id)
        started, status = time.perf_counter(), None
        route = self.route_of(scope)

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), (b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            if (
                self.token is not None
                and route not in OPEN_PATHS
                and not _authorized(headers.get(b"authorization"), self.token)
            ):
                await _answer(send_with_id, 401, "unauthorized", [(b"www-authenticate", b"Bearer")])
            else:
                await self.inner(scope, receive, send_with_id)
        except Exception as exc:  # noqa: BLE001 - answered and logged here, with the request id, once
            frame = exc.__traceback__
            while frame is not None and frame.tb_next is not None:
                frame = frame.tb_next
            where = f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else "?"
            log.error("internal error", extra={"fields": {"error": type(exc).__name__, "at": where, "route": route}})
            if status is None:
                await _answer(send_with_id, 500, "internal problem; the service's log has it by request id")
        finally:
            seconds = time.perf_counter() - started
            if self.metrics is not None:
                self.metrics.answered(scope["method"], route, status, seconds)
            if self.access_log:
                log.info(
                    "request",
                    extra={
                        "fields": {
                            "method": scope["method"] if scope["method"] in _METHODS else "other",
                            "route": route,
                            "status": status,
                            "ms": round(seconds * 1000, 1),
                        }
                    },
                )
            REQUEST_ID.reset(bound)


def _log_reload(label: str, advisor: Advisor, problems: Optional[InputError]) -> None:
    """One line per ruleset reloaded, or one per problem of a ruleset that was not changed."""
    which = "the ruleset" if label == DEFAULT_LABEL else f"ruleset {label}"
    if problems is None:
        log.info(f"{which} re-read ({advisor.ruleset.name} {advisor.ruleset.version})")
        return
    log.error(f"{which} was not changed, it has problems:")
    for problem in problems.problems:
        log.error(f"error: {problem}")


def reload_all(default: Optional[Advisor], named: Mapping[str, Advisor]) -> None:
    """Re-read every ruleset (SIGHUP), each alone: one with problems keeps its old ruleset, the others change."""
    for label, advisor in ([(DEFAULT_LABEL, default)] if default is not None else []) + sorted(named.items()):
        try:
            advisor.reload()
        except InputError as exc:
            _log_reload(label, advisor, exc)
        else:
            _log_reload(label, advisor, None)


class _RequestIdFilter(logging.Filter):
    """Puts the request under way (if any) on each log record: uvicorn's lines and ours alike."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id when there is one, and fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)  # set per request by the logging filter, else absent
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextLogFormatter(logging.Formatter):
    """``time level [request id] message key=value ...``: the fields are the service's own words and numbers."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
        request_id = getattr(record, "request_id", None)
        request = f" [{request_id}]" if request_id else ""
        fields = "".join(f" {key}={value}" for key, value in getattr(record, "fields", {}).items())
        return f"{when} {record.levelname}{request} {record.getMessage()}{fields}"


def log_config(log_format: str = "text") -> dict[str, Any]:
    """logging's dictConfig for uvicorn's loggers and ours, in text or JSON lines, to standard error.

    uvicorn's own access log stays off: the service writes its own line (with
    the request id, the route's template and no query) when asked for.
    """
    formatter = JsonLogFormatter if log_format == "json" else TextLogFormatter
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "line",
        "filters": ["request_id"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": _RequestIdFilter}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "promorules": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


def run(
    app,
    *,
    host: str,
    port: int,
    read_timeout: float = READ_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
    log_format: str = "text",
) -> None:
    """Serve ``app`` with uvicorn until stopped, with the headers deadline and the connection cap.

    uvicorn's own ``limit_concurrency`` answers 503 only once a request's
    headers are complete: connections that never finish them still take a
    descriptor each, and past the process's limit (64 in some containers)
    accepting fails, /healthz is not answered and asyncio logs a traceback per
    attempt. The cap is therefore counted as connections are accepted.
    """
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="info",
        backlog=ACCEPTED_AT_ONCE,
        http=_guarded_h11(read_timeout, max_connections),
        log_config=log_config(log_format),
    )


def _guarded_h11(read_timeout: float, max_connections: int):
    """uvicorn's h11 protocol, with a deadline for each request's headers and a cap on open connections.

    The headers deadline starts when a connection opens and again when a
    response is complete; a request whose headers are not all in by then gets
    408 (a connection that sent nothing is just closed). With ``max_connections``
    open, a new connection takes the place of the one that has waited longest
    for its next request (a slow client, or an idle kept-alive one), so a few
    dozen slow sockets cannot keep /healthz out; when every connection has a
    request in progress, the new one gets 503. Neither is logged: under attack
    each would be a line per connection.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11(H11Protocol):
        deadline = None
        waiting_since = 0.0
        partial = False

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                # every connection of this server is a GuardedH11: uvicorn is given no other protocol
                guarded = [c for c in self.connections if isinstance(c, GuardedH11) and c is not self]
                waiting = [c for c in guarded if c.waiting()]
                if not waiting:
                    transport.write(
                        _raw_answer(503, f"the service has {max_connections} connections open; try again shortly")
                    )
                    transport.close()
                    return
                min(waiting, key=lambda c: c.waiting_since).drop()
            self.await_request()

        def waiting(self) -> bool:
            return self.deadline is not None and not self.transport.is_closing()

        def await_request(self) -> None:
            """Start the clock for the next request's headers."""
            self.stop_clock()
            self.waiting_since, self.partial = time.monotonic(), False
            self.deadline = self.loop.call_later(read_timeout, self.drop)

        def stop_clock(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
                self.deadline = None

        def drop(self) -> None:
            """Close a connection still waiting for its request's headers (408 if some of them came)."""
            self.stop_clock()
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                if self.partial:
                    self.transport.write(
                        _raw_answer(408, f"the request's headers did not arrive within {read_timeout:g} s")
                    )
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            self.partial = True
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self.stop_clock()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self.await_request()

        def connection_lost(self, exc) -> None:
            self.stop_clock()
            super().connection_lost(exc)

    return GuardedH11
