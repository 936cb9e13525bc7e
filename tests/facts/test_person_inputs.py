"""Facts files as every command reads them: the day, a date after it, an empty file."""

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.cli import main

ROOT = Path(__file__).resolve().parents[2]
MARCUS = str(ROOT / "examples" / "marcus-three-vague-no.yaml")
CLAIRE_READY = str(ROOT / "examples" / "claire-ready-to-ask.yaml")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def commands_reading(path: str) -> dict:
    return {
        "advise": ["advise", path],
        "case": ["case", path],
        "explain": ["explain", "timing.avoid-freeze", "--facts", path],
        "interview": ["interview", "--facts", path, "--max-questions", "1"],
    }


def test_case_and_explain_take_today_when_the_file_gives_no_day(tmp_path):
    facts = tmp_path / "f.yaml"
    facts.write_text("role_start_date: 2025-05-01\n")
    drafted = run("case", str(facts))
    assert drafted.exit_code == 0, drafted.output
    assert f"_Draft of {date.today().isoformat()}," in drafted.output
    explained = run("explain", "timing.avoid-under-12-months", "--facts", str(facts))
    assert explained.exit_code == 0, explained.output
    assert "For you:" in explained.output
    on_a_day = run("case", str(facts), "--as-of", "2026-01-02")
    assert "_Draft of 2026-01-02," in on_a_day.output


@pytest.mark.parametrize("command", ["advise", "case", "explain", "interview"])
def test_a_date_after_today_is_named_at_its_line_without_as_of(tmp_path, command):
    facts = tmp_path / "f.yaml"
    facts.write_text("frustrated: false\nrole_start_date: 2099-05-01\n")
    result = run(*commands_reading(str(facts))[command], input="done\n")
    assert result.exit_code == 2, result.output
    assert f"error: {facts}:2:1: role_start_date after as_of ({date.today().isoformat()})" in result.output
    assert "internal problem" not in result.output and "ValidationError" not in result.output


def test_a_date_after_today_from_standard_input_is_named_at_its_line():
    result = run("advise", "-", input="role_start_date: 2099-05-01\n")
    assert result.exit_code == 2, result.output
    assert "error: <stdin>:1:1: role_start_date after as_of" in result.output


@pytest.mark.parametrize("text", ["", "# my facts, to be written\n\n"])
@pytest.mark.parametrize("command", ["advise", "case", "explain", "interview"])
def test_a_file_without_facts_is_refused_kindly(tmp_path, text, command):
    facts = tmp_path / "me.yaml"
    facts.write_text(text)
    result = run(*commands_reading(str(facts))[command], input="done\n")
    assert result.exit_code == 2, result.output
    assert f"error: {facts}: no facts in it" in result.output
    assert "promorules interview" in result.output


def test_nothing_on_standard_input_is_refused_kindly():
    result = run("advise", "-", input="")
    assert result.exit_code == 2, result.output
    assert "error: <stdin>: no facts in it" in result.output


def test_explain_with_facts_fills_the_advice_with_the_persons_values():
    vague = run("explain", "leave.repeated-vague-no", "--facts", MARCUS)
    assert vague.exit_code == 0, vague.output
    assert "3 answers in a row came without specifics" in vague.output
    assert "{consecutive_vague_denials}" not in vague.output
    season = run("explain", "timing.review-season", "--facts", CLAIRE_READY).output
    assert "review cycle starts on 2027-07-05" in season and "{org_next_review_start}" not in season
    general = run("explain", "leave.repeated-vague-no").output  # without facts the placeholder says what goes there
    assert "{consecutive_vague_denials} answers in a row" in general
