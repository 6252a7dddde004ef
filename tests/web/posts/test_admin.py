"""The author's admin: status list, preview, editing (the edit survives re-publishing),
charts shown, scheduling, and the not-traceable warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from .conftest import REFERENCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client, django_user_model):
    user = django_user_model.objects.create_superuser("author", "a@example.com", "pw-123456")
    client.force_login(user)
    return client


def form_data(post, **changes):
    """The change form's fields as the admin posts them back (charts inline included)."""
    data = {"headline": post.headline, "summary": post.summary,
            "author_note": post.author_note, "body_md": post.body_md,
            "status": post.status,
            "published_at_0": "", "published_at_1": "",
            "tags": [t.pk for t in post.tags.all()]}
    if post.published_at:
        local = timezone.localtime(post.published_at)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    charts = list(post.charts.all())
    data.update({"charts-TOTAL_FORMS": len(charts), "charts-INITIAL_FORMS": len(charts),
                 "charts-MIN_NUM_FORMS": 0, "charts-MAX_NUM_FORMS": 0})
    for i, c in enumerate(charts):
        data.update({f"charts-{i}-id": c.pk, f"charts-{i}-post": post.pk,
                     f"charts-{i}-title": c.title, f"charts-{i}-alt": c.alt,
                     f"charts-{i}-order": c.order})
        if c.shown:
            data[f"charts-{i}-shown"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def change_url(post) -> str:
    return f"/admin/posts/post/{post.pk}/change/"


@pytest.mark.realdata
def test_edit_in_admin_survives_republishing(author, prepared, reference_post):
    from tapereader.web.posts.models import Post
    from tapereader.web.posts.publishing import EditedPostError, save_prepared

    post = reference_post
    r = author.post(change_url(post), form_data(
        post, headline="Small caps at a record", author_note="My own take: **careful** here."))
    assert r.status_code == 302, r.content.decode()[:2000]
    post = Post.objects.get(pk=post.pk)
    assert post.edited and post.headline == "Small caps at a record"
    assert "<strong>careful</strong>" in post.author_note_html
    with pytest.raises(EditedPostError):
        save_prepared(prepared(REFERENCE))
    post = Post.objects.get(pk=post.pk)
    assert post.headline == "Small caps at a record"
    page = author.get(post.get_absolute_url()).content.decode()
    assert "Small caps at a record" in page and "My own take" in page


@pytest.mark.realdata
def test_untraceable_numbers_are_listed(author, reference_post):
    from tapereader.web.posts.models import Post

    post = reference_post
    body = post.body_md.replace("## Trend lines\n", "## Trend lines\n\nIWM will gain 12.3457% "
                                "by March 3, 2014.\n\n", 1)
    r = author.post(change_url(post), form_data(post, body_md=body), follow=True)
    msgs = [str(m) for m in r.context["messages"]]
    assert any("Not traceable" in m and "12.3457" in m and "March 3, 2014" in m for m in msgs), msgs
    post = Post.objects.get(pk=post.pk)
    assert "12.3457" in post.warnings and "March 3, 2014" in post.warnings
    assert author.get("/admin/posts/post/").status_code == 200


@pytest.mark.realdata
def test_hide_a_chart(author, reference_post):
    from tapereader.web.posts.models import Post

    post = reference_post
    trend = post.charts.get(name="trend")
    data = form_data(post)
    k = next(i for i, c in enumerate(post.charts.all()) if c.pk == trend.pk)
    data.pop(f"charts-{k}-shown")
    assert author.post(change_url(post), data).status_code == 302
    post = Post.objects.get(pk=post.pk)
    assert "chart-trend" not in post.body_html and "chart-overlay" in post.body_html
    assert post.edited
    page = author.get(post.get_absolute_url()).content.decode()
    assert "/trend.svg" not in page


def test_list_shows_status_and_preview_of_a_draft(author, db):
    from .conftest import make_post

    d = make_post("2013-07-01", "A draft to preview", status="draft")
    make_post("2013-07-02", "Out already")
    lst = author.get("/admin/posts/post/").content.decode()
    assert "A draft to preview" in lst and "draft" in lst and "published" in lst
    prev = author.get(f"/admin/posts/post/{d.pk}/preview/")
    assert prev.status_code == 200 and "A draft to preview" in prev.content.decode()
    # the preview is for the author only
    author.logout()
    assert author.get(f"/admin/posts/post/{d.pk}/preview/").status_code == 302


def test_schedule(author, db):
    from tapereader.web.posts.models import Post

    from .conftest import make_post

    p = make_post("2013-07-01", "To be scheduled", status="draft")
    past = form_data(p, status="scheduled", published_at_0="2013-07-01",
                     published_at_1="09:00:00")
    r = author.post(change_url(p), past)
    assert r.status_code == 200 and "Schedule it in the future" in r.content.decode()
    when = timezone.localtime(timezone.now() + dt.timedelta(days=2))
    r = author.post(change_url(p), form_data(p, status="scheduled",
                                             published_at_0=when.strftime("%Y-%m-%d"),
                                             published_at_1=when.strftime("%H:%M:%S")))
    assert r.status_code == 302
    p = Post.objects.get(pk=p.pk)
    assert p.status == "scheduled" and not p.is_public
    assert not Post.objects.public().filter(pk=p.pk).exists()
