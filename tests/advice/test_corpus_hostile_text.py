"""Text from a facts file or a ruleset cannot act where it is shown: on a terminal, in Markdown, in a table.

The corpus is tests/support/corpus/hostile-text/ (one facts file per attack, and its
index cases.yaml, which says what each output must hold), with two rulesets:
`echo`, whose advice repeats the person's titles, and `hostile`, whose own
texts carry terminal escapes and spreadsheet formulas. Every command runs as a
person runs it: through the CLI, with the corpus files as they are.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markdown_it import MarkdownIt

from promorules import Advisor
from promorules.cli import main
from promorules.yamlsource import load_yaml

CORPUS = Path(__file__).resolve().parents[1] / "support" / "corpus" / "hostile-text"
INDEX = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))["files"]
ECHO = str(CORPUS / "rulesets" / "echo")
HOSTILE = str(CORPUS / "rulesets" / "hostile")
PROMORULES = Path(sys.executable).parent / "promorules"
PERSON_TEXT = "Plain words"

# What must never reach an output: C0 controls but newline and tab, DEL, C1 controls, bidi overrides and isolates.
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def shared_advisors(monkeypatch):
    """Each ruleset is built once for the module; everything after it runs as it does for a person."""
    monkeypatch.setattr("promorules.cli.Advisor", _cached_advisor, raising=False)
    monkeypatch.setattr("promorules.person.cli.Advisor", _cached_advisor, raising=False)


_ADVISORS: dict = {}


def _cached_advisor(*args, **kwargs):
    key = repr((args, sorted(kwargs.items())))
    if key not in _ADVISORS:
        _ADVISORS[key] = Advisor(*args, **kwargs)
    return _ADVISORS[key]


def run(*args: str, stdin: str | None = None) -> str:
    """stdout and stderr of one command, which must succeed and print nothing hidden."""
    result = CliRunner().invoke(main, list(args), input=stdin)
    output = result.stdout + result.stderr
    assert result.exit_code == 0, output[-2000:]
    hidden = sorted({match.group() for match in HIDDEN.finditer(output)})
    assert not hidden, f"{args[0]} printed {hidden}: {output[:600]!r}"
    return output


def facts_of(name: str) -> dict:
    path = CORPUS / name
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if name.endswith(".json") else load_yaml(text, name).data


def twin(name: str, folder: Path) -> str:
    """The same facts with plain words in place of the hostile text: the layout every output must keep."""
    data = facts_of(name)
    data["current_title"] = data["target_title"] = PERSON_TEXT
    for achievement in data["achievements"]:
        achievement["title"] = PERSON_TEXT
        if "metric" in achievement:
            achievement["metric"] = PERSON_TEXT
    path = folder / f"twin-{name}.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return str(path)


def words(text: str) -> str:
    return " ".join(text.split())


def markdown_tokens(text: str):
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)


def structure(text: str) -> tuple[list, Counter]:
    """The document's blocks, and its inline markup (links, images, HTML, emphasis, code, line breaks)."""
    tokens = markdown_tokens(text)
    blocks = [(token.type, token.tag, token.level) for token in tokens if token.type != "inline"]
    inline = Counter(
        child.type
        for token in tokens
        if token.type == "inline"
        for child in token.children
        if child.type not in ("text", "text_special")
    )
    return blocks, inline


def rendered(text: str) -> str:
    """What a Markdown viewer shows as text."""
    pieces = [
        child.content
        for token in markdown_tokens(text)
        if token.type == "inline"
        for child in token.children
        if child.type in ("text", "text_special", "code_inline")
    ]
    return words(" ".join(pieces))


def test_the_index_lists_every_facts_file():
    assert {p.name for p in CORPUS.iterdir() if p.is_file()} - {"cases.yaml"} == set(INDEX)


@pytest.mark.parametrize("name", list(INDEX))
def test_hostile_text_is_shown_and_never_acts(name, tmp_path):
    shown = words(INDEX[name]["shown"])
    facts = str(CORPUS / name)
    plain = twin(name, tmp_path)

    text = run("advise", facts, "--ruleset", ECHO)
    assert shown in words(text), "the person reads what their file holds"

    explained = run("explain", "coach.echo-titles", "--ruleset", ECHO, "--facts", facts)
    assert f"yours: {shown})" in words(explained)

    for args in (["advise", "--ruleset", ECHO, "--format", "markdown"], ["case"]):
        document = run(*args, facts)
        assert structure(document) == structure(run(*args, plain)), f"{args[0]}: the person's text made markup"
        assert shown in rendered(document), f"{args[0]}: the text is shown as written"

    advice = json.loads(run("advise", facts, "--ruleset", ECHO, "--format", "json"))
    data = facts_of(name)
    (echoed,) = [rec for rec in advice["recommendations"] if rec["rule_id"] == "coach.echo-titles"]
    assert echoed["text"] == (
        f"Write down why {data['target_title']} is your next step from {data['current_title']}, in one sentence."
    ), "JSON keeps every value exact"


def on_a_terminal(*args: str, cwd: Path) -> str:
    """What the installed command shows on a terminal (a pseudo-terminal: colours and layout as a person sees them)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen([str(PROMORULES), *args], stdout=follower, stderr=subprocess.DEVNULL, cwd=cwd, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the command has ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=120) == 0
    return b"".join(chunks).decode("utf-8")


@pytest.mark.parametrize(
    "name", ["osc8-hidden-link.yaml", "c1-controls.yaml", "bidi-override.yaml", "markdown-link.yaml"]
)
def test_escapes_cannot_reach_a_terminal(name, tmp_path):
    """On a terminal the advice is laid out by rich: still no sequence from the facts, only rich's own styles."""
    screen = on_a_terminal("advise", str(CORPUS / name), "--ruleset", ECHO, cwd=tmp_path)
    assert "\x1b[" in screen, "rich did lay the advice out for a terminal"
    assert not re.search("\x1b[^\\[]", screen), "no escape but rich's own style sequences"
    without_styles = re.sub("\x1b\\[[0-9;]*m", "", screen).replace("\r\n", "\n")
    assert not HIDDEN.findall(without_styles)
    assert words(INDEX[name]["shown"]) in words(without_styles)


def test_an_answer_the_interview_repeats_is_shown_not_run(tmp_path):
    answer = "zz\x1b]0;pwned\x07\x9b2J\u202e"
    output = run(
        "interview",
        "-o",
        str(tmp_path / "answers.yaml"),
        "--as-of",
        "2026-11-24",
        "--max-questions",
        "6",
        stdin=(answer + "\n") * 30,
    )
    assert 'That answer cannot be used: "zz\\x1b]0;pwned\\x07\\x9b2J\\u202e"' in output


def test_an_error_quoting_the_input_is_shown_not_run(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_text(
        'as_of: 2026-11-24\n"\\e]0;pwned\\a\\nerror: all fine": 1\nfrustrated: "\\e]52;c;eA==\\a"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["advise", str(path)])
    assert result.exit_code == 2
    assert not HIDDEN.findall(result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines), "one line per problem, none forged"
    assert 'unknown fact "\\x1b]0;pwned\\x07 error: all fine"' in lines[0]


def test_a_rulesets_own_texts_cannot_act_or_run_in_a_spreadsheet():
    handbook = run("ruleset", "doc", HOSTILE)
    assert "Notes \\x1b]0;source title\\x07" in handbook
    table = [line for line in handbook.splitlines() if line.startswith(("| `formula_limit`", "| `negative_limit`"))]
    assert len(table) == 2
    for line in table:
        for cell in re.split(r"(?<!\\)\|", line)[1:-1]:
            value = cell.strip()
            assert not value.startswith(("=", "+", "@", "\t", "\r")) and not re.match(r"-(?![0-9.]+$)", value), line
    assert '| \'=HYPERLINK("http://evil.example/","click") |' in handbook, "the formula is kept, as text"
    assert "| -5 |" in handbook, "a negative number is a number, left as it is"
    run("advise", str(CORPUS / "osc-window-title.yaml"), "--ruleset", HOSTILE)
    run("explain", "coach.hostile-title", "--ruleset", HOSTILE, "--facts", str(CORPUS / "nul-and-bel.yaml"))
