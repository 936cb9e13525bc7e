"""A feature file with no scenarios is never passed over in silence.

Run alone, it checked nothing, so a green exit would be a false pass: it is
bad input (exit 2). In a folder of features it is most likely a file being
drafted, so the rest still run and it gets a warning line naming it, repeated
in the summary line a coach reads last.
"""

from click.testing import CliRunner

from promorules.cli import main

SCENARIO = (
    "Feature: checked\n"
    "  Scenario: someone who told us nothing\n"
    "    When they ask for advice on 2026-11-24 with no facts at all\n"
    '    Then the stage is "foundation"\n'
)
WARNING = "warning: this feature file has no scenarios, so nothing in it is checked"


def run(*args):
    return CliRunner().invoke(main, ["ruleset", "test", *args])


def test_an_empty_feature_file_run_alone_is_bad_input(tmp_path):
    for text in ("", "Feature: drafted, no scenarios yet\n", "# just a comment\n"):
        path = tmp_path / "empty.feature"
        path.write_text(text)
        result = run("default", str(path))
        assert result.exit_code == 2, result.output
        assert result.output == f"error: {path}: this feature file has no scenarios, so nothing in it is checked\n"


def test_an_empty_feature_file_in_a_folder_is_named_and_the_rest_run(tmp_path):
    folder = tmp_path / "features"
    folder.mkdir()
    (folder / "a-drafted.feature").write_text("Feature: to do\n")
    (folder / "b-empty.feature").write_text("")
    (folder / "c-checked.feature").write_text(SCENARIO)
    result = run("default", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [f"{folder / 'a-drafted.feature'}: {WARNING}", f"{folder / 'b-empty.feature'}: {WARNING}"]
    assert lines[2].startswith("PASS  ")
    assert lines[-1] == "1 scenario: 1 passed, 0 failed; 2 feature files without scenarios"


def test_a_folder_of_only_empty_feature_files_is_bad_input(tmp_path):
    folder = tmp_path / "features"
    folder.mkdir()
    (folder / "a.feature").write_text("")
    (folder / "b.feature").write_text("Feature: b\n")
    result = run("default", str(folder))
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: {folder / 'a.feature'}: this feature file has no scenarios, so nothing in it is checked",
        f"error: {folder / 'b.feature'}: this feature file has no scenarios, so nothing in it is checked",
    ]
