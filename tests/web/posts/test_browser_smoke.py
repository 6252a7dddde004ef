"""The home page in a real browser: loads, CSP header present, nothing violates it."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_chromium(browser, live_server, screenshots_dir):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    resp = page.goto(live_server.url + "/")
    assert resp is not None and resp.status == 200
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    assert page.locator("h1").first.inner_text()
    page.screenshot(path=str(screenshots_dir / "skeleton-home.png"), full_page=True)
    assert errors == []
    page.close()
