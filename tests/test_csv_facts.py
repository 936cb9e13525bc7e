"""CSV rows as facts: cells read as their fields expect, and a header that is not comma-separated said to be."""
import pytest

from promorules import Advisor, Facts
from promorules.csvfacts import check_header, row_facts
from promorules.factsfile import validate_facts
from promorules.yamlsource import Located


@pytest.mark.parametrize("header, separator", [
    ("as_of;role_start_date", '";"'),
    ("as_of\trole_start_date", "tabs"),
])
def test_a_header_of_one_cell_with_another_separator_is_named_as_such(header, separator):
    assert check_header([header]) == [
        f'unknown column "{header}": the file seems to be separated by {separator}, not commas; '
        "save it comma-separated"
    ]


def test_a_plain_unknown_column_still_gets_did_you_mean():
    assert check_header(["frustated"]) == ['unknown column "frustated" (did you mean "frustrated"?)']


@pytest.mark.parametrize("cell, value", [
    ("true", True), ("Yes", True), ("1", True), ("FALSE", False), ("no", False), ("0", False),
])
def test_yes_no_cells_become_true_or_false(cell, value):
    facts = validate_facts(Located(row_facts({"as_of": "2026-11-24", "org.hiring_freeze": cell}), "row"))
    assert facts.org.hiring_freeze is value


def test_number_cells_become_numbers_and_text_that_is_not_one_is_refused_by_name():
    facts = row_facts({"org.size": " 12 ", "current_comp": "81000.50", "frustrated": "maybe"})
    assert facts == {"org": {"size": 12}, "current_comp": 81000.5, "frustrated": "maybe"}
    advice = Advisor().advise(Facts.model_validate({"as_of": "2026-11-24", **{k: v for k, v in facts.items()
                                                                               if k != "frustrated"}}))
    assert advice.as_of.isoformat() == "2026-11-24"
    assert row_facts({"org.size": "twelve"}) == {"org": {"size": "twelve"}}  # left for the model to name
