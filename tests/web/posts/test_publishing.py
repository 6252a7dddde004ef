"""publish_note: the reference note becomes a post with its charts, findings, tags and the
"data as of" line; re-publishing updates a draft and never overwrites the author's edit."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from .conftest import REFERENCE

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


def test_reference_note_is_a_post(reference_post, prepared, market_dir):
    from tapereader.story.compose import DISCLAIMER
    from tapereader.web.posts.models import Post

    post = Post.objects.get(date=REFERENCE)
    p = prepared(REFERENCE)
    assert post.headline == p.headline and "Russell 2000" in post.headline
    assert post.status == "published" and post.is_public
    # the one source: the note's own Markdown, and the HTML rendered from it
    assert post.body_md == p.body_md
    for title in ("## ", "---"):
        assert title in post.body_md
    assert "<h2>" in post.body_html and "<h1>" not in post.body_html
    assert DISCLAIMER in post.body_html  # the note's own disclaimer, at its end
    # every chart is on the page: SVG with the PNG as fallback, with alt text
    charts = list(post.charts.all())
    assert {c.name for c in charts} >= {"trend", "overlay"}
    for c in charts:
        assert c.svg.lstrip().startswith("<?xml") or "<svg" in c.svg[:500]
        assert bytes(c.png[:8]) == b"\x89PNG\r\n\x1a\n"
        assert c.alt
        assert f'srcset="/charts/{REFERENCE}/{c.name}.svg"' in post.body_html
        assert f'src="/charts/{REFERENCE}/{c.name}.png"' in post.body_html
    assert post.body_html.count("<picture>") == len(charts)
    # the findings behind it are exactly the findings JSON
    assert post.findings == json.loads(json.dumps(p.findings))
    assert post.findings["asof"] == REFERENCE and post.findings["findings"]
    # tags: the symbols discussed and their themes
    tags = set(post.tags.values_list("slug", flat=True))
    assert {"iwm", "rut"} & tags and "small-caps" in tags
    # data as of the 2013-07-08 close: 16:00 New York = 20:00 UTC
    assert post.data_asof == dt.datetime(2013, 7, 8, 20, 0, tzinfo=dt.UTC)
    # the generated note's numbers are all figures
    assert post.warnings == []
    # the plain text (mail, SMS) from the same Markdown: headline first, sections in capitals
    first_section = post.body_md.split("## ", 1)[1].split("\n", 1)[0]
    lines = post.body_text.splitlines()
    assert lines[0] == post.headline and first_section.upper() in lines
    assert post.body_text.rstrip().endswith(DISCLAIMER)
    assert "![" not in post.body_text and "##" not in post.body_text


def test_republish_updates_a_draft(db, prepared):
    from tapereader.web.posts.models import Post
    from tapereader.web.posts.publishing import save_prepared

    p = prepared(REFERENCE)
    first = save_prepared(p, draft=True)
    assert first.status == "draft" and not Post.objects.public().exists()
    again = save_prepared(p, draft=True)
    assert again.pk == first.pk and Post.objects.count() == 1
    pub = save_prepared(p)
    assert pub.pk == first.pk and pub.is_public


def test_an_edited_post_is_never_overwritten(db, prepared):
    from tapereader.web.posts.models import Post
    from tapereader.web.posts.publishing import EditedPostError, save_prepared

    p = prepared(REFERENCE)
    post = save_prepared(p)
    Post.objects.filter(pk=post.pk).update(headline="My own headline", edited=True)
    with pytest.raises(EditedPostError, match="--force"):
        save_prepared(p)
    assert Post.objects.get(pk=post.pk).headline == "My own headline"
    forced = save_prepared(p, force=True)
    assert forced.headline == p.headline and not forced.edited


def test_slug_stays_when_the_headline_changes(db, prepared):
    from tapereader.web.posts.publishing import save_prepared

    p = prepared(REFERENCE)
    url = save_prepared(p).get_absolute_url()
    p2 = type(p)(**{**p.__dict__, "headline": "Another headline"})
    assert save_prepared(p2).get_absolute_url() == url
