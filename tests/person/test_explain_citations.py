"""`promorules explain RULE` cites its sources as a reader can look them up, as the advice does: title, author or
publisher, date, section and link where known; the coach's file names are not shown to the person."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from promorules import Advisor, bundled_ruleset_path
from promorules.cli import main
from promorules.person.explain import explain

ROOT = Path(__file__).resolve().parents[2]


def test_explain_cites_title_publisher_date_and_section_not_the_file():
    result = CliRunner().invoke(main, ["explain", "timing.avoid-freeze"])
    assert result.exit_code == 0
    sources = result.output.split("Sources:\n", 1)[1].splitlines()
    assert sources[:2] == [
        '  - When and how to ask for a promotion (checklists and scripts), "Bad timing"',
        "  - How to Make the Case for a Promotion (a career-development blog (Career Development), 2026-04-29),"
        ' "What to do when your promotion is denied or delayed"',
    ]
    assert ".txt" not in result.output


def test_no_rule_s_explanation_names_a_source_file():
    advisor = Advisor(engine="python")
    files = {source.file for source in advisor.ruleset.sources.values()}
    cited = [rule for rule in advisor.ruleset.rules if rule.sources]
    assert files and cited
    for rule in cited:
        text = explain(advisor, rule.id)
        assert not [name for name in files if name in text], rule.id
        assert all(advisor.ruleset.sources[cite.source].title in text for cite in rule.sources), rule.id


def test_a_source_with_a_link_is_cited_with_it_as_in_the_advice(tmp_path):
    ours = tmp_path / "ours"
    shutil.copytree(bundled_ruleset_path(), ours)
    manifest = ours / "ruleset.yaml"
    title = "    title: When and how to ask for a promotion (checklists and scripts)\n"
    text = manifest.read_text()
    assert title in text
    manifest.write_text(text.replace(title, title + "    link: https://example.org/when-to-ask\n", 1))
    advisor = Advisor(ours, engine="python")
    lines = explain(advisor, "timing.avoid-freeze").split("Sources:\n", 1)[1].splitlines()
    assert (
        lines[0]
        == '  - When and how to ask for a promotion (checklists and scripts), "Bad timing", https://example.org/when-to-ask'
    )
    person = {"as_of": "2026-11-24", "role_start_date": "2025-01-06", "org": {"hiring_freeze": True}}
    advice = advisor.advise(person)
    cited = next(rec for rec in advice.recommendations if rec.rule_id == "timing.avoid-freeze").sources[0]
    assert cited.link == "https://example.org/when-to-ask" and cited.section == "Bad timing"
