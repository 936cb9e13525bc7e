""" "Tell us more" lists only what the person has not told us.

A fact computed from several inputs stays unknown while any of them is
missing; the inputs the person did give must not be asked for again (the
interview asks from this list, so it would ask the same question forever).
"""

from promorules import Advisor

ADVISOR = Advisor()


def missing(facts: dict) -> list[str]:
    return [m.fact for m in ADVISOR.advise(facts, as_of="2026-11-24").missing_facts]


def test_an_empty_request_history_is_given_and_has_no_latest_request_to_ask_about():
    asked = missing({"promotion_requests": []})
    assert not [path for path in asked if path.startswith("promotion_requests")], asked


def test_one_of_several_organisation_inputs_given_is_not_asked_again():
    before = missing({})
    after = missing({"org": {"hiring_freeze": False}})
    assert "org.hiring_freeze" in before
    assert "org.hiring_freeze" not in after
    assert "org.company_freeze" in after  # the others behind the same fact still are


def test_details_of_the_latest_request_are_asked_until_given():
    request = {"date": "2026-06-01", "outcome": "denied"}
    assert "promotion_requests[-1].feedback_specific" in missing({"promotion_requests": [request]})
    answered = {**request, "feedback_specific": True}
    assert "promotion_requests[-1].feedback_specific" not in missing({"promotion_requests": [answered]})


def test_after_a_promotion_tell_us_more_is_about_the_new_role_not_readiness_for_the_old_target():
    """Sam was promoted two weeks ago: the readiness questions belong to stages he has left."""
    from pathlib import Path

    import yaml

    sam = yaml.safe_load((Path(__file__).resolve().parents[2] / "examples" / "sam-just-promoted.yaml").read_text())
    first = [m.fact for m in ADVISOR.advise(sam).missing_facts[:5]]
    assert not {"performance_gaps", "meets_all_responsibilities", "self_assessment_done"} & set(first), first


def test_no_question_about_the_latest_request_before_there_is_one():
    asked = missing({"role_start_date": "2024-01-08"})
    assert "promotion_requests" in asked
    assert not [path for path in asked if path.startswith("promotion_requests[-1].")], asked
