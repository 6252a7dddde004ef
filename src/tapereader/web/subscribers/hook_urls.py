"""The provider webhooks of the subscriptions, mounted at /hooks/sms/ in the site's urls."""

from django.urls import path

from . import views

app_name = "subscriber_hooks"
urlpatterns = [path("inbound/", views.sms_inbound, name="sms_inbound")]
