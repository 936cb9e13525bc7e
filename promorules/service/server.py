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

import json
import time
from datetime import date
from http import HTTPStatus
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
from .records import (
    RecordError, advise_line, error_line, json_kind, parse_json, problem_json, record_problem,
)
from ..errors import InputError, Problem, did_you_mean
from ..facts.model import Facts, field_path
from ..facts.files import validate_facts
from ..advisor import full_advice
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
    max_body_bytes: int = MAX_BODY_BYTES,
    max_batch_items: int = MAX_BATCH_ITEMS,
    read_timeout: float = READ_TIMEOUT,
) -> FastAPI:
    """The service around one advisor (the bundled ruleset if none is given).

    ``read_timeout`` bounds the time a request's body may take to arrive; `run`
    also bounds its headers (which reach no ASGI app) and the open connections.
    """
    advisor = advisor or Advisor()
    # Long work (an outlook, a batch) runs in one worker thread at a time: Python runs one thread at a
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
        return _problems([record_problem(message)], exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """Query parameters that do not fit, named like facts are."""
        problems = [record_problem(error["msg"], field_path(tuple(error["loc"][1:]))) for error in exc.errors()]
        return _problems(problems, 422)

    @app.post("/v1/advice", response_model=Advice, responses=_ERRORS,
              openapi_extra=_body({"$ref": "#/components/schemas/Facts"}))
    async def advise(
        request: Request,
        as_of: Optional[date] = Query(None, description="Advise for this day instead of the facts' as_of (or today)."),
        outlook: bool = Query(False, description=_OUTLOOK),
    ) -> Response:
        """Advice for one person."""
        body = await _json_body(request)
        facts = await checked(len(body), _facts, body, as_of)
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
        body = await _json_body(request)
        items = await checked(len(body), _parsed, body)
        if not isinstance(items, list):
            return _problems([record_problem("the body must be a JSON list of facts objects")], 422)
        if len(items) > max_batch_items:
            return _problems([record_problem(f"{len(items)} items; at most {max_batch_items} per request")], 413)
        day = as_of or date.today()
        lines = await anyio.to_thread.run_sync(
            lambda: [_result(advisor, n, item, day, as_of is not None, outlook) for n, item in enumerate(items, 1)],
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
    app.add_middleware(_RequestGuard, limit=max_body_bytes, read_timeout=read_timeout)
    return app


_OUTLOOK = ("Also fill nearest_misses and plan, as `promorules advise` does; "
            "a few more evaluations per person, so off unless asked for.")


def _errors_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": {"$ref": "#/components/schemas/Errors"}}}}


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _errors_response("The body is not JSON."),
    408: _errors_response("The body did not arrive in time."),
    413: _errors_response("The body, or the batch, is too large."),
    415: _errors_response("The body is not sent as application/json."),
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


async def _json_body(request: Request) -> bytes:
    """The request's body, if it is sent as JSON: ``application/json``, with ``charset=utf-8`` or none.

    A form or plain text posted by a browser or a mistaken client is refused
    (415) rather than read as JSON on the chance that it is.
    """
    media, *parameters = request.headers.get("content-type", "").split(";")
    charsets = [value.strip().strip('"').lower() for name, _, value in (p.partition("=") for p in parameters)
                if name.strip().lower() == "charset"]
    if media.strip().lower() != JSON or any(charset not in ("utf-8", "utf8") for charset in charsets):
        raise _Refused([record_problem("the body must be sent as content-type: application/json (in UTF-8)")], 415)
    return await request.body()


def _facts(body: bytes, as_of: Optional[date]) -> Facts:
    """The facts a request body holds; _Refused with each problem named, and no value refused quoted."""
    data = _parsed(body)
    if not isinstance(data, dict):  # as a batch item is refused: null is not an empty person
        raise _Refused([record_problem(f"the body must be a JSON object of facts, not {json_kind(data)}")], 422)
    try:
        return validate_facts(Located(data, "request"), as_of=as_of)
    except InputError as exc:
        raise _Refused([record_problem(_unquoted(p.field, p.message), p.field) for p in exc.problems], 422) from None


def _parsed(body: bytes) -> Any:
    try:
        return _parse(body)
    except RecordError as exc:
        raise _Refused(exc.problems, 400) from None


def _result(advisor: Advisor, number: int, item: Any, day: date, override: bool, outlook: bool) -> bytes:
    """One batch result, as ``promorules batch`` writes it, but with no value refused quoted."""
    line, advised = advise_line(advisor, number, item, day, override, outlook)
    if advised:
        return line
    errors = json.loads(line)["errors"]
    return error_line(number, [record_problem(_unquoted(e["field"], e["message"]), e["field"] or "") for e in errors])


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


def _problems(problems: list[Problem], status: int, headers: Optional[Mapping[str, str]] = None) -> JSONResponse:
    body = {"errors": [problem_json(problem) for problem in problems]}
    return JSONResponse(body, status, headers=headers)


class _Refused(Exception):
    """A request refused before its endpoint runs, with its problems."""

    def __init__(self, problems: list[Problem], status: int):
        super().__init__(problems[0].message)
        self.problems, self.status = problems, status


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


async def _answer(send, status: int, message: str) -> None:
    """An error answered before the body was read to its end: the connection is closed after it, or the rest
    of the body (a chunked one may never end) would be read on it."""
    body = _error_body(message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", JSON.encode()), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _raw_answer(status: int, message: str) -> bytes:
    """A whole HTTP response that closes the connection, for a connection that has sent no complete request."""
    body = _error_body(message)
    head = (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: {JSON}\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")
    return head.encode() + body


def run(app, *, host: str, port: int, read_timeout: float = READ_TIMEOUT, max_connections: int = MAX_CONNECTIONS,
        access_log: bool = False) -> None:
    """Serve ``app`` with uvicorn until stopped, with the headers deadline and the connection cap.

    uvicorn's own ``limit_concurrency`` answers 503 only once a request's
    headers are complete: connections that never finish them still take a
    descriptor each, and past the process's limit (64 in some containers)
    accepting fails, /healthz is not answered and asyncio logs a traceback per
    attempt. The cap is therefore counted as connections are accepted.
    """
    import uvicorn

    uvicorn.run(app, host=host, port=port, access_log=access_log, log_level="info", backlog=ACCEPTED_AT_ONCE,
                http=_guarded_h11(read_timeout, max_connections))


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
                    transport.write(_raw_answer(503, f"the service has {max_connections} connections open; "
                                                     "try again shortly"))
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
                    self.transport.write(_raw_answer(408, f"the request's headers did not arrive within "
                                                          f"{read_timeout:g} s"))
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
