"""The HTTP service: advice for one person or a batch, the facts schema, the ruleset, health.

    POST /v1/advice            a facts object (query: as_of=YYYY-MM-DD, outlook=true) -> the advice
    POST /v1/advice/batch      a list of facts objects (the same query) -> one result per item, in order
    GET  /v1/schema/facts      the JSON Schema of the facts (also /v1/schema/advice)
    GET  /v1/ruleset           name, version and every threshold with its value, unit and meaning
    GET  /healthz              {"status": "ok"} once the ruleset is loaded
    GET  /openapi.json         the OpenAPI description

Every error has one shape, ``{"errors": [{"field": ..., "message": ...}]}``:
bad facts, and a query parameter that is unknown or given twice, get 422;
bodies over the size limit get 413, and so do batches over the item limit;
a path that does not exist 404, a method it does not take 405.
There are no /docs and /redoc pages: they load scripts, styles and fonts
from other sites, which a user's browser should not be sent to.
Request bodies are never logged (the access log is off unless asked for).
An outlook (several more evaluations) and a batch are worked out in a worker
thread, one at a time, so /healthz and plain advice are answered meanwhile;
plain advice (well under a millisecond) stays on the event loop, where it is
cheapest.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Any, Mapping, Optional

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from ..advice.model import Advice
from ..advisor import Advisor
from .records import RecordError, advise_line, json_kind, parse_json
from ..errors import InputError, did_you_mean
from ..facts.model import Facts, field_path
from ..facts.files import validate_facts
from ..advisor import full_advice
from .schema import json_schema
from ..yamlsource import Located

MAX_BODY_BYTES = 1024 * 1024
MAX_BATCH_ITEMS = 1000
JSON = "application/json"


def create_app(
    advisor: Optional[Advisor] = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_batch_items: int = MAX_BATCH_ITEMS,
) -> FastAPI:
    """The service around one advisor (the bundled ruleset if none is given)."""
    advisor = advisor or Advisor()
    # Long work (an outlook, a batch) runs in one worker thread at a time: Python runs one thread at a
    # time anyway, and every further thread wanting to run is one more the event loop waits behind.
    one_worker = anyio.CapacityLimiter(1)
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
        return _problems(exc.problems, exc.status)

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
        return _problems([(None, message)], exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """Query parameters that do not fit, named like facts are."""
        errors = [
            {"field": field_path(tuple(error["loc"][1:])) or None, "message": error["msg"]} for error in exc.errors()
        ]
        return JSONResponse({"errors": errors}, status_code=422)

    @app.post("/v1/advice", response_model=Advice, responses=_ERRORS,
              openapi_extra=_body({"$ref": "#/components/schemas/Facts"}))
    async def advise(
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise for this day instead of the facts' as_of (or today)."),
        outlook: bool = Query(False, description=_OUTLOOK),
    ) -> Response:
        """Advice for one person."""
        try:
            data = _parse(await request.body())
            if not isinstance(data, dict):  # as a batch item is refused: null is not an empty person
                return _problems([(None, f"the body must be a JSON object of facts, not {json_kind(data)}")], 422)
            facts = validate_facts(Located(data, "request"), as_of=as_of)
        except RecordError as exc:
            return _problems(exc.problems, 400)
        except InputError as exc:
            return _problems([(p.field or None, p.message) for p in exc.problems], 422)
        if outlook:  # many evaluations: worked out off the loop, so other requests are answered meanwhile
            advice = await anyio.to_thread.run_sync(full_advice, advisor, facts, limiter=one_worker)
        else:  # well under a millisecond: a trip to a worker thread would cost more than it spares
            advice = advisor.advise(facts)
        return Response(advice.model_dump_json(), media_type=JSON)

    @app.post("/v1/advice/batch", responses={**_ERRORS, 200: _BATCH_RESULTS}, openapi_extra=_body(
        {"type": "array", "items": {"$ref": "#/components/schemas/Facts"}, "maxItems": max_batch_items}))
    async def advise_batch(
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise everyone for this day."),
        outlook: bool = Query(False, description=_OUTLOOK),
    ) -> Response:
        """Advice for many people: one result per item, in order, each the advice or its named errors.

        Each result is ``{"record": n, "advice": {...}}`` or ``{"record": n, "error": {...}, "errors": [...]}``
        with ``n`` counting from 1, as ``promorules batch`` writes them.
        """
        try:
            items = _parse(await request.body())
        except RecordError as exc:
            return _problems(exc.problems, 400)
        if not isinstance(items, list):
            return _problems([(None, "the body must be a JSON list of facts objects")], 422)
        if len(items) > max_batch_items:
            return _problems([(None, f"{len(items)} items; at most {max_batch_items} per request")], 413)
        day = as_of or date.today()
        lines = await anyio.to_thread.run_sync(
            lambda: [advise_line(advisor, n, item, day, as_of is not None, outlook)[0]
                     for n, item in enumerate(items, 1)],
            limiter=one_worker,
        )
        return Response(b"[" + b",".join(lines) + b"]", media_type=JSON)

    @app.get("/v1/schema/facts")
    async def facts_schema() -> JSONResponse:
        """The JSON Schema of a facts object, as /v1/advice validates it."""
        return JSONResponse(json_schema("facts"))

    @app.get("/v1/schema/advice")
    async def advice_schema() -> JSONResponse:
        """The JSON Schema of the advice /v1/advice returns."""
        return JSONResponse(json_schema("advice"))

    @app.get("/v1/ruleset")
    async def ruleset() -> dict[str, Any]:
        """The ruleset in use: name, version, and every threshold with its value, unit and meaning."""
        current = advisor.ruleset
        return {
            "name": current.name,
            "version": current.version,
            "description": current.description,
            "engine": advisor.engine,
            "thresholds": [
                {
                    "name": t.name,
                    "value": t.value,
                    "unit": t.unit,
                    "meaning": t.meaning,
                    "choices": list(t.choices),
                }
                for t in sorted(current.thresholds.values(), key=lambda t: t.name)
            ],
        }

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Ready to advise."""
        return {"status": "ok", "ruleset": f"{advisor.ruleset.name} {advisor.ruleset.version}"}

    def openapi() -> dict[str, Any]:
        """FastAPI's description, plus the Facts schema the request bodies refer to."""
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            facts = Facts.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(facts.pop("$defs", {}))
            components["Facts"] = facts
            components.update(_SCHEMAS)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(_BodyLimit, limit=max_body_bytes)
    return app


_OUTLOOK = ("Also fill nearest_misses and plan, as `promorules advise` does; "
            "a few more evaluations per person, so off unless asked for.")


def _errors_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _errors_response("The body is not JSON."),
    413: _errors_response("The body, or the batch, is too large."),
    422: _errors_response("Facts, or query parameters, that do not fit; each problem named."),
}

_BATCH_RESULTS = {
    "description": "One result per item, in order.",
    "content": {JSON: {"schema": {"type": "array", "items": {"oneOf": [
        {"$ref": "#/components/schemas/BatchAdvice"}, {"$ref": "#/components/schemas/BatchError"}]}}}},
}

_RECORD = {"type": "integer", "minimum": 1, "description": "The item's place in the list, counting from 1."}
_SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["field", "message"],
        "properties": {
            "field": {"anyOf": [{"type": "string"}, {"type": "null"}],
                      "description": "The fact's path (lists indexed from 0), or null for the whole body."},
            "message": {"type": "string"},
        },
    },
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}}},
    },
    "BatchAdvice": {
        "type": "object",
        "required": ["record", "advice"],
        "properties": {"record": _RECORD, "advice": {"$ref": "#/components/schemas/Advice"}},
    },
    "BatchError": {
        "type": "object",
        "required": ["record", "error", "errors"],
        "properties": {
            "record": _RECORD,
            "error": {"$ref": "#/components/schemas/Problem"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/Problem"}},
        },
    },
}


def _body(schema: dict) -> dict:
    return {"requestBody": {"required": True, "content": {JSON: {"schema": schema}}}}


def _parse(body: bytes) -> Any:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordError([(None, "the body is not UTF-8 text")]) from None
    return parse_json(text)


def _problems(problems: list, status: int, headers: Optional[Mapping[str, str]] = None) -> JSONResponse:
    body = {"errors": [{"field": field, "message": message} for field, message in problems]}
    return JSONResponse(body, status, headers=headers)


class _Refused(Exception):
    """A request refused before its endpoint runs, with its problems as (field or None, message)."""

    def __init__(self, problems: list, status: int):
        super().__init__(problems[0][1])
        self.problems, self.status = problems, status


async def _known_query(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take, or one given twice.

    Ignoring ``?asof=`` would advise for today without a word, and of two
    ``as_of`` values one would be dropped.
    """
    route = request.scope.get("route")
    known = {param.alias for param in route.dependant.query_params} if route is not None else set()
    problems = []
    for name in dict.fromkeys(request.query_params.keys()):
        given = len(request.query_params.getlist(name))
        if name not in known:
            takes = f"; it takes {', '.join(sorted(known))}" if known else "; it takes none"
            hint = did_you_mean(name, known)
            problems.append((name, f'unknown query parameter "{name}"' + (hint or takes)))
        elif given > 1:
            problems.append((name, f'the query parameter "{name}" is given {given} times; give it once'))
    if problems:
        raise _Refused(problems, 422)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("promorules")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "0"


class _TooLarge(Exception):
    pass


class _BodyLimit:
    """ASGI middleware: a request body over the limit gets 413 before the app sees all of it."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"errors": [{"field": None, "message": f"the body is larger than {limit:,} bytes"}]}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
