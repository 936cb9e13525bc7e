"""Month arithmetic the way people count anniversaries."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from promorules.dates import add_months, days_between, months_between


def test_a_month_after_31_january_is_the_end_of_february():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)


def test_29_february_plus_a_year_is_28_february():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert months_between(date(2024, 2, 29), date(2025, 2, 28)) == 12
    assert months_between(date(2024, 2, 29), date(2025, 2, 27)) == 11
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_month_ends_count_as_full_months():
    assert months_between(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert months_between(date(2025, 1, 31), date(2025, 2, 27)) == 0
    assert months_between(date(2025, 1, 31), date(2026, 1, 30)) == 11
    assert months_between(date(2025, 1, 31), date(2026, 1, 31)) == 12


def test_year_boundaries_and_order():
    assert months_between(date(2025, 12, 15), date(2026, 1, 15)) == 1
    assert months_between(date(2025, 12, 15), date(2026, 1, 14)) == 0
    assert months_between(date(2026, 1, 15), date(2025, 12, 15)) == -1
    assert days_between(date(2026, 1, 1), date(2025, 12, 31)) == -1
    assert days_between(date(2024, 2, 28), date(2024, 3, 1)) == 2


@given(st.dates(date(1900, 1, 1), date(2200, 1, 1)), st.integers(0, 600))
def test_adding_n_months_is_n_months_later(start, months):
    later = add_months(start, months)
    assert months_between(start, later) == months
    if months:
        assert months_between(start, later - timedelta(days=1)) == months - 1
