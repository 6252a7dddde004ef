"""Template context for every page: the site's name and base URL."""

from django.conf import settings
from django.http import HttpRequest

SITE_NAME = "tapereader"
TAGLINE = "The daily market note, read from the charts"


def site(request: HttpRequest) -> dict[str, str]:
    return {"site_name": SITE_NAME, "site_tagline": TAGLINE, "site_url": settings.SITE_URL,
            # the SMS program as the subscription code sends it (settings, h15's block)
            "sms_program": getattr(settings, "TAPEREADER_PROGRAM_NAME", "Daily Trading Tips"),
            "sms_frequency": getattr(settings, "TAPEREADER_SMS_FREQUENCY",
                                     "up to 1 message per trading day"),
            "contact_email": getattr(settings, "TAPEREADER_CONTACT_EMAIL", "")}
