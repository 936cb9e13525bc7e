"""The interview asks what matters, checks answers on the spot, saves them, and advises."""

import json
import os
import pty
import select
import sys
import time
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner

from promorules import Advisor
from promorules.cli import main
from promorules.facts.files import read_facts
from promorules.person.interview import Interview
from promorules import full_advice

ROOT = Path(__file__).resolve().parents[2]
CLAIRE = ROOT / "examples" / "claire-first-visit.yaml"


def answer_from(facts: dict, path: str) -> str:
    """What a person with these facts would type for the question about ``path`` (Enter if unknown)."""
    node = facts
    for part in path.replace("[-1]", "").split("."):
        if isinstance(node, list):
            node = node[-1] if node else {}
        if not isinstance(node, dict) or part not in node or node[part] is None:
            return ""
        node = node[part]
    if path == "performance_gaps":
        return "; ".join(gap["area"] for gap in node) or "none"
    if path == "achievements":
        return "; ".join(f"{a['title']} {a['date']}" for a in node if a.get("quantified")) or "none"
    if path == "people":
        return "; ".join(p["name"] for p in node if p.get("stance") in ("champion", "supportive")) or "none"
    if path == "above_level_activities":
        return ", ".join(a["kind"] for a in node) or "none"
    if path == "promotion_requests":
        return "; ".join(f"{r['outcome'].replace('_', ' ')} {r['date']}" for r in node) or "never asked"
    if path == "setbacks":
        return str(node[-1]["date"]) if node else "none"
    if isinstance(node, bool):
        return "yes" if node else "no"
    if isinstance(node, list):
        return "; ".join(map(str, node))
    return str(node)


def test_claire_reaches_her_advice_in_at_most_15_questions(tmp_path):
    claire = yaml.safe_load(CLAIRE.read_text())
    advisor = Advisor()
    session = Interview(advisor, {}, date(2026, 11, 24))
    questions = []

    def read_line():
        questions.append(session.asked[-1])
        return answer_from(claire, session.asked[-1]) + "\n"

    advice = session.run(read_line, lambda text: None)
    assert len(questions) <= 15
    assert questions[0] == "role_start_date"  # a coach asks when the role began first
    expected = advisor.advise(read_facts(str(CLAIRE)))
    assert advice.stage.name == expected.stage.name == "foundation"
    top = [r.rule_id for r in advice.recommendations[:3]]
    assert top == [r.rule_id for r in expected.recommendations[:3]]
    # the saved file gives the same advice through advise
    saved = tmp_path / "claire.yaml"
    saved.write_text(yaml.safe_dump(session.validated().model_dump(mode="json", exclude_none=True)))
    printed = CliRunner().invoke(main, ["advise", str(saved), "--format", "json"])
    assert json.loads(printed.output) == json.loads(full_advice(advisor, session.validated()).model_dump_json())


def test_piped_answers_are_checked_and_saved(tmp_path):
    out = tmp_path / "me.yaml"
    # role start, last promotion (skipped), requests, setbacks, the manager, gaps, every duty covered
    # ("maybe" is asked again)
    answers = "2024-01\n\nnever asked\nnone\nstrong\nnone\nmaybe\nyes\n"
    result = CliRunner().invoke(
        main,
        ["interview", "-o", str(out), "--as-of", "2026-11-24", "--max-questions", "7", "--format", "json"],
        input=answers,
    )
    assert result.exit_code == 0, result.output
    assert "please answer yes or no" in result.output
    saved = yaml.safe_load(out.read_text())
    assert str(saved["role_start_date"]) == "2024-01-01" and "last_promotion_date" not in saved
    assert saved["promotion_requests"] == [] and saved["performance_gaps"] == []
    assert saved["meets_all_responsibilities"] is True
    assert saved["setbacks"] == [] and saved["manager_relationship"] == "strong"
    advice = json.loads(result.output[result.output.index("{") :])
    assert advice["as_of"] == "2026-11-24"


def test_a_date_after_today_is_refused_kindly(tmp_path):
    out = tmp_path / "me.yaml"
    result = CliRunner().invoke(
        main,
        ["interview", "-o", str(out), "--as-of", "2026-11-24", "--facts", str(CLAIRE), "--max-questions", "1"],
        input="2027-01-01\n2026-06-01\n",
    )
    assert result.exit_code == 0, result.output
    assert "That answer cannot be used" in result.output
    assert "2027-01-01" not in out.read_text()


def test_resuming_asks_only_what_is_missing(tmp_path):
    out = tmp_path / "claire.yaml"
    result = CliRunner().invoke(
        main, ["interview", "--facts", str(CLAIRE), "-o", str(out), "--max-questions", "2"], input="\n\n"
    )
    assert result.exit_code == 0, result.output
    assert "When did you start your current role?" not in result.output  # already known
    saved = yaml.safe_load(out.read_text())
    assert saved["role_start_date"] == "2024-05-06" and saved["as_of"] == "2026-11-24"
    assert len(saved["promotion_requests"]) == 2


def test_done_ends_the_interview_with_advice(tmp_path):
    out = tmp_path / "me.yaml"
    result = CliRunner().invoke(main, ["interview", "-o", str(out), "--as-of", "2026-11-24"], input="done\n")
    assert result.exit_code == 0
    assert "(1 question asked)" in result.output
    assert "Write an honest review of yourself" in result.output


def test_interview_in_a_real_terminal(tmp_path):
    """A person at a terminal: the question appears, the answer is read, advice is laid out."""
    script = Path(sys.executable).parent / "promorules"
    out = tmp_path / "me.yaml"
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(tmp_path)
        os.execv(
            str(script), [str(script), "interview", "-o", str(out), "--as-of", "2026-11-24", "--max-questions", "2"]
        )
    seen = b""

    def read_until(marker: bytes, limit: float = 30.0) -> bytes:
        nonlocal seen
        deadline = time.monotonic() + limit
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
        return seen

    assert b"1. When did you start your current role?" in read_until(b"> ")
    os.write(fd, b"2024-01\n")
    read_until(b"2. ")
    os.write(fd, b"\n")
    read_until(b"What to do, in order")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, seen.decode(errors="replace")
    assert b"What to do, in order" in seen
    assert str(yaml.safe_load(out.read_text())["role_start_date"]) == "2024-01-01"


def test_questions_about_the_written_case_wait_until_there_is_one():
    asked_without = Interview(Advisor(), {}, date(2026, 11, 24), max_questions=200)
    asked_without.run(lambda: "\n", lambda text: None)
    assert "case_document" in asked_without.asked
    assert not [p for p in asked_without.asked if p.startswith(("case_document.", "promotion_requests[-1]."))]
    with_case = Interview(Advisor(), {"case_document": {"exists": True}}, date(2026, 11, 24), max_questions=200)
    with_case.run(lambda: "\n", lambda text: None)
    assert "case_document.components" in with_case.asked


def test_all_shows_every_recommendation_in_full_after_the_interview(tmp_path):
    """As with advise: by default the first few in full and the rest one line each; --all shows all."""

    def interview(*extra):
        out = tmp_path / f"claire{len(extra)}.yaml"
        return CliRunner().invoke(
            main, ["interview", "-o", str(out), "--facts", str(CLAIRE), "--max-questions", "1", *extra], input="\n"
        )

    short, everything = interview(), interview("--all")
    assert short.exit_code == 0 and everything.exit_code == 0, short.output + everything.output
    assert "Also worth doing (one line each; --all shows them in full)" in short.output
    assert len(everything.output.splitlines()) > len(short.output.splitlines())
    assert "Also worth doing" not in everything.output


def test_what_decides_the_stage_and_the_reasons_to_wait_is_asked_before_details():
    """Role start, the last promotion, every request and its answer, setbacks and the manager come first.

    A setback holds the request back (timing.avoid-after-setback, readiness.address-setback-first); asked
    after thirty questions about details, it never reached a person who stops at the default fifteen.
    """
    interview = Interview(Advisor(), {}, date(2026, 11, 24))
    interview.run(lambda: "\n", lambda text: None)
    assert interview.asked[:5] == [
        "role_start_date",
        "last_promotion_date",
        "promotion_requests",
        "setbacks",
        "manager_relationship",
    ]


def test_a_refusal_brings_its_details_and_still_the_setbacks_within_the_default_questions():
    answers = iter(["2024-01-08", "2022-05", "not yet 2026-09-01"])
    interview = Interview(Advisor(), {}, date(2026, 11, 24))
    interview.run(lambda: next(answers, ""), lambda text: None)
    assert "promotion_requests[-1].criteria" in interview.asked
    assert "setbacks" in interview.asked
    assert interview.asked.index("setbacks") < interview.asked.index("performance_gaps")


def test_just_promoted_is_not_asked_about_readiness_for_the_job_just_won():
    facts = yaml.safe_load((ROOT / "examples" / "sam-just-promoted.yaml").read_text())
    as_of = facts.pop("as_of")
    interview = Interview(Advisor(), facts, as_of)
    interview.run(lambda: "\n", lambda text: None)
    readiness = {"performance_gaps", "meets_all_responsibilities", "self_assessment_done"}
    assert not readiness & set(interview.asked[:10]), interview.asked
