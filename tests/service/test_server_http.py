"""`promorules serve`: a real server on loopback, called over HTTP (and the app in this process,
where a test needs to hold an evaluation until it lets it go)."""

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from promorules import Advisor, Facts, bundled_ruleset_path, read_facts

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zebulon-Quartermain-7731"  # a value that must never reach the server's log


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``promorules serve`` in a child process; ``prelude`` is Python run before it (to set a limit, say)."""

    def __init__(self, tmp_path: Path, *args: str, prelude: str = ""):
        self.port = free_port()
        self.log = tmp_path / f"server-{self.port}.log"
        command = [
            sys.executable,
            "-c",
            prelude + "from promorules.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *args,
        ]
        self.output = self.log.open("w")
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.output, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        self.client = httpx.Client(base_url=self.url, timeout=30)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("serve"))
    yield running
    running.stop()


def example_json(name: str) -> dict:
    return json.loads(read_facts(str(ROOT / "examples" / f"{name}.yaml")).model_dump_json(exclude_none=True))


def test_advice_for_one_person_is_the_apis_advice(server):
    facts = example_json("priya-hiring-freeze")
    response = server.client.post("/v1/advice", json=facts)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == Advisor().advise(Facts.model_validate(facts)).model_dump_json()


def test_as_of_in_the_query_overrides_the_facts(server):
    facts = example_json("claire-first-visit")
    response = server.client.post("/v1/advice", params={"as_of": "2027-06-01"}, json=facts)
    assert response.json()["as_of"] == "2027-06-01"
    wrong = server.client.post("/v1/advice", params={"as_of": "soon"}, json=facts)
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json()["errors"]] == ["as_of"]


def test_bad_facts_get_422_naming_each_field(server):
    response = server.client.post(
        "/v1/advice", json={"as_of": "2026-11-24", "org": {"hiring_freeze": "maybe"}, "role_start_dat": "2025-01-01"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["org.hiring_freeze", "role_start_dat"]
    assert 'did you mean "role_start_date"' in errors[1]["message"]


def test_a_body_that_is_not_a_facts_object_is_refused_in_json_words(server):
    for body, kind in ((b"null", "null"), (b"[]", "an array"), (b'"me"', "a string")):
        response = server.client.post("/v1/advice", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": None, "message": f"the body must be a JSON object of facts, not {kind}"}
        ]


def test_a_body_that_is_not_json_gets_400(server):
    response = server.client.post("/v1/advice", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["errors"][0]["message"]


def test_bodies_over_one_mebibyte_get_413(server):
    big = b'{"current_title": "' + b"x" * (1024 * 1024) + b'"}'
    assert server.client.post("/v1/advice", content=big).status_code == 413

    def streamed():  # no content-length: the limit is counted as the body arrives
        for _ in range(20):
            yield b" " * 65536

    response = server.client.post("/v1/advice", content=streamed())
    assert response.status_code == 413
    assert server.client.get("/healthz").status_code == 200


def test_batch_gives_one_result_per_item_in_order(server):
    items = [example_json("claire-first-visit"), {"frustrated": "often"}, 7, {"as_of": "2026-11-24"}]
    response = server.client.post("/v1/advice/batch", params={"as_of": "2026-11-24"}, json=items)
    assert response.status_code == 200
    results = response.json()
    assert [r["record"] for r in results] == [1, 2, 3, 4]
    assert "advice" in results[0] and "advice" in results[3]
    assert results[1]["error"]["field"] == "frustrated"
    assert results[2]["error"]["field"] is None
    expected = Advisor().advise(Facts.model_validate({**items[0], "as_of": "2026-11-24"}))
    assert results[0]["advice"] == json.loads(expected.model_dump_json())


def test_batches_over_the_item_limit_get_413(server):
    response = server.client.post("/v1/advice/batch", json=[{}] * 1001)
    assert response.status_code == 413
    assert "at most 1000" in response.json()["errors"][0]["message"]


def test_schema_ruleset_health_and_openapi(server):
    assert server.client.get("/v1/schema/facts").json() == Facts.model_json_schema()
    ruleset = server.client.get("/v1/ruleset").json()
    assert (ruleset["name"], ruleset["version"]) == ("default", "0.1.0")
    tenure = next(t for t in ruleset["thresholds"] if t["name"] == "min_months_in_role")
    assert (tenure["value"], tenure["unit"]) == (12, "months") and tenure["meaning"]
    assert server.client.get("/healthz").json()["status"] == "ok"
    openapi = server.client.get("/openapi.json").json()
    assert {"/v1/advice", "/v1/advice/batch", "/v1/schema/facts", "/v1/ruleset", "/healthz"} <= set(openapi["paths"])
    body = openapi["paths"]["/v1/advice"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Facts"}
    assert "role_start_date" in openapi["components"]["schemas"]["Facts"]["properties"]
    assert "Organisation" in openapi["components"]["schemas"]


def test_request_bodies_are_never_logged(server):
    server.client.post("/v1/advice", json={"as_of": "2026-11-24", "current_title": SECRET})
    server.client.post("/v1/advice", json={"as_of": "2026-11-24", "current_title": 5, "x": SECRET})
    server.client.post("/v1/advice/batch", json=[{"target_title": SECRET}])
    time.sleep(0.2)
    log = server.log.read_text()
    assert SECRET not in log
    assert "POST /v1/advice" not in log  # no access log unless asked for


def test_sighup_rereads_the_ruleset(tmp_path):
    if not hasattr(signal, "SIGHUP"):
        pytest.skip("no SIGHUP on this platform")
    ruleset = tmp_path / "ours"
    shutil.copytree(bundled_ruleset_path(), ruleset)
    manifest = ruleset / "ruleset.yaml"
    running = Server(tmp_path, "--ruleset", str(ruleset))
    try:
        assert running.client.get("/v1/ruleset").json()["version"] == "0.1.0"
        manifest.write_text(manifest.read_text().replace("version: 0.1.0", "version: 0.2.0", 1))
        os.kill(running.process.pid, signal.SIGHUP)
        deadline = time.monotonic() + 20
        while running.client.get("/v1/ruleset").json()["version"] != "0.2.0":
            assert time.monotonic() < deadline, running.log.read_text()
            time.sleep(0.1)
        manifest.write_text("name: [broken\n")
        os.kill(running.process.pid, signal.SIGHUP)
        time.sleep(1.0)
        assert running.client.get("/v1/ruleset").json()["version"] == "0.2.0"  # kept the good one
        assert running.client.post("/v1/advice", json={"as_of": "2026-11-24"}).status_code == 200
        assert "the ruleset was not changed" in running.log.read_text()
    finally:
        running.stop()


def test_without_the_server_extra_advise_works_and_serve_says_what_to_install(tmp_path):
    """fastapi and uvicorn are imported only by serve; without them the rest of the CLI works."""
    blocked = "import sys; sys.modules['fastapi'] = None; sys.modules['uvicorn'] = None; "
    run = [sys.executable, "-c", blocked + "from promorules.cli import main; main()"]
    advise = subprocess.run(
        [*run, "advise", "examples/priya-hiring-freeze.yaml"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert advise.returncode == 0, advise.stderr
    serve = subprocess.run(
        [*run, "serve", "--port", str(free_port())], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert serve.returncode == 1
    assert "pip install 'promorules[server]'" in serve.stderr
    assert "Traceback" not in serve.stderr


def test_outlook_true_gives_the_json_of_promorules_advise_byte_for_byte(server):
    from click.testing import CliRunner

    from promorules.cli import main

    example = ROOT / "examples" / "priya-hiring-freeze.yaml"
    printed = CliRunner().invoke(main, ["advise", str(example), "--format", "json"])
    assert printed.exit_code == 0, printed.output
    expected = json.dumps(json.loads(printed.output), ensure_ascii=False, separators=(",", ":")).encode()
    facts = example_json("priya-hiring-freeze")
    one = server.client.post("/v1/advice", params={"outlook": "true"}, json=facts)
    assert one.content == expected
    assert json.loads(expected)["plan"] and json.loads(expected)["nearest_misses"]
    many = server.client.post("/v1/advice/batch", params={"outlook": "true"}, json=[facts])
    assert many.content == b'[{"record":1,"advice":%s}]' % expected
    plain = server.client.post("/v1/advice", json=facts).json()
    assert (plain["plan"], plain["nearest_misses"]) == ([], [])  # off unless asked for


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("asof=2026-11-24", "asof", 'unknown query parameter "asof" (did you mean "as_of"?)'),
        ("as_of=2026-11-24&as_of=2027-01-01", "as_of", 'the query parameter "as_of" is given 2 times; give it once'),
        ("colour=red", "colour", 'unknown query parameter "colour"; it takes as_of, outlook, view'),
    ],
)
def test_unknown_or_repeated_query_parameters_get_422_naming_them(server, query, field, message):
    for path in ("/v1/advice", "/v1/advice/batch"):
        response = server.client.post(f"{path}?{query}", json={"as_of": "2026-11-24"})
        assert response.status_code == 422
        assert response.json() == {"errors": [{"field": field, "message": message}]}
    response = server.client.get("/healthz?verbose=1")
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == 'unknown query parameter "verbose"; it takes none'


def test_there_are_no_pages_that_load_assets_from_other_sites(server):
    for page in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        response = server.client.get(page)
        assert response.status_code == 404
        assert "cdn" not in response.text and "googleapis" not in response.text
    assert server.client.get("/openapi.json").status_code == 200


def test_unknown_paths_and_methods_get_the_services_error_shape(server):
    missing = server.client.post("/v1/advise", json={})
    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"field": None, "message": 'no such path: /v1/advise (did you mean "/v1/advice"?)'}]
    }
    wrong_method = server.client.get("/v1/advice")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"
    message = "/v1/advice does not take GET; it takes POST"
    assert wrong_method.json() == {"errors": [{"field": None, "message": message}]}


def test_openapi_describes_the_error_bodies_and_the_batch_results(server):
    openapi = server.client.get("/openapi.json").json()
    schemas = openapi["components"]["schemas"]
    errors = {"$ref": "#/components/schemas/Errors"}
    for path in ("/v1/advice", "/v1/advice/batch"):
        responses = openapi["paths"][path]["post"]["responses"]
        for status in ("400", "413", "422"):
            assert responses[status]["content"]["application/json"]["schema"] == errors
    assert schemas["Errors"]["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/Problem"}
    batch = openapi["paths"]["/v1/advice/batch"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert batch["type"] == "array"
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in batch["items"]["oneOf"]} == {"BatchAdvice", "BatchError"}
    views = [{"$ref": f"#/components/schemas/{name}"} for name in ("Advice", "SummaryView", "IdsView")]
    assert schemas["BatchAdvice"]["properties"]["advice"] == {"oneOf": views}
    one = openapi["paths"]["/v1/advice"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert one == {"oneOf": views} and {"SummaryView", "IdsView"} <= set(schemas)
    assert set(schemas["BatchError"]["required"]) == {"record", "error", "errors"}
    parameters = {p["name"] for p in openapi["paths"]["/v1/advice"]["post"]["parameters"]}
    assert parameters == {"as_of", "outlook", "view"}


class HeldAdvisor(Advisor):
    """An advisor whose advice waits until the test lets it go, as a slow evaluation would."""

    def __init__(self):
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def advise(self, facts, as_of=None, **options):
        self.started.set()
        self.release.wait(timeout=10)  # only a guard: the test releases it
        return super().advise(facts, as_of, **options)


def test_health_answers_while_an_outlook_is_being_worked_out():
    """An outlook (many evaluations) is worked out off the event loop: a slow one does not hold up /healthz."""
    from promorules import full_advice
    from promorules.service.server import create_app

    advisor = HeldAdvisor()
    facts = example_json("priya-hiring-freeze")

    async def scenario():
        transport = httpx.ASGITransport(app=create_app(advisor))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            advice = asyncio.create_task(client.post("/v1/advice", params={"outlook": "true"}, json=facts))
            assert await asyncio.to_thread(advisor.started.wait, 10)
            health = await asyncio.wait_for(client.get("/healthz"), 10)
            still_working = not advice.done()
            advisor.release.set()
            return health, still_working, await asyncio.wait_for(advice, 10)

    health, still_working, advice = asyncio.run(scenario())
    assert health.json()["status"] == "ok"
    assert still_working, "/healthz waited for the outlook to be finished"
    assert advice.status_code == 200
    assert advice.content == full_advice(Advisor(), facts).model_dump_json().encode()


@pytest.mark.durable
def test_the_service_goes_on_with_the_python_evaluator_after_durable_fails_and_says_so(monkeypatch):
    """durable never frees a session that failed: after a few, the service answers with the Python evaluator,
    its /v1/ruleset says which engine decides, and /metrics counts the retired sessions."""
    from promorules.engine import durable as durable_engine
    from promorules.service.server import create_app
    from tests.support.isolation_kit import FailingDurable

    facts = example_json("priya-hiring-freeze")
    expected = Advisor(engine="python").advise(facts).model_dump_json().encode()
    limit = durable_engine.MAX_RETIRED_SESSIONS

    async def scenario():
        transport = httpx.ASGITransport(
            app=create_app(Advisor(engine="durable"), metrics=True), raise_app_exceptions=False
        )
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            engines = [(await client.get("/v1/ruleset")).json()["engine"]]
            monkeypatch.setattr(durable_engine, "_durable", FailingDurable("complete_and_start_action", every=1))
            answers = [await client.post("/v1/advice", json=facts) for _ in range(limit + 5)]
            engines.append((await client.get("/v1/ruleset")).json()["engine"])
            return engines, answers, (await client.get("/metrics")).text

    engines, answers, metrics = asyncio.run(scenario())
    assert engines == ["durable", "python"]
    assert [a.status_code for a in answers] == [500] * limit + [200] * 5
    assert all(a.content == expected for a in answers[limit:])
    assert f"promorules_durable_sessions_retired {float(limit)}" in metrics
