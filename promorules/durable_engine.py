"""Run a compiled network on durable-rules' C module, safely and repeatably.

Only ``durable_rules_engine`` is used: no ``durable.engine.Host`` (background
threads, swallowed exceptions, leaks) and no ``durable.lang`` (global state).
The driver follows what was measured about durable-rules 2.0.28:

* a small pool of session ids, checked at start-up for 32-bit hash collisions
  (durable identifies sessions and facts by hash alone);
* sessions are never deleted (that path can free garbage); every fact asserted
  is retracted after the evaluation instead, so memory stays flat;
* every started action is completed, or abandoned on error (an abandoned lease
  silently blocks the session for 30 s); a session that saw any error is
  quarantined and replaced, never reused;
* one lock per engine around each evaluation; after ``fork`` a process builds
  its own network on first use.
"""
from __future__ import annotations

import itertools
import json
import os
import threading
from collections import deque
from typing import Optional

from .compiler import Network, encode, person_fact
from .evaluator import Match

try:
    import durable_rules_engine as _durable
except ImportError:  # pragma: no cover - durable-rules does not build on Python >= 3.13
    _durable = None

POOL_SIZE = 4
MAX_FIRINGS = 20_000
FNV_OFFSET, FNV_PRIME = 0x811C9DC5, 16777619


def durable_available() -> bool:
    return _durable is not None


def fnv1a32(text: str) -> int:
    """durable's hash of session and fact ids (state.c fnv1Hash32)."""
    value = FNV_OFFSET
    for byte in text.encode():
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFF
    return value


class EngineError(RuntimeError):
    """durable-rules reported an error; the evaluation was abandoned and its session retired."""


class _Process:
    """Per-process durable state: the handle, the session pool and the lock."""

    def __init__(self, network: Network, max_facts: int):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.handle = _durable.create_ruleset(f"{network.name}-{id(self)}", network.definition)
        self.max_facts = max_facts
        self.hashes: set[int] = set()
        self.names = (f"w{n}" for n in itertools.count())
        self.pool = deque(self.new_sid() for _ in range(POOL_SIZE))

    def new_sid(self) -> str:
        """A session id whose hash, and its facts' ids' hashes, collide with nothing in use."""
        while True:
            sid = next(self.names)
            hashes = {fnv1a32(sid)} | {fnv1a32(f"{sid}.{n}") for n in range(self.max_facts)}
            if len(hashes) == self.max_facts + 1 and not hashes & self.hashes:
                self.hashes |= hashes
                return sid


class DurableMatcher:
    """Matches facts with durable-rules. Safe to share between threads and across fork."""

    def __init__(self, network: Network):
        if _durable is None:
            raise EngineError("durable-rules is not installed (it does not build on Python 3.13 or newer)")
        self.network = network
        signals = {a.signal for a in network.actions.values() if a.signal}
        self._max_facts = 1 + len(signals)
        self._state: Optional[_Process] = None
        self._build_lock = threading.Lock()
        self._process()  # build now, so a broken network fails at load time

    def _process(self) -> _Process:
        state = self._state
        if state is not None and state.pid == os.getpid():
            return state
        if state is not None:  # forked: locks held by other threads of the parent are gone with them
            self._build_lock = threading.Lock()
        with self._build_lock:
            if self._state is None or self._state.pid != os.getpid():
                self._state = _Process(self.network, self._max_facts)
            return self._state

    def match(self, facts: dict) -> Match:
        person = person_fact(self.network, facts)
        process = self._process()
        with process.lock:
            sid = process.pool.popleft()
            try:
                match = self._run(process, sid, person)
            except BaseException:
                process.pool.append(process.new_sid())  # quarantine: never reuse a session that failed
                raise
            process.pool.append(sid)
            return match

    def _run(self, process: _Process, sid: str, person: dict) -> Match:
        handle = process.handle
        stored: list[str] = []
        counter = itertools.count()

        def assert_fact(fact: dict) -> int:
            text = encode({**fact, "sid": sid, "id": f"{sid}.{next(counter)}"})
            result, offset = _call(_durable.assert_fact, handle, text)
            if result == 0:
                stored.append(text)
            elif result != 1:  # 1: no rule is interested in this fact
                raise EngineError(f"durable-rules refused a fact (result {result})")
            return offset

        fired: set[str] = set()
        signals: dict[str, bool] = {}
        offset: Optional[int] = None
        messages: Optional[str] = None
        firings = 0
        try:
            offset = assert_fact(person)
            started = _call(_durable.start_action_for_state, handle, offset)
            messages = started[1] if started else None
            while messages is not None:
                firings += 1
                if firings > MAX_FIRINGS:
                    raise EngineError("the rules keep firing without end")
                name = next(iter(json.loads(messages)))
                action = self.network.actions[name]
                if action.rule_id is not None:
                    fired.add(action.rule_id)
                if action.signal is not None and action.signal not in signals:
                    signals[action.signal] = action.value
                    offset = assert_fact({"__type": "signal", "name": action.signal, "value": action.value})
                messages = _call(_durable.complete_and_start_action, handle, offset)
        except BaseException:
            _clean_up_after_failure(handle, offset if messages is not None else None, stored)
            raise
        for text in stored:
            _call(_durable.retract_fact, handle, text)
        return Match(frozenset(fired), signals)


def _clean_up_after_failure(handle: int, offset: Optional[int], stored: list[str]) -> None:
    """Best effort: release the action lease and the facts, so a quarantined session holds little memory."""
    try:
        if offset is not None:
            _durable.abandon_action(handle, offset)
        for text in stored:
            _durable.retract_fact(handle, text)
    except _durable.error:
        pass  # the session is quarantined by the caller either way


def _call(function, *args):
    try:
        return function(*args)
    except _durable.error as exc:
        raise EngineError(f"durable-rules: {exc}") from None
