"""Problems found in user input, each pointing at the place a person can fix, and the package's one error root.

Every layer (YAML reading, facts validation, ruleset loading) reports a list of
`Problem`s instead of raising on the first one, so a coach or a user sees all
mistakes at once, each as ``file:line:col: message``.

Everything the package raises on purpose derives from one root, so an embedder catches one class, and each
class carries the exit code the CLI gives it and the HTTP status the service answers with::

    PromorulesError                    exit 1, HTTP 500: something the caller cannot fix
    ├── InputError                     exit 2, HTTP 422: bad input; .problems lists every mistake
    │   ├── RulesetError               a ruleset that does not load, or does not fit the engine
    │   └── advisor.IdError            an id that is not 1 to 128 printable characters (ValueError too)
    ├── EngineError                    durable-rules failed (RuntimeError too, as before)
    └── engine.compiler.NetworkError   exit 2: a network beyond durable-rules' limits (ValueError too)

Bad input reaches an embedder as an `InputError`, never as pydantic's ValidationError, a TypeError or a
ValueError of its own: facts that do not fit are worded by `facts.files.first_problems`, the one wording the
command line, the batch and the service give too, and a wrong argument (a view, an engine) by `argument_error`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

MAX_PROBLEMS = 50  # shown for one input; the rest are counted, so a hostile file costs no more than a careless one
MAX_HINT_LENGTH = 64  # no name is longer: a "did you mean" for a longer word would be slow and useless


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file. Line and column are 1-based; 0 means "unknown"."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col or 1}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is, and what to do about it."""

    location: Location
    message: str
    field: str = ""

    def __str__(self) -> str:
        """``file:line:col: message``; without a line, the field is named unless the message names it."""
        where = str(self.location)
        named = self.message.startswith(self.field) or f'"{self.field}"' in self.message
        if self.field and self.location.file == self.field and not self.location.line and named:
            return self.message  # an argument of a call, named by the message itself: "view must be ..."
        if self.field and not self.location.line and not named:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class MoreProblems(Problem):
    """The last line of a long list: how many problems were found beyond the ones shown."""

    count: int = 0

    def __str__(self) -> str:
        return self.message


class PromorulesError(Exception):
    """The root of every error the package raises on purpose."""

    exit_code = 1
    http_status = 500


class InputError(PromorulesError):
    """Raised with the first `MAX_PROBLEMS` problems found in one piece of input, then their count.

    ``more`` counts problems the caller found but did not spell out (to spare
    work such as "did you mean"); a `MoreProblems` among ``problems`` (from an
    error passed on) adds to it. Every program that prints ``problems`` thus
    prints at most 51 lines, the last one "... and N more problems".
    """

    exit_code = 2
    http_status = 422

    def __init__(self, problems: Sequence[Problem], more: int = 0):
        more += sum(p.count for p in problems if isinstance(p, MoreProblems))
        # The same mistake reached twice (e.g. through a YAML alias) is reported once.
        unique = {p for p in problems if not isinstance(p, MoreProblems)}
        ordered = sorted(unique, key=lambda p: (p.location, p.message, p.field))
        self.more = more + max(0, len(ordered) - MAX_PROBLEMS)
        self.problems: list[Problem] = ordered[:MAX_PROBLEMS]
        if self.more:
            noun = "problem" if self.more == 1 else "problems"
            self.problems.append(MoreProblems(Location(""), f"... and {self.more} more {noun}", count=self.more))
        super().__init__("\n".join(str(p) for p in self.problems))


def argument_error(name: str, message: str) -> InputError:
    """The InputError for one argument of a call (``view``, ``engine``, the ``facts`` themselves), named by it.

    ``message`` names the argument itself ("view must be ..."), so the error reads as that one sentence.
    """
    return InputError([Problem(Location(name), message, field=name)])


class RulesetError(InputError):
    """A ruleset that does not load, or does not fit the engine; each problem names file and line."""


class EngineError(PromorulesError, RuntimeError):
    """durable-rules reported an error; the evaluation was abandoned and its session retired."""


def closest(word: str, choices: Iterable[str]) -> Optional[str]:
    """The choice ``word`` is most likely a misspelling of, or None when nothing is close (or it is too long)."""
    if len(word) > MAX_HINT_LENGTH:
        return None
    import difflib  # here: only a mistake needs it, and every command imports this module

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean "x"?)' hint, or '' when nothing is close."""
    close = closest(word, choices)
    return f' (did you mean "{close}"?)' if close else ""
