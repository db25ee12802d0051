"""A real browser for the page tests: Debian's chromium (never a downloaded one), driven by
Playwright, at a phone's size and signed in through the sign-in page like a person."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from xiangxing.demo import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}

BROWSER_TESTS = [
    pytest.mark.skipif(
        bool(os.environ.get("XIANGXING_TEST_DATABASE_URL")),
        reason="the browser visits the demo served on SQLite of its own: once, in the SQLite pass",
    ),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no chromium at {CHROMIUM} to drive"),
]
"""The marks of a module of browser tests."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def phone(browser: Browser, base: str, username: str | None) -> BrowserContext:
    """A phone-sized browser, signed in as ``username`` through the sign-in page."""
    context = browser.new_context(viewport=PHONE, base_url=base, locale="zh-CN")
    if username is not None:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(lambda url: "/login" not in url)
        page.close()
    return context
