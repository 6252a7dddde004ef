"""The form and moderation through the site: required fields, CSRF, first comment held,
approved emails published, blocks, closing, the spam rules and the rate limit (429)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tapereader.web.comments.models import Block, Comment, Commenter

from .conftest import approve_email, form_data, make_post, post_url

pytestmark = pytest.mark.django_db


def test_the_form_is_under_the_post_with_its_fields_and_wording(client, post) -> None:
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Leave a Reply" in page
    assert "Your email address will not be published. Required fields are marked" in page
    for name in ("name", "email", "website", "comment", "notify", "csrfmiddlewaretoken", "ts"):
        assert f'name="{name}"' in page, name
    notify = re.search(r"<input[^>]*name=\"notify\"[^>]*>", page).group(0)
    assert "checked" not in notify
    for label in ("Name", "Email", "Comment"):
        assert re.search(label + r' <span class="required">\*</span>', page), label
    assert not re.search(r'Website <span class="required">', page)


@pytest.mark.parametrize("field,message", [
    ("name", "Please enter your name."), ("email", "Please enter your email address."),
    ("comment", "Please type your comment."),
])
def test_required_fields_have_clear_messages(client, post, field, message) -> None:
    r = client.post(post_url(post), form_data(post, **{field: ""}))
    assert r.status_code == 400
    assert message in r.content.decode()
    assert Comment.objects.count() == 0
    r = client.post(post_url(post), form_data(post, **{field: ""}),
                    headers={"Accept": "application/json"})
    assert r.status_code == 400 and r.json()["errors"][field] == [message]


def test_bad_email_and_website_are_refused_with_a_message(client, post) -> None:
    r = client.post(post_url(post), form_data(post, email="not-an-email"))
    assert "Please enter a valid email address." in r.content.decode()
    r = client.post(post_url(post), form_data(post, website="javascript:alert(1)"))
    assert "starting with http:// or https://" in r.content.decode()
    assert Comment.objects.count() == 0


def test_post_without_csrf_token_is_refused() -> None:
    from .conftest import make_post

    post = make_post()
    c = Client(enforce_csrf_checks=True)
    r = c.post(post_url(post), form_data(post))
    assert r.status_code == 403
    assert Comment.objects.count() == 0
    # the same post with the token from the page goes through
    page = c.get(post.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    r = c.post(post_url(post), {**form_data(post), "csrfmiddlewaretoken": token})
    assert r.status_code == 302 and Comment.objects.count() == 1


def test_first_comment_held_then_approved_email_published(client, post) -> None:
    r = client.post(post_url(post), form_data(post))
    assert r.status_code == 302 and r["Location"].endswith("?comment=held#respond")
    first = Comment.objects.get()
    assert first.status == Comment.Status.HELD
    assert [x["rule"] for x in first.reasons] == ["first-comment"]
    assert "stretched" not in client.get(post.get_absolute_url()).content.decode()
    assert "awaiting moderation" in client.get(r["Location"]).content.decode()

    from tapereader.web.comments.posting import approve

    approve(first)
    r = client.post(post_url(post), form_data(post, comment="QQQ has not broken out yet.",
                                              email="ANN@example.com"))
    second = Comment.objects.latest("id")
    assert second.status == Comment.Status.PUBLIC, second.reasons
    assert r["Location"].endswith(f"?comment=public#comment-{second.pk}")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "QQQ has not broken out yet." in page and "stretched" in page


def test_a_rule_still_holds_an_approved_email(client, post) -> None:
    approve_email(post, "ann@example.com")
    client.post(post_url(post), form_data(post, comment="a https://a.example b https://b.example "
                                                        "c https://c.example"))
    c = Comment.objects.latest("id")
    assert c.status == Comment.Status.HELD and [x["rule"] for x in c.reasons] == ["links"]


def test_blocked_email_and_ip_are_held(client, post) -> None:
    approve_email(post, "ann@example.com")
    Block.objects.create(kind=Block.Kind.EMAIL, value="ann@example.com")
    client.post(post_url(post), form_data(post))
    assert Comment.objects.latest("id").status == Comment.Status.HELD
    Block.objects.all().delete()
    Block.objects.create(kind=Block.Kind.IP, value="127.0.0.1")
    client.post(post_url(post), form_data(post, comment="Another thought."))
    c = Comment.objects.latest("id")
    assert c.status == Comment.Status.HELD and c.reasons[0]["rule"] == "blocked-ip"


def test_comments_close_after_the_configured_days(client, settings) -> None:
    old = make_post(day=1, published_at=timezone.now() - dt.timedelta(days=31))
    r = client.post(post_url(old), form_data(old))
    assert r.status_code == 403 and "Comments are closed" in r.content.decode()
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    assert 'id="commentform"' not in client.get(old.get_absolute_url()).content.decode()
    settings.TAPEREADER_COMMENTS_OPEN_DAYS = 60
    assert client.post(post_url(old), form_data(old)).status_code == 302


def test_honeypot_and_too_fast_are_kept_as_spam_and_answered_like_held(client, post) -> None:
    approve_email(post, "ann@example.com")
    r = client.post(post_url(post), form_data(post, homepage="http://spam.example"))
    assert r["Location"].endswith("?comment=held#respond")
    r = client.post(post_url(post), form_data(post, age=0.5, comment="Too quick."))
    assert r["Location"].endswith("?comment=held#respond")
    r = client.post(post_url(post), form_data(post, ts="", comment="No token."))
    spam = Comment.objects.filter(status=Comment.Status.SPAM).order_by("id")
    assert [c.reasons[0]["rule"] for c in spam] == ["honeypot", "too-fast", "form-token"]


def test_flooding_from_one_ip_is_refused_with_429(client, post) -> None:
    codes = [client.post(post_url(post), form_data(post, email=f"u{i}@example.com",
                                                   comment=f"Comment number {i}.")).status_code
             for i in range(8)]
    assert codes == [302] * 5 + [429] * 3
    assert Comment.objects.count() == 5
    r = client.post(post_url(post), form_data(post, email="x@example.com"),
                    headers={"Accept": "application/json"})
    assert r.status_code == 429 and "Too many comments" in r.json()["message"]


def test_duplicate_text_is_held(client, post) -> None:
    approve_email(post, "ann@example.com")
    client.post(post_url(post), form_data(post, comment="Watch the bearish reversal."))
    client.post(post_url(post), form_data(post, comment="watch the  BEARISH reversal!"))
    a, b = Comment.objects.order_by("-id")[:2][::-1]
    assert a.status == Comment.Status.PUBLIC
    assert b.status == Comment.Status.HELD and b.reasons[0]["rule"] == "duplicate"


def test_replies_nest_two_levels_on_the_page(client, post) -> None:
    top = approve_email(post, "ann@example.com")
    approve_email(post, "bob@example.com", "Bob")
    client.post(post_url(post), form_data(post, parent=str(top.pk), email="bob@example.com",
                                          name="Bob", comment="Level one reply."))
    one = Comment.objects.latest("id")
    client.post(post_url(post), form_data(post, parent=str(one.pk), comment="Level two reply."))
    two = Comment.objects.latest("id")
    client.post(post_url(post), form_data(post, parent=str(two.pk), email="bob@example.com",
                                          name="Bob", comment="Deeper reply."))
    deep = Comment.objects.latest("id")
    assert (one.parent_id, two.parent_id, deep.parent_id) == (top.pk, one.pk, one.pk)
    page = client.get(post.get_absolute_url()).content.decode()
    assert page.index(f'id="comment-{top.pk}"') < page.index(f'id="comment-{one.pk}"') \
        < page.index(f'id="comment-{two.pk}"') < page.index(f'id="comment-{deep.pk}"')
    # a reply to a comment of another post, or to a held one, is refused
    other = make_post(day=9, slug="other")
    r = client.post(post_url(other), form_data(other, parent=str(top.pk)))
    assert r.status_code == 400


def test_json_post_returns_the_rendered_comment(client, post) -> None:
    approve_email(post, "ann@example.com")
    r = client.post(post_url(post), form_data(post, comment="*Fetch* works."),
                    headers={"Accept": "application/json"})
    data = r.json()
    assert data["ok"] and data["status"] == "public"
    assert "<em>Fetch</em> works." in data["html"] and f'comment-{data["id"]}' in data["html"]
    assert "ann@example.com" not in r.content.decode()


def test_reply_link_without_javascript_sets_the_parent(client, post) -> None:
    top = approve_email(post, "ann@example.com")
    page = client.get(post.get_absolute_url() + f"?replytocom={top.pk}").content.decode()
    assert re.search(rf'name="parent" value="{top.pk}"', page)
    assert "Leave a Reply to Ann Reader" in page


def test_cached_page_gets_a_fresh_form_time(client, post) -> None:
    from tapereader.web.comments.tokens import form_loaded_at

    def ts() -> float:
        page = client.get(post.get_absolute_url()).content.decode()
        assert "placeholder" not in page
        return form_loaded_at(re.search(r'name="ts" value="([^"]+)"', page).group(1), post.pk)

    import time

    first = ts()
    time.sleep(0.05)
    assert ts() > first  # the second answer came from the page cache, with its own time


def test_commenter_email_is_stored_lowercase_once(client, post) -> None:
    client.post(post_url(post), form_data(post, email="Ann@Example.com"))
    client.post(post_url(post), form_data(post, email="ann@example.COM", comment="Again."))
    assert list(Commenter.objects.values_list("email", flat=True)) == ["ann@example.com"]


def test_ids_on_the_post_page_are_unique(client, post) -> None:
    """The reply form shares the page with other forms (the subscribe box): no id twice."""
    top = approve_email(post, "ann@example.com")
    page = client.get(post.get_absolute_url() + f"?replytocom={top.pk}").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "reply-comment" in ids and len(ids) == len(set(ids)), \
        sorted(i for i in set(ids) if ids.count(i) > 1)
