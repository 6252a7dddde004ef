"""The author's admin for posts (list with status, edit, charts)."""

from django.contrib import admin

from .models import Chart, Post, Tag


class ChartInline(admin.TabularInline):
    model = Chart
    fields = ("name", "title", "alt", "shown", "order")
    readonly_fields = ("name",)
    extra = 0
    can_delete = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("date", "headline", "status", "published_at", "edited")
    list_filter = ("status", "kind", "edited")
    search_fields = ("headline", "body_md")
    date_hierarchy = "date"
    inlines = (ChartInline,)
    fields = ("date", "headline", "summary", "author_note", "body_md", "status",
              "published_at", "tags", "edited")
    readonly_fields = ("date", "edited")
    filter_horizontal = ("tags",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "group")
    list_filter = ("group",)
