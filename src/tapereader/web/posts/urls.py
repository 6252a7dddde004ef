from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import path, register_converter
from django.views.generic.base import RedirectView

from . import feeds, views
from .pagecache import cached_page
from .sitemaps import SITEMAPS


class FourDigit:
    regex = r"\d{4}"

    def to_python(self, v: str) -> int:
        return int(v)

    def to_url(self, v: int) -> str:
        return f"{int(v):04d}"


class TwoDigit:
    regex = r"\d{2}"

    def to_python(self, v: str) -> str:
        return v

    def to_url(self, v: object) -> str:
        return f"{int(str(v)):02d}"


register_converter(FourDigit, "yyyy")
register_converter(TwoDigit, "mm")

app_name = "posts"
urlpatterns = [
    path("", views.home, name="home"),
    path("<yyyy:year>/<mm:month>/<mm:day>/<slug:slug>/", views.post_detail, name="post"),
    path("<yyyy:year>/<mm:month>/", views.archive_month, name="month"),
    path("<yyyy:year>/", views.archive_year, name="year"),
    path("archive/", views.archive, name="archive"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("tag/<slug:slug>/feed/atom/", cached_page(feeds.TagNotesAtom()), name="tag_atom"),
    path("tag/<slug:slug>/feed/rss/", cached_page(feeds.TagNotes()), name="tag_rss"),
    path("feed/atom/", cached_page(feeds.LatestNotesAtom()), name="atom"),
    path("feed/rss/", cached_page(feeds.LatestNotes()), name="rss"),
    path("about/", views.page, {"name": "about"}, name="about"),
    path("terms/", views.page, {"name": "terms"}, name="terms"),
    path("privacy/", views.page, {"name": "privacy"}, name="privacy"),
    path("charts/<str:date>/<slug:name>.<str:fmt>", views.chart, name="chart"),
]

# at the site's root, outside the app's namespace
root_urlpatterns = [
    path("sitemap.xml", cached_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    # browsers ask for it on pages that name no icon (the admin's)
    path("favicon.ico", RedirectView.as_view(url=static("tapereader/favicon.svg"),
                                             permanent=True)),
]
