"""`promorules serve` as a platform runs it: a token, two named rulesets, metrics, JSON log lines.

A real server in a child process on a free loopback port, called over HTTP.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import jsonschema
import pytest

from promorules import Advisor, bundled_ruleset_path
from promorules.service.schema import schema_text
from tests.service.test_server_http import ROOT, Server, example_json, free_port

TOKEN = "s3cret-token-0123456789abcdef"
TITLE = "Xylographer-Ombudsperson-Qwv"  # a person's values that must reach neither /metrics nor the log
SPONSOR = "Philomena-Brackenridge-Zq"
EMPLOYEE = "E-88310-QZX"
EXAMPLES = [
    "claire-first-visit",
    "claire-ready-to-ask",
    "claire-at-a-ceiling",
    "marcus-three-vague-no",
    "priya-hiring-freeze",
    "sam-just-promoted",
]


def ruleset_copy(where: Path, version: str) -> Path:
    shutil.copytree(bundled_ruleset_path(), where)
    set_version(where, version)
    return where


def set_version(ruleset: Path, version: str) -> None:
    manifest = ruleset / "ruleset.yaml"
    text = manifest.read_text()
    manifest.write_text(re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1))


@pytest.fixture(scope="module")
def rulesets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rulesets")
    return {
        "acme": ruleset_copy(folder / "acme", "1.0.0-acme"),
        "globex": ruleset_copy(folder / "globex", "2.0.0-globex"),
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory, rulesets):
    folder = tmp_path_factory.mktemp("ops")
    token_file = folder / "token"
    token_file.write_text(TOKEN + "\n")
    running = Server(
        folder,
        "--ruleset",
        f"acme={rulesets['acme']}",
        "--ruleset",
        f"globex={rulesets['globex']}",
        "--token-file",
        str(token_file),
        "--metrics",
        "--access-log",
        "--log-format",
        "json",
    )
    running.auth = httpx.Client(base_url=running.url, timeout=60, headers={"authorization": f"Bearer {TOKEN}"})
    yield running
    running.auth.close()
    running.stop()


def log_lines(server) -> list[dict]:
    time.sleep(0.3)  # the last lines are flushed by the child
    return [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]


def test_without_the_token_or_with_a_wrong_one_every_path_but_health_gets_a_bare_401(server):
    wrong = [
        {},
        {"authorization": f"Bearer {TOKEN}x"},
        {"authorization": f"Bearer {TOKEN[:-1]}"},
        {"authorization": f"Basic {TOKEN}"},
        {"authorization": "Bearer"},
        {"authorization": TOKEN},
    ]
    answers = []
    for headers in wrong:
        for method, path in [
            ("POST", "/v1/rulesets/acme/advice"),
            ("POST", "/v1/rulesets/globex/advice/batch"),
            ("GET", "/metrics"),
            ("GET", "/openapi.json"),
            ("GET", "/v1/rulesets"),
            ("POST", "/v1/rulesets/acme/reload"),
            ("GET", "/no/such/path"),
        ]:
            response = server.client.request(method, path, headers=headers, json={"as_of": "2026-11-24"})
            assert response.status_code == 401, (headers, path)
            assert response.headers["www-authenticate"] == "Bearer"
            answers.append(response.content)
    assert set(answers) == {b'{"errors": [{"field": null, "message": "unauthorized"}]}'}  # nothing told apart
    health = server.client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}  # no ruleset named to strangers
    assert server.auth.post("/v1/rulesets/acme/advice", json={"as_of": "2026-11-24"}).status_code == 200


def test_each_named_ruleset_answers_under_its_own_name(server):
    listed = server.auth.get("/v1/rulesets").json()["rulesets"]
    assert [(r["ruleset"], r["version"]) for r in listed] == [("acme", "1.0.0-acme"), ("globex", "2.0.0-globex")]
    facts = example_json("priya-hiring-freeze")
    for name, version in [("acme", "1.0.0-acme"), ("globex", "2.0.0-globex")]:
        assert server.auth.post(f"/v1/rulesets/{name}/advice", json=facts).json()["ruleset"]["version"] == version
        batch = server.auth.post(f"/v1/rulesets/{name}/advice/batch", json=[facts]).json()
        assert batch[0]["advice"]["ruleset"]["version"] == version
        assert server.auth.get(f"/v1/rulesets/{name}").json()["version"] == version
    missing = server.auth.post("/v1/rulesets/acmee/advice", json=facts)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["message"] == (
        "no ruleset named 'acmee' (did you mean \"acme\"?); this service has: acme, globex"
    )
    no_default = server.auth.post("/v1/advice", json=facts)  # only named rulesets were given
    assert no_default.status_code == 404 and "acme, globex" in no_default.json()["errors"][0]["message"]


def test_the_callers_id_is_echoed_in_the_advice_in_each_batch_result_and_in_a_422(server):
    facts = example_json("priya-hiring-freeze")
    one = server.auth.post("/v1/rulesets/acme/advice", json={**facts, "id": EMPLOYEE})
    assert one.status_code == 200 and one.json()["id"] == EMPLOYEE
    assert server.auth.post("/v1/rulesets/acme/advice", json=facts).json()["id"] is None
    refused = server.auth.post("/v1/rulesets/acme/advice", json={"id": EMPLOYEE, "frustrated": "often"})
    assert refused.status_code == 422
    assert refused.json()["id"] == EMPLOYEE and refused.json()["errors"][0]["field"] == "frustrated"
    bad_id = server.auth.post("/v1/rulesets/acme/advice", json={**facts, "id": 88310})
    assert bad_id.status_code == 422 and bad_id.json()["errors"][0]["field"] == "id"
    assert "88310" not in bad_id.text  # the value refused is never quoted
    items = [{**facts, "id": "E-1"}, {"id": "E-2", "frustrated": "often"}, facts, {"id": "E-4", "as_of": "2026-11-24"}]
    results = server.auth.post("/v1/rulesets/globex/advice/batch", json=items).json()
    assert [(r["record"], r.get("id"), "advice" in r) for r in results] == [
        (1, "E-1", True),
        (2, "E-2", False),
        (3, None, True),
        (4, "E-4", True),
    ]
    assert results[0]["advice"]["id"] == "E-1" and "often" not in json.dumps(results[1])


@pytest.mark.parametrize("view", ["full", "summary", "ids"])
def test_each_view_is_the_apis_view(server, rulesets, view):
    facts = {**example_json("claire-ready-to-ask"), "id": EMPLOYEE}
    expected = Advisor(rulesets["globex"]).advise(facts, view=view).model_dump_json().encode()
    one = server.auth.post("/v1/rulesets/globex/advice", params={"view": view}, json=facts)
    assert one.status_code == 200 and one.content == expected
    many = server.auth.post("/v1/rulesets/globex/advice/batch", params={"view": view}, json=[facts])
    assert many.content == b'[{"record":1,"id":"%s","advice":%s}]' % (EMPLOYEE.encode(), expected)
    if view != "full":
        assert one.json()["view"] == view and len(one.content) < 3 * 1024
        schema = server.auth.get(f"/v1/schema/{view}").json()
        jsonschema.validate(one.json(), schema)
        assert schema == json.loads(schema_text(view))
    wrong = server.auth.post("/v1/rulesets/globex/advice", params={"view": "short"}, json=facts)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "view"


def test_gzip_for_a_client_that_accepts_it_and_the_same_json_inside(server):
    people = [example_json(name) for name in EXAMPLES] * 5
    plain = server.auth.post("/v1/rulesets/acme/advice/batch", json=people, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    request = server.auth.build_request(
        "POST", "/v1/rulesets/acme/advice/batch", json=people, headers={"accept-encoding": "gzip"}
    )
    packed = server.auth.send(request, stream=True)
    raw = b"".join(packed.iter_raw())
    packed.close()
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == plain.content
    assert len(raw) * 4 < len(plain.content), (len(raw), len(plain.content))
    assert packed.headers["x-request-id"]  # the request id survives compression


def test_metrics_count_requests_errors_and_advice_by_stage_and_hold_no_persons_value(server, rulesets):
    person = {
        **example_json("claire-ready-to-ask"),
        "id": EMPLOYEE,
        "current_title": TITLE,
        "people": [{"name": SPONSOR, "relation": "skip", "stance": "champion"}],
    }
    assert server.auth.post("/v1/rulesets/acme/advice", json=person, params={"view": "summary"}).status_code == 200
    server.auth.post("/v1/rulesets/acme/advice", json={**person, "frustrated": TITLE})  # a 422 quoting nothing
    server.auth.get(f"/v1/people/{TITLE}")  # paths a client sent are logged and counted by their route only
    server.auth.post(f"/v1/rulesets/{SPONSOR}/advice", json=person)
    people = [{**example_json(name), "id": f"{EMPLOYEE}-{n}"} for n, name in enumerate(EXAMPLES)]
    before = metric_values(server)
    for view in ("full", "summary", "ids"):
        assert (
            server.auth.post(
                "/v1/rulesets/globex/advice/batch", params={"view": view}, json=people + [{"frustrated": TITLE}]
            ).status_code
            == 200
        )
    after = metric_values(server)
    advisor = Advisor(rulesets["globex"])
    stages = Counter(advisor.advise(p).stage.name if advisor.advise(p).stage else "none" for p in people)
    for view in ("full", "summary", "ids"):
        for stage, count in stages.items():
            key = f'promorules_advice_total{{ruleset="globex",stage="{stage}",view="{view}"}}'
            assert after.get(key, 0) - before.get(key, 0) == count, key
    record = 'promorules_errors_total{kind="record"}'
    assert after[record] - before.get(record, 0) == 3
    assert after['promorules_errors_total{kind="unauthorized"}'] >= 1
    assert after['promorules_errors_total{kind="invalid"}'] >= 1
    route = 'promorules_http_requests_total{method="POST",route="/v1/rulesets/{name}/advice/batch",status="2xx"}'
    assert after[route] - before.get(route, 0) == 3
    assert after['promorules_http_request_duration_seconds_count{route="/v1/rulesets/{name}/advice/batch"}'] >= 3
    text = server.auth.get("/metrics").text + server.log.read_text()
    for value in (TITLE, SPONSOR, EMPLOYEE):
        assert value not in text


def metric_values(server) -> dict[str, float]:
    response = server.auth.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    values = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            values[key] = float(value)
    return values


def test_request_ids_are_echoed_and_in_every_json_log_line_about_the_request(server):
    given = "trace-7f.3_A"
    answered = server.auth.post(
        "/v1/rulesets/acme/advice", json={"as_of": "2026-11-24"}, headers={"x-request-id": given}
    )
    assert answered.headers["x-request-id"] == given
    refused = server.client.get("/v1/rulesets", headers={"x-request-id": given + "-401"})
    assert refused.status_code == 401 and refused.headers["x-request-id"] == given + "-401"
    made = set()
    for unsafe in ("has space", "x" * 129, "semi;colon", ""):
        response = server.auth.get("/v1/rulesets", headers={"x-request-id": unsafe})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"]), unsafe
        made.add(response.headers["x-request-id"])
    assert len(made) == 4  # a fresh one each time
    lines = log_lines(server)  # every line is JSON
    by_id = {line.get("request_id"): line for line in lines if line.get("message") == "request"}
    assert by_id[given] == {
        **by_id[given],
        "level": "info",
        "logger": "promorules.service",
        "method": "POST",
        "route": "/v1/rulesets/{name}/advice",
        "status": 200,
    }
    assert by_id[given + "-401"]["status"] == 401
    assert made <= set(by_id)
    assert all(line.get("request_id") for line in lines if line.get("message") == "request")
    assert any(line["logger"].startswith("uvicorn") for line in lines)  # uvicorn's own lines are JSON too


def test_one_ruleset_is_reloaded_alone_over_http_and_a_broken_one_is_kept(tmp_path):
    acme, globex = ruleset_copy(tmp_path / "acme", "1.0.0"), ruleset_copy(tmp_path / "globex", "1.0.0")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    running = Server(
        tmp_path, "--ruleset", f"acme={acme}", "--ruleset", f"globex={globex}", "--token-file", str(token_file)
    )
    auth = {"authorization": f"Bearer {TOKEN}"}
    try:
        set_version(acme, "1.1.0")
        set_version(globex, "1.1.0")
        assert running.client.post("/v1/rulesets/globex/reload").status_code == 401
        reloaded = running.client.post("/v1/rulesets/globex/reload", headers=auth)
        assert reloaded.status_code == 200 and reloaded.json()["version"] == "1.1.0"
        versions = {
            r["ruleset"]: r["version"] for r in running.client.get("/v1/rulesets", headers=auth).json()["rulesets"]
        }
        assert versions == {"acme": "1.0.0", "globex": "1.1.0"}  # acme was not asked to reload
        (globex / "ruleset.yaml").write_text("name: [broken\n")
        broken = running.client.post("/v1/rulesets/globex/reload", headers=auth)
        assert broken.status_code == 409 and "ruleset.yaml" in broken.json()["errors"][0]["message"]
        advice = running.client.post("/v1/rulesets/globex/advice", headers=auth, json={"as_of": "2026-11-24"})
        assert advice.json()["ruleset"]["version"] == "1.1.0"  # the good one kept
    finally:
        running.stop()


def test_everything_is_off_by_default_and_a_reload_needs_a_token(tmp_path):
    running = Server(tmp_path)
    try:
        assert running.client.get("/metrics").status_code == 404
        assert running.client.post("/v1/advice", json={"as_of": "2026-11-24"}).status_code == 200  # no token
        assert running.client.get("/healthz").json()["ruleset"].startswith("default ")
        forbidden = running.client.post("/v1/ruleset/reload")
        assert forbidden.status_code == 403 and "SIGHUP" in forbidden.json()["errors"][0]["message"]
        time.sleep(0.3)
        log = running.log.read_text()
        assert "Uvicorn running" in log and "route=" not in log and "/v1/advice" not in log  # no access lines
        assert not any(line.startswith("{") for line in log.splitlines())  # text lines unless asked for JSON
    finally:
        running.stop()


@pytest.mark.parametrize(
    "token, environment, message",
    [
        ("short\n", {}, "the token must be at least 16"),
        (None, {"PROMORULES_TOKEN": ""}, "$PROMORULES_TOKEN: the token must be at least 16"),
        (None, {"PROMORULES_TOKEN": "has a space in it somewhere"}, "$PROMORULES_TOKEN: the token must be"),
    ],
)
def test_a_weak_or_empty_token_stops_serve_with_a_message(tmp_path, token, environment, message):
    args = ["serve", "--port", str(free_port())]
    if token is not None:
        (tmp_path / "token").write_text(token)
        args += ["--token-file", str(tmp_path / "token")]
    env = {k: v for k, v in os.environ.items() if k != "PROMORULES_TOKEN"} | environment
    run = subprocess.run(
        [sys.executable, "-c", "from promorules.cli import main; main()", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 2 and message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and "somewhere" not in run.stderr  # the token is never shown


def test_a_ruleset_name_given_twice_or_two_unnamed_rulesets_are_refused(tmp_path):
    base = [sys.executable, "-c", "from promorules.cli import main; main()", "serve", "--port", str(free_port())]
    for args, message in [
        (["--ruleset", "a=x", "--ruleset", "a=y"], "the name 'a' is given twice"),
        (["--ruleset", "x", "--ruleset", "y"], "give one unnamed --ruleset DIR at most"),
    ]:
        run = subprocess.run(base + args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 2 and message in run.stderr, run.stderr


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), stage by stage."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_the_dockerfile_installs_as_the_tests_do_and_runs_as_documented():
    """docker build cannot run here: the Dockerfile is checked against pyproject.toml and the Makefile, so its
    install cannot drift from the one the tests run on."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    build, final = dockerfile_stages()
    installs = [re.findall(r"pip install [^&]*?'\.\[([a-z,]+)\]'", line) for line in build if line.startswith("RUN")]
    docker_extras = {extra for found in installs for group in found for extra in group.split(",")}
    make_extras = set(
        re.search(r"pip install [^\n]*-e '\.\[([a-z,]+)\]'", (ROOT / "Makefile").read_text()).group(1).split(",")
    )
    assert docker_extras == {"server"} and docker_extras <= make_extras  # what the tests install, the image has
    assert docker_extras <= set(project["project"]["optional-dependencies"])
    # Everything the wheel is built from is copied into the build stage.
    copied = {path for line in build if line.startswith("COPY ") for path in line.split()[1:-1]}
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert {"pyproject.toml", project["project"]["readme"], *wheel["packages"], *wheel["force-include"]} <= copied
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert not copied & ignored and {".git", ".venv"} <= ignored
    # The image's Python installs durable-rules (its marker) and is one the package supports.
    python = re.fullmatch(r"FROM python:(3\.\d+)-slim AS build", build[0]).group(1)
    assert final[0] == f"FROM python:{python}-slim"
    durable = next(Requirement(d) for d in project["project"]["dependencies"] if d.startswith("durable-rules"))
    assert durable.marker.evaluate({"python_version": python})
    assert SpecifierSet(project["project"]["requires-python"]).contains(f"{python}.0")
    # A compiler in the build stage only; the final stage runs as a user without root, with a health check
    # on the port it serves.
    assert any("gcc" in line for line in build) and not any("gcc" in line or "apt-get" in line for line in final)
    user = next(line.split()[1] for line in final if line.startswith("USER "))
    assert user not in ("root", "0")
    entry = json.loads(next(line[len("ENTRYPOINT ") :] for line in final if line.startswith("ENTRYPOINT ")))
    assert entry[:2] == ["promorules", "serve"] and entry[entry.index("--host") + 1] == "0.0.0.0"
    port = entry[entry.index("--port") + 1]
    health = next(line for line in final if line.startswith("HEALTHCHECK "))
    assert f"127.0.0.1:{port}/healthz" in health and f"EXPOSE {port}" in final
