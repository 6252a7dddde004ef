"""The site's URLs: posts at the root, each other app under its own prefix, the admin."""

from django.contrib import admin
from django.urls import include, path

from .posts.urls import root_urlpatterns

urlpatterns = [
    *root_urlpatterns,
    path("admin/", admin.site.urls),
    path("comments/", include("tapereader.web.comments.urls")),
    path("subscribe/", include("tapereader.web.subscribers.urls")),
    path("hooks/sms/", include("tapereader.web.subscribers.hook_urls")),
    path("delivery/", include("tapereader.web.delivery.urls")),
    path("", include("tapereader.web.posts.urls")),
]
