"""An HR platform joins advice back by its own employee ids, and stores compact, versioned views of it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from promorules import (
    SCHEMA_VERSION,
    Advice,
    Advisor,
    IdError,
    IdsView,
    InputError,
    SummaryView,
    json_schema,
    read_facts,
    view_of,
)
from promorules.service.batch import run_batch
from promorules.service.batch_output import _whole_lines
from tests.support.people import varied_people

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PROMORULES = [sys.executable, "-c", "from promorules.cli import main; main()"]


def run(*args, cwd=ROOT):
    return subprocess.run([*PROMORULES, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


HRIS = """employee_id,as_of,role_start_date,org.hiring_freeze
E-001,2026-11-24,2025-01-01,no
E-002,2026-11-24,not-a-date,no
E-003,2026-11-24,2025-01-01,maybe
E-004,2026-11-24,2024-01-01,yes
E-005,2026-11-24,2024-01-01,no,surplus
E-006,2026-11-24,2023-06-01,
"""


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# ------------------------------------------------------------------ ids through batch


def test_a_csv_with_employee_ids_and_bad_rows_gives_one_line_per_row_each_with_its_id_in_order(tmp_path):
    source = tmp_path / "hris.csv"
    source.write_text(HRIS)
    out = tmp_path / "advice.jsonl"
    done = run("batch", source, "-o", out, "--workers", "2")
    assert done.returncode == 0, done.stderr
    lines = lines_of(out)
    assert [(line["record"], line["id"]) for line in lines] == [(n, f"E-00{n}") for n in range(1, 7)]
    assert ["advice" in line for line in lines] == [True, False, False, True, False, True]
    assert lines[1]["error"]["field"] == "role_start_date"
    assert lines[2]["error"]["field"] == "org.hiring_freeze"
    assert [line["advice"]["id"] for line in lines if "advice" in line] == ["E-001", "E-004", "E-006"]
    # never a fact: no "unknown fact" error, and the advice is the one the facts alone give
    alone = Advisor().advise({"as_of": "2026-11-24", "role_start_date": "2025-01-01", "org": {"hiring_freeze": False}})
    assert Advice.model_validate(lines[0]["advice"]) == alone.model_copy(update={"id": "E-001"})


def test_id_column_names_another_column_and_a_missing_one_is_refused(tmp_path):
    source = tmp_path / "hris.csv"
    source.write_text(HRIS.replace("employee_id", "personnel_no"))
    out = tmp_path / "advice.jsonl"
    refused = run("batch", source, "-o", out, "--workers", "1")
    assert refused.returncode == 2 and 'unknown column "personnel_no"' in refused.stderr
    assert "Traceback" not in refused.stderr
    wrong = run("batch", source, "-o", out, "--workers", "1", "--id-column", "personel_no")
    assert wrong.returncode == 2
    assert '--id-column: there is no column "personel_no" (did you mean "personnel_no"?)' in wrong.stderr
    assert not out.exists()
    done = run("batch", source, "-o", out, "--workers", "1", "--id-column", "personnel_no", "--view", "ids")
    assert done.returncode == 0, done.stderr
    assert [line["id"] for line in lines_of(out)] == [f"E-00{n}" for n in range(1, 7)]


def test_jsonl_ids_are_echoed_on_advice_and_error_lines_and_bad_ids_are_named(tmp_path):
    records = [
        {"id": "A-1", "as_of": "2026-11-24"},
        {"id": 42, "as_of": "2026-11-24"},
        {"id": "A-3", "role_start_date": "someday"},
        {"as_of": "2026-11-24"},
        {"id": "x" * 129},
    ]
    output = io.BytesIO()
    source = tmp_path / "people.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    summary = run_batch(str(source), output, view="summary")
    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    assert (summary.records, summary.advised) == (5, 2)
    assert [line.get("id") for line in lines] == ["A-1", None, "A-3", None, None]
    assert lines[0]["advice"]["view"] == "summary" and lines[0]["advice"]["id"] == "A-1"
    assert lines[1]["error"] == {
        "field": "id",
        "message": 'id: must be a string (an id such as "E-1042"), not a number',
    }
    assert lines[2]["error"]["field"] == "role_start_date"
    assert "id" not in lines[3] and lines[3]["advice"]["id"] is None
    assert lines[4]["error"] == {"field": "id", "message": "id: must be 1 to 128 characters, not 129"}


def test_a_stopped_batch_with_ids_resumes_to_the_bytes_of_an_unbroken_run(tmp_path):
    source = tmp_path / "hris.csv"
    source.write_text(HRIS)
    unbroken = tmp_path / "unbroken.jsonl"
    assert run("batch", source, "-o", unbroken, "--workers", "1", "--view", "summary").returncode == 0
    out = tmp_path / "advice.jsonl"
    whole = unbroken.read_bytes().splitlines(keepends=True)
    Path(f"{out}.partial").write_bytes(b"".join(whole[:3]) + whole[3][:40])  # cut off inside record 4
    settings = {
        "input": str(source),
        "format": "auto",
        "outlook": False,
        "ruleset": None,
        "thresholds": {},
        "as_of": None,
        "view": "summary",
        "id_column": None,
        "day": "2026-11-24",
    }
    Path(f"{out}.partial.run").write_text(json.dumps(settings, sort_keys=True) + "\n")
    assert _whole_lines(f"{out}.partial")[0].records == 3
    done = run("batch", source, "-o", out, "--workers", "1", "--view", "summary", "--resume")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == unbroken.read_bytes()
    changed = run("batch", source, "-o", tmp_path / "b.jsonl", "--view", "summary")
    assert changed.returncode == 0
    Path(f"{tmp_path / 'c.jsonl'}.partial").write_bytes(whole[0])
    Path(f"{tmp_path / 'c.jsonl'}.partial.run").write_text(json.dumps(settings, sort_keys=True))
    other = run("batch", source, "-o", tmp_path / "c.jsonl", "--view", "ids", "--resume")
    assert other.returncode == 2 and 'the stopped run had view "summary", this one "ids"' in other.stderr


# ------------------------------------------------------------------ ids in the API


def test_the_api_takes_an_id_as_an_argument_or_a_key_and_never_as_a_fact():
    advisor = Advisor()
    facts = {"as_of": "2026-11-24", "role_start_date": "2025-01-01"}
    plain = advisor.advise(facts)
    assert plain.id is None and plain.schema_version == SCHEMA_VERSION
    assert advisor.advise(facts, id="E-7") == plain.model_copy(update={"id": "E-7"})
    assert advisor.advise({**facts, "id": "E-7"}) == plain.model_copy(update={"id": "E-7"})
    assert advisor.advise({**facts, "id": "E-7"}, view="ids").id == "E-7"
    assert advisor.advise({**facts, "id": "E-7"}, id="E-7").id == "E-7"


@pytest.mark.parametrize(
    "given, message",
    [
        (7, 'id: must be a string (an id such as "E-1042"), not a number'),
        ("", "id: must be 1 to 128 characters, not 0"),
        ("e" * 129, "id: must be 1 to 128 characters, not 129"),
        ("E-1\n", "id: must be printable text (no line breaks, control characters or lone surrogates)"),
    ],
)
def test_a_bad_id_is_a_named_error(given, message):
    with pytest.raises(IdError) as caught:
        Advisor().advise({"as_of": "2026-11-24"}, id=given)
    assert caught.value.message == message
    assert caught.value.problems[0].field == "id"
    with pytest.raises(IdError):
        Advisor().advise({"as_of": "2026-11-24", "id": given})


def test_two_different_ids_for_one_person_are_refused():
    with pytest.raises(IdError, match="differ"):
        Advisor().advise({"as_of": "2026-11-24", "id": "E-1"}, id="E-2")


# ------------------------------------------------------------------ views


def test_each_view_from_advise_is_the_full_advice_cut_down():
    for engine in ("durable", "python"):
        advisor = Advisor(engine=engine)
        people = [read_facts(str(path)) for path in EXAMPLES] + list(varied_people(150))
        for person in people:
            full = advisor.advise(person, id="E-9")
            for view in ("summary", "ids"):
                assert advisor.advise(person, view=view, id="E-9") == view_of(full, view), (engine, view)
            assert view_of(full, "full") is full


def test_a_summary_line_is_at_most_3_kb_for_every_example_person(tmp_path):
    source = tmp_path / "examples.jsonl"
    source.write_text(
        "\n".join(
            json.dumps({"id": f"E-{n:06d}", **read_facts(str(path)).model_dump(mode="json", exclude_none=True)})
            for n, path in enumerate(EXAMPLES)
        )
        + "\n"
    )
    output = io.BytesIO()
    run_batch(str(source), output, view="summary")
    lines = output.getvalue().splitlines()
    assert len(lines) == len(EXAMPLES)
    for path, line in zip(EXAMPLES, lines):
        assert len(line) <= 3 * 1024, (path.name, len(line))
        summary = json.loads(line)["advice"]
        full = Advisor().advise(read_facts(str(path)))
        assert summary["ranked"] == [r.rule_id for r in full.recommendations]
        assert summary["recommendations"][0]["text"] == full.recommendations[0].text
        assert summary["held_back"] == [h.rule_id for h in full.held_back]
        assert summary["missing_facts"] == [m.fact for m in full.missing_facts[:5]]
        assert len(line) * 4 < len(full.model_dump_json())


def test_the_ids_view_dates_every_recommendation():
    person = read_facts(str(ROOT / "examples" / "claire-ready-to-ask.yaml"))  # a date at rank 9
    full = Advisor().advise(person)
    ids = Advisor().advise(person, view="ids")
    assert isinstance(ids, IdsView)
    assert [(i.rule_id, i.date) for i in ids.recommendations] == [(r.rule_id, r.date) for r in full.recommendations]
    assert any(i.date for i in ids.recommendations)
    assert ids.stage == full.stage.name


def test_an_unknown_view_is_refused_naming_the_choices():
    with pytest.raises(InputError, match='^view must be "full", "summary" or "ids", not \'short\'$'):
        Advisor().advise({"as_of": "2026-11-24"}, view="short")  # type: ignore[call-overload]


@pytest.mark.parametrize("kind", ["advice", "summary", "ids"])
def test_every_output_validates_against_its_published_schema(kind):
    printed = run("schema", kind)
    assert printed.returncode == 0
    schema = json.loads(printed.stdout)
    assert schema == json_schema(kind)
    assert "schema_version" in schema["required"] and "id" in schema["required"]
    view = "full" if kind == "advice" else kind
    for path in EXAMPLES:
        out = Advisor().advise(read_facts(str(path)), view=view, id="E-1")
        jsonschema.validate(json.loads(out.model_dump_json()), schema)


# ------------------------------------------------------------------ versioned, read forward


def test_an_advice_written_by_a_newer_version_with_added_fields_is_read():
    advice = Advisor().advise(read_facts(str(EXAMPLES[0])), id="E-1")
    data = json.loads(advice.model_dump_json())
    data["schema_version"] = "1.7"
    data["tenant"] = "acme"
    data["recommendations"][0]["confidence"] = 0.8
    data["recommendations"][0]["sources"][0]["isbn"] = "978-0"
    read = Advice.model_validate_json(json.dumps(data))
    assert read.model_copy(update={"schema_version": SCHEMA_VERSION}) == advice
    summary = json.loads(Advisor().advise(read_facts(str(EXAMPLES[0])), view="summary").model_dump_json())
    summary["recommendations"][0]["score"] = 1
    assert SummaryView.model_validate(summary).recommendations[0].rank == 1


# ------------------------------------------------------------------ sources


def test_citations_name_the_source_as_a_reader_finds_it_never_a_file_name():
    for path in EXAMPLES:
        for output in ("json", "markdown", "text"):
            shown = run("advise", path, "--all", "--format", output)
            assert shown.returncode == 0, shown.stderr
            assert ".txt" not in shown.stdout, (path.name, output)
    advice = Advisor().advise(read_facts(str(ROOT / "examples" / "marcus-three-vague-no.yaml")))
    cited = {c.source: c for r in advice.recommendations for c in r.sources}
    assert cited["S1"].title == "How to Make the Case for a Promotion" and cited["S1"].published == "2026-04-29"
    assert all(c.title and c.section for c in cited.values())
    markdown = run("advise", ROOT / "examples" / "marcus-three-vague-no.yaml", "--all", "--format", "markdown")
    assert (
        'How to Make the Case for a Promotion (a career-development blog (Career Development), 2026-04-29), "'
        in markdown.stdout
    )
    coach = run("ruleset", "show", ROOT / "rulesets" / "default", "--effective")
    assert coach.returncode == 0 and "001_19ee3a768e8488f6.txt" in coach.stdout  # the coach keeps the file


# ------------------------------------------------------------------ lean install

BLOCKER = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Blocker())
sys.argv = ["promorules", *sys.argv[1:]]
from promorules.cli import main
main()
"""


def without(blocked: set, *args, tty: bool = False):
    """promorules run as if ``blocked`` were not installed; on a pseudo-terminal when ``tty``."""
    code = [sys.executable, "-c", BLOCKER.format(blocked=blocked), *map(str, args)]
    if not tty:
        return subprocess.run(code, cwd=ROOT, capture_output=True, text=True, timeout=120)
    import pty

    main, child = pty.openpty()
    done = subprocess.run(code, cwd=ROOT, stdout=child, stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return subprocess.CompletedProcess(code, done.returncode, b"".join(chunks).decode(), done.stderr)


def test_advise_on_a_terminal_without_rich_prints_plain_text():
    example = ROOT / "examples" / "priya-hiring-freeze.yaml"
    done = without({"rich", "gherkin", "pygments", "markdown_it"}, "advise", example, tty=True)
    assert done.returncode == 0, done.stderr
    assert "Hold the formal request while the company is frozen" in done.stdout
    assert "\x1b[" not in done.stdout  # no colour codes: plain text
    assert run("advise", example).stdout.replace("\n", "\r\n") == done.stdout  # the piped text, as a tty shows it


def test_a_coach_command_without_its_extra_says_which_extra_to_install():
    done = without({"gherkin"}, "ruleset", "validate")
    assert done.returncode == 2
    assert done.stderr == (
        "error: `promorules ruleset` needs the coach extra (gherkin is missing); "
        "install it with: pip install 'promorules[coach]'\n"
    )
    assert without({"gherkin", "rich"}, "batch", "--help").returncode == 0


def test_the_core_install_needs_only_what_advising_needs():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = sorted(
        dep.split(";")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower() for dep in project["dependencies"]
    )
    assert names == ["click", "durable-rules", "pydantic", "pyyaml"]
    extras = project["optional-dependencies"]
    assert any(dep.startswith("rich") for dep in extras["cli"])
    assert any(dep.startswith("gherkin-official") for dep in extras["coach"])
    assert "server" in extras and project["urls"] and project["classifiers"]
    import promorules

    assert promorules.__version__ == project["version"]
    makefile = (ROOT / "Makefile").read_text()
    assert all(extra in makefile for extra in ("test", "cli", "coach", "server"))
    package_page = (ROOT / project["readme"]).read_text()  # what PyPI shows opens with pip
    assert package_page.index("pip install promorules") < package_page.index("promorules advise")
    assert "make advise" not in package_page.split("```")[1]
    readme = (ROOT / "README.md").read_text()  # a checkout starts with the two make commands
    assert readme.index("make advise") < readme.index("pip install promorules")
