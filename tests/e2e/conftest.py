"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Run with `make e2e` (pytest -m e2e -p no:xdist). Needs /usr/bin/chromium (apt-get install
chromium); the tests are skipped when it is missing. No browser is ever downloaded.
"""

import json
import os
from pathlib import Path

import pytest

from .helpers import AXE_RESULTS

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    # pytest-django's live_server plus Playwright's sync API (which keeps an event loop running
    # in the main thread) trips Django's async-safety check for the ORM calls the tests make
    # between pages. Set here, not at import, so the rest of the suite keeps the check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _national_lists(transactional_db):
    """live_server needs a transactional database, which is flushed after every test; the flush
    also removes the staff groups and sectors that a data migration created. Put them back."""
    from municipalities.national_lists import ensure_national_lists

    ensure_national_lists()


class Browser:
    """Opens browser contexts (one context = one device) pointed at the live server."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.url = live_server.url
        self.contexts = []

    def context(self, *, width=1280, height=900, scale=1, mobile=False, user=None):
        context = self.browser.new_context(
            base_url=self.url,
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
            is_mobile=mobile,
            has_touch=mobile,
            locale="nb-NO",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        if user is not None:
            sign_in(context, user, self.url)
        return context

    def page(self, **kwargs):
        page = self.context(**kwargs).new_page()
        watch_console(page)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def web(browser, live_server):
    opened = Browser(browser, live_server)
    yield opened
    opened.close()


def sign_in(context, user, base_url):
    """A session made by Django's test client, copied into the browser as its session cookie."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def watch_console(page):
    """Collect console errors (CSP violations among them), uncaught exceptions and failed
    requests (the favicon among them); tests assert the list is empty."""
    page.console_errors = []

    def on_console(message):
        # A failed request is reported below with its address.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    def on_response(response):
        if response.status >= 400:
            page.console_errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on("response", on_response)
    return page


def pytest_terminal_summary(terminalreporter):
    if not AXE_RESULTS:
        return
    terminalreporter.section("axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa)")
    for result in AXE_RESULTS:
        counts = ", ".join(f"{k}={v}" for k, v in sorted(result["by_impact"].items())) or "none"
        terminalreporter.write_line(
            f"{result['name']:<38} {result['url']:<58} violations: {counts}"
            f"  (passes {result['passes']}, incomplete {result['incomplete']})"
        )
        for violation in result["violations"]:
            terminalreporter.write_line(
                f"    {violation['impact']}: {violation['id']} ({violation['nodes']} nodes) "
                f"{json.dumps(violation['targets'][:3], ensure_ascii=False)}"
            )
