"""A real browser: Debian's Chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _missing(reason: str):
    # Under CI a missing system part is a failure, not a skip (README, .ci/run installs it).
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: install it, `apt-get install chromium`)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not os.path.exists(CHROMIUM):
        _missing("Chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, url: str, identifier: str, password: str | None = None) -> None:
    """Sign in through the form as a person would: an e-mail address or a mobile number."""
    from tests.portal.personas import PASSWORD

    page.goto(url + "/connexion/")
    page.get_by_label("Adresse e-mail ou numéro de mobile").fill(identifier)
    page.get_by_label("Mot de passe").fill(password or PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
