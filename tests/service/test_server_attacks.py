"""Slow, hostile and careless clients against `promorules serve`, each on a real server on loopback
with raw sockets: every one ends in a 4xx (or a closed connection) within the documented bound,
/healthz keeps answering, and the server's log holds no traceback."""

import json
import os
import socket
import threading
import time

import httpx
import pytest

from tests.service.test_server_http import SECRET, Server, free_port

READ_TIMEOUT = "0.5"  # seconds; the default is 10
LIMIT_FILES = (
    "import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1])); "
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("attacks"), "--read-timeout", READ_TIMEOUT)
    yield running
    running.stop()


def connect(server: Server) -> socket.socket:
    """A raw connection; a server that holds it without answering fails the test after 30 s."""
    return socket.create_connection(("127.0.0.1", server.port), timeout=30)


def until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends, until it closes the connection; the socket is closed also when the
    server resets it (left open, it is reported unclosed by whichever later test collects it)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    finally:
        sock.close()
    return received


def status_and_errors(answer: bytes) -> tuple[int, list]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)["errors"]


def clean_log(server: Server) -> str:
    time.sleep(0.3)  # let the server write what it would
    log = server.log.read_text()
    for sign in ("Traceback", "Exception in ASGI application", "out of system resource", "ERROR"):
        assert sign not in log, log
    return log


def test_half_sent_headers_get_408_and_the_connection_is_closed(server):
    sock = connect(server)
    sock.sendall(b"POST /v1/advice HTTP/1.1\r\nHost: service\r\nContent-Type: appl")
    status, errors = status_and_errors(until_closed(sock))
    assert status == 408
    assert errors == [{"field": None, "message": "the request's headers did not arrive within 0.5 s"}]
    silent = connect(server)  # a connection that sends nothing is closed without an answer
    assert until_closed(silent) == b""
    clean_log(server)


def test_a_chunked_body_that_never_ends_gets_408(server):
    sock = connect(server)
    sock.sendall(
        b"POST /v1/advice HTTP/1.1\r\nHost: service\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    stop = threading.Event()

    def trickle():  # one byte every 50 ms, for ever
        try:
            while not stop.wait(0.05):
                sock.sendall(b"1\r\n \r\n")
        except OSError:
            pass

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        answer = until_closed(sock)
    except ConnectionResetError:  # closed while bytes were still coming: the kernel may reset instead
        answer = None
    finally:
        stop.set()
        sender.join()
    if answer is not None:
        status, errors = status_and_errors(answer)
        assert status == 408
        assert errors == [{"field": None, "message": "the body did not arrive within 0.5 s"}]
    clean_log(server)


def test_a_body_slower_than_its_length_gets_408(server):
    sock = connect(server)
    sock.sendall(
        b"POST /v1/advice HTTP/1.1\r\nHost: service\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"as_of": '
    )
    status, errors = status_and_errors(until_closed(sock))
    assert status == 408 and "did not arrive within 0.5 s" in errors[0]["message"]
    assert server.client.get("/healthz").status_code == 200
    clean_log(server)


def test_seventy_slow_sockets_under_a_64_descriptor_limit_do_not_keep_health_out(tmp_path):
    """The default cap (32 connections) keeps descriptors in hand; a new connection takes the place of the
    one that has waited longest for its headers, so /healthz answers while the slow sockets are still open."""
    running = Server(tmp_path, prelude=LIMIT_FILES)  # the default read timeout (10 s): the cap must do it
    slow = []
    try:
        for _ in range(70):
            sock = connect(running)
            sock.sendall(b"POST /v1/advice HTTP/1.1\r\nHost: service\r\n")
            slow.append(sock)
        with httpx.Client(base_url=running.url, timeout=30) as fresh:
            assert fresh.get("/healthz").json()["status"] == "ok"
            assert fresh.post("/v1/advice", json={"as_of": "2026-11-24"}).status_code == 200
        descriptors = len(os.listdir(f"/proc/{running.process.pid}/fd")) if os.path.isdir("/proc") else 0
        assert descriptors < 64
        for sock in slow[:20]:  # the oldest were closed to make room, with a 408 for their half-sent headers
            sock.settimeout(10)
            status, _ = status_and_errors(until_closed(sock))
            assert status == 408
        assert running.process.poll() is None
        clean_log(running)
    finally:
        for sock in slow:
            sock.close()
        running.stop()


def test_a_client_that_leaves_mid_request_leaves_no_traceback(server):
    for request in (
        b"POST /v1/advice HTTP/1.1\r\nHost: service\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"as_of": "2026-',  # leaves during the body
        b"POST /v1/advice?outlook=true HTTP/1.1\r\nHost: service\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\n\r\n{}",  # leaves while the advice is worked out
        b"POST /v1/advice HTTP/1.1\r\nHost: ser",  # leaves during the headers
    ):
        sock = connect(server)
        sock.sendall(request)
        sock.close()
    time.sleep(1.0)
    assert server.client.get("/healthz").status_code == 200
    clean_log(server)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1", "application/jsonx"],
)
def test_a_body_not_sent_as_json_gets_415(server, content_type):
    headers = {"content-type": content_type} if content_type else {}
    for path, body in (("/v1/advice", b'{"as_of": "2026-11-24"}'), ("/v1/advice/batch", b'[{"as_of": "2026-11-24"}]')):
        response = server.client.post(path, content=body, headers=headers)
        assert response.status_code == 415
        assert response.json() == {
            "errors": [{"field": None, "message": "the body must be sent as content-type: application/json (in UTF-8)"}]
        }


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", 'Application/JSON;charset="UTF-8"']
)
def test_json_with_or_without_its_charset_is_read(server, content_type):
    response = server.client.post(
        "/v1/advice", content=b'{"as_of": "2026-11-24"}', headers={"content-type": content_type}
    )
    assert response.status_code == 200


def test_errors_name_the_field_and_the_problem_but_never_quote_the_value(server):
    body = {
        "as_of": "2026-11-24",
        "current_title": "x" * 600 + SECRET,
        "frustrated": SECRET,
        "org": {"hiring_freeze": SECRET, "size": SECRET},
        "criteria_self_rating": {"impact": SECRET},
    }
    one = server.client.post("/v1/advice", json=body)
    assert one.status_code == 422
    assert SECRET not in one.text and "xxxx" not in one.text
    errors = {e["field"]: e["message"] for e in one.json()["errors"]}
    assert errors == {
        "current_title": "current_title: must be at most 500 characters",
        "frustrated": "frustrated: must be true or false",
        "org.hiring_freeze": "org.hiring_freeze: must be true or false",
        "org.size": "org.size: must be a number",
        "criteria_self_rating.impact": "criteria_self_rating.impact: must be one of 'met', 'partial' or 'not_met'",
    }
    many = server.client.post("/v1/advice/batch", json=[body, {"org": {"size": SECRET}}])
    assert many.status_code == 200 and SECRET not in many.text
    assert [r["errors"] for r in many.json()][1] == [{"field": "org.size", "message": "org.size: must be a number"}]


def hostile_body(size: int = 960 * 1024) -> bytes:
    """A facts object of nothing but unknown keys, about ``size`` bytes."""
    keys = []
    total = 2
    while total < size:
        keys.append(f'"unknown_fact_{len(keys)}":0')
        total += len(keys[-1]) + 1
    return ("{" + ",".join(keys) + "}").encode()


def test_health_answers_while_a_960_kb_body_is_checked(monkeypatch):
    """A large body is read and checked in the worker thread: while it is, /healthz is answered."""
    import uvicorn

    import promorules.service.server as service

    started, release = threading.Event(), threading.Event()
    real_validate = service.validate_facts

    def held_validate(*args, **kwargs):
        started.set()
        release.wait(timeout=20)  # only a guard: the test releases it
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(service, "validate_facts", held_validate)
    port = free_port()
    config = uvicorn.Config(
        service.create_app(), host="127.0.0.1", port=port, log_level="warning", http=service._guarded_h11(10.0, 32)
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not running.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        body = hostile_body()
        answers = []
        poster = threading.Thread(
            target=lambda: answers.append(
                httpx.post(f"{base}/v1/advice", content=body, headers={"content-type": "application/json"}, timeout=60)
            )
        )
        poster.start()
        assert started.wait(30)
        health = httpx.get(f"{base}/healthz", timeout=10)
        still_checking = poster.is_alive()
        release.set()
        poster.join(60)
        assert health.json()["status"] == "ok"
        assert still_checking, "/healthz waited for the body to be checked"
        assert answers[0].status_code == 422
        assert answers[0].json()["errors"][0]["field"] == "unknown_fact_0"
    finally:
        release.set()
        running.should_exit = True
        thread.join(30)
