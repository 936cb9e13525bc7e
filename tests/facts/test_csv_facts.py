"""CSV rows as facts: cells read as their fields expect, and a header with another separator said to be."""

import pytest

from promorules import Advisor, Facts
from promorules.facts.csvrow import check_header, row_facts
from promorules.facts.files import validate_facts
from promorules.yamlsource import Located


@pytest.mark.parametrize(
    "header, reading, message",
    [
        ("as_of;role_start_date", ",", 'separated by ";", not commas; save it comma-separated'),
        (
            "as_of\trole_start_date",
            ",",
            "separated by tabs, not commas; rename it to end in .tsv (or give --format tsv) to read it as "
            "tab-separated, or save it comma-separated",
        ),
        (
            "as_of,role_start_date",
            "\t",
            "separated by commas, not tabs; rename it to end in .csv (or give --format csv) to read it as "
            "comma-separated, or save it tab-separated",
        ),
        ("as_of;role_start_date", "\t", 'separated by ";", not tabs; save it tab-separated'),
    ],
)
def test_a_header_of_one_cell_with_another_separator_is_named_as_such(header, reading, message):
    assert check_header([header], reading) == [f'unknown column "{header}": the file seems to be {message}']


def test_a_tab_separated_header_is_read_by_columns_when_reading_tabs():
    assert check_header(["as_of", "role_start_date"], "\t") == []
    assert check_header(["as_of", "org.hiring_frieze"], "\t") == [
        'unknown column "org.hiring_frieze" (did you mean "org.hiring_freeze"?)'
    ]


def test_a_plain_unknown_column_still_gets_did_you_mean():
    assert check_header(["frustated"]) == ['unknown column "frustated" (did you mean "frustrated"?)']


@pytest.mark.parametrize(
    "cell, value",
    [
        ("true", True),
        ("Yes", True),
        ("1", True),
        ("FALSE", False),
        ("no", False),
        ("0", False),
    ],
)
def test_yes_no_cells_become_true_or_false(cell, value):
    facts = validate_facts(Located(row_facts({"as_of": "2026-11-24", "org.hiring_freeze": cell}), "row"))
    assert facts.org.hiring_freeze is value


def test_number_cells_become_numbers_and_text_that_is_not_one_is_refused_by_name():
    facts = row_facts({"org.size": " 12 ", "current_comp": "81000.50", "frustrated": "maybe"})
    assert facts == {"org": {"size": 12}, "current_comp": 81000.5, "frustrated": "maybe"}
    advice = Advisor().advise(
        Facts.model_validate({"as_of": "2026-11-24", **{k: v for k, v in facts.items() if k != "frustrated"}})
    )
    assert advice.as_of.isoformat() == "2026-11-24"
    assert row_facts({"org.size": "twelve"}) == {"org": {"size": "twelve"}}  # left for the model to name
