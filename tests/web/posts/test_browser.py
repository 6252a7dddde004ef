"""The pages in a real browser (Playwright + Debian chromium against live_server): charts
load, no console error, no request leaves 127.0.0.1, the CSP header is there and nothing
violates it, axe finds no serious or critical violation. Screenshots go to
tests/web/screenshots (look at them)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .conftest import REFERENCE

pytestmark = [pytest.mark.browser, pytest.mark.realdata,
              pytest.mark.django_db(transaction=True)]

# record CSP violations from the first byte (init scripts are not subject to the page's CSP)
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""
LOCAL = {"127.0.0.1", "localhost"}


def visit(browser, url: str, shot, width: int = 1280):
    """Open ``url``; return (page, response, console errors, requests that left the host)."""
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    ctx.add_init_script(WATCH_CSP)
    page = ctx.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if urlsplit(r.request.url).hostname in LOCAL or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    resp = page.goto(url, wait_until="networkidle")
    # lazy images load once scrolled to: bring each into view
    for img in page.locator("img").all():
        img.scroll_into_view_if_needed()
    page.evaluate("""async () => { await Promise.all([...document.images].map(i => i.complete
        ? null : new Promise(done => { i.onload = i.onerror = done; }))); }""")
    page.screenshot(path=str(shot), full_page=True)
    return page, resp, errors, outside


def check_page(page, resp, errors, outside, *, min_images: int = 0) -> None:
    from axe_playwright_python.sync_playwright import Axe

    assert resp is not None and resp.status == 200
    csp = resp.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert errors == []
    assert outside == []
    assert page.evaluate("window.__csp") == []
    widths = page.evaluate("[...document.images].map(i => [i.currentSrc, i.naturalWidth])")
    assert len(widths) >= min_images
    for src, w in widths:
        assert w > 0, f"image did not load: {src}"
    res = Axe().run(page)
    bad = [(v["id"], v["impact"], v["help"]) for v in res.response["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []


@pytest.fixture
def site(reference_post):
    return reference_post


def test_home(browser, live_server, site, screenshots_dir):
    page, *rest = visit(browser, live_server.url + "/", screenshots_dir / "home.png")
    check_page(page, *rest, min_images=3)
    assert page.locator("h1").first.inner_text() == site.headline
    page.context.close()


def test_post_page(browser, live_server, site, screenshots_dir):
    page, *rest = visit(browser, live_server.url + site.get_absolute_url(),
                        screenshots_dir / "post.png")
    check_page(page, *rest, min_images=site.charts.filter(shown=True).count())
    # the SVG is what the page shows; the PNG is the fallback
    srcs = page.evaluate("[...document.querySelectorAll('figure img')].map(i => i.currentSrc)")
    assert srcs and all(s.endswith(".svg") for s in srcs)
    assert "Watch more" in page.content()
    page.context.close()


def test_post_page_on_a_phone(browser, live_server, site, screenshots_dir):
    page, *rest = visit(browser, live_server.url + site.get_absolute_url(),
                        screenshots_dir / "post-phone.png", width=390)
    check_page(page, *rest)
    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()


def test_archive_and_tag_pages(browser, live_server, site, screenshots_dir):
    y, m = REFERENCE[:4], REFERENCE[5:7]
    for url, name in ((f"/{y}/{m}/", "archive-month"), ("/archive/", "archive"),
                      ("/tag/iwm/", "tag-iwm"), ("/terms/", "terms")):
        page, *rest = visit(browser, live_server.url + url, screenshots_dir / f"{name}.png")
        check_page(page, *rest)
        page.context.close()


def test_admin_change_form(browser, live_server, site, django_user_model, screenshots_dir):
    """The author's admin works under the same strict policy (no console error or violation)."""
    django_user_model.objects.create_superuser("author", "a@example.com", "pw-123456")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(WATCH_CSP)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "author")
    page.fill("#id_password", "pw-123456")
    page.click("input[type=submit]")
    page.goto(live_server.url + f"/admin/posts/post/{site.pk}/change/",
              wait_until="networkidle")
    assert page.locator("#id_headline").input_value() == site.headline
    page.screenshot(path=str(screenshots_dir / "admin-change.png"), full_page=False)
    assert page.evaluate("window.__csp") == [] and errors == []
    page.goto(live_server.url + "/admin/posts/post/", wait_until="networkidle")
    assert "published" in page.content()
    page.goto(live_server.url + f"/admin/posts/post/{site.pk}/preview/",
              wait_until="networkidle")
    assert page.locator("h1").first.inner_text() == site.headline
    assert page.evaluate("window.__csp") == [] and errors == []
    ctx.close()
