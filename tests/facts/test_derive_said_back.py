"""The facts a person gives in their own words come back in the advice's words: criteria, names, setbacks.

Also the new measurements: days to an agreed revisit or a criteria deadline, and planned asks that would not help.
"""

from promorules.facts.derive import derive
from promorules.facts.model import Facts
from promorules.facts.questions import question_for


def derived(**facts):
    return derive(Facts.model_validate({"as_of": "2026-11-24", **facts}))


def test_criteria_deadline_and_revisit_date_are_counted_in_days_ahead():
    d = derived(
        promotion_requests=[
            {
                "date": "2026-10-01",
                "outcome": "denied",
                "criteria": ["lead the Q2 launch", "own the vendor budget"],
                "criteria_deadline": "2027-09-30",
                "revisit_date": "2026-12-01",
            }
        ]
    )
    assert d["latest_criteria_list"] == "lead the Q2 launch; own the vendor budget"
    assert d["latest_criteria_deadline"].isoformat() == "2027-09-30"
    assert d["days_until_criteria_deadline"] == 310
    assert d["days_until_revisit"] == 7


def test_no_criteria_means_no_text_rather_than_an_empty_one():
    d = derived(promotion_requests=[{"date": "2026-10-01", "outcome": "denied", "criteria": []}])
    assert d["latest_criteria_list"] is None
    assert d["days_until_revisit"] is None


def test_an_open_setback_is_said_back_with_who_gave_it_and_the_gap():
    d = derived(
        setbacks=[
            {"date": "2026-03-02", "kind": "mistake", "addressed": True},
            {
                "date": "2026-10-20",
                "kind": "critical_feedback",
                "addressed": False,
                "given_by": "exec",
                "gap_shown": "stakeholder updates",
            },
        ]
    )
    assert d["unaddressed_setback_count_12m"] == 1
    assert d["latest_unaddressed_setback"] == (
        "critical feedback from an executive on 2026-10-20, about stakeholder updates"
    )
    assert d["latest_setback_given_by"] == "exec"


def test_a_setback_of_unknown_state_is_not_counted_as_open():
    d = derived(setbacks=[{"date": "2026-10-20"}])
    assert d["unaddressed_setback_count_12m"] == 0
    assert d["latest_unaddressed_setback"] is None


def test_planned_asks_that_would_not_help_are_named():
    strong = {"strength": "strong", "stance": "champion", "can_influence": True}
    d = derived(
        people=[
            {"name": "Dana (VP)", "plan_to_ask": True, **strong},
            {"name": "Lee", "plan_to_ask": True, "strength": "weak", "stance": "supportive", "can_influence": False},
            {
                "name": "Ravi",
                "plan_to_ask": True,
                "stance": "supportive",
                "strength": "strong",
                "can_influence": True,
                "endorsement_backfire_risk": True,
            },
            {"name": "Mo", "stance": "supportive", "strength": "weak"},
        ]
    )
    assert d["planned_asks"] == 3
    assert d["planned_asks_unwise"] == 2
    assert d["planned_asks_unwise_names"] == "Lee and Ravi"
    assert d["people_not_to_ask_names"] == "Lee, Ravi and Mo"


def test_the_new_facts_are_read_as_given_and_asked_in_plain_words():
    d = derived(
        manager_post="acting",
        target_dropped=True,
        org={"ic_track": True},
        promotion_requests=[{"date": "2026-10-01", "outcome": "denied", "stated_reason": "outsourcing_or_automation"}],
    )
    assert (d["manager_post"], d["target_dropped"], d["org_ic_track"]) == ("acting", True, True)
    assert d["latest_stated_reason"] == "outsourcing_or_automation"
    for path in ("manager_post", "target_dropped", "org.ic_track", "promotion_requests[-1].criteria_deadline"):
        question = question_for(path)
        assert question is not None and "?" in question.text, path


def test_the_new_facts_have_csv_columns():
    from promorules.facts.csvrow import check_header, row_facts

    row = {
        "as_of": "2026-11-24",
        "manager_post": "vacant",
        "target_dropped": "yes",
        "org.ic_track": "no",
        "promotion_requests": '[{"date": "2026-10-01", "outcome": "denied", "criteria_deadline": "2027-09-30"}]',
        "setbacks": '[{"date": "2026-10-20", "addressed": false, "given_by": "exec"}]',
        "people": '[{"name": "Lee", "plan_to_ask": true}]',
    }
    assert check_header(list(row)) == []
    facts = Facts.model_validate(row_facts(row))
    assert (facts.manager_post, facts.target_dropped, facts.org.ic_track) == ("vacant", True, False)
    assert facts.promotion_requests[0].criteria_deadline.isoformat() == "2027-09-30"
    assert facts.setbacks[0].given_by == "exec" and facts.people[0].plan_to_ask is True


def test_people_listed_by_role_are_named_as_a_role_in_a_sentence():
    """ "A peer" or "My skip-level" is a role, not a name: inside a sentence it reads "a peer", "your
    skip-level"; a proper name stays as written."""
    weak = {"strength": "weak", "stance": "supportive", "can_influence": True, "plan_to_ask": True}
    d = derived(
        people=[
            {"name": "A peer", **weak},
            {"name": "My skip-level", **weak},
            {"name": "head of sales", **weak},
            {"name": "Ana", **weak},
        ]
    )
    assert d["people_not_to_ask_names"] == "a peer, your skip-level, your head of sales and Ana"
    assert d["planned_asks_unwise_names"] == "a peer, your skip-level, your head of sales and Ana"
