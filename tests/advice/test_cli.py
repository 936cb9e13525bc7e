"""The `promorules advise` command as a person uses it."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from promorules.cli import main

ROOT = Path(__file__).resolve().parents[2]
PRIYA = str(ROOT / "examples" / "priya-hiring-freeze.yaml")
CLAIRE = str(ROOT / "examples" / "claire-first-visit.yaml")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_text_advice_is_ordered_and_names_the_stage():
    result = run("advise", PRIYA)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Make the case, not asking yet\n")
    assert "Start with: Hold the formal request while the company is frozen." in result.output
    assert "1. Hold the formal request while the company is frozen" in result.output
    held = result.output.split("Held back for now")[1].split("What would change this advice")[0]
    assert "Book a meeting just for this" in held
    assert "Held back by: Hold the formal request while the company is frozen" in held


def test_json_advice_is_complete_and_deterministic():
    first = run("advise", PRIYA, "--format", "json")
    second = run("advise", PRIYA, "--format", "json")
    assert first.exit_code == 0
    assert first.output == second.output
    advice = json.loads(first.output)
    assert advice["ruleset"] == {"name": "default", "version": "0.1.0", "settings": {}}
    assert advice["as_of"] == "2026-09-15"
    assert [r["rank"] for r in advice["recommendations"]] == list(range(1, len(advice["recommendations"]) + 1))
    assert advice["held_back"][0]["held_back_by"] == ["timing.avoid-freeze"]
    assert advice["schema_version"] == "1.0"
    cited = advice["recommendations"][0]["sources"][0]
    assert cited["title"] == "When and how to ask for a promotion (checklists and scripts)"
    assert "file" not in cited and ".txt" not in first.output  # the coach's file names are not the person's


def test_facts_from_standard_input_and_as_of_override():
    text = Path(PRIYA).read_text().replace("hiring_freeze: true", "hiring_freeze: false")
    result = run("advise", "-", "--as-of", "2026-12-01", "--format", "json", input=text)
    assert result.exit_code == 0, result.output
    advice = json.loads(result.output)
    assert advice["as_of"] == "2026-12-01"
    ranked = [r["rule_id"] for r in advice["recommendations"]]
    # 41 days before the review cycle, in Q4 budget season, and no freeze any more
    assert {"timing.review-season", "timing.budget-allocation", "conversation.request-dedicated-meeting"} <= set(ranked)
    assert "timing.avoid-freeze" not in ranked and advice["held_back"] == []


def test_claire_gets_her_stage_and_what_to_tell_us():
    result = run("advise", CLAIRE)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Build the foundation, not asking yet\n")
    assert "1. First make the current role rock-solid" in result.output
    assert "2. Write an honest review of yourself" in result.output
    assert "Tell us more: facts that could change this advice" in result.output


def test_bad_facts_exit_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("as_of: 2026-01-01\nrole_start_dat: 2025-01-01\norg:\n  hiring_freeze: maybe\n")
    result = run("advise", str(bad))
    assert result.exit_code == 2
    assert f'{bad}:2:1: unknown fact "role_start_dat" (did you mean "role_start_date"?)' in result.output
    assert f"{bad}:4:3: org.hiring_freeze" in result.output
    assert "Traceback" not in result.output


def test_a_date_after_as_of_is_refused(tmp_path):
    bad = tmp_path / "late.yaml"
    bad.write_text("as_of: 2026-01-01\nrole_start_date: 2026-03-01\n")
    result = run("advise", str(bad))
    assert result.exit_code == 2
    assert "role_start_date after as_of (2026-01-01)" in result.output


def test_bad_ruleset_exits_2_with_file_and_line(tmp_path):
    root = tmp_path / "rs"
    shutil.copytree(ROOT / "rulesets" / "default", root)
    timing = root / "timing.yaml"
    timing.write_text(timing.read_text().replace("when: freeze_active", "when: freeze_activ"))
    result = run("advise", PRIYA, "--ruleset", str(root))
    assert result.exit_code == 2
    assert f"{timing}:" in result.output and 'unknown fact "freeze_activ"' in result.output


def test_missing_files_and_bad_options_exit_2():
    assert run("advise", "no-such-file.yaml").exit_code == 2
    assert run("advise", PRIYA, "--ruleset", "no-such-dir").exit_code == 2
    result = run("advise", PRIYA, "--as-of", "2026-02-30")
    assert result.exit_code == 2 and "is not a date like" in result.output


def test_help_shows_an_example_and_version_is_known():
    assert "Example:" in run("advise", "--help").output
    version = run("--version")
    assert version.exit_code == 0 and "0.1.0" in version.output


def test_the_installed_command_never_shows_a_traceback(tmp_path):
    """Run the real console script, as a person would."""
    script = Path(sys.executable).parent / "promorules"
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"as_of": "2026-01-01", "frustrated": NaN}')
    done = subprocess.run([str(script), "advise", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "NaN is not a number JSON allows" in done.stderr
    good = subprocess.run([str(script), "advise", PRIYA], capture_output=True, text=True)
    assert good.returncode == 0 and "(advice for 2026-09-15, ruleset default" in good.stdout


def test_a_coach_can_tune_a_threshold_from_the_command_line():
    strict = run("advise", PRIYA, "--format", "json", "--threshold", "min_quantified_achievements=12")
    assert strict.exit_code == 0, strict.output
    ids = [r["rule_id"] for r in json.loads(strict.output)["recommendations"]]
    assert "case.quantified-results-5-10" in ids
    default = json.loads(run("advise", PRIYA, "--format", "json").output)["recommendations"]
    assert "case.quantified-results-5-10" not in [r["rule_id"] for r in default]
    bad = run("advise", PRIYA, "--threshold", "min_quantified_achievement=12")
    assert bad.exit_code == 2
    assert 'unknown threshold "min_quantified_achievement" (did you mean "min_quantified_achievements"?)' in bad.output
    assert run("advise", PRIYA, "--threshold", "nonsense").exit_code == 2


def test_rule_ids_and_source_files_are_never_split_across_lines():
    """A person or coach copies an id such as leave.repeated-denials-while-excelling to look it up."""
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        result = run("advise", str(example))
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        for rule_id in json.loads(run("advise", str(example), "--format", "json").output)["recommendations"]:
            assert any(rule_id["rule_id"] in line for line in lines), (example.name, rule_id["rule_id"])
        for line in lines:
            assert not re.search(r"\w-$", line), (example.name, line)
