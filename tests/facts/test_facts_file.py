"""Reading a person's facts file: every mistake named with its file and line (YAML) or field (JSON)."""

from datetime import date

import pytest

from promorules.errors import InputError
from promorules.facts.files import parse_facts, read_facts


def problems(text, name="me.yaml"):
    with pytest.raises(InputError) as caught:
        parse_facts(text, name)
    return [str(p) for p in caught.value.problems]


def test_unknown_keys_get_a_line_and_a_hint():
    assert problems("as_of: 2026-01-01\nfrustated: true\n") == [
        'me.yaml:2:1: unknown fact "frustated" (did you mean "frustrated"?)'
    ]


def test_wrong_enum_values_name_the_field_path():
    found = problems("promotion_requests:\n  - date: 2026-01-01\n    outcome: maybe\n")
    assert len(found) == 1
    assert found[0].startswith("me.yaml:3:5: promotion_requests[0].outcome:")
    assert "'denied'" in found[0]


def test_all_mistakes_are_reported_at_once():
    found = problems("frustated: true\nscope_change: huge\norg:\n  hiring_freez: true\n")
    assert [p.split(":")[1] for p in found] == ["1", "2", "4"]


def test_malformed_yaml_gives_the_line():
    found = problems("as_of: 2026-01-01\nscope_change: [expanded\nfrustrated: true\n")
    assert len(found) == 1 and "not valid YAML" in found[0] and found[0].startswith("me.yaml:")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("- as_of: 2026-01-01\n", "not a list"),
        ("just a sentence\n", "not a single str value"),
    ],
)
def test_the_file_must_hold_a_mapping(text, expected):
    found = problems(text)
    assert "facts must be a mapping of names to values" in found[0] and expected in found[0]


def test_anchors_and_billion_laughs_are_refused_quickly():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 9)}]\n" for n in range(8)
    )
    found = problems(laughs)  # would expand to 9**9 items if aliases were followed
    assert any("anchors and aliases" in p for p in found)


def test_python_tags_are_refused_not_run(tmp_path):
    marker = tmp_path / "ran"
    found = problems(f"frustrated: !!python/object/apply:os.system ['touch {marker}']\n")
    assert "the tag" in found[0] and "me.yaml:1:13" in found[0]
    assert not marker.exists()


def test_duplicate_keys_are_errors():
    assert problems("frustrated: true\nfrustrated: false\n") == [
        'me.yaml:2:1: the key "frustrated" appears twice in the same mapping'
    ]


def test_non_utf8_bytes_are_named():
    found = problems(b"current_title: caf\xe9\n")
    assert "not UTF-8 text" in found[0]


def test_json_syntax_errors_give_line_and_column():
    found = problems('{\n  "as_of": "2026-01-01",\n  "frustrated": tru\n}', "me.json")
    assert found[0].startswith("me.json:3:17: not valid JSON")


def test_json_nan_and_unknown_keys_are_refused():
    assert "NaN is not a number JSON allows" in problems('{"current_comp": NaN}', "me.json")[0]
    found = problems('{"org": {"hiring_freez": true}}', "me.json")
    assert found == ['me.json: unknown fact "org.hiring_freez" (did you mean "hiring_freeze"?)']


def test_yaml_and_json_give_the_same_facts(tmp_path):
    yaml_file = tmp_path / "p.yaml"
    json_file = tmp_path / "p.json"
    yaml_file.write_text(
        "as_of: 2026-01-01\norg:\n  hiring_freeze: true\nachievements:\n"
        "  - {title: A, date: 2025-06-01, quantified: true}\n"
    )
    json_file.write_text(
        '{"as_of": "2026-01-01", "org": {"hiring_freeze": true},'
        ' "achievements": [{"title": "A", "date": "2025-06-01", "quantified": true}]}'
    )
    assert read_facts(str(yaml_file)) == read_facts(str(json_file))


def test_as_of_argument_overrides_the_file():
    facts = parse_facts("as_of: 2026-01-01\n", "me.yaml", as_of=date(2026, 5, 5))
    assert facts.as_of == date(2026, 5, 5)


def test_as_of_is_checked_against_past_dates():
    with pytest.raises(InputError, match="role_start_date after as_of"):
        parse_facts("role_start_date: 2026-03-01\n", "me.yaml", as_of=date(2026, 1, 1))


def test_without_as_of_the_facts_are_for_today_and_a_later_date_is_located():
    assert parse_facts("frustrated: true\n", "me.yaml").as_of == date.today()
    assert problems("frustrated: true\nrole_start_date: 2099-03-01\n") == [
        f"me.yaml:2:1: role_start_date after as_of ({date.today().isoformat()})"
    ]


@pytest.mark.parametrize("text", ["", "\n", "# to fill in\n", "---\n", "null\n"])
def test_a_file_without_facts_says_so(text):
    assert problems(text) == [
        "me.yaml: no facts in it (it is empty, or only comments); write yours in it, "
        "or run `promorules interview` to be asked for them"
    ]


def test_a_fact_worked_out_from_others_says_what_to_give_instead():
    found = problems("sponsor_count: 2\nsponsr_count: 3\n")
    assert (
        found[0]
        == 'me.yaml:1:1: "sponsor_count" is worked out from people, so it cannot be given; give "people" instead'
    )
    assert found[1].startswith('me.yaml:2:1: unknown fact "sponsr_count" (did you mean "sponsor_count"?); ')


def test_every_past_event_is_refused_after_as_of():
    found = problems(
        "as_of: 2026-11-24\n"
        "performance_gaps: [{area: talks, opened: 2027-01-01}]\n"
        "above_level_activities: [{kind: mentoring, started: 2027-01-01}]\n"
        "people: [{name: Ana, asked_date: 2027-01-01}]\n"
        "external_offer: {date: 2027-01-01}\n"
    )
    assert [p.split(": ", 1)[1] for p in found] == [
        "performance_gaps[0].opened after as_of (2026-11-24)",
        "above_level_activities[0].started after as_of (2026-11-24)",
        "people[0].asked_date after as_of (2026-11-24)",
        "external_offer.date after as_of (2026-11-24)",
    ], found
