"""The author's admin: subscribers with their ledger (read-only), exports, disclosures."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from . import export
from .consent import status
from .models import Channel, ConsentEvent, Disclosure, Source, Subscriber


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ConsentEvent
    fields = ("at", "channel", "event", "source", "disclosure", "address_sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("id", "email", "phone", "email_status", "sms_status", "created_at")
    search_fields = ("email", "phone")
    readonly_fields = ("created_at", "confirm_mail_sent_at", "confirm_sms_sent_at")
    inlines = (EventInline,)
    actions = ("export_json", "export_csv", "revoke_all")

    @admin.display(description="email")
    def email_status(self, obj: Subscriber) -> str:
        return str(status(obj, Channel.EMAIL))

    @admin.display(description="sms")
    def sms_status(self, obj: Subscriber) -> str:
        return str(status(obj, Channel.SMS))

    @admin.action(description="Export the consent record as JSON")
    def export_json(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        body = "[" + ",".join(export.as_json(s) for s in queryset) + "]"
        resp = HttpResponse(json.dumps(json.loads(body), indent=2),
                            content_type="application/json")
        resp["Content-Disposition"] = 'attachment; filename="consent.json"'
        return resp

    @admin.action(description="Export the consent record as CSV")
    def export_csv(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        parts = [export.as_csv(s) for s in queryset]
        body = parts[0] + "".join(p.split("\r\n", 1)[1] for p in parts[1:]) if parts else ""
        resp = HttpResponse(body, content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="consent.csv"'
        return resp


    @admin.action(description="Revoke email and SMS consent (recorded as the admin's)")
    def revoke_all(self, request: HttpRequest, queryset: Any) -> None:
        from .signup import Context, unsubscribe

        ctx = Context(ip=request.META.get("REMOTE_ADDR"),
                      user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
                      page_url=request.build_absolute_uri())
        done = sum(unsubscribe(s, ch, ctx, source=Source.ADMIN)
                   for s in queryset for ch in (Channel.EMAIL, Channel.SMS))
        self.message_user(request, f"{done} consent(s) revoked.")


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnly):
    list_display = ("at", "subscriber_id", "channel", "event", "source", "disclosure")
    list_filter = ("channel", "event", "source")


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnly):
    list_display = ("channel", "version", "sha256", "created_at")
