"""Thin views: look the posts up, render a template. Public pages are cached (pagecache)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from ..siteconfig import DEFAULT_URL
from .models import Chart, Post, Tag
from .pagecache import cached_page

HOME_EARLIER = 10
RELATED = 5


def _months(qs) -> list[dict]:
    return list(qs.annotate(month=TruncMonth("date")).values("month")
                .annotate(n=Count("id")).order_by("-month"))


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    posts = list(Post.objects.public().prefetch_related("charts", "tags")[:HOME_EARLIER + 1])
    latest = posts[0] if posts else None
    return render(request, "posts/home.html", {
        "latest": latest, "earlier": posts[1:],
        "charts": [c for c in latest.charts.all() if c.shown] if latest else []})


def related_posts(post: Post, limit: int = RELATED) -> list[Post]:
    """Public posts sharing the most tags with ``post``, most shared first, then newest."""
    tags = [t.pk for t in post.tags.all()]  # the prefetched tags: no query
    if not tags:
        return []
    return list(Post.objects.public().exclude(pk=post.pk).filter(tags__in=tags)
                .annotate(shared=Count("tags", filter=Q(tags__in=tags)))
                .order_by("-shared", "-date").distinct()[:limit])


@require_safe
@cached_page
def post_detail(request: HttpRequest, year: int, month: str, day: str, slug: str
                ) -> HttpResponse:
    try:
        date = dt.date(year, int(month), int(day))
    except ValueError:
        raise Http404("no such date") from None
    on_day = Post.objects.public().prefetch_related("tags", "charts").filter(date=date)
    post = on_day.filter(slug=slug).first()
    if post is None:  # an old slug: the session's note (alerts share its date)
        post = get_object_or_404(on_day, kind="note")
        return HttpResponsePermanentRedirect(post.get_absolute_url())
    charts = [c for c in post.charts.all() if c.shown]
    newer = Post.objects.public().filter(date__gt=post.date).order_by("date").first()
    older = Post.objects.public().filter(date__lt=post.date).order_by("-date").first()
    return render(request, "posts/post.html", {
        "post": post, "charts": charts, **main_chart(charts),
        "related": related_posts(post), "newer": newer, "older": older})


def main_chart(charts: list[Chart]) -> dict:
    """The chart for the OpenGraph/Twitter card: the first one shown, as PNG."""
    if not charts:
        return {"main_chart": None}
    c = charts[0]
    w, h = c.size
    return {"main_chart": c, "main_chart_png": c.url("png"), "main_chart_width": w,
            "main_chart_height": h}


@require_safe
@cached_page
def archive(request: HttpRequest) -> HttpResponse:
    months = _months(Post.objects.public())
    years: dict[int, list[dict]] = {}
    for m in months:
        years.setdefault(m["month"].year, []).append(m)
    return render(request, "posts/archive.html", {"years": years})


@require_safe
@cached_page
def archive_year(request: HttpRequest, year: int) -> HttpResponse:
    posts = list(Post.objects.public().filter(date__year=year).order_by("-date"))
    if not posts:
        raise Http404("no notes that year")
    return render(request, "posts/archive_list.html", {
        "title": f"Notes of {year}", "posts": posts, "year": year,
        "months": _months(Post.objects.public().filter(date__year=year))})


@require_safe
@cached_page
def archive_month(request: HttpRequest, year: int, month: str) -> HttpResponse:
    m = int(month)
    if not 1 <= m <= 12:
        raise Http404("no such month")
    posts = list(Post.objects.public().filter(date__year=year, date__month=m).order_by("-date"))
    if not posts:
        raise Http404("no notes that month")
    first = dt.date(year, m, 1)
    return render(request, "posts/archive_list.html", {
        "title": f"Notes of {first:%B %Y}", "posts": posts, "year": year, "month": first})


@require_safe
@cached_page
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    t = get_object_or_404(Tag, slug=slug)
    posts = list(t.posts.public().order_by("-date")[:100])
    if not posts:
        raise Http404("no public notes with this tag")
    return render(request, "posts/tag.html", {"tag": t, "posts": posts})


@require_safe
@cached_page
def page(request: HttpRequest, name: str) -> HttpResponse:
    return render(request, f"posts/pages/{name}.html", {"page": name})


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /comments/",
             "Disallow: /subscribe/", "Disallow: /delivery/",
             f"Sitemap: {settings.SITE_URL or DEFAULT_URL}{reverse('sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def chart(request: HttpRequest, date: str, name: str, fmt: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        raise Http404("charts are svg or png")
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404("no such date") from None
    c = get_object_or_404(Chart.objects.select_related("post"),
                          post__in=Post.objects.public(), post__date=day, name=name)
    etag = f'"{c.pk}-{int(c.post.updated.timestamp())}-{fmt}"'
    if request.headers.get("If-None-Match") == etag:
        resp = HttpResponse(status=304)
    elif fmt == "svg":
        resp = HttpResponse(c.svg, content_type="image/svg+xml")
        # an image, not a page: matplotlib's SVG carries its own <style>; no script may run
        resp.headers["Content-Security-Policy"] = ("default-src 'none'; "
                                                   "style-src 'unsafe-inline'; img-src data:")
    else:
        resp = HttpResponse(bytes(c.png), content_type="image/png")
    resp.headers["ETag"] = etag
    resp.headers["Last-Modified"] = http_date(c.post.updated.timestamp())
    resp.headers["Cache-Control"] = "public, max-age=3600"
    return resp
