"""Hostile input costs no more than careless input: problems are capped, and numbers are bounded before conversion.

Two attacks on the work done for bad input, each through the installed
command (in a child process with a timeout, as a person or a script runs it)
and through the library:

* many mistakes: every problem used to be worded, with a "did you mean" of about
  250 µs each, so 1.8 MB of unknown keys took about 24 s and 280 MB. Now the
  first 50 are worded and the rest counted, in facts files, facts given as data
  (the API, batch, the service) and rulesets alike;
* numbers no fact needs: YAML 1.1 reads ``1:1:1`` as base 60, in time growing with
  the square of its length (2 MiB ran for minutes), and a number longer than 4,300
  digits ended as an internal problem. Both are refused before conversion, naming
  the file, line, column and field.

The timeouts are generous bounds (the work now takes well under a second);
what each test checks is the message a person gets.
"""

from __future__ import annotations

import difflib
import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from promorules.errors import MAX_PROBLEMS, InputError, Location, MoreProblems, Problem, closest
from promorules.facts.files import parse_facts, validate_facts
from promorules import load_ruleset
from promorules.yamlsource import Located, load_yaml

PROMORULES = Path(sys.executable).parent / "promorules"
CORPUS_RULESET = Path(__file__).resolve().parents[1] / "support" / "corpus" / "rulesets" / "unknown-fact"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "priya-hiring-freeze.yaml"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(PROMORULES), *args], cwd=cwd, capture_output=True, text=True, timeout=10)


def unknown_keys(count: int) -> dict:
    return {f"unknown_key_{n:05d}": 1 for n in range(count)}


@pytest.fixture
def hints(monkeypatch) -> list:
    """Every word a "did you mean" was worked out for."""
    asked: list = []
    original = difflib.get_close_matches

    def counting(word, *args, **kwargs):
        asked.append(word)
        return original(word, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    return asked


# ------------------------------------------------------------------ many mistakes


def test_a_facts_file_of_80000_unknown_keys_gives_the_first_50_and_a_count(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text("as_of: 2026-11-24\n" + "".join(f"{key}: 1\n" for key in unknown_keys(80_000)))
    assert path.stat().st_size > 1_600_000
    done = run("advise", "facts.yaml", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines[:MAX_PROBLEMS] == [
        f'error: facts.yaml:{n + 2}:1: unknown fact "unknown_key_{n:05d}"' for n in range(MAX_PROBLEMS)
    ]
    assert lines[MAX_PROBLEMS:] == ["error: ... and 79950 more problems"]


def test_facts_given_as_data_word_only_the_problems_shown(hints):
    data = {"as_of": "2026-11-24", **unknown_keys(40_000)}
    assert len(json.dumps(data)) > 900_000
    with pytest.raises(InputError) as caught:
        validate_facts(Located(data, "request"))
    problems = caught.value.problems
    assert [p.message for p in problems[:2]] == ['unknown fact "unknown_key_00000"', 'unknown fact "unknown_key_00001"']
    assert len(problems) == MAX_PROBLEMS + 1
    assert isinstance(problems[-1], MoreProblems) and problems[-1].message == "... and 39950 more problems"
    assert [(p.field or None, p.message) for p in problems][-1] == (None, "... and 39950 more problems")
    assert len(hints) <= 3 * MAX_PROBLEMS, "a hint (at most three comparisons) for each problem shown, no more"


def test_a_few_mistakes_are_all_shown_without_a_count():
    with pytest.raises(InputError) as caught:
        parse_facts("as_of: 2026-11-24\n" + "".join(f"fact_{n}: 1\n" for n in range(MAX_PROBLEMS)), "me.yaml")
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert not any(isinstance(p, MoreProblems) for p in caught.value.problems)


def test_problems_passed_on_keep_their_count():
    """A loader that gathers the problems of several files adds up what each left out."""
    first = InputError([Problem(Location("a.yaml", n + 1), "wrong") for n in range(60)])
    second = InputError([Problem(Location("b.yaml", n + 1), "wrong") for n in range(70)])
    both = InputError(first.problems + second.problems)
    assert [str(p) for p in both.problems[-2:]] == ["a.yaml:50:1: wrong", "... and 80 more problems"]
    assert both.more == 80 and len(both.problems) == MAX_PROBLEMS + 1


def test_one_more_problem_is_counted_in_the_singular():
    error = InputError([Problem(Location("a.yaml", n + 1), "wrong") for n in range(MAX_PROBLEMS + 1)])
    assert str(error.problems[-1]) == "... and 1 more problem"


def test_no_hint_is_looked_for_a_word_longer_than_any_name(hints):
    assert closest("x" * 100_000, ["frustrated", "as_of"]) is None
    assert hints == []
    assert closest("frustated", ["frustrated", "as_of"]) == "frustrated"


def _ruleset_with_unknown_keys(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "ruleset"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text((CORPUS_RULESET / "ruleset.yaml").read_text())
    rule = (CORPUS_RULESET / "rules.yaml").read_text().replace("months_in_rol ", "months_in_role ")
    (folder / "rules.yaml").write_text(rule + "".join(f"    {key}: 1\n" for key in unknown_keys(count)))
    return folder


def test_a_ruleset_of_40000_mistakes_gives_the_first_50_and_a_count(tmp_path, hints):
    folder = _ruleset_with_unknown_keys(tmp_path, 40_000)
    assert (folder / "rules.yaml").stat().st_size > 900_000
    with pytest.raises(InputError) as caught:
        load_ruleset(folder)
    problems = [str(p) for p in caught.value.problems]
    assert problems[0] == f'{folder}/rules.yaml:8:5: unknown key "unknown_key_00000"'
    assert problems[MAX_PROBLEMS:] == ["... and 39950 more problems"]
    assert len(hints) <= MAX_PROBLEMS


def test_the_command_refuses_such_a_ruleset_in_51_lines(tmp_path):
    _ruleset_with_unknown_keys(tmp_path, 40_000)
    done = run("advise", str(EXAMPLE), "--ruleset", "ruleset", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1 and lines[-1] == "error: ... and 39950 more problems"


# ------------------------------------------------------------------ numbers no fact needs

LONG_NUMBERS = {
    "base 60": (":".join(["1"] * (1024 * 1024 - 32)), "org.size: base-60 numbers such as 1:30 are not supported"),
    "decimal": ("9" * 5000, "org.size: a number of 5000 characters; at most 32 are read"),
    "hex": ("0x" + "f" * 5000, "org.size: a number of 5002 characters; at most 32 are read"),
    "binary": ("0b" + "1" * 20_000, "org.size: a number of 20002 characters; at most 32 are read"),
    "octal": ("0" + "7" * 6000, "org.size: a number of 6001 characters; at most 32 are read"),
}


@pytest.mark.parametrize("form", list(LONG_NUMBERS))
def test_the_command_refuses_a_long_number_naming_its_place_and_field(form, tmp_path):
    number, message = LONG_NUMBERS[form]
    (tmp_path / "facts.yaml").write_text(f"as_of: 2026-11-24\norg:\n  size: {number}\n")
    done = run("advise", "facts.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"error: facts.yaml:3:9: {message}") and done.stderr.count("\n") == 1


@pytest.mark.parametrize("form", list(LONG_NUMBERS))
def test_the_library_refuses_a_long_number_before_converting_it(form):
    number, message = LONG_NUMBERS[form]
    with pytest.raises(InputError) as caught:
        parse_facts(f"as_of: 2026-11-24\norg:\n  size: {number}\n", "me.yaml")
    [problem] = caught.value.problems
    assert str(problem).startswith(f"me.yaml:3:9: {message}")


def test_a_rulesets_numbers_are_bounded_the_same_way(tmp_path):
    folder = _ruleset_with_unknown_keys(tmp_path, 0)
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text().replace("priority: 10", "priority: " + ":".join(["1"] * 100_000)))
    with pytest.raises(InputError) as caught:
        load_ruleset(folder)
    assert [str(p) for p in caught.value.problems] == [
        f"{rules}:4:15: rules[0].priority: base-60 numbers such as 1:30 are not supported; "
        "write the number in digits, or quote it if it is text"
    ]


def test_base_60_text_is_read_when_quoted():
    facts = parse_facts('as_of: 2026-11-24\ncurrent_title: "1:30"\norg:\n  size: 0x1F\n', "me.yaml")
    assert facts.current_title == "1:30" and facts.org.size == 31
    with pytest.raises(InputError) as caught:
        parse_facts("as_of: 2026-11-24\ncurrent_title: 1:30\n", "me.yaml")
    assert "me.yaml:2:16: current_title: base-60 numbers" in str(caught.value)


def test_a_json_facts_file_with_a_long_number_names_the_field(tmp_path):
    (tmp_path / "facts.json").write_text(
        '{"as_of": "2026-11-24", "org": {"budget_season_months": [1, ' + "9" * 5000 + "]}}"
    )
    done = run("advise", "facts.json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: facts.json: org.budget_season_months[1]: a number of 5000 characters; at most 32 are read\n"
    )


def test_a_huge_number_given_as_data_is_named_not_an_internal_problem():
    with pytest.raises(InputError) as caught:
        validate_facts(Located({"as_of": "2026-11-24", "org": {"size": 10**5000}}, "request"))
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("org.size", "org.size: must be at most 1000000 (got a number of more than 32 digits)")
    ]


def test_reading_yaml_keeps_nothing_of_the_document():
    """Scalars are made without PyYAML's shared memo, which kept every node read (0.5 MB a ruleset load)."""
    load_yaml("as_of: 2026-11-24\norg: {size: 12, budget_season_months: [1, 2]}\n", "me.yaml")
    gc.collect()
    assert not [node for node in gc.get_objects() if isinstance(node, yaml.nodes.Node)]
