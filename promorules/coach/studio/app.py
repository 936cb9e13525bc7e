"""The studio's web application: the pages, the save, and the guard in front of every request.

    GET  /edit?file=F&person=P...   the file in an editor, its checks beside it, the advice of the people picked
    POST /save                      write the file (only if it did not change on disk meanwhile), then /edit
    GET  /scenarios                 the feature files run, each scenario PASS or FAIL
    GET  /impact?people=N           the impact table against the ruleset this one extends

Every request needs the run's token and a Host of 127.0.0.1 or localhost
(see `guard` for why); every page is sent with a Content-Security-Policy
that allows nothing from elsewhere and no script but the studio's own.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from ...errors import InputError
from ...outfile import write_file
from ..diff import table
from ...text_safety import visible
from . import pages
from .guard import (
    MAX_FORM_BYTES,
    Refused,
    confined,
    content_hash,
    editable_files,
    host_allowed,
    parse_form,
    token_matches,
)
from .workbench import MAX_GENERATED, advice_for, base_of, check, impact, people, scenarios

HEADERS = {
    "Content-Security-Policy": pages.CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
DEFAULT_GENERATED = 100


def create_app(root: Path, folders: list[Path], token: str, port: Optional[int] = None) -> FastAPI:
    """The studio for the ruleset folder ``root``, with the people of ``folders`` to pick from.

    ``port`` is the port the Host header must name; None accepts any (a test client).
    """
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    saving = threading.Lock()  # the check that a file is unchanged and its replacement go together

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if not host_allowed(request.headers.get("host"), port):
            response: Response = PlainTextResponse(
                "The studio answers only at 127.0.0.1 or localhost, on its own port.", status_code=403
            )
        elif not token_matches(request.query_params.get("token"), token):
            response = PlainTextResponse(
                "This address needs the studio's token: open the link the studio printed when it started.",
                status_code=403,
            )
        else:
            response = await call_next(request)
        response.headers.update(HEADERS)
        return response

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        return PlainTextResponse(exc.message, status_code=exc.status)

    def shell(title: str, body: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(pages.page(title, body, token, root.name), status_code=status)

    def chosen(given: list[str]) -> list[str]:
        offered = people(folders)
        return [name for name in offered if name in given]  # only people offered: never a path from the page

    @app.get("/")
    def home():
        names = editable_files(root)
        first = next(
            (name for name in names if name != "ruleset.yaml" and name.endswith((".yaml", ".yml"))), "ruleset.yaml"
        )
        return RedirectResponse(f"/edit?{urlencode({'token': token, 'file': first})}", status_code=303)

    @app.get("/edit")
    def edit(request: Request):
        query = request.query_params
        name = query.get("file") or "ruleset.yaml"
        path = confined(root, name)
        picked = chosen(query.getlist("person"))
        data = path.read_bytes()
        text = _editable_text(data)
        checked = check(root)
        here, elsewhere = checked.about(path)
        kind = lambda item: "problem" if item in checked.errors else "warning"  # noqa: E731
        shown = data.decode("utf-8", "replace")
        side = pages.checks(
            checked.summary(root),
            pages.problem_list(here, kind),
            pages.problem_list(elsewhere, kind),
            not checked.lines,
        )
        body = (
            f"<main>{pages.file_list(editable_files(root), name, token, picked)}"
            f"{pages.editor(name, text, shown, content_hash(data), token, picked)}{side}</main>"
            f"{pages.people_panel(people(folders), picked, advice_for(checked, picked), name, token)}"
        )
        return shell(name, body)

    @app.post("/save")
    async def save(request: Request):
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise Refused(413, "the form is too large")
        form = parse_form(bytes(body))
        if not token_matches(_one(form, "token"), token):
            raise Refused(403, "This form needs the studio's token: open the link the studio printed.")
        name = _one(form, "file") or ""  # confined() refuses an empty name as it does a missing one
        path = confined(root, name)
        picked = chosen(form.get("person", []))
        text = _one(form, "text") or ""
        try:
            written = await anyio.to_thread.run_sync(_save, path, text, _one(form, "hash"), saving)
        except InputError as exc:
            return shell(name, pages.message("Not saved", [str(problem) for problem in exc.problems]), 500)
        if written is not True:
            on_disk = None if written is None else _editable_text(written) or written.decode("utf-8", "replace")
            return shell(name, pages.conflict(name, on_disk, text, content_hash(written), token, picked), 409)
        target = f"/edit?{urlencode([('token', token), ('file', name)] + [('person', p) for p in picked])}"
        return RedirectResponse(target, status_code=303)

    @app.get("/scenarios")
    def scenario_page():
        try:
            run = scenarios(root)
        except InputError as exc:
            return shell(
                "Scenarios",
                pages.message("The scenarios could not be run", [str(problem) for problem in exc.problems]),
                200,
            )
        table = pages.scenario_table(run.results, run.warnings)
        return shell("Scenarios", f"<section><h2>Scenarios</h2>{table}</section>")

    @app.get("/impact")
    def impact_page(request: Request):
        generated = _generated(request.query_params.get("people"))
        checked = check(root)
        if checked.errors:
            return shell("Impact", pages.message("No impact until the ruleset loads", checked.lines))
        base = base_of(checked)
        if base is None:
            return shell(
                "Impact",
                pages.message("Impact", [f"{root} extends no other ruleset: nothing to compare it with."], "ok"),
            )
        diff = impact(checked, root, folders, generated)
        s = diff.summary
        summary = (
            f"{s.people} people ({diff.generated} generated): {s.changed} changed, {s.unchanged} unchanged; "
            f"{s.unreadable} files could not be read."
        )
        form = (
            f'<form method="get" action="/impact"><input type="hidden" name="token" value="{pages.esc(token)}">'
            f'<label>Generated people <input name="people" type="number" min="0" max="{MAX_GENERATED}" '
            f'value="{generated}"></label> <button type="submit">Compare</button></form>'
        )
        unreadable = [f"{bad.file}: {problem}" for bad in diff.unreadable for problem in bad.problems]
        return shell(
            "Impact",
            f"<section><h2>Advice under {pages.esc(diff.old)} -> {pages.esc(diff.new)}</h2>"
            f"{form}{pages.impact_table(table(diff), summary)}</section>"
            + (pages.message("Files that could not be read", unreadable) if unreadable else ""),
        )

    return app


def _one(form: dict, key: str) -> Optional[str]:
    values = form.get(key)
    return values[0] if values else None


def _generated(text: Optional[str]) -> int:
    if text is None or text == "":
        return DEFAULT_GENERATED
    if not text.isdigit() or int(text) > MAX_GENERATED:
        raise Refused(400, f"people: give a whole number from 0 to {MAX_GENERATED}")
    return int(text)


def _editable_text(data: bytes) -> Optional[str]:
    """The file's text for the editor, or None when a text area would not give it back as it is (not UTF-8,
    or holding hidden characters a browser may drop or show as something else)."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    return text if visible(text) == text else None


def _save(path: Path, text: str, expected: Optional[str], lock: threading.Lock):
    """Write ``text`` to ``path`` if the file is still what the page showed (by hash): True when written,
    else what is on disk now (bytes, or None when the file is gone), and nothing is written."""
    text = text.replace("\r\n", "\n")  # a browser sends a text area's lines with CR LF
    with lock:
        try:
            data: Optional[bytes] = path.read_bytes()
        except FileNotFoundError:
            data = None
        if expected is None or content_hash(data) != expected:
            return data
        if data is not None and b"\r\n" in data:
            text = text.replace("\n", "\r\n")  # keep a file's own line ends
        write_file(str(path), text, force=True)
    return True
