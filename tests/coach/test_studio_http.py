"""promorules studio over HTTP: a stale page never overwrites a file, and only the coach's own page is answered.

The studio runs as it does for a coach (uvicorn on 127.0.0.1, a free port) on
a temporary ruleset folder; requests are sent with httpx, so the Host header
and the token can be set as another web page would set them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from promorules.coach.studio import make_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PRIYA = "priya-hiring-freeze.yaml"
MANIFEST = """\
extends: default
name: acme-coaching
version: 1.0.0
description: The bundled guidance, tuned for Acme.
"""
RULE = """\
category: relationships
rules:
  - id: acme.committee-form
    priority: 24
    title: Fill in the committee's form
    when:
      - months_in_role >= 1
    recommend: >
      Acme's committee reads a one-page form first: fill it in before you ask.
    sources:
      - S3: Build your case before the conversation
"""
FEATURE = """\
Feature: Acme's committee form

  Scenario: Priya is told about the form
    Given the person described in "../../people/priya-hiring-freeze.yaml"
    When they ask for advice
    Then the advice includes "acme.committee-form"

  Scenario: A scenario that is wrong on purpose
    Given the person described in "../../people/priya-hiring-freeze.yaml"
    When they ask for advice
    Then the advice does not include "acme.committee-form"
"""


def make_ruleset(folder: Path) -> tuple[Path, Path]:
    """A layer on the bundled guidance with one rule of its own, and a folder with one saved person."""
    root = folder / "acme"
    (root / "features").mkdir(parents=True)
    (root / "ruleset.yaml").write_text(MANIFEST, encoding="utf-8")
    (root / "acme.yaml").write_text(RULE, encoding="utf-8")
    (root / "features" / "acme.feature").write_text(FEATURE, encoding="utf-8")
    people = folder / "people"
    people.mkdir()
    shutil.copy(ROOT / "examples" / PRIYA, people / PRIYA)
    return root, people


@dataclass
class Running:
    url: str  # the address the studio printed, with its token
    token: str
    port: int
    root: Path
    people: Path

    def page(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def running(root: Path, people: Path):
    """The studio served on 127.0.0.1 at a free port, in a thread, until the block ends."""
    server, address = make_server(root, [people], 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [server.studio_socket]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the studio did not start"
    parts = urlsplit(address)
    try:
        yield Running(address, parse_qs(parts.query)["token"][0], parts.port, root, people)
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def studio(tmp_path):
    root, people = make_ruleset(tmp_path)
    with running(root, people) as served:
        with httpx.Client(timeout=60) as client:
            served.client = client
            yield served


def edit_page(studio, name: str = "acme.yaml", **query) -> httpx.Response:
    return studio.client.get(studio.page("/edit"), params={"token": studio.token, "file": name, **query})


def page_hash(text: str) -> str:
    return re.search(r'name="hash" value="([0-9a-f]{64}|absent)"', text)[1]


def save(
    studio, text: str, digest: str, name: str = "acme.yaml", url_token=True, form_token=True, **headers
) -> httpx.Response:
    form = {"file": name, "hash": digest, "text": text}
    if form_token:
        form["token"] = studio.token
    params = {"token": studio.token} if url_token else {}
    return studio.client.post(studio.page("/save"), params=params, data=form, headers=headers)


def test_the_address_printed_opens_the_first_rule_file(studio):
    response = studio.client.get(studio.url, follow_redirects=True)
    assert response.status_code == 200
    assert "acme.committee-form" in response.text and 'id="text"' in response.text
    assert re.search(r"acme: \d+ rules, 0 errors, 0 warnings", response.text)


def test_a_save_is_written_whole_then_checked_with_problems_at_their_line(studio):
    digest = page_hash(edit_page(studio).text)
    mistaken = RULE.replace("months_in_role >= 1", "months_in_rol >= 1").replace("\n", "\r\n")  # as a browser sends
    response = save(studio, mistaken, digest)
    assert response.status_code == 303
    assert (studio.root / "acme.yaml").read_text(encoding="utf-8") == mistaken.replace("\r\n", "\n")
    assert not [path for path in studio.root.iterdir() if path.name.startswith(".")], "a temporary file was left"
    shown = studio.client.get(studio.page(response.headers["location"])).text
    problem = re.search(r'<li class="problem" data-line="7">([^<]*)</li>', shown)
    assert problem, shown
    assert problem[1].endswith(
        "acme.yaml:7:9: rule &quot;acme.committee-form&quot;: unknown fact "
        "&quot;months_in_rol&quot; (did you mean &quot;months_in_role&quot;?)"
    )
    assert "1 error" in shown


def test_a_file_changed_on_disk_since_the_page_was_opened_is_not_overwritten(studio):
    digest = page_hash(edit_page(studio).text)
    theirs = RULE.replace("one-page form", "two-page form")
    (studio.root / "acme.yaml").write_text(theirs, encoding="utf-8")  # another editor saves meanwhile
    mine = RULE.replace("one-page form", "<b>short</b> form")
    response = save(studio, mine, digest)
    assert response.status_code == 409
    assert (studio.root / "acme.yaml").read_text(encoding="utf-8") == theirs
    assert "two-page form" in response.text  # what is on disk now
    assert "&lt;b&gt;short&lt;/b&gt; form" in response.text and "<b>short</b>" not in response.text  # theirs too
    # Replacing it is possible, but only as an explicit choice made on the page that showed both.
    again = save(studio, mine, page_hash(response.text))
    assert again.status_code == 303
    assert (studio.root / "acme.yaml").read_text(encoding="utf-8") == mine


def test_a_file_removed_since_the_page_was_opened_is_not_written_back(studio):
    feature = studio.root / "features" / "acme.feature"
    digest = page_hash(edit_page(studio, "features/acme.feature").text)
    feature.unlink()
    response = save(studio, FEATURE, digest, "features/acme.feature")
    assert response.status_code == 404 and not feature.exists()


def test_every_request_needs_the_token_of_this_run(studio):
    before = (studio.root / "acme.yaml").read_bytes()
    digest = page_hash(edit_page(studio).text)
    for params in ({}, {"token": "guessed"}, {"token": studio.token[:-1]}):
        response = studio.client.get(studio.page("/edit"), params={"file": "acme.yaml", **params})
        assert response.status_code == 403 and "token" in response.text
        assert "committee" not in response.text
    assert save(studio, "rules: []\n", digest, url_token=False).status_code == 403
    assert save(studio, "rules: []\n", digest, form_token=False).status_code == 403
    assert studio.client.get(studio.page("/impact"), params={"token": "x"}).status_code == 403
    assert (studio.root / "acme.yaml").read_bytes() == before


def test_a_request_naming_another_host_is_refused(studio):
    """A page elsewhere pointing its own name at 127.0.0.1 (DNS rebinding) still sends that name as the Host."""
    params = {"token": studio.token, "file": "acme.yaml"}
    for host in (
        "attacker.example",
        f"attacker.example:{studio.port}",
        f"127.0.0.1.attacker.example:{studio.port}",
        f"localhost:{studio.port + 1 if studio.port < 65535 else 1}",
        "",
    ):
        response = studio.client.get(studio.page("/edit"), params=params, headers={"Host": host})
        assert response.status_code in (400, 403), host
        assert "committee" not in response.text
    digest = page_hash(edit_page(studio).text)
    refused = save(studio, "rules: []\n", digest, Host=f"attacker.example:{studio.port}")
    assert refused.status_code == 403 and (studio.root / "acme.yaml").read_text(encoding="utf-8") == RULE
    for host in (f"localhost:{studio.port}", f"127.0.0.1:{studio.port}"):
        assert studio.client.get(studio.page("/edit"), params=params, headers={"Host": host}).status_code == 200


def test_only_files_of_the_opened_folder_can_be_read_or_written(studio, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("secret: 1\n", encoding="utf-8")
    (studio.root / "linked.yaml").symlink_to(outside)
    listed = edit_page(studio).text
    files = re.search(r"<nav>.*?</nav>", listed, re.S)[0]
    assert "acme.yaml" in files and "linked.yaml" not in files
    for name in (
        "../outside.yaml",
        str(outside),
        "linked.yaml",
        "features/../../outside.yaml",
        "./acme.yaml",
        "acme.yaml/../../outside.yaml",
        "../people/priya-hiring-freeze.yaml",
    ):
        response = edit_page(studio, name)
        assert response.status_code == 404, name
        assert "secret" not in response.text
    digest = page_hash(listed)
    for name in ("../outside.yaml", "linked.yaml", "../new.yaml"):
        assert save(studio, "secret: 2\n", digest, name).status_code == 404, name
    assert outside.read_text(encoding="utf-8") == "secret: 1\n" and not (tmp_path / "new.yaml").exists()


def test_a_person_is_only_one_of_those_offered(studio, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    shutil.copy(studio.people / PRIYA, elsewhere)
    page = edit_page(studio, person=[str(elsewhere), str(studio.people / PRIYA)]).text
    assert page.count('class="advice"') == 1 and str(elsewhere) not in page


def test_everything_shown_is_escaped(studio):
    hostile = RULE.replace("Fill in the committee's form", '"<script>alert(1)</script>"').replace(
        "Acme's committee reads", "Acme's <img src=x onerror=alert(2)> committee reads"
    )
    (studio.root / "acme.yaml").write_text(hostile, encoding="utf-8")
    response = edit_page(studio, person=[str(studio.people / PRIYA)])
    assert "<script>alert" not in response.text and "<img" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in advice_in(response.text)
    assert "&lt;img src=x onerror=alert(2)&gt;" in advice_in(response.text)
    assert "&lt;img src=x onerror=alert(2)&gt;" in response.text.split('id="text"')[1]  # the editor
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


def test_a_file_with_hidden_characters_is_shown_as_escapes_and_not_offered_for_editing(studio):
    (studio.root / "acme.yaml").write_text(RULE.replace("one-page", "one-\x1b]0;x\x07page"), encoding="utf-8")
    page = edit_page(studio).text
    assert "\x1b" not in page and "one-\\x1b]0;x\\x07page" in page
    assert 'id="text"' not in page and "hidden characters" in page


def advice_in(page: str) -> str:
    return re.search(r'<article class="advice".*?</article>', page, re.S)[0]


def test_the_advice_of_a_person_picked_follows_the_saved_file(studio):
    person = str(studio.people / PRIYA)
    page = edit_page(studio, person=[person]).text
    assert "Acme&#x27;s committee reads a one-page form first" in advice_in(page)
    save(studio, RULE.replace("one-page form first", "short form first"), page_hash(page))
    advice = advice_in(edit_page(studio, person=[person]).text)
    assert "Acme&#x27;s committee reads a short form first" in advice and "one-page" not in advice
    save(studio, RULE.replace("months_in_role", "months_in_rol"), page_hash(edit_page(studio).text))
    assert "no advice until the ruleset loads" in advice_in(edit_page(studio, person=[person]).text)


def test_the_scenarios_run_and_each_passes_or_fails(studio):
    page = studio.client.get(studio.page("/scenarios"), params={"token": studio.token}).text
    rows = re.findall(r'<tr class="scenario"><td class="(pass|fail)">.*?</td><td>([^<]*)</td><td>([^<]*)', page)
    assert [(verdict, name) for verdict, _, name in rows] == [
        ("pass", "Priya is told about the form"),
        ("fail", "A scenario that is wrong on purpose"),
    ]
    assert rows[1][1].endswith("acme.feature:8:1")
    assert "2 scenarios: 1 passed, 1 failed" in page


def test_a_broken_feature_file_is_reported_at_its_line(studio):
    broken = FEATURE.replace("  Scenario: A", "  Scenaro: A")
    (studio.root / "features" / "acme.feature").write_text(broken, encoding="utf-8")
    page = studio.client.get(studio.page("/scenarios"), params={"token": studio.token}).text
    assert "could not be run" in page and "acme.feature:8:" in page


def test_a_feature_file_with_no_scenarios_is_named_beside_the_others(studio):
    (studio.root / "features" / "drafts.feature").write_text("Feature: Still drafting\n", encoding="utf-8")
    page = studio.client.get(studio.page("/scenarios"), params={"token": studio.token}).text
    warning = re.search(r'<p class="warning">([^<]*drafts\.feature[^<]*)</p>', page)
    assert warning and warning[1].endswith(
        "drafts.feature: warning: this feature file has no scenarios, so nothing in it is checked"
    )
    assert "2 scenarios: 1 passed, 1 failed; 1 feature file without scenarios" in page


def test_only_feature_files_with_no_scenarios_check_nothing_and_say_so(studio):
    (studio.root / "features" / "acme.feature").write_text("Feature: Acme's committee form\n", encoding="utf-8")
    page = studio.client.get(studio.page("/scenarios"), params={"token": studio.token}).text
    assert "could not be run" in page
    assert "acme.feature: this feature file has no scenarios, so nothing in it is checked" in page
    assert "0 scenarios" not in page


def test_the_impact_table_compares_with_the_ruleset_it_extends(studio):
    page = studio.client.get(studio.page("/impact"), params={"token": studio.token, "people": "20"}).text
    row = re.search(
        r"<tr class=\"rule\"><td>acme.committee-form \(Fill in the committee&#x27;s form\)</td>"
        r"<td>added</td><td>(\d+)</td><td>0</td>",
        page,
    )
    assert row and int(row[1]) >= 1, page
    assert "21 people (20 generated)" in page
    assert studio.client.get(studio.page("/impact"), params={"token": studio.token, "people": "-1"}).status_code == 400


def run_cli(*arguments: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from promorules.cli import main; main()", *arguments]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_command_refuses_a_folder_that_is_not_a_ruleset(tmp_path):
    result = run_cli("studio", str(tmp_path), "--facts", str(tmp_path / "nobody"))
    assert result.returncode == 2, result.stderr
    assert f"{tmp_path}: not a ruleset folder: it has no ruleset.yaml" in result.stderr
    assert f"{tmp_path / 'nobody'}: not a folder of facts files" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("missing", ["fastapi", "uvicorn", "gherkin"])
def test_without_an_extra_the_command_names_what_to_install(missing):
    blocked = f"import sys; sys.modules[{missing!r}] = None; from promorules.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", blocked, "studio", str(ROOT / "rulesets" / "default")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"({missing} is missing); install them with: pip install 'promorules[server,coach]'" in result.stderr


def test_a_person_with_facts_the_ruleset_declares_gets_its_advice(tmp_path):
    """A company ruleset's own facts (department, missed quota) are read from a saved person, not refused."""
    root = tmp_path / "company"
    shutil.copytree(Path(__file__).parent / "fixtures" / "company", root)
    people = tmp_path / "people"
    people.mkdir()
    text = (ROOT / "examples" / PRIYA).read_text(encoding="utf-8")
    extra = "department: sales\nmissed_quota_count: 2\ntalked_to_manager: false\n"
    (people / "dana.yaml").write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    with running(root, people) as served, httpx.Client(timeout=60) as client:
        params = {"token": served.token, "file": "company.yaml", "person": [str(people / "dana.yaml")]}
        advice = advice_in(client.get(served.page("/edit"), params=params).text)
    assert "unknown fact" not in advice
    assert "Talk to your manager about the missed quota first" in advice
