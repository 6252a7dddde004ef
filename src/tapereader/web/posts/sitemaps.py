"""sitemap.xml: every public post, the tag pages, the archive and the fixed pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap as BaseSitemap
from django.urls import reverse

from .models import Post, Tag


class Sitemap(BaseSitemap):
    """Absolute URLs on the configured site URL, not the request's host."""

    def get_domain(self, site=None) -> str:  # type: ignore[no-untyped-def]
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None) -> str:  # type: ignore[no-untyped-def]
        return urlsplit(settings.SITE_URL).scheme


class PostSitemap(Sitemap):
    changefreq = "never"
    priority = 0.8
    limit = 5000

    def items(self):
        return Post.objects.public().order_by("-date")

    def lastmod(self, item: Post) -> dt.datetime:
        return item.updated


class TagSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return Tag.objects.filter(posts__in=Post.objects.public()).distinct().order_by("slug")


class PageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self) -> list[str]:
        return ["posts:home", "posts:archive", "posts:about", "posts:terms", "posts:privacy"]

    def location(self, item: str) -> str:  # type: ignore[override]
        return reverse(item)


SITEMAPS = {"posts": PostSitemap, "tags": TagSitemap, "pages": PageSitemap}
