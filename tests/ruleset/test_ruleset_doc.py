"""`promorules ruleset doc`: a Markdown handbook a coach can read without opening the YAML."""
import re
from pathlib import Path

from click.testing import CliRunner

from promorules.cli import main
from promorules import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = load_ruleset(ROOT / "rulesets" / "default")


def doc(*args):
    return CliRunner().invoke(main, ["ruleset", "doc", *args])


def section(text: str, title: str) -> str:
    """From a '#### title' heading to the next heading of the same or a higher level."""
    start = text.index(f"#### {title}\n")
    following = re.search(r"^#{1,4} ", text[start + 5:], re.M)
    return text[start:start + 5 + following.start()] if following else text[start:]


def test_every_rule_stage_threshold_and_source_is_in_the_handbook():
    result = doc("default")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"# default {DEFAULT.version}\n")
    for rule in DEFAULT.rules:
        assert f"`{rule.id}` · priority {rule.priority}" in text, rule.id
    for stage in DEFAULT.stages:
        assert f"**{stage.title}** (`{stage.name}`)" in text
    for name, threshold in DEFAULT.thresholds.items():
        assert re.search(rf"^\| `{name}` \| [^|]+ \| {re.escape(threshold.unit)} \|", text, re.M), name
    for key in DEFAULT.sources:
        assert f"\n| {key} | " in text
    categories = re.findall(r"^### (.+)$", text, re.M)
    assert categories == [name.capitalize().replace("-", " ") for name in DEFAULT.categories]


def test_a_rule_reads_in_plain_english_with_its_hold_backs_advice_and_sources():
    text = doc("default").output
    rule = section(text, "Give the role 12 months first")
    assert "`timing.avoid-under-12-months` · priority 12 · stages: every stage" in rule
    assert "- months in role is under 12 (min_months_in_role)" in rule
    assert "- scope change is not dramatic" in rule
    assert "Holds back `ask-now`: " in rule and "timing.already-doing-next-level" in rule
    assert "> You have been in this role for `{months_in_role}` months." in rule
    assert "12 months in the role on: role start date + min_months_in_role (12) months." in rule
    assert 'Sources: When and how to ask for a promotion (checklists and scripts) (S3), "Bad timing"\n' in rule


def test_a_policy_switch_is_shown_with_the_policy_in_force():
    text = doc("default").output
    assert "leave policy is not conservative (leave_policy, now balanced)" in text
    assert "- never" not in text


def test_the_handbook_is_deterministic_and_can_be_written_to_a_file(tmp_path):
    target = tmp_path / "handbook.md"
    result = doc("default", "-o", str(target))
    assert result.exit_code == 0 and result.output == f"wrote {target}\n"
    assert target.read_text() == doc("default").output
    assert doc(str(ROOT / "rulesets" / "default")).output == doc("default").output


def test_a_layer_handbook_shows_its_changes(tmp_path):
    root = tmp_path / "mine"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: acme\nversion: '3'\n"
                                       "thresholds:\n  min_sponsors:\n    default: 4\n    origin: Acme's committee.\n"
                                       "disable: [after.share-and-lift-others]\n")
    text = doc(str(root)).output
    assert text.startswith("# acme 3\n")
    assert "Disabled by a layer, so not in force: `after.share-and-lift-others`." in text
    assert "| `min_sponsors` | 4 | people | People you can name who would speak up for you. | Acme's committee. |" in text
    assert "- sponsor count is under 4 (min_sponsors)" in section(text, "Be able to name people who would speak up for you")


def test_a_broken_ruleset_gets_its_mistakes_not_a_handbook(tmp_path):
    root = tmp_path / "mine"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: acme\nversion: '3'\ndisable: [nothing.here]\n")
    result = doc(str(root))
    assert result.exit_code == 2
    assert f"error: {root / 'ruleset.yaml'}:4:11: disable: the ruleset this one extends has no rule" in result.output
