"""Delivery's URLs under /delivery/: provider webhooks. The short links (/s/<code>/) are
included at the root by the site's urls.py (``short_urlpatterns``)."""

from django.urls import include, path

from . import views, webhooks

app_name = "delivery"
urlpatterns: list = [
    path("hooks/sms/status/", webhooks.twilio_status, name="twilio-status"),
    path("hooks/anymail/", include("anymail.urls")),
]

short_urlpatterns: list = [
    path("s/<str:code>/", views.short_link, name="short"),
]
