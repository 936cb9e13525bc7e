"""The Python API as an HR platform embeds it: no global state, atomic reloads, failures survived."""

import json
import shutil
import threading
from pathlib import Path

import pytest

import promorules
from promorules import Advisor, InputError, bundled_ruleset_path, full_advice, load_ruleset
from promorules.engine import durable as durable_engine
from tests.support.isolation_kit import FailingDurable

ROOT = Path(__file__).resolve().parents[2]
PERSON = {"as_of": "2026-11-24", "role_start_date": "2026-02-02", "scope_change": "none"}


def copy_with(tmp_path: Path, name: str, version: str, months: int) -> Path:
    """The bundled ruleset under another version, with another minimum time in role."""
    root = tmp_path / name
    shutil.copytree(bundled_ruleset_path(), root)
    write_manifest(root, version, months)
    return root


def write_manifest(root: Path, version: str, months: int) -> None:
    text = (bundled_ruleset_path() / "ruleset.yaml").read_text()
    text = text.replace("version: 0.1.0", f"version: {version}", 1)
    text = text.replace("min_months_in_role:\n    default: 12", f"min_months_in_role:\n    default: {months}", 1)
    (root / "ruleset.yaml").write_text(text)


def test_two_advisors_with_different_rulesets_in_one_process(tmp_path):
    bundled = Advisor()
    patient = Advisor(copy_with(tmp_path, "patient", "2.0.0", 24))
    ours, theirs = patient.advise(PERSON), bundled.advise(PERSON)
    assert (ours.ruleset.version, theirs.ruleset.version) == ("2.0.0", "0.1.0")
    tenure = "timing.avoid-under-12-months"
    assert next(r for r in ours.recommendations if r.rule_id == tenure).date.isoformat() == "2028-02-02"
    assert next(r for r in theirs.recommendations if r.rule_id == tenure).date.isoformat() == "2027-02-02"
    assert Advisor().advise(PERSON) == theirs  # the first advisor was not changed by the second


def test_reload_swaps_the_whole_ruleset_while_evaluations_go_on(tmp_path):
    root = copy_with(tmp_path, "live", "1.0.0", 12)
    advisor = Advisor(root)
    expected = {
        "1.0.0": advisor.advise(PERSON).model_dump_json(),
        "2.0.0": Advisor(copy_with(tmp_path, "other", "2.0.0", 6)).advise(PERSON).model_dump_json(),
    }
    assert expected["1.0.0"] != expected["2.0.0"].replace('"2.0.0"', '"1.0.0"')  # more differs than the version
    seen: dict[str, int] = {}
    wrong: list[str] = []
    stop = threading.Event()

    def evaluate() -> None:
        while not stop.is_set():
            text = advisor.advise(PERSON).model_dump_json()
            version = json.loads(text)["ruleset"]["version"]
            seen[version] = seen.get(version, 0) + 1
            if expected.get(version) != text:
                wrong.append(text)

    threads = [threading.Thread(target=evaluate) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for turn in range(12):
            version, months = ("2.0.0", 6) if turn % 2 == 0 else ("1.0.0", 12)
            write_manifest(root, version, months)
            advisor.reload()
            assert advisor.ruleset.version == version
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not wrong, "an evaluation mixed two rulesets"
    assert seen.get("1.0.0") and seen.get("2.0.0")


def test_a_ruleset_with_problems_is_not_loaded_and_the_old_one_stays(tmp_path):
    root = copy_with(tmp_path, "live", "1.0.0", 12)
    advisor = Advisor(root)
    before = advisor.advise(PERSON)
    (root / "ruleset.yaml").write_text("name: [broken\n")
    with pytest.raises(InputError) as raised:
        advisor.reload()
    assert str(root / "ruleset.yaml") in str(raised.value)
    assert advisor.advise(PERSON) == before


def test_an_advisor_given_a_loaded_ruleset_says_it_cannot_reload():
    advisor = Advisor(load_ruleset(bundled_ruleset_path()))
    with pytest.raises(InputError, match="no path to reload from"):
        advisor.reload()
    with pytest.raises(InputError, match="engine must be"):
        Advisor(engine="fast")  # type: ignore[arg-type]


@pytest.mark.durable
def test_a_long_running_advisor_survives_many_failures_inside_durable(monkeypatch):
    """durable never frees a session that failed: after a few failures the Python evaluator decides, and says so.

    Each failure before that raises; none after it does, since durable is no longer asked.
    """
    advisor = Advisor(engine="durable")
    people = [{**PERSON, "role_start_date": f"2025-{month:02d}-01"} for month in range(1, 13)]
    expected = [Advisor(engine="python").advise(p).model_dump_json() for p in people]
    monkeypatch.setattr(durable_engine, "_durable", FailingDurable("complete_and_start_action", every=1))
    raised = []
    for n in range(1100):
        try:
            advisor.advise(people[n % len(people)])
        except durable_engine.EngineError as error:
            raised.append(str(error))
    assert raised == ["durable-rules: simulated failure"] * durable_engine.MAX_RETIRED_SESSIONS
    assert advisor.engine == "python"
    assert Advisor(engine="durable").engine == "python", "the memory is the process's: a new advisor shares it"
    monkeypatch.setattr(durable_engine, "_durable", durable_engine._durable.real)
    assert [advisor.advise(p).model_dump_json() for p in people * 3] == expected * 3


def test_a_pinned_advisor_keeps_its_ruleset_through_a_reload(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rulesets" / "default", root)
    advisor = Advisor(root)
    pinned = advisor.pinned()
    manifest = root / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    advisor.reload()
    assert advisor.ruleset.version == "0.2.0"
    assert pinned.ruleset.version == "0.1.0"
    assert pinned.advise({"as_of": "2026-11-24"}).ruleset.version == "0.1.0"


@pytest.mark.parametrize(
    "facts, named",
    [
        (None, "None"),
        ('{"as_of": "2026-11-24"}', "str"),
        (5, "int"),
        ([("as_of", "2026-11-24")], "list"),
    ],
)
def test_advise_refuses_facts_that_are_not_facts_or_a_mapping_naming_the_type(facts, named):
    with pytest.raises(InputError) as raised:
        Advisor().advise(facts)
    assert str(raised.value) == f"facts must be a promorules.Facts or a mapping of facts, not {named}"


def test_a_pinned_advisor_says_to_reload_the_advisor_it_was_pinned_from():
    advisor = Advisor()
    cannot = "^Advisor.reload: a pinned advisor cannot reload; reload the advisor it was pinned from$"
    with pytest.raises(InputError, match=cannot):
        advisor.pinned().reload()
    advisor.reload()  # the advisor it was pinned from still can


def test_full_advice_is_part_of_the_package_and_fills_what_advise_leaves_empty():
    assert "full_advice" in promorules.__all__
    person = {"as_of": "2026-11-24", "role_start_date": "2026-05-01"}
    plain, full = Advisor().advise(person), full_advice(Advisor(), person)
    assert (plain.plan, plain.nearest_misses) == ([], [])
    assert full.plan and full.recommendations == plain.recommendations
