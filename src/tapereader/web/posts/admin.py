"""The author's admin: posts with their status, a preview, editing the headline, the text and
the author's own paragraph, choosing the charts shown, scheduling. Saving lists every number
of the edited text that no figure of the post's findings explains ("not traceable")."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .models import Chart, Post, Status, Tag

EDITABLE = ("headline", "body_md", "author_note", "summary")


class ChartInline(admin.TabularInline):
    model = Chart
    fields = ("preview", "name", "title", "alt", "shown", "order")
    readonly_fields = ("preview", "name")
    extra = 0
    can_delete = False
    max_num = 0  # charts come from publishing; the author chooses which show

    @admin.display(description="chart")
    def preview(self, obj: Chart) -> str:
        if not obj.pk:
            return ""
        return format_html('<img src="{}" alt="" width="140" height="80">',
                           reverse("admin:posts_chart", args=[obj.pk, "png"]))


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ("headline", "summary", "author_note", "body_md", "status", "published_at",
                  "tags")
        widgets: ClassVar = {"headline": forms.TextInput(attrs={"size": 90}),
                             "summary": forms.Textarea(attrs={"rows": 3, "cols": 90}),
                             "author_note": forms.Textarea(attrs={"rows": 5, "cols": 90}),
                             "body_md": forms.Textarea(attrs={"rows": 30, "cols": 90})}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status, at = data.get("status"), data.get("published_at")
        if status == Status.SCHEDULED:
            if at is None:
                self.add_error("published_at", "A scheduled post needs a publication time.")
            elif at <= timezone.now():
                self.add_error("published_at", "Schedule it in the future, or publish it now.")
        return data


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostForm
    list_display = ("date", "headline", "status_label", "published_at", "edited", "traceable")
    list_filter = ("status", "kind", "edited")
    search_fields = ("headline", "body_md")
    date_hierarchy = "date"
    inlines = (ChartInline,)
    fieldsets = (
        (None, {"fields": ("date", "headline", "summary")}),
        ("Your paragraph", {"fields": ("author_note",),
                            "description": "Shown above the note, marked as yours."}),
        ("The note (Markdown)", {"fields": ("body_md",)}),
        ("Publication", {"fields": ("status", "published_at", "tags", "edited",
                                    "warnings_list", "preview_link")}),
    )
    readonly_fields = ("date", "edited", "warnings_list", "preview_link")
    filter_horizontal = ("tags",)
    actions = ("publish_now", "make_draft")

    @admin.display(description="status", ordering="status")
    def status_label(self, obj: Post) -> str:
        if obj.status == Status.SCHEDULED and obj.is_public:
            return "published (was scheduled)"
        return obj.get_status_display()

    @admin.display(description="traceable", boolean=True)
    def traceable(self, obj: Post) -> bool:
        return not obj.warnings

    @admin.display(description="not traceable")
    def warnings_list(self, obj: Post) -> str:
        return ", ".join(obj.warnings) if obj.warnings else "every number is a figure"

    @admin.display(description="preview")
    def preview_link(self, obj: Post) -> str:
        if not obj.pk:
            return ""
        return format_html('<a href="{}">Preview this post</a>',
                           reverse("admin:posts_post_preview", args=[obj.pk]))

    def get_urls(self) -> list:
        return [
            path("<int:pk>/preview/", self.admin_site.admin_view(self.preview),
                 name="posts_post_preview"),
            path("chart/<int:pk>.<str:fmt>", self.admin_site.admin_view(self.chart_file),
                 name="posts_chart"),
            *super().get_urls(),
        ]

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The post page as readers will see it, drafts included (staff only)."""
        from .rendering import ChartRef, to_html

        post = get_object_or_404(Post, pk=pk)
        charts = [c for c in post.charts.all() if c.shown]
        refs = {c.name: ChartRef(reverse("admin:posts_chart", args=[c.pk, "svg"]),
                                 reverse("admin:posts_chart", args=[c.pk, "png"]), c.alt,
                                 c.shown) for c in post.charts.all()}
        post.body_html = to_html(post.body_md, refs)  # drafts' charts are not public yet
        from .views import main_chart

        return render(request, "posts/post.html", {
            "post": post, "charts": charts, **main_chart(charts), "preview": True,
            "related": [], "newer": None, "older": None})

    def chart_file(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        c = get_object_or_404(Chart, pk=pk)
        if fmt == "svg":
            resp = HttpResponse(c.svg, content_type="image/svg+xml")
            resp.headers["Content-Security-Policy"] = ("default-src 'none'; "
                                                       "style-src 'unsafe-inline'")
            return resp
        return HttpResponse(bytes(c.png), content_type="image/png")

    def save_model(self, request: HttpRequest, obj: Post, form: forms.ModelForm,
                   change: bool) -> None:
        if change and any(f in form.changed_data for f in EDITABLE):
            obj.edited = True
        if obj.status == Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()
        if obj.status == Status.DRAFT:
            obj.published_at = None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any,
                     change: bool) -> None:
        super().save_related(request, form, formsets, change)
        post = form.instance
        if any(fs.has_changed() for fs in formsets):
            post.edited = True
        post.refresh_rendering()
        post.save()
        if post.warnings:
            messages.warning(request, "Not traceable to a figure of this post's findings: "
                             + ", ".join(post.warnings))

    @admin.action(description="Publish now")
    def publish_now(self, request: HttpRequest, queryset: Any) -> None:
        for post in queryset:
            post.status = Status.PUBLISHED
            post.published_at = post.published_at or timezone.now()
            post.save()

    @admin.action(description="Make draft (not public)")
    def make_draft(self, request: HttpRequest, queryset: Any) -> None:
        for post in queryset:
            post.status, post.published_at = Status.DRAFT, None
            post.save()


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "group")
    list_filter = ("group",)
    search_fields: ClassVar = ["slug", "name"]
