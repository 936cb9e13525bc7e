"""A few facts worked out for another day are the facts `derive` gives for the person on that day."""

from datetime import date, timedelta

from promorules.facts.derive import FACTS, derive, derive_some
from promorules.facts.model import Facts
from tests.support.people import varied_people

DAYS = (0, 1, 29, 61, 200, 400, 1100)  # the days a reason to wait is checked on: its date, months and years on


def dated(person: dict) -> Facts:
    facts = Facts.model_validate(person)
    return facts if facts.as_of else facts.model_copy(update={"as_of": date(2026, 11, 24)})


def test_some_facts_on_another_day_are_those_of_the_person_dated_that_day():
    names = sorted(FACTS)
    for person in map(dated, varied_people(200)):
        for days in DAYS:
            day = person.as_of + timedelta(days=days)
            expected = derive(person.model_copy(update={"as_of": day}))
            assert derive_some(person, day, names) == {name: expected[name] for name in names}, (person, day)


def test_only_the_facts_asked_for_are_worked_out():
    person = dated(varied_people(1)[0])
    assert list(derive_some(person, person.as_of, ["months_in_role", "as_of"])) == ["months_in_role", "as_of"]
