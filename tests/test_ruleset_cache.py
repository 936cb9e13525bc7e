"""`promorules advise` keeps the compiled ruleset between runs, and never serves one its files no longer say.

Each test copies the bundled ruleset into its own folder, as a coach's ruleset, and gives the cache a folder of
its own (PROMORULES_CACHE). Files dated a minute back stand for a ruleset last edited before the run.
"""

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.advisor import bundled_ruleset_path
from promorules.cli import main

EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "claire-first-visit.yaml")
TITLE = "First make the current role rock-solid"  # the first advice for this person, in stage.yaml
EDITED = "First make the current role rock-hard!"  # the same length: an edit a file's size cannot show


def _backdate(folder: Path) -> None:
    past = time.time() - 60
    for path in [folder, *folder.iterdir()]:
        os.utime(path, (past, past))


@pytest.fixture
def ruleset(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PROMORULES_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "coach-ruleset"
    shutil.copytree(bundled_ruleset_path(), folder)
    _backdate(folder)
    return folder


def _titles(folder: Path, *options: str) -> list[str]:
    result = CliRunner().invoke(main, ["advise", EXAMPLE, "--ruleset", str(folder), "--format", "json", *options])
    assert result.exit_code == 0, result.output
    return [advice["title"] for advice in json.loads(result.output)["recommendations"]]


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("*.pickle"))


def _without_reading(monkeypatch) -> None:
    """From here on, a ruleset can only come from the cache."""

    def refuse(*args, **kwargs):
        raise AssertionError("the ruleset was read from its files")

    monkeypatch.setattr("promorules.ruleset.loader.inspect_ruleset", refuse)


def test_a_second_advise_is_served_from_the_cache_with_the_same_advice(ruleset, tmp_path, monkeypatch):
    first = _titles(ruleset)
    assert first[0] == TITLE and len(_entries(tmp_path)) == 1
    _without_reading(monkeypatch)
    assert _titles(ruleset) == first


def test_a_coach_edits_a_rule_and_the_next_advise_shows_the_edit(ruleset, tmp_path, monkeypatch):
    assert _titles(ruleset)[0] == TITLE
    assert _titles(ruleset)[0] == TITLE  # served from the cache
    stage = ruleset / "stage.yaml"
    before = stage.stat()
    stage.write_text(stage.read_text().replace(TITLE, EDITED))
    os.utime(stage, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time: only the content differs
    assert _titles(ruleset)[0] == EDITED


def test_a_rule_file_added_to_the_folder_is_read(ruleset, tmp_path):
    assert _titles(ruleset)[0] == TITLE
    stage = ruleset / "stage.yaml"
    moved = ruleset / "stage-edited.yml"
    moved.write_text(stage.read_text().replace(TITLE, EDITED))
    stage.unlink()  # the rules now come from a file the entry never saw
    assert _titles(ruleset)[0] == EDITED


def test_thresholds_are_part_of_what_is_kept(ruleset, tmp_path):
    plain = _titles(ruleset)
    _titles(ruleset, "--threshold", "leave_policy=conservative")
    assert len(_entries(tmp_path)) == 2
    assert _titles(ruleset) == plain


def test_a_damaged_or_foreign_entry_is_ignored_and_written_again(ruleset, tmp_path, monkeypatch):
    first = _titles(ruleset)
    (entry,) = _entries(tmp_path)
    entry.write_bytes(b"not a pickle")
    assert _titles(ruleset) == first
    assert entry.read_bytes() != b"not a pickle"
    entry.chmod(0o666)  # anyone could have written it: it is not unpickled
    _without_reading(monkeypatch)
    result = CliRunner().invoke(main, ["advise", EXAMPLE, "--ruleset", str(ruleset)])
    assert result.exit_code != 0


def test_a_ruleset_edited_just_before_the_run_is_not_kept(ruleset, tmp_path):
    (ruleset / "stage.yaml").touch()  # may still be changing as it is read
    assert _titles(ruleset)[0] == TITLE
    assert _entries(tmp_path) == []


def test_the_cache_can_be_turned_off(ruleset, tmp_path, monkeypatch):
    monkeypatch.setenv("PROMORULES_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _titles(ruleset)[0] == TITLE
    assert not (tmp_path / "xdg").exists() and _entries(tmp_path) == []


def test_a_ruleset_with_mistakes_is_refused_every_time(ruleset, tmp_path):
    assert _titles(ruleset)[0] == TITLE
    stage = ruleset / "stage.yaml"
    stage.write_text(stage.read_text() + "\n  - id: broken\n")
    for _ in range(2):
        result = CliRunner().invoke(main, ["advise", EXAMPLE, "--ruleset", str(ruleset)])
        assert result.exit_code == 2 and "stage.yaml" in result.output


def test_an_entry_written_under_a_group_writable_umask_is_still_used(ruleset, tmp_path, monkeypatch):
    old = os.umask(0o002)
    try:
        first = _titles(ruleset)
    finally:
        os.umask(old)
    _without_reading(monkeypatch)
    assert _titles(ruleset) == first


def test_a_new_build_of_the_package_replaces_the_entry_of_the_old(ruleset, tmp_path, monkeypatch):
    first = _titles(ruleset)
    (old,) = _entries(tmp_path)
    monkeypatch.setattr("promorules.engine.cache._package_digest", lambda: "the next release")
    assert _titles(ruleset) == first
    (new,) = _entries(tmp_path)  # one entry per ruleset: the cache does not grow with every upgrade
    assert new != old


def test_an_entry_unused_for_a_month_is_removed_by_the_next_write(ruleset, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    gone = cache / "0123456789abcdef01234567-0123456789abcdef01234567.pickle"  # a ruleset folder since deleted
    gone.write_bytes(b"old")
    month = time.time() - 31 * 86_400
    os.utime(gone, (month, month))
    _titles(ruleset)
    assert not gone.exists() and len(_entries(tmp_path)) == 1
