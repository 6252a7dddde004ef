"""The author's moderation queue: approve, reply, mark spam, delete, block an email or IP,
with the reasons each comment was held. Everything a commenter wrote is escaped here too
(format_html; the body is shown as sanitized HTML)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import posting
from .forms import AuthorReplyForm
from .models import BLOCK_EMAIL, BLOCK_IP, Block, Comment, Commenter, HeldComment
from .sanitizer import excerpt, render_comment


@admin.action(description="Approve (publish) the selected comments")
def approve(modeladmin, request, queryset) -> None:
    for c in queryset:
        posting.approve(c)
    modeladmin.message_user(request, f"{queryset.count()} comment(s) approved.")


@admin.action(description="Mark the selected comments as spam")
def mark_spam(modeladmin, request, queryset) -> None:
    for c in queryset:
        c.status = Comment.Status.SPAM
        c.save(update_fields=["status"])
    modeladmin.message_user(request, "Marked as spam.")


@admin.action(description="Block the email addresses of the selected comments")
def block_email(modeladmin, request, queryset) -> None:
    n = sum(posting.block(BLOCK_EMAIL, c.commenter.email, f"from comment #{c.pk}")
            for c in queryset.select_related("commenter") if c.commenter)
    modeladmin.message_user(request, f"{n} email address(es) blocked.")


@admin.action(description="Block the IP addresses of the selected comments")
def block_ip(modeladmin, request, queryset) -> None:
    n = sum(posting.block(BLOCK_IP, c.ip, f"from comment #{c.pk}") for c in queryset if c.ip)
    modeladmin.message_user(request, f"{n} IP address(es) blocked.")


class CommentAdmin(admin.ModelAdmin):
    list_display: tuple[str, ...] = ("short", "name", "email", "post", "status",
                                     "held_because", "created", "reply_link")
    list_filter: tuple[str, ...] = ("status", "by_author", "created")
    search_fields = ("name", "body", "commenter__email")
    list_select_related = ("post", "commenter")
    actions = (approve, mark_spam, block_email, block_ip)
    readonly_fields = ("rendered", "email", "held_because", "ip", "ip_truncated", "created",
                       "moderated_at", "reply_mail_sent_at")
    fields = ("post", "parent", "status", "name", "email", "website", "body", "rendered",
              "notify", "held_because", "ip", "ip_truncated", "created", "moderated_at",
              "reply_mail_sent_at")
    raw_id_fields = ("post", "parent")
    list_per_page = 100
    formfield_overrides: ClassVar = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="comment")
    def short(self, obj: Comment) -> str:
        return excerpt(obj.body, 80)  # a plain str: the admin escapes it

    @admin.display(description="email")
    def email(self, obj: Comment) -> str:
        return obj.commenter.email if obj.commenter else "(the author)"

    @admin.display(description="held because")
    def held_because(self, obj: Comment):
        return format_html_join(mark_safe("<br>"), '<span title="{}">{}</span>',
                                ((r.get("rule", ""), r.get("detail", ""))
                                 for r in obj.reasons or []))

    @admin.display(description="as shown")
    def rendered(self, obj: Comment):
        return mark_safe(render_comment(obj.body))  # nh3 cleaned it

    @admin.display(description="")
    def reply_link(self, obj: Comment):
        url = reverse("admin:comments_comment_reply", args=[obj.pk])
        return format_html('<a href="{}">Reply</a>', url)

    def get_urls(self):
        return [path("<int:pk>/reply/", self.admin_site.admin_view(self.reply_view),
                     name="comments_comment_reply"), *super().get_urls()]

    def reply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        parent = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
        if not self.has_change_permission(request, parent):
            return HttpResponse(status=403)
        form = AuthorReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            name = request.user.get_full_name() or request.user.get_username()
            reply = posting.author_reply(parent, form.cleaned_data["comment"], name)
            messages.success(request, f"Reply #{reply.pk} published.")
            return redirect("admin:comments_heldcomment_changelist")
        ctx = {**self.admin_site.each_context(request), "title": "Reply to a comment",
               "parent": parent, "parent_html": mark_safe(render_comment(parent.body)),
               "form": form, "opts": self.model._meta}
        return TemplateResponse(request, "admin/comments/reply.html", ctx)


@admin.register(HeldComment)
class HeldCommentAdmin(CommentAdmin):
    list_display = ("short", "name", "email", "post", "held_because", "created", "reply_link")
    list_filter = ("created",)
    ordering = ("-created",)

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)  # the reply view lives under CommentAdmin

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Comment.Status.HELD)


admin.site.register(Comment, CommentAdmin)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("kind", "value", "note", "created")
    list_filter = ("kind",)


@admin.register(Commenter)
class CommenterAdmin(admin.ModelAdmin):
    list_display = ("email", "created", "replies_unsubscribed_at")
    search_fields = ("email",)
