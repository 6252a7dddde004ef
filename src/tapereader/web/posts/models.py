"""Posts (one per session, from the story's Note), their charts and tags."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone

from ...charts.png import png_size


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    SCHEDULED = "scheduled", "scheduled"
    PUBLISHED = "published", "published"


class Kind(models.TextChoices):
    NOTE = "note", "daily note"
    ALERT = "alert", "alert"


class Tag(models.Model):
    """A symbol (``iwm``) or a theme (``small-caps``) a post discusses."""

    class Group(models.TextChoices):
        SYMBOL = "symbol", "symbol"
        THEME = "theme", "theme"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    group = models.CharField(max_length=10, choices=Group.choices, default=Group.THEME)

    class Meta:
        ordering: ClassVar = ["slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("posts:tag", args=[self.slug])


class PostQuerySet(models.QuerySet):
    def public(self) -> PostQuerySet:
        """What readers may see: published, or scheduled, once its publication time came."""
        return self.filter(status__in=(Status.PUBLISHED, Status.SCHEDULED),
                           published_at__lte=timezone.now())


class Post(models.Model):
    date = models.DateField(help_text="The session the note is about.")
    slug = models.SlugField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    headline = models.CharField(max_length=300)
    body_md = models.TextField(help_text="The note in Markdown: the one source of the page, "
                               "the mail and the text message.")
    body_html = models.TextField(blank=True, editable=False)
    body_text = models.TextField(blank=True, editable=False)
    author_note = models.TextField(blank=True, help_text="Your own paragraph (Markdown), "
                                   "shown above the note.")
    author_note_html = models.TextField(blank=True, editable=False)
    summary = models.TextField(blank=True, help_text="One or two sentences for cards, "
                               "feeds and search results.")
    findings = models.JSONField(default=dict, blank=True)
    data_asof = models.DateTimeField(null=True, blank=True,
                                     help_text="The close the data is as of.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True,
                                        help_text="When it is (or was) public.")
    edited = models.BooleanField(default=False, help_text="The author changed it in the admin "
                                 "(publish never overwrites it without --force).")
    warnings = models.JSONField(default=list, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, related_name="posts", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-date"]
        indexes: ClassVar = [models.Index(fields=["status", "published_at"])]
        # one note per session; alerts (h16) share the session's date, each with its slug
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["date"], condition=models.Q(kind="note"),
                                    name="one_note_per_session"),
            models.UniqueConstraint(fields=["date", "slug"], name="post_date_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.headline}"

    def get_absolute_url(self) -> str:
        return reverse("posts:post", kwargs={"year": self.date.year, "month": f"{self.date:%m}",
                                             "day": f"{self.date:%d}", "slug": self.slug})

    def sorted_tags(self) -> list[Tag]:
        """Symbols first, then themes, each alphabetically."""
        return sorted(self.tags.all(), key=lambda t: (t.group != Tag.Group.SYMBOL, t.slug))

    def chart_refs(self) -> dict:
        from .rendering import ChartRef

        return {c.name: ChartRef(c.url("svg"), c.url("png"), c.alt, c.shown, *c.size)
                for c in self.charts.all()} if self.pk else {}

    def untraced(self) -> list[str]:
        """Numbers and dates in the headline, the note and the author's paragraph that no
        figure of the post's findings explains ("not traceable")."""
        from ...config import default_watchlist
        from ...story.numbers import untraced
        from .rendering import to_text

        wl = default_watchlist()
        names = [i.name for i in wl.instruments.values()] + list(wl.instruments)
        text = "\n".join([self.headline, to_text(self.body_md), to_text(self.author_note)])
        found = (self.findings or {}).get("findings", [])
        return untraced(text, found, names, self.date.isoformat() if self.date else None)

    def refresh_rendering(self) -> None:
        """Derive the HTML, the plain text, the summary and the warnings from the Markdown."""
        from .rendering import first_paragraph, to_html, to_text

        refs = self.chart_refs()
        self.body_html = to_html(self.body_md, refs)
        self.body_text = to_text(self.body_md)
        self.author_note_html = to_html(self.author_note, drop_title=False)
        if not self.summary:
            self.summary = first_paragraph(self.body_md)
        self.warnings = self.untraced()

    @property
    def is_public(self) -> bool:
        return (self.status in (Status.PUBLISHED, Status.SCHEDULED)
                and self.published_at is not None and self.published_at <= timezone.now())


class Chart(models.Model):
    """One chart of a post: SVG for the page, PNG as fallback (and for mail and cards)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="charts")
    name = models.SlugField(max_length=40)
    title = models.CharField(max_length=300, blank=True)
    alt = models.TextField(blank=True)
    svg = models.TextField(blank=True)
    png = models.BinaryField(blank=True)
    section = models.CharField(max_length=40, blank=True,
                               help_text="The note section the chart illustrates.")
    order = models.PositiveSmallIntegerField(default=0)
    shown = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["post", "order"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["post", "name"],
                                                         name="chart_name_per_post")]

    def __str__(self) -> str:
        return f"{self.post.date} {self.name}"

    @property
    def size(self) -> tuple[int, int]:
        """The PNG's width and height in pixels (from its header), or 700 x 400."""
        return png_size(bytes(self.png[:24]) if self.png else b"") or (700, 400)

    def url(self, fmt: str) -> str:
        return reverse("posts:chart", kwargs={"date": self.post.date.isoformat(),
                                              "name": self.name, "fmt": fmt})
