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
  retired and replaced, never reused;
* one lock per engine around each evaluation; after ``fork`` a process builds
  its own network on first use;
* a retired session's memory is never freed (deleting it can crash), so after
  `MAX_RETIRED_SESSIONS` in one process the matchers hand their people to the
  fallback evaluator they were given (see `RetiredSessions`);
* a network no advisor can reach any more is given back to durable (see
  `_release`): its sessions, then the ruleset itself.

Why give networks back rather than keep them: durable keeps every ruleset
created in a process-wide table until ``delete_ruleset``, and each of its
sessions until ``delete_state``. With the default ruleset a network costs about
2.5 MB and each session that ran an evaluation about 5 MB more, so every
``Advisor()`` and every reload kept 8 to 23 MB for good (four sessions in turn
served the evaluations). Measured with six people advised after each step:
200 advisors built and dropped grew 23 MB each before, 4 to 6 MB in all
after; 300 reloads stay at 59 MB. Sharing one network between advisors whose
compiled rules are equal would make an unchanged reload free, but every changed
one would still leak; releasing bounds both, and keeps advisors apart.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import weakref
from collections import deque
from typing import Optional

from ..errors import EngineError
from .compiler import Action, Network, PersonFact
from .base import Match, Matcher

try:
    import durable_rules_engine as _durable
except ImportError:  # pragma: no cover - durable-rules does not build on Python >= 3.13
    _durable = None

POOL_SIZE = 4
MAX_RETIRED_SESSIONS = 16  # sessions one process retires after errors before durable is set aside (~6.5 MB each)
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


class RetiredSessions:
    """How many sessions this process has retired after an error, across every network.

    durable keeps a retired session's memory for good: with the default
    ruleset about 6.5 MB each (its Rete memory), and neither `_release` nor
    ``delete_ruleset`` gives it back. Counting them per process, not per
    network, is what bounds the memory: a reload starts a new network but not
    a new budget. A forked child starts at zero, since what its parent retired
    costs it nothing (those pages are shared, never touched again).
    """

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.count += 1

    def spent(self) -> bool:
        return self.count >= MAX_RETIRED_SESSIONS

    def restart(self) -> None:
        """In a forked child: nothing retired yet, and no lock held by a thread that is gone."""
        self.count = 0
        self._lock = threading.Lock()


retired_sessions = RetiredSessions()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: retired_sessions.restart())


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
        self.settled: set[str] = set()  # sessions durable has freed an action context in: safe to delete
        weakref.finalize(self, _release, self.handle, self.pid, self.settled).atexit = False

    def new_sid(self) -> str:
        """A session id whose hash, and its facts' ids' hashes, collide with nothing in use."""
        while True:
            sid = next(self.names)
            hashes = {fnv1a32(sid)} | {fnv1a32(f"{sid}.{n}") for n in range(self.max_facts)}
            if len(hashes) == self.max_facts + 1 and not hashes & self.hashes:
                self.hashes |= hashes
                return sid


class DurableMatcher:
    """Matches facts with durable-rules. Safe to share between threads and across fork.

    ``fallback`` decides instead once this process has retired
    `MAX_RETIRED_SESSIONS` sessions after errors (`engine` then names it);
    without one, every evaluation from then on raises `EngineError`.
    """

    def __init__(self, network: Network, fallback: Optional[Matcher] = None):
        if _durable is None:
            raise EngineError("durable-rules is not installed (it does not build on Python 3.13 or newer)")
        self.network = network
        self._fallback = fallback
        signals = {a.signal for a in network.actions.values() if a.signal}
        self._max_facts = 1 + len(signals)
        # A signal fact's JSON up to its session id, for each signal and value (see `_signal_text`).
        self._signal_heads = {
            (name, value): '{"__type":"signal","name":%s,"value":%s,"sid":' % (json.dumps(name), json.dumps(value))
            for name in signals
            for value in (True, False)
        }
        self._read = network.signals_read
        self._person = PersonFact(network)
        self._names: dict[str, Action] = {}  # a frame's opening '{"name"' -> the action, once decoded
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

    @property
    def engine(self) -> str:
        """The engine deciding: "durable", or the fallback's once this process has retired too many sessions."""
        if self._fallback is not None and retired_sessions.spent():
            return self._fallback.engine
        return "durable"

    def match(self, facts: dict) -> Match:
        if not retired_sessions.spent():
            person, floats = self._person.fact(facts)  # refuses what durable cannot read, before taking a session
            process = self._process()
            with process.lock:
                if not retired_sessions.spent():  # again: a failure while this waited for the lock may have spent it
                    return self._match_on(process, person, floats)
        if self._fallback is None:
            raise EngineError(
                f"durable-rules is set aside in this process after {retired_sessions.count} failed evaluations"
            )
        return self._fallback.match(facts)

    def _match_on(self, process: _Process, person: dict, floats: bool) -> Match:
        """One evaluation on a pooled session, under the process's lock; a session that fails is retired."""
        sid = process.pool.popleft()
        try:
            match = self._run(process, sid, PersonFact.text(person, floats, sid, f"{sid}.0"))
        except BaseException:
            process.settled.discard(sid)  # it may have stopped mid-action: never delete it either
            process.pool.append(process.new_sid())  # retire it: never reuse a session that failed
            retired_sessions.add()
            raise
        process.pool.appendleft(sid)  # the lock runs one evaluation at a time: one warm session serves all
        return match

    def _run(self, process: _Process, sid: str, person: str) -> Match:
        """Assert the person, run the agenda to its end, retract every fact asserted."""
        handle = process.handle
        actions = self.network.actions
        names = self._names
        heads = self._signal_heads
        read = self._read
        stored: list[str] = []
        fired: set[str] = set()
        signals: dict[str, bool] = {}
        offset: Optional[int] = None
        messages: Optional[str] = None
        firings = 0
        try:
            offset = _stored(_durable.assert_fact(handle, person), person, stored)
            started = _durable.start_action_for_state(handle, offset)
            messages = started[1] if started else None
            while messages is not None:
                firings += 1
                if firings > MAX_FIRINGS:
                    raise EngineError("the rules keep firing without end")
                key = messages[: messages.index('"', 2) + 1]
                action = names.get(key)
                if action is None:
                    action = names[key] = actions[_rule_name(messages)]
                if action.rule_id is not None:
                    fired.add(action.rule_id)
                if action.signal is not None and action.signal not in signals:
                    signals[action.signal] = action.value
                    if (action.signal, action.value) in read:  # else no pattern could match it
                        text = f'{heads[action.signal, action.value]}"{sid}","id":"{sid}.{len(signals)}"}}'
                        offset = _stored(_durable.assert_fact(handle, text), text, stored)
                messages = _durable.complete_and_start_action(handle, offset)
            for text in stored:
                _durable.retract_fact(handle, text)
            if firings:
                process.settled.add(sid)
        except BaseException as exc:
            _clean_up_after_failure(handle, offset if messages is not None else None, stored)
            if isinstance(exc, _durable.error):
                raise EngineError(f"durable-rules: {exc}") from None
            raise
        return Match(frozenset(fired), signals)


def _release(handle: int, pid: int, settled: set[str]) -> None:
    """Give a network's memory back to durable once nothing can evaluate on it any more.

    Runs when its `_Process` is collected: after a reload or the advisor's
    end, and only once the evaluations under way have let go of it. Only
    sessions in ``settled`` are deleted: durable leaves a new session's action
    context uninitialised, and deleting one that never finished an action
    frees garbage (a crash); finishing an action sets the context to NULL. A
    session never settled (no rule ever fired in it, or it failed) keeps its
    memory, which is bounded by the pool and `MAX_RETIRED_SESSIONS`. Nothing is
    done in a forked child, whose copy of the network shares its pages with
    the parent, nor at interpreter exit (``atexit`` is off).
    """
    if _durable is None or os.getpid() != pid:
        return
    for sid in sorted(settled):
        try:
            _durable.delete_state(handle, sid)
        except _durable.error:
            pass  # its memory stays; the ruleset below is freed either way
    try:
        _durable.delete_ruleset(handle)
    except _durable.error:
        pass


def _stored(outcome: tuple, text: str, stored: list[str]) -> int:
    """Note a fact durable kept (result 0), to retract it at the end; 1 means no rule wanted it."""
    result, offset = outcome
    if result == 0:
        stored.append(text)
    elif result != 1:
        raise EngineError(f"durable-rules refused a fact (result {result})")
    return offset


def _rule_name(messages: str) -> str:
    """The fired rule's name: the first key of the frame ``{"name": {...facts...}}``.

    Only the key is decoded. The rest repeats every fact the rule matched,
    and decoding it was most of an evaluation's time. Rule names come from
    checked rule ids (``a-z 0-9 _ . -``, ``#``, ``~``), so the key ends at
    the first quote.
    """
    end = messages.index('"', 2)
    return json.loads(messages[1 : end + 1])


def _clean_up_after_failure(handle: int, offset: Optional[int], stored: list[str]) -> None:
    """Best effort: release the action lease and the facts, so a retired session holds less memory."""
    try:
        if offset is not None:
            _durable.abandon_action(handle, offset)
        for text in stored:
            _durable.retract_fact(handle, text)
    except _durable.error:
        pass  # the caller retires the session either way
