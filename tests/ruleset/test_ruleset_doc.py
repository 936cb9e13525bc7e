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
    following = re.search(r"^#{1,4} ", text[start + 5 :], re.M)
    return text[start : start + 5 + following.start()] if following else text[start:]


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
    assert "`timing.avoid-under-12-months` · priority 12 · stages: step_up, make_the_case" in rule
    assert "- months in the current role: under 12 (min_months_in_role)" in rule  # the label advice uses
    assert "- growth of the role's scope: not dramatic" in rule
    assert "Holds back the `ask-now` advice (see [Groups of advice](#groups-of-advice))." in rule
    assert (
        "> You have been in this role for [months in the current role] months. Requests before about 12 months" in rule
    )
    assert "12 months in the role on: start of the current role + min_months_in_role (12) months." in rule
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
    (root / "ruleset.yaml").write_text(
        "extends: default\nname: acme\nversion: '3'\n"
        "thresholds:\n  min_sponsors:\n    default: 4\n    origin: Acme's committee.\n"
        "disable: [after.share-and-lift-others]\n"
    )
    text = doc(str(root)).output
    assert text.startswith("# acme 3\n")
    assert "Disabled by a layer, so not in force: `after.share-and-lift-others`." in text
    assert (
        "| `min_sponsors` | 4 | people | People you can name who would speak up for you. | Acme's committee. |" in text
    )
    assert "- sponsors ready to speak up: under 4 (min_sponsors)" in section(
        text, "Be able to name people who would speak up for you"
    )


def test_a_broken_ruleset_gets_its_mistakes_not_a_handbook(tmp_path):
    root = tmp_path / "mine"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: acme\nversion: '3'\ndisable: [nothing.here]\n")
    result = doc(str(root))
    assert result.exit_code == 2
    assert f"error: {root / 'ruleset.yaml'}:4:11: disable: the ruleset this one extends has no rule" in result.output


def company(tmp_path: Path) -> Path:
    """A company layer with its own rule, whose texts try to break out of Markdown and HTML."""
    root = tmp_path / "acme"
    root.mkdir()
    (root / "ruleset.yaml").write_text("extends: default\nname: acme\nversion: '1'\n")
    (root / "timing.yaml").write_text(
        "category: timing\nrules:\n"
        "  - id: timing.acme-18-months\n    priority: 11\n"
        "    title: '18 months here <script>alert(1)</script> & [x](javascript:alert(1))'\n"
        "    when: [months_in_role < 18]\n    hold_back: [ask-now]\n"
        "    recommend: 'At Acme, ask after 18 months (conflict C-5 noted). </p><img src=x onerror=alert(1)>'\n"
        "    rationale: Internal note, conflict C-9.\n"
        "    sources:\n      - S3: Bad timing\n"
    )
    return root


def test_no_raw_placeholder_remains_and_thresholds_show_their_value():
    text = doc("default").output
    assert not re.search(r"\{[a-z_|]+\}", text), re.search(r".*\{[a-z_|]+\}.*", text).group()
    rule = section(text, "Gather more results with numbers")
    assert "aim for at least 5, ideally up to ten" in rule


def test_a_list_of_rules_is_written_once_and_referred_to():
    text = doc("default").output
    lists = re.findall(r"(?:[a-z]+\.[a-z0-9-]+, ){2,}[a-z]+\.[a-z0-9-]+", text)
    repeated = {found for found in lists if lists.count(found) > 1}
    assert not repeated, sorted(repeated)[:2]
    assert "## Groups of advice" in text and "- **the `ask-now` advice** (" in text


def anchors_of(text: str) -> set:
    """The anchors a Markdown viewer gives the headings (GitHub's rule)."""
    return {
        re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")
        for title in re.findall(r"^#+ (.+)$", text, re.M)
    }


def test_every_contents_entry_links_to_a_heading():
    for args in (("default",), ("default", "--audience", "client")):
        text = doc(*args).output
        contents = text.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
        links = re.findall(r"\]\(#([^)]+)\)", contents)
        assert len(links) >= 4 and set(links) <= anchors_of(text), set(links) - anchors_of(text)


def test_the_client_handbook_has_no_ids_priorities_tags_or_notes_and_marks_the_company_rules(tmp_path):
    root = company(tmp_path)
    result = doc(str(root), "--audience", "client")
    assert result.exit_code == 0, result.output
    text = result.output
    for rule in DEFAULT.rules:
        assert rule.id not in text, rule.id
    assert "priority" not in text and "tags" not in text and "min_months_in_role" not in text
    assert "C-9" not in text and "conflict C-4" not in text
    assert re.search(r"^### 18 months here .*\(company rule\)$", text, re.M)
    assert sum(line.endswith("(company rule)") for line in text.splitlines() if line.startswith("###")) == 1
    assert "- months in the current role: under 18" in text
    assert "<script>" not in text and "[x](javascript" not in text  # escaped, not live
    assert "\\<script\\>" in text and "\\[x\\](javascript" in text
    assert not re.search(r"\{[a-z_|]+\}", text)


def test_the_client_html_is_a_well_formed_page_with_hostile_text_escaped(tmp_path):
    import xml.etree.ElementTree as ET
    from html.parser import HTMLParser

    result = doc(str(company(tmp_path)), "--audience", "client", "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.output
    assert page.startswith("<!DOCTYPE html>\n")
    tree = ET.fromstring(page.split("\n", 1)[1])  # nests and closes properly
    tags = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)

    Tags().feed(page)
    assert "script" not in tags and "img" not in tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    hrefs = [element.get("href")[1:] for element in tree.iter("a")]
    assert hrefs and set(hrefs) <= set(ids)
    assert "(company rule)</h3>" in page


def test_the_client_html_is_written_whole_and_never_over_an_existing_file(tmp_path):
    target = tmp_path / "guidance.html"
    target.write_text("mine")
    refused = doc("default", "--audience", "client", "--format", "html", "-o", str(target))
    assert refused.exit_code == 2 and target.read_text() == "mine"
    written = doc("default", "--audience", "client", "--format", "html", "-o", str(target), "--force")
    assert (
        written.exit_code == 0
        and target.read_text() == doc("default", "--audience", "client", "--format", "html").output
    )
    coach_html = doc("default", "--format", "html")
    assert coach_html.exit_code == 2 and "add --audience client" in coach_html.output
