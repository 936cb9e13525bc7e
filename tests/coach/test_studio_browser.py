"""promorules studio in a real browser: a mistake typed into a rule file is reported at its line, and once
fixed and reworded, the advice of the person picked changes.

Headless Chromium from the system packages, driven by Selenium through the
system chromedriver; skipped, with the reason, where either is missing
(the README, under "From a checkout", says how to install them).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .test_studio_http import PRIYA, RULE, make_ruleset, running

CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
if not CHROMEDRIVER.is_file() or CHROMIUM is None:
    pytest.skip(
        "Chromium and its driver are not installed (Debian: apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()


def type_into_editor(driver, text: str) -> None:
    """Replace the editor's text by typing it, as a coach would, and save with the button."""
    editor = driver.find_element(By.ID, "text")
    editor.clear()
    editor.send_keys(text)
    driver.find_element(By.ID, "save").click()


def advice_shown(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, "article.advice").text


def test_a_mistake_is_shown_at_its_line_and_the_fix_changes_the_advice_of_the_person_picked(browser, tmp_path):
    root, people = make_ruleset(tmp_path)
    with running(root, people) as studio:
        # A save or a pick loads a new page: an element read while it loads is stale, so the wait tries again.
        wait = WebDriverWait(browser, 60, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
        browser.get(studio.url)
        wait.until(lambda driver: driver.find_elements(By.ID, "text"))
        browser.find_element(By.CSS_SELECTOR, f'.people input[value$="{PRIYA}"]').click()  # picks, and shows
        wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "article.advice"))
        assert "Acme's committee reads a one-page form first" in advice_shown(browser)

        type_into_editor(browser, RULE.replace("months_in_role >= 1", "months_in_rol >= 1"))
        problem = wait.until(lambda driver: driver.find_elements(By.CSS_SELECTOR, "#checks li.problem"))[0]
        assert problem.get_attribute("data-line") == "7"
        assert problem.text.endswith(
            'acme.yaml:7:9: rule "acme.committee-form": unknown fact "months_in_rol" (did you mean "months_in_role"?)'
        )
        assert "1 error" in browser.find_element(By.ID, "summary").text
        assert "no advice until the ruleset loads" in advice_shown(browser)
        problem.click()  # takes the coach to the line in the editor
        selected = browser.execute_script(
            "var t = document.getElementById('text');return t.value.substring(t.selectionStart, t.selectionEnd);"
        )
        assert selected == "      - months_in_rol >= 1"

        type_into_editor(browser, RULE.replace("reads a one-page form first", "wants your manager's form first"))
        wait.until(lambda driver: "0 errors" in driver.find_element(By.ID, "summary").text)
        assert not browser.find_elements(By.CSS_SELECTOR, "#checks li.problem")
        advice = advice_shown(browser)
        assert "Acme's committee wants your manager's form first" in advice
        assert "one-page form" not in advice
        assert "wants your manager's form first" in (root / "acme.yaml").read_text(encoding="utf-8")
