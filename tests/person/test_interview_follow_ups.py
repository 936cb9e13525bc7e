"""After a list answer, the interview asks about its latest item while the details matter: whether a setback
was dealt with and who gave it, whom the person plans to ask, and what a refusal said (criteria, dates)."""

import json
import re

import yaml
from click.testing import CliRunner

from promorules.cli import main

SETBACKS = "Any setbacks in the last twelve months (a mistake, a missed target, critical feedback)?"
ADDRESSED = "Have you dealt with it, in a way others could see?"
GIVEN_BY = "Who gave that criticism, or saw the miss?"
GAP = "In a few words, what does it say you could do better?"
REQUESTS = "Have you asked for a promotion before? How did each request end, and when?"
REASON = "What reason were you given?"
SPECIFIC = "Did you get concrete, specific criteria for what must change?"
CRITERIA = "Which criteria were you given? (what must change for a yes)"
DEADLINE = "By what date should the criteria be met? ('by Q3': its last day)"
REVISIT = "On what date will the decision be looked at again?"
PEOPLE = "Who would speak up for you with the people who decide?"
PLANNED = "Which of them do you plan to ask to speak up for you (and have not asked yet)?"
PROMPT = re.compile(r"\n\d+\. (.+?)\n   \(")


def interview(tmp_path, script: dict[str, list[str]]):
    """A person who answers the questions in ``script`` (each answer in turn, so a retry is the next one) and
    presses Enter at every other question. Returns the run, what it saved, and the answers it never asked for."""
    out = tmp_path / "me.yaml"
    wanted = {text: list(answers) for text, answers in script.items()}
    lines: list[str] = []
    while True:
        result = CliRunner().invoke(
            main,
            [
                "interview",
                "-o",
                str(out),
                "--force",
                "--as-of",
                "2026-11-24",
                "--max-questions",
                "200",
                "--format",
                "json",
            ],
            input="".join(f"{line}\n" for line in lines) + "\n" * 300,
        )
        assert result.exit_code == 0, result.output
        prompts = PROMPT.findall(result.output)
        later = [(i, text) for i, text in enumerate(prompts) if i >= len(lines)]
        due = next(((i, key) for i, text in later for key in wanted if wanted[key] and text.startswith(key)), None)
        if due is None:
            break
        lines += [""] * (due[0] - len(lines)) + [wanted[due[1]].pop(0)]
    advice = json.loads(result.output.split("asked).\n", 1)[1])
    unasked = {text: answers for text, answers in wanted.items() if answers}
    return result, yaml.safe_load(out.read_text()), advice, unasked


def rule_ids(advice: dict) -> list[str]:
    return [r["rule_id"] for r in advice["recommendations"]]


def test_a_setback_not_dealt_with_is_saved_and_brings_its_advice(tmp_path):
    result, saved, advice, unasked = interview(
        tmp_path, {SETBACKS: ["2026-10"], ADDRESSED: ["no"], GIVEN_BY: ["executive"], GAP: ["stakeholder updates"]}
    )
    assert unasked == {}
    assert saved["setbacks"] == [
        {"date": "2026-10-01", "addressed": False, "given_by": "exec", "gap_shown": "stakeholder updates"}
    ]
    assert "readiness.address-setback-first" in rule_ids(advice)
    # the follow-ups come right after the setback answer
    prompts = PROMPT.findall(result.output)
    at = prompts.index(SETBACKS)
    assert prompts[at + 1 : at + 4] == [ADDRESSED, GIVEN_BY, GAP]


def test_the_criteria_and_dates_of_a_not_yet_are_saved_and_named_back(tmp_path):
    _, saved, advice, unasked = interview(
        tmp_path,
        {
            REQUESTS: ["not yet 2026-09-01"],
            REASON: ["experience gap"],
            SPECIFIC: ["yes"],
            CRITERIA: ["lead the billing migration; mentor two juniors"],
            DEADLINE: ["2027-03"],  # by March
            REVISIT: ["2027-04-15"],
        },
    )
    assert unasked == {}
    assert saved["promotion_requests"] == [
        {
            "date": "2026-09-01",
            "outcome": "not_yet",
            "stated_reason": "experience_gap",
            "feedback_specific": True,
            "criteria": ["lead the billing migration", "mentor two juniors"],
            "revisit_date": "2027-04-15",
            "criteria_deadline": "2027-03-31",
        }
    ]
    assert rule_ids(advice)[0] == "escalate.wait-for-revisit-date"  # the agreed date holds the request
    # before a revisit date is agreed, the advice names the criteria back and aims the person at them
    _, saved, advice, unasked = interview(
        tmp_path,
        {
            REQUESTS: ["not yet 2026-09-01"],
            SPECIFIC: ["yes"],
            CRITERIA: ["lead the billing migration"],
        },
    )
    assert unasked == {} and saved["promotion_requests"][0]["criteria"] == ["lead the billing migration"]
    named = [r["rule_id"] for r in advice["recommendations"] if "lead the billing migration" in json.dumps(r)]
    assert "escalate.wait-for-criteria" in named


def test_planned_asks_are_saved_on_the_people_named(tmp_path):
    _, saved, _, unasked = interview(tmp_path, {PEOPLE: ["Ana Ruiz; Ben"], PLANNED: ["ben"]})
    assert unasked == {}
    planned = {person["name"]: person["plan_to_ask"] for person in saved["people"]}
    assert planned == {"Ana Ruiz": False, "Ben": True}


def test_every_follow_up_can_be_skipped(tmp_path):
    result, saved, _, unasked = interview(
        tmp_path, {SETBACKS: ["2026-10"], REQUESTS: ["denied 2026-06-10"], PEOPLE: ["Ana"]}
    )
    assert unasked == {}
    for question in (ADDRESSED, GIVEN_BY, GAP, REASON, SPECIFIC, CRITERIA, REVISIT, PLANNED):
        assert question in result.output
    assert DEADLINE not in result.output  # no criteria given, so no date for them is asked
    assert saved["setbacks"] == [{"date": "2026-10-01"}]
    assert saved["promotion_requests"] == [{"date": "2026-06-10", "outcome": "denied"}]
    assert saved["people"][0]["name"] == "Ana" and "plan_to_ask" not in saved["people"][0]


def test_follow_ups_wait_for_what_they_are_about(tmp_path):
    """No setback, nobody named, a request that was approved: nothing to follow up."""
    result, _, _, _ = interview(tmp_path, {SETBACKS: ["none"], REQUESTS: ["approved 2025-06-10"], PEOPLE: ["none"]})
    for question in (ADDRESSED, GIVEN_BY, GAP, REASON, SPECIFIC, CRITERIA, REVISIT, PLANNED):
        assert question not in result.output


def test_a_follow_up_answer_that_cannot_be_used_is_asked_again(tmp_path):
    result, saved, _, unasked = interview(
        tmp_path,
        {
            SETBACKS: ["2026-10"],
            ADDRESSED: ["maybe", "no"],
            GIVEN_BY: ["the board", "2"],
            REQUESTS: ["not yet 2026-09-01"],
            REVISIT: ["next spring", "2027-04"],
            PEOPLE: ["Ana; Ben"],
            PLANNED: ["Carol", "1"],
        },
    )
    assert unasked == {}
    assert "That answer cannot be used: please answer yes or no" in result.output
    assert 'That answer cannot be used: "the board" is not one of the choices' in result.output
    assert 'That answer cannot be used: "next spring" is not a date' in result.output
    assert 'That answer cannot be used: "Carol" is not one of the choices' in result.output
    assert saved["setbacks"][0]["addressed"] is False and saved["setbacks"][0]["given_by"] == "skip"
    assert saved["promotion_requests"][0]["revisit_date"] == "2027-04-01"
    assert [p["plan_to_ask"] for p in saved["people"]] == [True, False]
