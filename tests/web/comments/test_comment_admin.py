"""The admin's moderation queue: held comments with their reasons; approve, mark spam,
block, delete and reply; everything a commenter wrote escaped."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tapereader.web.comments.models import Block, Comment

from .conftest import approve_email, form_data, post_url

pytestmark = pytest.mark.django_db
QUEUE = "admin:comments_heldcomment_changelist"


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser("author", "author@example.net", "pw")
    admin_client = type(client)()
    admin_client.force_login(user)
    return admin_client


def test_queue_lists_held_comments_with_their_reason(client, staff, post) -> None:
    client.post(post_url(post), form_data(post, comment="first time"))
    approve_email(post, "bob@example.com", "Bob")
    client.post(post_url(post), form_data(post, email="bob@example.com", name="Bob",
                                          comment="cheap viagra here"))
    client.post(post_url(post), form_data(post, email="bob@example.com", name="Bob",
                                          comment="An ordinary public one."))
    page = staff.get(reverse(QUEUE)).content.decode()
    assert "first time" in page and "first comment from this email address" in page
    assert "cheap viagra here" in page and "listed words: viagra" in page
    assert "An ordinary public one." not in page  # public: not in the queue
    assert "ann@example.com" in page  # the admin may see the address


def test_actions_approve_spam_block_delete(client, staff, post) -> None:
    for i in range(3):
        client.post(post_url(post), form_data(post, email=f"p{i}@example.com",
                                              comment=f"Held number {i}."))
    a, b, c = Comment.objects.order_by("id")
    url = reverse(QUEUE)
    staff.post(url, {"action": "approve", "_selected_action": [a.pk]})
    staff.post(url, {"action": "mark_spam", "_selected_action": [b.pk]})
    staff.post(url, {"action": "block_email", "_selected_action": [c.pk]})
    staff.post(url, {"action": "block_ip", "_selected_action": [c.pk]})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Comment.Status.PUBLIC and b.status == Comment.Status.SPAM
    assert set(Block.objects.values_list("kind", "value")) == {("email", "p2@example.com"),
                                                               ("ip", "127.0.0.1")}
    staff.post(url, {"action": "delete_selected", "_selected_action": [c.pk], "post": "yes"})
    assert not Comment.objects.filter(pk=c.pk).exists()
    assert "Held number 0." in client.get(post.get_absolute_url()).content.decode()


def test_reply_from_the_admin_publishes_the_parent_and_the_reply(client, staff, post) -> None:
    client.post(post_url(post), form_data(post, comment="Will small caps keep leading?"))
    held = Comment.objects.get()
    r = staff.get(reverse("admin:comments_comment_reply", args=[held.pk]))
    assert "Will small caps keep leading?" in r.content.decode()
    r = staff.post(reverse("admin:comments_comment_reply", args=[held.pk]),
                   {"comment": "Until the 2011-style *correction*."})
    assert r.status_code == 302
    held.refresh_from_db()
    reply = Comment.objects.latest("id")
    assert held.status == Comment.Status.PUBLIC
    assert reply.by_author and reply.parent_id == held.pk and reply.status == "public"
    page = client.get(post.get_absolute_url()).content.decode()
    assert "<em>correction</em>" in page and "author-badge" in page


def test_admin_escapes_what_commenters_wrote(client, staff, post) -> None:
    evil = '<img src=x onerror=alert(1)>"\'><script>alert(2)</script>'
    client.post(post_url(post), form_data(post, name=evil, comment=evil))
    c = Comment.objects.get()
    for url in (reverse(QUEUE), reverse("admin:comments_comment_changelist"),
                reverse("admin:comments_comment_change", args=[c.pk]),
                reverse("admin:comments_comment_reply", args=[c.pk])):
        page = staff.get(url).content.decode()
        assert "<img src=x" not in page and "<script>alert(2)" not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


def test_the_queue_needs_a_staff_login(client) -> None:
    r = client.get(reverse(QUEUE))
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
