"""The interview: ask only what can change the advice, most decisive first, then advise.

After every answer the advice is worked out again, and the next question is
the missing fact that the most undecided rules wait on. Each answer is
checked on the spot (as a facts file would be) and asked again kindly when it
cannot be used; Enter skips a question, "done" ends the interview.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Optional

from pydantic import ValidationError

from ..advice.model import Advice
from ..advisor import Advisor
from ..facts.model import Facts, put_at
from ..facts.questions import (
    PLANNED,
    AnswerError,
    Question,
    follow_ups,
    planned_people,
    question_for,
    read_answer,
)
from ..text_safety import visible

SKIP = ("", "skip", "?")
STOP = ("done", "quit", "q", "stop")
TRIES = 3


@dataclass
class Interview:
    advisor: Advisor
    facts: dict
    as_of: date
    max_questions: int = 15
    asked: list[str] = field(default_factory=list)

    def next_question(self, advice: Advice) -> Optional[Question]:
        for missing in advice.missing_facts:
            if missing.fact in self.asked:
                continue
            question = question_for(missing.fact, self.advisor.ruleset.facts_model)
            if question is not None and self._can_hold(missing.fact):
                return question
        return None

    def _can_hold(self, path: str) -> bool:
        """Questions about the latest request, or the written case, only make sense once there is one."""
        for listed in ("promotion_requests", "setbacks"):
            if path.startswith(f"{listed}[-1]."):
                return bool(self.facts.get(listed))
        if path.startswith("case_document."):
            return bool((self.facts.get("case_document") or {}).get("exists"))
        return True

    def advise(self) -> Advice:
        return self.advisor.advise(self.validated())

    def validated(self) -> Facts:
        return self.advisor.ruleset.facts_model.model_validate({**self.facts, "as_of": self.as_of})

    def run(self, read_line: Callable[[], Optional[str]], say: Callable[[str], None]) -> Advice:
        say = _shown_by(say)
        say("Answer in a few words; press Enter to skip a question, or type done to finish.\n")
        advice = self.advise()
        while len(self.asked) < self.max_questions:
            question = self.next_question(advice)
            if question is None:
                break
            self.asked.append(question.path)
            answer = self._ask(question, read_line, say)
            if answer is _STOPPED:
                break
            if answer is not _SKIPPED:
                if self._follow_up(question.path, read_line, say) is _STOPPED:
                    return self.advise()
                advice = self.advise()
        return advice

    def _follow_up(self, path: str, read_line, say):
        """Ask about the item a list answer just gave, while the details still matter (`follow_ups`)."""
        while len(self.asked) < self.max_questions:
            question = next((q for q in follow_ups(path, self.facts) if q.path not in self.asked), None)
            if question is None:
                return None
            self.asked.append(question.path)
            if self._ask(question, read_line, say) is _STOPPED:
                return _STOPPED
        return None

    def _ask(self, question: Question, read_line, say):
        number = len(self.asked)
        for attempt in range(TRIES):
            say(f"\n{number}. {question.text}\n   ({question.hint()})\n> ")
            line = read_line()
            if line is None:
                return _STOPPED
            text = line.strip()
            if text.lower() in STOP:
                return _STOPPED
            if text.lower() in SKIP:
                return _SKIPPED
            try:
                value = read_answer(question, text, self.as_of)
                if question.path == PLANNED:
                    problem = self._put("people", planned_people(self.facts["people"], value))
                else:
                    problem = self._put(question.path, value)
            except AnswerError as exc:
                problem = str(exc)
            if problem is None:
                return value
            say(f"   That answer cannot be used: {problem}. Please try again.\n")
        say("   Skipping this one.\n")
        return _SKIPPED

    def _put(self, path: str, value) -> Optional[str]:
        """Set the answer; undo it and say why if the facts no longer hold together."""
        before = copy.deepcopy(self.facts)
        put_at(self.facts, path, value)
        try:
            self.validated()
        except ValidationError as exc:
            self.facts.clear()
            self.facts.update(before)
            error = exc.errors()[0]
            return error["msg"].removeprefix("Value error, ")
        return None


def _shown_by(say: Callable[[str], None]) -> Callable[[str], None]:
    """What the interview says echoes answers (in its messages about them): hidden characters are shown."""
    return lambda text: say(visible(text))


_SKIPPED = object()
_STOPPED = object()
