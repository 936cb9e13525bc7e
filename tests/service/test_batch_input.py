"""What `promorules batch` says about input that is not what it reads, and about output it cannot write."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from promorules.cli import main

PERSON = '{"as_of": "2026-11-24", "role_start_date": "2025-01-06"}'


def batch(source: Path, *options: str):
    """Advise ``source`` into the file beside it named .out, replacing an earlier run's (--force)."""
    output = source.with_suffix(".out")
    done = CliRunner().invoke(main, ["batch", str(source), "-o", str(output), "--workers", "1", "--force", *options])
    assert "Traceback" not in done.output
    lines = [json.loads(line) for line in output.read_text().splitlines()] if output.exists() else []
    return done, lines


@pytest.mark.parametrize(
    "name, text",
    [
        ("people.jsonl", f"[\n  {PERSON},\n  {PERSON}\n]\n"),  # pretty-printed, as JSON tools write arrays
        ("people.json", f"[{PERSON}, {PERSON}]"),  # on one line, in a .json file
        ("people", f"\n[\n{PERSON}\n]\n"),  # no extension, a blank line first
        ("people.jsonl", f"[{PERSON},\n{PERSON}]\n"),  # the first line is not JSON on its own
    ],
)
def test_a_json_array_is_refused_whole_with_how_to_convert_it(tmp_path, name, text):
    source = tmp_path / name
    source.write_text(text)
    done, lines = batch(source)
    assert done.exit_code == 2
    assert lines == []
    assert done.stderr.startswith(f"error: {source}:")
    assert "batch reads JSON Lines: one facts object per line" in done.stderr
    assert f"jq -c '.[]' {source}" in done.stderr


def test_a_record_that_is_a_list_inside_json_lines_is_that_records_error(tmp_path):
    source = tmp_path / "people.jsonl"
    source.write_text(f'["a", "list"]\n{PERSON}\n')
    done, lines = batch(source)
    assert done.exit_code == 0
    assert lines[0]["error"]["message"] == "a record must be a JSON object of facts, not an array"
    assert "advice" in lines[1]


def test_a_cut_off_line_is_reported_at_its_real_column(tmp_path):
    source = tmp_path / "people.jsonl"
    source.write_text('{"as_of": "2026-11-24", \n{"as_of": "2026\r\n')
    _, lines = batch(source)
    assert lines[0]["error"]["message"].endswith("(column 25)")
    assert lines[1]["error"]["message"] == "not valid JSON: Unterminated string starting at column 11"


@pytest.mark.parametrize(
    "value, named",
    [
        ("null", "null"),
        ('"Priya"', "a string"),
        ("5", "a number"),
        ("2.5", "a number"),
        ("true", "a boolean (true or false)"),
        ("[]", "an array"),
    ],
)
def test_a_record_that_is_not_an_object_is_named_in_jsons_words(tmp_path, value, named):
    source = tmp_path / "people.jsonl"
    source.write_text(value + "\n")
    _, lines = batch(source)
    assert lines[0]["error"] == {"field": None, "message": f"a record must be a JSON object of facts, not {named}"}


def test_a_byte_that_is_not_utf8_is_named_as_in_a_csv_file(tmp_path):
    source = tmp_path / "people.jsonl"
    source.write_bytes(PERSON.encode() + b'\n{"as_of": "2026-11-24", "current_title": "Caf\xe9"}\n')
    _, lines = batch(source)
    assert "advice" in lines[0]
    assert lines[1]["error"]["message"] == (
        "not UTF-8 text (the byte 0xE9 at character 46 of line 2); save the file as UTF-8"
    )


def test_blank_lines_are_not_records_in_json_lines_or_csv_and_the_summary_counts_them(tmp_path):
    jsonl = tmp_path / "people.jsonl"
    jsonl.write_text(f"{PERSON}\n\n   \n{PERSON}\n\n")
    done, lines = batch(jsonl)
    assert [line["record"] for line in lines] == [1, 4]  # record n is line n
    assert done.stderr.startswith("records: 2, advised: 2, errors: 0, blank lines skipped: 3, ")

    csv = tmp_path / "people.csv"
    csv.write_text("as_of,role_start_date\n\n2026-11-24,2025-01-06\n\n2026-11-24,2025-02-03\n")
    done, lines = batch(csv)
    assert [line["record"] for line in lines] == [1, 2]  # record n is the nth data row
    assert done.stderr.startswith("records: 2, advised: 2, errors: 0, blank lines skipped: 2, ")


def test_a_csv_file_separated_by_tabs_is_refused_saying_to_name_it_tsv_and_then_it_is_read(tmp_path):
    rows = "as_of\trole_start_date\n2026-11-24\t2025-01-06\n2026-11-24\t2025-02-03\n"
    named_csv = tmp_path / "people.csv"
    named_csv.write_text(rows)
    done, lines = batch(named_csv)
    assert done.exit_code == 2 and lines == []
    assert done.stderr == (
        f'error: {named_csv}:1:1: unknown column "as_of\trole_start_date": the file seems to be '
        "separated by tabs, not commas; rename it to end in .tsv (or give --format tsv) to read it as tab-separated, "
        "or save it comma-separated\n"
    )

    named_tsv = tmp_path / "people.tsv"
    named_tsv.write_text(rows)
    done, lines = batch(named_tsv)
    assert done.exit_code == 0 and [line["record"] for line in lines] == [1, 2]
    assert all("advice" in line for line in lines)
    done, lines = batch(named_csv, "--format", "tsv")
    assert done.exit_code == 0 and [line["record"] for line in lines] == [1, 2]


def test_a_tsv_file_separated_by_commas_is_refused_saying_to_name_it_csv(tmp_path):
    source = tmp_path / "people.tsv"
    source.write_text("as_of,role_start_date\n2026-11-24,2025-01-06\n")
    done, _ = batch(source)
    assert done.exit_code == 2
    assert (
        "separated by commas, not tabs; rename it to end in .csv (or give --format csv) to read it as comma-separated"
        in done.stderr
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("people", [1, 500])  # a short output fails when flushed, a long one while written
def test_an_output_that_cannot_be_written_is_named_with_exit_2(tmp_path, people):
    source = tmp_path / "people.jsonl"
    source.write_text(f"{PERSON}\n" * people)
    done = CliRunner().invoke(main, ["batch", str(source), "-o", "/dev/full", "--workers", "1"])
    assert done.exit_code == 2
    assert done.stderr == "error: /dev/full: cannot write the file: No space left on device\n"
