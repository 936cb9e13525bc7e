"""The interview keeps what the person has: no file replaced unasked, no date made up, no day fixed unasked."""

from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner

from promorules import Advisor
from promorules.cli import main
from promorules.person.interview import Interview

ROOT = Path(__file__).resolve().parents[2]
CLAIRE = ROOT / "examples" / "claire-first-visit.yaml"


def run(*args, input="done\n"):
    return CliRunner().invoke(main, list(args), input=input)


def test_an_existing_file_is_not_replaced_unasked(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text(CLAIRE.read_text())
    result = run("interview", "-o", str(mine))
    assert result.exit_code == 2, result.output
    assert f"error: {mine}: already exists; use `--facts {mine}` to continue from it, or `--force`" in result.output
    assert "1. " not in result.output  # refused before the first question
    assert mine.read_text() == CLAIRE.read_text()
    replaced = run("interview", "-o", str(mine), "--force")
    assert replaced.exit_code == 0, replaced.output
    assert "achievements" not in mine.read_text()


def test_a_second_interview_keeps_the_first_ones_answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(main, ["interview"], input="2024-01\ndone\n")
    assert first.exit_code == 0, first.output
    saved = Path("my-promotion-facts.yaml").read_text()
    second = runner.invoke(main, ["interview"], input="done\n")
    assert second.exit_code == 2 and "--facts my-promotion-facts.yaml" in second.output
    assert Path("my-promotion-facts.yaml").read_text() == saved
    resumed = runner.invoke(main, ["interview", "--facts", "my-promotion-facts.yaml"], input="2022-05\ndone\n")
    assert resumed.exit_code == 0, resumed.output
    kept = yaml.safe_load(Path("my-promotion-facts.yaml").read_text())
    assert str(kept["role_start_date"]) == "2024-01-01" and str(kept["last_promotion_date"]) == "2022-05-01"


def test_a_place_that_cannot_be_saved_to_is_refused_before_the_first_question(tmp_path):
    missing = tmp_path / "nodir" / "x.yaml"
    result = run("interview", "-o", str(missing), input="none\nyes\n")
    assert result.exit_code == 2, result.output
    assert (
        f"error: {missing}: cannot save your answers there: the folder {missing.parent} does not exist" in result.output
    )
    assert "1. " not in result.output and "Traceback" not in result.output


def answers(by_path: dict):
    """An Interview's read_line answering from ``by_path`` (a list of tries per path), Enter for the rest."""

    def read_line(session):
        tries = by_path.get(session.asked[-1])
        return (tries.pop(0) if tries else "") + "\n"

    return read_line


def test_answers_about_work_and_results_carry_only_the_dates_the_person_gave(tmp_path):
    session = Interview(Advisor(), {}, date(2026, 11, 27), max_questions=200)
    said = []
    read = answers(
        {
            "above_level_activities": ["mentoring"],
            "achievements": ["cut handling time by 18%", "cut handling time by 18% 2026-05; won X (2026-03-04)"],
        }
    )
    session.run(lambda: read(session), said.append)
    assert {"above_level_activities", "achievements"} <= set(session.asked)
    assert any("needs the month or day of the result" in text for text in said)  # asked again, not made up
    facts = session.validated()
    assert [(a.kind, a.started) for a in facts.above_level_activities] == [("mentoring", None)]
    assert [(a.title, a.date) for a in facts.achievements] == [
        ("cut handling time by 18%", date(2026, 5, 1)),
        ("won X", date(2026, 3, 4)),
    ]
    saved = tmp_path / "me.yaml"
    saved.write_text(yaml.safe_dump(facts.model_dump(mode="json", exclude_none=True)))
    draft = CliRunner().invoke(main, ["case", str(saved)]).output
    assert "- Mentoring colleagues." in draft and " since " not in draft
    assert "- cut handling time by 18% (2026-05-01)" in draft


def test_the_saved_file_has_no_day_unless_one_was_given(tmp_path):
    today = tmp_path / "today.yaml"
    assert run("interview", "-o", str(today), input="none\ndone\n").exit_code == 0
    assert "as_of" not in yaml.safe_load(today.read_text())
    resumed = run("interview", "--facts", str(today), input="yes\ndone\n")
    assert resumed.exit_code == 0, resumed.output
    assert "as_of" not in yaml.safe_load(today.read_text())
    fixed = tmp_path / "fixed.yaml"
    assert run("interview", "-o", str(fixed), "--as-of", "2026-06-01").exit_code == 0
    assert yaml.safe_load(fixed.read_text())["as_of"] == "2026-06-01"


def test_resuming_a_file_with_its_own_day_says_which_day_is_advised(tmp_path):
    out = tmp_path / "claire.yaml"
    result = run("interview", "--facts", str(CLAIRE), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"Advising for 2026-11-24, the as_of in {CLAIRE}" in result.output
    assert yaml.safe_load(out.read_text())["as_of"] == "2026-11-24"  # the person's own day is kept


def test_help_says_what_happens_to_the_day_and_to_an_existing_file():
    text = " ".join(run("interview", "--help").output.split())
    assert "Default: today" not in text
    assert "Default: the as_of of the --facts file if it has one, else today, which is not saved" in text
    assert "--force" in text and "not replaced without --force" in text
