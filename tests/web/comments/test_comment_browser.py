"""The XSS corpus in every field, in a real browser (Debian chromium through Playwright):
on the post page, in the admin and in the reply mail's HTML, no dialog opens, no script
runs and no request leaves 127.0.0.1. The pages are loaded with the CSP *bypassed* too, so
it is the escaping and the sanitizer that are tested, not only the policy. And the form
works with JavaScript (no reload) and without."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tapereader.web.comments.models import Comment, Commenter
from tapereader.web.comments.rules import body_hash

from .conftest import approve_email, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCAL = {"127.0.0.1", "localhost"}

# after the page loaded: anything a payload could have made executable or fetching
DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.trim().toLowerCase().replace(/[\\s\\u0000-\\u001f]/g, '');
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc'].includes(a.name)
          && /^(javascript|vbscript|data):/.test(v)) bad.push(el.tagName + ' ' + a.name + '=' + v);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (!s.src && s.type !== 'application/json') bad.push('inline script: ' + s.text.slice(0, 40));
    if (s.src && !s.src.startsWith(location.origin)) bad.push('foreign script ' + s.src);
  }
  for (const tag of ['iframe', 'object', 'embed', 'base', 'meta[http-equiv]', 'img', 'svg',
                     'math', 'form[action^="http://evil"]', 'link[href*="evil"]']) {
    const scope = tag === 'img' || tag === 'svg' ? '.comments ' : '';
    for (const el of document.querySelectorAll(scope + tag)) bad.push('element ' + tag);
  }
  return bad;
}"""


class Watch:
    """Dialogs, page errors and every request of a browser context."""

    def __init__(self, browser, bypass_csp: bool) -> None:
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.requests = 0
        self.context = browser.new_context(bypass_csp=bypass_csp)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _dialog(self, d) -> None:
        self.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    def _route(self, route) -> None:
        self.requests += 1
        url = route.request.url
        if url.startswith(("http://", "https://", "ws://", "wss://")) and \
                urlsplit(url).hostname not in LOCAL:
            self.foreign.append(url)
            route.abort()
        else:
            route.continue_()

    def check(self, wait_ms: int = 300) -> list[str]:
        self.page.wait_for_timeout(wait_ms)  # let onload/onerror handlers have their chance
        return self.page.evaluate(DOM_CHECK)

    def close(self) -> None:
        self.context.close()


def _payload_comments(post, payloads: list[str], status: str) -> list[Comment]:
    """One comment per payload with the payload in the name, the website and the text (stored
    as is, bypassing the form's validation: output must be safe whatever is stored)."""
    out = []
    for i, p in enumerate(payloads):
        p = p.replace("\x00", "")  # PostgreSQL text cannot hold NUL
        who = Commenter.objects.create(email=f"x{i}@example.com")
        out.append(Comment(post=post, commenter=who, name=p[:100], website=p[:500], body=p,
                           body_hash=body_hash(p), status=status, notify=True,
                           reasons=[{"rule": p[:50], "detail": p, "verdict": "hold"}],
                           ip="127.0.0.1"))
    return Comment.objects.bulk_create(out)


def test_positive_control_the_watch_sees_a_script_that_runs(browser, live_server) -> None:
    """If escaping failed, this is what the checks below would see."""
    w = Watch(browser, bypass_csp=True)
    w.page.set_content('<p>x</p><img src="http://evil.example/x.png" '
                       'onerror="alert(1)"><script>alert(2)</script>')
    assert w.check() and "alert: 2" in w.dialogs and w.foreign
    w.close()


@pytest.mark.parametrize("bypass_csp", [True, False], ids=["csp-bypassed", "csp"])
def test_corpus_on_the_post_page(browser, live_server, xss_payloads, bypass_csp,
                                 screenshots_dir) -> None:
    post = make_post()
    made = _payload_comments(post, xss_payloads, Comment.Status.PUBLIC)
    Comment.objects.filter(pk__in=[c.pk for c in made[1::2]]).update(parent=made[0])
    w = Watch(browser, bypass_csp)
    resp = w.page.goto(live_server.url + post.get_absolute_url())
    assert resp is not None and resp.status == 200
    shown = w.page.locator(".comments li.comment").count()
    assert shown == len(xss_payloads)
    if bypass_csp:
        for el in w.page.locator(".comment-author").all():
            el.hover(timeout=2000)  # a leaked onmouseover would fire now
    assert w.check() == []
    assert w.dialogs == [] and w.foreign == []
    # the payloads are there as text (escaped), not gone
    text = w.page.locator(".comments").inner_text()
    assert "<script>alert(1)</script>" in text and "onerror=alert(1)" in text
    if bypass_csp:
        w.page.locator("#comments").scroll_into_view_if_needed()
        w.page.evaluate("document.getElementById('comments').scrollIntoView()")
        w.page.screenshot(path=str(screenshots_dir / "comments-xss-corpus.png"))
    w.close()


def _login(context, live_server) -> None:
    user = get_user_model().objects.create_superuser("author", "author@example.net", "pw")
    c = Client()
    c.force_login(user)
    sid = c.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": sid, "url": live_server.url}])


def test_corpus_in_the_admin(browser, live_server, xss_payloads, screenshots_dir) -> None:
    post = make_post()
    made = _payload_comments(post, xss_payloads, Comment.Status.HELD)
    for i, c in enumerate(made[:40]):  # the address too (only the admin shows it)
        Commenter.objects.filter(pk=c.commenter_id).update(email=f"{i}{xss_payloads[i]}"[:254])
    w = Watch(browser, bypass_csp=True)
    _login(w.context, live_server)
    urls = [reverse("admin:comments_heldcomment_changelist") + "?all=",
            reverse("admin:comments_comment_changelist") + "?all=",
            reverse("admin:comments_commenter_changelist")]
    urls += [reverse("admin:comments_comment_change", args=[c.pk]) for c in made[::20]]
    urls += [reverse("admin:comments_comment_reply", args=[c.pk]) for c in made[5::40]]
    for url in urls:
        resp = w.page.goto(live_server.url + url)
        assert resp is not None and resp.status == 200, url
        assert "/admin/login/" not in w.page.url
        assert w.check() == [], url
    assert w.dialogs == [] and w.foreign == []
    w.page.goto(live_server.url + urls[0])
    assert w.page.locator("#result_list tbody tr").count() == len(xss_payloads)
    w.page.screenshot(path=str(screenshots_dir / "comments-admin-queue.png"))
    w.close()


def test_corpus_in_the_reply_mail_html(browser, live_server, xss_payloads) -> None:
    from tapereader.web.comments.mail import reply_message

    post = make_post(headline="Small caps lead")
    parent = approve_email(post, "ann@example.com")
    Comment.objects.filter(pk=parent.pk).update(notify=True)
    w = Watch(browser, bypass_csp=True)
    for p in xss_payloads:
        p = p.replace("\x00", "")
        reply = Comment.objects.create(post=post, parent=parent, name=p[:100], website=p[:500],
                                       body=p, body_hash="x", status=Comment.Status.PUBLIC)
        Comment.objects.filter(pk=parent.pk).update(body=p)
        html = next(c for c, t in reply_message(reply).alternatives if t == "text/html")
        w.page.set_content(str(html))
        assert w.check(wait_ms=0) == [], p
        reply.delete()
    w.page.wait_for_timeout(300)
    assert w.dialogs == [] and w.foreign == []
    w.close()


def test_the_form_with_javascript_posts_without_reload(browser, live_server, settings,
                                                        screenshots_dir) -> None:
    settings.TAPEREADER_COMMENTS_MIN_SECONDS = 0
    post = make_post()
    top = approve_email(post, "ann@example.com")
    approve_email(post, "bob@example.com", "Bob")
    Comment.objects.create(post=post, parent=top, name="The Author", by_author=True,
                           body="Thanks. The 2011 analog is in the *weekly* chart.",
                           body_hash="a", status=Comment.Status.PUBLIC,
                           created=timezone.now() + dt.timedelta(seconds=1))
    w = Watch(browser, bypass_csp=False)
    errors: list[str] = []
    w.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    w.page.on("pageerror", lambda e: errors.append(str(e)))
    w.page.goto(live_server.url + post.get_absolute_url())
    w.page.evaluate("window.__stay = 1")  # survives only if the page does not reload
    w.page.screenshot(path=str(screenshots_dir / "comments-thread-and-form.png"), full_page=True)

    # required fields: messages without a reload
    w.page.click("#commentform button[type=submit]")
    w.page.wait_for_selector(".field-error.js")
    assert "Please enter your name." in w.page.locator("#commentform").inner_text()
    w.page.screenshot(path=str(screenshots_dir / "comments-form-errors.png"), full_page=True)

    # reply to the top comment: the form moves under it, the answer appears in place
    w.page.click(f"#comment-{top.pk} .comment-reply-link")
    assert w.page.locator(f"#comment-{top.pk} > #respond").count() == 1
    w.page.fill("#reply-comment", "Replying *live* <script>alert(1)</script>")
    w.page.fill("#reply-name", "Bob")
    w.page.fill("#reply-email", "bob@example.com")
    w.page.fill("#reply-website", "https://bob.example/")
    w.page.click("#commentform button[type=submit]")
    w.page.wait_for_selector(f"#comment-{top.pk} .children li >> text=Replying")
    assert w.page.evaluate("window.__stay") == 1
    reply = Comment.objects.latest("id")
    assert reply.parent_id == top.pk and reply.status == Comment.Status.PUBLIC
    assert "published" in w.page.locator(".js-notice").inner_text()
    assert w.page.locator(f"#comment-{reply.pk} em").inner_text() == "live"
    errors = [e for e in errors if "status of 400" not in e]  # the empty form's answer
    assert w.check() == [] and w.dialogs == [] and w.foreign == [] and errors == []
    w.page.screenshot(path=str(screenshots_dir / "comments-after-reply.png"), full_page=True)
    w.close()


def test_the_form_without_javascript(browser, live_server, settings) -> None:
    settings.TAPEREADER_COMMENTS_MIN_SECONDS = 0
    post = make_post()
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    page.fill("#reply-comment", "Without JavaScript.")
    page.fill("#reply-name", "Cat")
    page.fill("#reply-email", "cat@example.com")
    page.click("#commentform button[type=submit]")
    page.wait_for_load_state()
    assert "?comment=held" in page.url
    assert "awaiting moderation" in page.locator(".comments").inner_text()
    assert Comment.objects.get(body="Without JavaScript.").status == Comment.Status.HELD
    ctx.close()


def test_the_admin_queue_shows_the_reasons(browser, live_server, screenshots_dir) -> None:
    from tapereader.web.comments.posting import submit
    from tapereader.web.comments.tokens import form_token

    post = make_post()
    ts = form_token(post.pk, now=timezone.now().timestamp() - 30)
    for name, email, text in [
            ("Dana", "dana@example.com", "Is 1650 the line to watch on the S&P?"),
            ("Promo", "promo@spam.example", "Best casino bonus https://a.example "
             "https://b.example https://c.example"),
            ("Eli", "eli@example.com", "QQQ lagging IWM is the tell.")]:
        submit(post, {"name": name, "email": email, "website": "", "comment": text,
                      "homepage": "", "ts": ts}, "192.0.2.10")
    ctx = browser.new_context(viewport={"width": 1600, "height": 700})
    _login(ctx, live_server)
    page = ctx.new_page()
    page.goto(live_server.url + reverse("admin:comments_heldcomment_changelist"))
    table = page.locator("#result_list").inner_text()
    assert "first comment from this email address" in table
    assert "4 links (more than 2)" not in table and "3 links (more than 2)" in table
    assert "listed words: casino" in table
    page.screenshot(path=str(screenshots_dir / "comments-admin-reasons.png"))
    ctx.close()
