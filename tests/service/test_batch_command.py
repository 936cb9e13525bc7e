"""`promorules batch`: N records in, N lines out, in order, each the advice or a named error."""

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from promorules import Advisor
from promorules.service import batch as batch_module
from promorules.service.batch import CHUNK, IN_FLIGHT_PER_WORKER, Settings, _advise_all
from tests.support.people import varied_people

ROOT = Path(__file__).resolve().parents[2]
PROMORULES = [sys.executable, "-c", "from promorules.cli import main; main()"]
PEOPLE = [json.loads(json.dumps(p, default=str)) for p in varied_people(40)]
ADVISOR = Advisor()


def run(*args, cwd=ROOT):
    return subprocess.run([*PROMORULES, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def expected_line(number: int, person: dict) -> dict:
    return {"record": number, "advice": json.loads(ADVISOR.advise(person).model_dump_json())}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> tuple[Path, list]:
    """A JSONL file with good people and every kind of bad record mixed in."""
    lines: list = []
    bad = {
        3: "this is not json",
        7: json.dumps({"as_of": "2026-11-24", "org": {"hiring_freeze": "maybe"}}),
        11: "",
        15: json.dumps(["a", "list"]),
        19: json.dumps({"as_of": "2026-11-24", "role_start_dat": "2025-01-01"}),
        23: json.dumps({"as_of": "2026-11-24", "promotion_requests": [{"date": "2026-01-05", "outcome": "perhaps"}]}),
        27: '{"as_of": "2026-11-24", "frustrated": true, "frustrated": false}',
    }
    people = iter(PEOPLE)
    for number in range(1, 46):
        lines.append(bad[number] if number in bad else json.dumps(next(people)))
    path = tmp_path_factory.mktemp("batch") / "people.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path, lines


def test_n_lines_in_n_lines_out_with_bad_records_named(mixed, tmp_path):
    source, lines = mixed
    out = tmp_path / "advice.jsonl"
    done = run("batch", source, "-o", out, "--workers", "2")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(results) == len(lines) - 1 == 44  # the blank line 11 is not a record
    assert [r["record"] for r in results] == [n for n in range(1, 46) if n != 11]  # record n is line n
    errors = {r["record"]: r["error"] for r in results if "error" in r}
    assert sorted(errors) == [3, 7, 15, 19, 23, 27]
    assert errors[3]["field"] is None and "not valid JSON" in errors[3]["message"]
    assert errors[7]["field"] == "org.hiring_freeze"
    assert errors[15]["message"] == "a record must be a JSON object of facts, not an array"
    assert errors[19]["field"] == "role_start_dat" and 'did you mean "role_start_date"' in errors[19]["message"]
    assert errors[23]["field"] == "promotion_requests[0].outcome"
    assert "appears twice" in errors[27]["message"]
    for result in results:
        if "advice" in result:
            assert result == expected_line(result["record"], json.loads(lines[result["record"] - 1]))
    assert done.stderr.strip().splitlines() == [
        "records: 44, advised: 38, errors: 6, blank lines skipped: 1, seconds: "
        + done.stderr.strip().split("seconds: ")[-1]
    ]


def test_one_worker_and_two_workers_write_the_same_bytes(mixed, tmp_path):
    source, _ = mixed
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run("batch", source, "-o", one, "--workers", "1").returncode == 0
    assert run("batch", source, "-o", two, "--workers", "2").returncode == 0
    assert one.read_bytes() == two.read_bytes()


def test_every_error_of_a_record_is_listed(tmp_path):
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"as_of": "2026-11-24", "frustrated": "often", "org": {"size": -3}}) + "\n")
    out = tmp_path / "o.jsonl"
    assert run("batch", source, "-o", out, "--workers", "1").returncode == 0
    (result,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["field"] for e in result["errors"]] == ["frustrated", "org.size"]
    assert result["error"] == result["errors"][0]


CSV_HEADER = (
    "as_of,role_start_date,scope_change,org.hiring_freeze,org.dysfunction.high_turnover,achievements,frustrated"
)


def test_csv_columns_map_to_facts(tmp_path):
    achievements = '"[{""title"": ""Launch"", ""date"": ""2026-03-01"", ""quantified"": true}]"'
    source = tmp_path / "people.csv"
    source.write_text(
        CSV_HEADER + "\n"
        f"2026-11-24,2025-01-06,expanded,true,false,{achievements},yes\n"
        "2026-11-24,,,,,,\n"
        "2026-11-24,2025-01-06,none,maybe,,,\n"
        "2026-11-24,2025-01-06,none,false,,[not json,\n"
        "2026-11-24,2025-01-06,none,false,,,no,surplus\n"
    )
    out = tmp_path / "o.jsonl"
    done = run("batch", source, "-o", out, "--workers", "1")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["record"] for r in results] == [1, 2, 3, 4, 5]
    first = {
        "as_of": "2026-11-24",
        "role_start_date": "2025-01-06",
        "scope_change": "expanded",
        "frustrated": True,
        "org": {"hiring_freeze": True, "dysfunction": {"high_turnover": False}},
        "achievements": [{"title": "Launch", "date": "2026-03-01", "quantified": True}],
    }
    assert results[0] == expected_line(1, first)
    assert results[1] == expected_line(2, {"as_of": "2026-11-24"})  # empty cells are unknown facts
    assert results[2]["error"]["field"] == "org.hiring_freeze"
    assert results[3]["error"]["field"] == "achievements" and "JSON" in results[3]["error"]["message"]
    assert "more cells" in results[4]["error"]["message"]


def test_a_tsv_file_gives_the_lines_the_same_csv_file_gives(tmp_path):
    """Tab-separated exports: the same columns, cells, record numbers and named errors as CSV; only the separator differs."""
    achievements = '"[{""title"": ""Launch"", ""date"": ""2026-03-01"", ""quantified"": true}]"'
    rows = [
        CSV_HEADER.split(","),
        ["2026-11-24", "2025-01-06", "expanded", "true", "false", achievements, "yes"],
        [],
        ["2026-11-24", "2025-01-06", "none", "maybe", "", "", ""],
        ["2026-11-24", "", "", "", "", "", ""],
        ["2026-11-24", "2025-01-06", "none", "false", "", "[not json", ""],
        ["2026-11-24", "2025-01-06", "none", "false", "", "", "no", "surplus"],
    ]
    outputs = []
    for name, separator, workers in (("people.csv", ",", "1"), ("people.tsv", "\t", "2")):
        source = tmp_path / name
        source.write_text("".join(separator.join(row) + "\n" for row in rows))
        out = tmp_path / f"{name}.jsonl"
        done = run("batch", source, "-o", out, "--workers", workers)
        assert done.returncode == 0, done.stderr
        assert done.stderr.startswith("records: 5, advised: 2, errors: 3, blank lines skipped: 1, ")
        outputs.append(out.read_bytes())
    assert outputs[1] == outputs[0]
    results = [json.loads(line) for line in outputs[1].splitlines()]
    assert [r["record"] for r in results] == [1, 2, 3, 4, 5]
    assert results[0]["advice"]["as_of"] == "2026-11-24" and "advice" in results[2]
    assert results[1]["error"]["field"] == "org.hiring_freeze"
    assert results[3]["error"]["field"] == "achievements" and "JSON" in results[3]["error"]["message"]
    assert "more cells" in results[4]["error"]["message"]


def test_a_tab_inside_a_quoted_tsv_cell_is_part_of_its_text(tmp_path):
    source = tmp_path / "people.tsv"
    source.write_text('as_of\tcurrent_title\tfrustrated\n2026-11-24\t"Lead\tEMEA"\tyes\n2026-11-24\tAnalyst\tno\n')
    rows = list(batch_module.read_records(str(source)))
    assert [(number, row["current_title"], row["frustrated"]) for number, _, row in rows] == [
        (1, "Lead\tEMEA", "yes"),
        (2, "Analyst", "no"),
    ]
    out = io.BytesIO()
    summary = batch_module.run_batch(str(source), out, workers=1)
    assert (summary.records, summary.advised) == (2, 2)


def test_an_unknown_csv_column_stops_the_batch_with_its_name(tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("as_of,org.hiring_frieze\n2026-11-24,true\n")
    out = tmp_path / "o.jsonl"
    done = run("batch", source, "-o", out)
    assert done.returncode == 2
    assert f'{source}:1:1: unknown column "org.hiring_frieze" (did you mean "org.hiring_freeze"?)' in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_input_file_exits_2_with_a_message(tmp_path):
    done = run("batch", tmp_path / "nobody.jsonl", "-o", tmp_path / "o.jsonl")
    assert done.returncode == 2
    assert "nobody.jsonl: cannot read the file: No such file or directory" in done.stderr
    assert "Traceback" not in done.stderr


def test_as_of_applies_to_records_without_a_date_and_the_option_overrides_all(tmp_path):
    source = tmp_path / "p.jsonl"
    source.write_text(
        json.dumps({"role_start_date": "2025-01-06"})
        + "\n"
        + json.dumps({"as_of": "2026-03-01", "role_start_date": "2025-01-06"})
        + "\n"
    )
    out = tmp_path / "o.jsonl"
    assert run("batch", source, "-o", out, "--workers", "1").returncode == 0
    days = [json.loads(line)["advice"]["as_of"] for line in out.read_text().splitlines()]
    assert days == [date.today().isoformat(), "2026-03-01"]
    assert run("batch", source, "-o", out, "--as-of", "2027-02-02", "--workers", "1", "--force").returncode == 0
    days = [json.loads(line)["advice"]["as_of"] for line in out.read_text().splitlines()]
    assert days == ["2027-02-02", "2027-02-02"]


def test_no_progress_line_when_standard_error_is_not_a_terminal(mixed, tmp_path):
    source, _ = mixed
    done = run("batch", source, "-o", tmp_path / "o.jsonl", "--workers", "1")
    assert "\r" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_reader_never_runs_more_than_a_few_chunks_ahead():
    """Bounded memory: however long the input, only a window of chunks is read ahead of the writer."""
    pulled = 0

    def endless():
        nonlocal pulled
        number = 0
        while True:
            number += 1
            pulled += 1
            yield number, "json", json.dumps({"as_of": "2026-11-24"})

    settings = Settings(None, None, date(2026, 11, 24), False)
    results = _advise_all(endless(), settings, workers=2)
    lines, count, advised = next(results)
    assert count == advised == CHUNK and bytes(lines).count(b"\n") == CHUNK
    import time

    time.sleep(1.0)  # give the pool's feeder every chance to read ahead
    window = 2 * IN_FLIGHT_PER_WORKER + 1
    assert pulled <= (window + 1) * CHUNK, pulled
    results.close()


def test_the_batch_module_does_not_start_a_pool_for_one_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(batch_module.multiprocessing, "get_context", lambda *a: pytest.fail("no pool for 1 worker"))
    source = tmp_path / "p.jsonl"
    source.write_text(json.dumps({"as_of": "2026-11-24"}) + "\n")
    with open(tmp_path / "o.jsonl", "wb") as out:
        summary = batch_module.run_batch(str(source), out, workers=1)
    assert (summary.records, summary.advised, summary.errors) == (1, 1, 0)


def test_a_record_over_the_size_limit_is_an_error_and_the_next_ones_go_on(tmp_path):
    source = tmp_path / "p.jsonl"
    huge = json.dumps({"as_of": "2026-11-24", "current_title": "x" * (batch_module.MAX_RECORD_BYTES + 10)})
    source.write_text("\n".join([json.dumps({"as_of": "2026-11-24"}), huge, json.dumps({"as_of": "2026-11-24"})]))
    out = tmp_path / "o.jsonl"
    assert run("batch", source, "-o", out, "--workers", "1").returncode == 0
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["record"] for r in results] == [1, 2, 3]
    assert "advice" in results[0] and "advice" in results[2]
    assert results[1]["error"] == {"field": None, "message": "the record is larger than 16 MiB"}


def test_an_output_that_cannot_be_written_exits_2_naming_it(mixed, tmp_path):
    source, _ = mixed
    target = tmp_path / "no-such-folder" / "advice.jsonl"
    done = run("batch", source, "-o", target)
    assert done.returncode == 2
    assert f"{target}: cannot write the file: the folder {target.parent} does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_rows_read_before_a_csv_file_breaks_are_written_whatever_the_workers(tmp_path):
    """A cell past csv's limit stops the batch at its line; the 450 rows before it (3 chunks, the last one partial) are kept."""
    source = tmp_path / "people.csv"
    good = "2026-11-24,Analyst,true\n"
    source.write_text(
        "as_of,current_title,frustrated\n" + good * 450 + "2026-11-24," + "y" * 140_000 + ",true\n" + good
    )
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"o{workers}.jsonl"
        done = run("batch", source, "-o", out, "--workers", workers)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert done.stderr.splitlines() == [
            f"error: {source}:452:1: cannot read the file from here on: a cell is longer than 131,072 characters",
            f"stopped after 450 records; output kept in {out}.partial (resume with --resume)",
        ]
        assert not out.exists()  # not finished, so not where a finished output would be
        outputs.append(Path(f"{out}.partial").read_bytes())
    results = [json.loads(line) for line in outputs[0].splitlines()]
    assert [r["record"] for r in results] == list(range(1, 451)) and all("advice" in r for r in results)
    assert outputs[0] == outputs[1]


def read_csv(tmp_path, data: bytes) -> list:
    source = tmp_path / "people.csv"
    source.write_bytes(data)
    out = io.BytesIO()
    batch_module.run_batch(str(source), out, workers=1)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_byte_that_is_not_utf8_is_its_own_rows_error_even_inside_a_cell_of_two_lines(tmp_path):
    results = read_csv(
        tmp_path, b'as_of,current_title,frustrated\n2026-11-24,"Caf\xe9\nmanager",true\n2026-11-24,Lead,no\n'
    )
    assert results[0]["error"] == {
        "field": "current_title",
        "message": "current_title: not UTF-8 text (the byte 0xE9 at character 16 of line 2); save the file as UTF-8",
    }
    assert [r["record"] for r in results] == [1, 2] and "advice" in results[1]


def test_a_header_that_is_not_utf8_is_refused_at_its_byte(tmp_path):
    with pytest.raises(batch_module.InputError) as refused:
        read_csv(tmp_path, b"as_of,current_titl\xe9\n2026-11-24,Lead\n")
    assert str(refused.value).endswith(
        "people.csv:1:19: cannot read the header row: not UTF-8 text (the byte 0xE9); save the file as UTF-8"
    )


def test_an_unclosed_quote_is_refused_at_the_line_where_it_opens_naming_its_column(tmp_path):
    data = (
        b"as_of,current_title,frustrated\n2026-11-24,Lead,true\n"
        b'2026-11-24,"two\r\nlines","open\nmore\n2026-11-24,Analyst,true\n'
    )
    with pytest.raises(batch_module.InputError) as refused:
        read_csv(tmp_path, data)
    assert 'people.csv:4:1: a quote that opens the "frustrated" cell on this line is never closed' in str(refused.value)


def test_an_unclosed_quote_in_a_long_file_is_refused_at_the_line_where_it_opens(tmp_path):
    data = b'as_of,current_title,frustrated\n2026-11-24,"Lead,true\n' + b"2026-11-24,Analyst,true\n" * 20_000
    with pytest.raises(batch_module.InputError) as refused:
        read_csv(tmp_path, data)
    message = str(refused.value)
    assert "people.csv:2:1: cannot read the file from here on: a cell of the row that starts on this line" in message
    assert "is a quote opened on this line and never closed?" in message


def test_a_json_cell_nested_too_deeply_is_its_rows_error(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    results = read_csv(tmp_path, f"as_of,achievements\n2026-11-24,{deep}\n2026-11-24,\n".encode())
    assert results[0]["error"] == {
        "field": "achievements",
        "message": "achievements: this column holds JSON (a list or an object); nested too deeply",
    }
    assert "advice" in results[1]


def test_json_in_a_csv_cell_is_read_as_strictly_as_a_facts_file(tmp_path):
    """A key given twice or NaN inside a cell is that row's error, as in a JSONL line or a facts file."""
    source = tmp_path / "people.csv"
    source.write_text(
        "as_of,achievements\n"
        '2026-11-24,"[{""title"": ""a"", ""title"": ""b"", ""date"": ""2026-01-01""}]"\n'
        '2026-11-24,"[{""title"": ""a"", ""date"": ""2026-01-01"", ""metric"": NaN}]"\n'
        "2026-11-24,[]\n"
    )
    out = tmp_path / "advice.jsonl"
    result = run("batch", source, "-o", out)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [("error" in row) for row in rows] == [True, True, False]
    assert 'the key "title" appears twice' in rows[0]["error"]["message"]
    assert "NaN is not a number JSON allows" in rows[1]["error"]["message"]
