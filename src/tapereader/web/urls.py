"""The site's URLs: posts at the root, each other app under its own prefix, the admin."""

from django.contrib import admin
from django.urls import include, path

from .delivery.urls import short_urlpatterns
from .posts.urls import root_urlpatterns

urlpatterns = [
    *root_urlpatterns,
    # the public pages first: the ones read most are matched without trying every prefix
    # below (none of their patterns begins with those prefixes)
    path("", include("tapereader.web.posts.urls")),
    *short_urlpatterns,  # /s/<code>/: the texts' short links (delivery)
    path("admin/", admin.site.urls),
    path("comments/", include("tapereader.web.comments.urls")),
    path("subscribe/", include("tapereader.web.subscribers.urls")),
    path("hooks/sms/", include("tapereader.web.subscribers.hook_urls")),
    path("delivery/", include("tapereader.web.delivery.urls")),
]
