"""The author's view of the outbox: every delivery, filtered by post, channel and state,
with the counts by state above the list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest, HttpResponse

from .models import AlertLog, Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("post", "subscriber_id", "channel", "state", "attempts", "sent_at",
                    "provider_id")
    list_filter = ("state", "channel", "post")
    list_select_related = ("post",)
    search_fields = ("provider_id", "message_id")
    readonly_fields = tuple(f.name for f in Delivery._meta.fields)
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest,
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            rows = (cl.queryset.order_by().values("post__date", "channel", "state")
                    .annotate(n=Count("id")).order_by("-post__date", "channel", "state"))
            response.context_data["by_state"] = list(rows)
        return response


@admin.register(AlertLog)
class AlertLogAdmin(admin.ModelAdmin):
    list_display = ("symbol", "kind", "week", "post", "created")
    readonly_fields = ("symbol", "kind", "week", "post", "created")
