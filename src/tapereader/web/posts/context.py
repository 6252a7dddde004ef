"""Template context for every page: the site's name and base URL."""

from django.conf import settings
from django.http import HttpRequest

SITE_NAME = "tapereader"
TAGLINE = "The daily market note, read from the charts"


def site(request: HttpRequest) -> dict[str, str]:
    return {"site_name": SITE_NAME, "site_tagline": TAGLINE, "site_url": settings.SITE_URL}
