"""Soak: a long run on one advisor, isolation at full size, failures, and the HTTP service under mixed load.

    .venv/bin/python bench/soak.py                      # the figures in docs/performance.md ("Soak")
    .venv/bin/python bench/soak.py --evaluations 20000 --http-requests 2000   # a quicker run

1. memory: evaluations of 200 varied people on one durable advisor; resident
   memory after a warm-up and at the end, as a ratio (flat means within 5 %).
2. isolation: 16 threads x 2,000 evaluations of 400 distinct people on one
   advisor; every result must equal the serial one byte for byte and name only
   its own person (tests/engine/test_isolation.py runs 16 x 500 of the same).
3. failures: evaluations that fail inside durable-rules (simulated, as durable
   reports errors), then good ones on the same advisor; after
   `MAX_RETIRED_SESSIONS` failures the Python evaluator decides, and memory
   stays within what those sessions hold.
4. http: `promorules serve` on loopback (when the server extra is installed),
   8 client threads sending good facts, bad facts, malformed JSON, oversized
   bodies and batches; every answer must be the expected one (good advice
   byte for byte as in-process), and the service must still answer at the end.
5. reloads: 1,000 reloads of the default ruleset on one durable advisor (what
   a SIGHUP to `serve` does), six people advised after each; resident memory
   after a warm-up, half-way and at the end, as ratios (within 10 % in all and
   2 % over the second half), and the advice must stay what it was before.

People come from bench/people.py and the isolation pieces from
tests/support/isolation_kit.py, neither of which needs pytest or hypothesis: the
package is all parts 1 to 3 need; part 4 also needs the server extra and
httpx, and is skipped, saying so, without them.

Prints one line per figure; exits 1 if a check fails. Times are from this
machine and this run only; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from people import people as bench_people  # noqa: E402
from promorules import Advisor  # noqa: E402
from promorules.engine import durable as durable_engine  # noqa: E402
from tests.support.isolation_kit import ECHO, LAYER, FailingDurable, expected_text, person, run_threads  # noqa: E402

FAILED: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"  {'ok' if ok else 'FAILED'}: {what}")
    if not ok:
        FAILED.append(what)


def rss_mib(pid: str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/status")


# ------------------------------------------------------------------ 1. memory


def memory(evaluations: int) -> None:
    print(f"memory: {evaluations:,} evaluations on one durable advisor, 200 varied people")
    people = list(bench_people(200))
    advisor = Advisor(engine="durable")
    for n in range(2000):
        advisor.advise(people[n % len(people)])
    start = rss_mib()
    began = time.perf_counter()
    step = max(evaluations // 10, 1)
    for n in range(1, evaluations + 1):
        advisor.advise(people[n % len(people)])
        if n % step == 0:
            print(f"  {n:>9,}: {rss_mib():.1f} MiB")
    seconds = time.perf_counter() - began
    end = rss_mib()
    print(f"  RSS after 2,000 warm-up evaluations {start:.1f} MiB, at the end {end:.1f} MiB: ratio {end / start:.3f}")
    print(f"  {evaluations / seconds:,.0f} advice/s in this run ({seconds:.0f} s)")
    check(end / start <= 1.05, f"resident memory flat within 5 % (ratio {end / start:.3f})")


# ------------------------------------------------------------------ 2. isolation


def isolation(threads: int, per_thread: int, tmp: Path) -> None:
    print(f"isolation: {threads} threads x {per_thread:,} evaluations, {threads * 25} distinct people")
    root = tmp / "isolation"
    root.mkdir()
    (root / "ruleset.yaml").write_text(LAYER)
    (root / "echo.yaml").write_text(ECHO)
    bases = list(bench_people(100))
    people = [person(i, bases[i % len(bases)]) for i in range(threads * 25)]
    advisor = Advisor(root, engine="durable")
    serial = [advisor.advise(p).model_dump_json() for p in people]
    began = time.perf_counter()  # timed on a second pass, warm like the threads will be
    for p in people:
        advisor.advise(p)
    serial_rate = len(people) / (time.perf_counter() - began)
    own = all(expected_text(i) in text and text.count("Advice for P") == 1 for i, text in enumerate(serial))
    wrong: list[int] = []

    def work(thread: int) -> None:
        mine = range(thread * 25, (thread + 1) * 25)
        for n in range(per_thread):
            index = mine[(n * 7) % 25]
            if advisor.advise(people[index]).model_dump_json() != serial[index]:
                wrong.append(index)

    began = time.perf_counter()
    errors = run_threads(work, threads)
    seconds = time.perf_counter() - began
    rate = threads * per_thread / seconds
    print(f"  {seconds:.1f} s; throughput threaded/serial {rate / serial_rate:.2f} ({rate:,.0f} advice/s threaded)")
    check(own, "each serial result names only its own person")
    check(not errors, f"no evaluation raised ({len(errors)} did)")
    check(not wrong, f"every threaded result equals the serial one ({len(wrong)} differ)")


# ------------------------------------------------------------------ 3. failures


def failures(count: int) -> None:
    """durable keeps a failed session's memory for good, so after a few the Python evaluator must take over."""
    print(f"failures: {count:,} evaluations failing inside durable, then 1,000 good ones on the same advisor")
    people = list(bench_people(50))
    advisor = Advisor(engine="durable")
    expected = [Advisor(engine="python").advise(p).model_dump_json() for p in people]
    for p in people:  # warm up, so the memory below is what the failures cost
        advisor.advise(p)
    start = rss_mib()
    failing = FailingDurable("complete_and_start_action", every=1)
    durable_engine._durable = failing
    raised = 0
    try:
        for n in range(count):
            try:
                advisor.advise(people[n % len(people)])
            except Exception:  # noqa: BLE001 - counted: only the first few reach durable
                raised += 1
    finally:
        durable_engine._durable = failing.real
    outcomes: collections.Counter = collections.Counter()
    for n in range(1000):
        try:
            same = advisor.advise(people[n % len(people)]).model_dump_json() == expected[n % len(people)]
            outcomes["right" if same else "wrong"] += 1
        except Exception as exc:  # noqa: BLE001 - counted
            outcomes[type(exc).__name__] += 1
    grown = rss_mib() - start
    engine = advisor.engine
    durable_engine.retired_sessions = durable_engine.RetiredSessions()  # the parts below measure durable itself
    print(f"  raised: {raised:,}; afterwards: {dict(outcomes)}; engine: {engine}; memory {grown:+.1f} MiB")
    limit = durable_engine.MAX_RETIRED_SESSIONS
    check(raised == min(count, limit), f"the first {limit} failures raise, then the Python evaluator answers")
    check(engine == "python", "the advisor says it now decides with the Python evaluator")
    check(grown < limit * 8, f"memory grew by at most {limit} retired sessions (about 6.5 MiB each)")
    check(outcomes["right"] == 1000, f"after {count:,} failed evaluations the advisor still advises everyone")


# ------------------------------------------------------------------ 4. http


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _requests(people: list[dict]) -> list[tuple[str, str, bytes, set]]:
    """(name, path, body, acceptable statuses): good and bad requests, mixed."""
    good = [(f"good-{i}", "/v1/advice", json.dumps(p, default=str).encode(), {200}) for i, p in enumerate(people)]
    bad = [
        ("wrong-type", "/v1/advice", b'{"as_of": "2026-11-24", "frustrated": "sometimes"}', {422}),
        ("unknown-key", "/v1/advice", b'{"as_of": "2026-11-24", "frustated": true}', {422}),
        ("negative-count", "/v1/advice", b'{"as_of": "2026-11-24", "org": {"size": -3}}', {422}),
        ("date-after-as-of", "/v1/advice", b'{"as_of": "2026-11-24", "role_start_date": "2027-01-05"}', {422}),
        ("nan", "/v1/advice", b'{"as_of": "2026-11-24", "current_comp": NaN}', {400, 422}),
        ("list-body", "/v1/advice", b"[1, 2, 3]", {400, 422}),
        ("not-json", "/v1/advice", b"as_of: 2026-11-24", {400}),
        ("not-utf8", "/v1/advice", b'{"current_title": "caf\xe9"}', {400}),
        ("deep", "/v1/advice", b"[" * 100_000 + b"]" * 100_000, {400, 413, 422}),
        ("oversized", "/v1/advice", b'{"current_title": "' + b"x" * (2 * 1024 * 1024) + b'"}', {413}),
        ("batch-too-long", "/v1/advice/batch", json.dumps([{}] * 1001).encode(), {413}),
        (
            "batch-mixed",
            "/v1/advice/batch",
            json.dumps([people[0], {"frustrated": "maybe"}, people[1]], default=str).encode(),
            {200},
        ),
    ]
    return good + bad


def http(count: int, clients: int) -> None:
    try:
        import httpx
        import promorules.service.server  # noqa: F401 - only to know the service is there
    except ImportError as exc:
        print(f"http: skipped ({exc})")
        return
    print(f"http: {count:,} requests from {clients} client threads to promorules serve on loopback")
    people = list(bench_people(100))
    local = Advisor(engine="durable")
    expected = {f"good-{i}": local.advise(p).model_dump_json() for i, p in enumerate(people)}
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "promorules"), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            for request in _requests(people):  # warm-up: every kind of request once
                client.post(request[1], content=request[2])
        start = rss_mib(str(server.pid))
        plan = _requests(people)
        # Requests are taken with a stride that shares no factor with the plan's length, so every kind is sent.
        stride = next(step for step in range(7, 7 + len(plan)) if math.gcd(step, len(plan)) == 1)
        sent: set[str] = set()
        statuses: collections.Counter = collections.Counter()
        problems: list[str] = []
        lock = threading.Lock()

        def work(thread: int, share: range) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                for n in share[thread::clients]:
                    name, path, body, allowed = plan[(n * stride) % len(plan)]
                    try:
                        answer = client.post(path, content=body, headers={"content-type": "application/json"})
                    except httpx.HTTPError as exc:
                        with lock:
                            problems.append(f"{name}: {type(exc).__name__}")
                        continue
                    with lock:
                        sent.add(name)
                        statuses[answer.status_code] += 1
                        if answer.status_code not in allowed:
                            problems.append(f"{name}: {answer.status_code}")
                        elif name in expected and answer.text != expected[name]:
                            problems.append(f"{name}: different advice")

        began = time.perf_counter()
        rounds = 10
        for round_ in range(rounds):  # RSS after each tenth shows whether memory levels off
            share = range(round_ * count // rounds, (round_ + 1) * count // rounds)
            workers = [threading.Thread(target=work, args=(n, share)) for n in range(clients)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            print(f"  {share.stop:>9,}: server {rss_mib(str(server.pid)):.1f} MiB")
        seconds = time.perf_counter() - began
        end = rss_mib(str(server.pid))
        with httpx.Client(base_url=base, timeout=10) as client:
            health = client.get("/healthz").status_code
        print(f"  {seconds:.1f} s, {count / seconds:,.0f} requests/s; statuses {dict(sorted(statuses.items()))}")
        print(f"  server RSS after warm-up {start:.1f} MiB, at the end {end:.1f} MiB: ratio {end / start:.3f}")
        unsent = [name for name, *_ in plan if name not in sent]
        check(not unsent or count < len(plan), f"every kind of request was sent ({len(unsent)} not: {unsent[:5]})")
        check(not problems, f"every answer as expected ({len(problems)} not: {problems[:5]})")
        check(not any(code >= 500 for code in statuses), "no 5xx answer")
        check(health == 200, "the service still answers /healthz")
    finally:
        server.terminate()
        server.wait(timeout=30)


# ------------------------------------------------------------------ 5. reloads


def reloads(count: int) -> None:
    print(f"reloads: {count:,} reloads of the default ruleset on one durable advisor, 6 people advised after each")
    people = list(bench_people(6))
    advisor = Advisor(engine="durable")
    expected = [advisor.advise(p).model_dump_json() for p in people]
    for _ in range(20):  # warm-up: first-use caches and the allocator's arenas
        advisor.reload()
        for p in people:
            advisor.advise(p)
    start = rss_mib()
    began = time.perf_counter()
    wrong = 0
    middle = start
    step = max(count // 10, 1)
    for n in range(1, count + 1):
        advisor.reload()
        wrong += [advisor.advise(p).model_dump_json() for p in people] != expected
        if n % step == 0:
            print(f"  {n:>9,}: {rss_mib():.1f} MiB")
        if n == count // 2:
            middle = rss_mib()
    seconds = time.perf_counter() - began
    end = rss_mib()
    print(
        f"  RSS after 20 warm-up reloads {start:.1f} MiB, after {count // 2:,} more {middle:.1f} MiB,"
        f" after {count:,} {end:.1f} MiB: ratio {end / start:.3f} in all, {end / middle:.3f} over the second half"
    )
    print(f"  {count / seconds:.1f} reloads/s in this run ({seconds:.0f} s)")
    check(advisor.engine == "durable", "the reloaded advisor still decides with durable-rules")
    # The allocator settles over the first few hundred reloads (a few MiB, once); a leak keeps growing,
    # so the second half must be flat. Each reload kept 8 to 23 MiB before durable networks were given back.
    check(end / start <= 1.10, f"resident memory within 10 % over {count:,} reloads (ratio {end / start:.3f})")
    check(end / middle <= 1.02, f"resident memory flat over the second half (ratio {end / middle:.3f})")
    check(not wrong, f"the advice after every reload is what it was before ({wrong} reloads differ)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluations", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=2_000)
    parser.add_argument("--failures", type=int, default=1_100)
    parser.add_argument("--http-requests", type=int, default=50_000)
    parser.add_argument("--http-clients", type=int, default=8)
    parser.add_argument("--reloads", type=int, default=1_000)
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        memory(args.evaluations)
        isolation(args.threads, args.per_thread, Path(tmp))
        failures(args.failures)
        http(args.http_requests, args.http_clients)
        reloads(args.reloads)
    print("all checks passed" if not FAILED else f"{len(FAILED)} checks failed")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
