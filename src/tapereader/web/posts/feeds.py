"""Atom and RSS feeds, site-wide and per tag (django.contrib.syndication)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .context import SITE_NAME, TAGLINE
from .models import Post, Tag

ITEMS = 20


class LatestNotes(Feed):
    feed_type = Rss201rev2Feed
    _path = "/"
    title = SITE_NAME
    description = TAGLINE
    def link(self, obj: object = None) -> str:
        return absolute("/")

    def feed_url(self, obj: object = None) -> str:
        return absolute(self._path)

    def get_feed(self, obj, request: HttpRequest):  # type: ignore[no-untyped-def]
        self._path = request.path
        return super().get_feed(obj, request)

    def items(self) -> list[Post]:
        return list(Post.objects.public().order_by("-date")[:ITEMS])

    def item_title(self, item: Post) -> str:
        return item.headline

    def item_description(self, item: Post) -> str:
        # the sanitized, rendered note (charts as absolute image links)
        return absolutize(item.author_note_html + item.body_html)

    def item_link(self, item: Post) -> str:
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item: Post) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Post) -> dt.datetime:
        return max(item.updated, item.published_at or item.updated)

    def item_categories(self, item: Post) -> list[str]:
        return [t.name for t in item.tags.all()]

    def item_guid(self, item: Post) -> str:
        return absolute(item.get_absolute_url())

    item_guid_is_permalink = True


class LatestNotesAtom(LatestNotes):
    feed_type = Atom1Feed
    subtitle = TAGLINE


class TagNotes(LatestNotes):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:  # type: ignore[override]
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj: Tag) -> str:  # type: ignore[override]
        return f"{SITE_NAME}: {obj.name}"

    def link(self, obj: Tag) -> str:  # type: ignore[override]
        return absolute(obj.get_absolute_url())

    def description(self, obj: Tag) -> str:  # type: ignore[override]
        return f"Daily notes about {obj.name}"

    def items(self, obj: Tag) -> list[Post]:  # type: ignore[override]
        return list(obj.posts.public().order_by("-date")[:ITEMS])


class TagNotesAtom(TagNotes):
    feed_type = Atom1Feed

    def subtitle(self, obj: Tag) -> str:
        return f"Daily notes about {obj.name}"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def absolutize(html: str) -> str:
    """Site-relative ``src``/``href``/``srcset`` in feed HTML made absolute."""
    base = settings.SITE_URL
    for attr in ("src", "href", "srcset"):
        html = html.replace(f'{attr}="/', f'{attr}="{base}/')
    return html
