"""{% comment_thread post %}: the thread and the reply form (comments/thread.html uses it)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..forms import CommentForm
from ..posting import post_is_open
from ..sanitizer import clean_website, render_comment
from ..thread import public_thread
from ..tokens import form_token

register = template.Library()

NOTICES = {"public": "Thank you: your comment is published.",
           "held": "Thank you: your comment is awaiting moderation."}
TS_PLACEHOLDER = "tr-comments-ts-placeholder:{post_id}:"


def rendering_for_cache(request) -> bool:
    return bool(request is not None and request.META.get("tapereader.csrf_placeholder"))


@register.inclusion_tag("comments/_thread.html", takes_context=True)
def comment_thread(context, post) -> dict:
    request = context.get("request")
    nodes, count = public_thread(post)
    reply_to = None
    if request is not None and request.GET.get("replytocom", "").isdigit():
        wanted = int(request.GET["replytocom"])
        reply_to = next((n.comment for n in _walk(nodes) if n.comment.pk == wanted), None)
    ts = (TS_PLACEHOLDER.format(post_id=post.pk) if rendering_for_cache(request)
          else form_token(post.pk))
    form = CommentForm(initial={"ts": ts, "parent": reply_to.pk if reply_to else None})
    notice = NOTICES.get(request.GET.get("comment", "")) if request is not None else None
    return {"post": post, "nodes": nodes, "count": count, "form": form, "reply_to": reply_to,
            "open": post_is_open(post), "notice": notice,
            "csrf_token": context.get("csrf_token")}


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.replies)


@register.filter
def comment_html(body: str) -> SafeString:
    """The comment's text as sanitized HTML (nh3 allowlist; see sanitizer.py)."""
    return mark_safe(render_comment(body))  # nh3 cleaned it


@register.filter
def website_url(url: str) -> str:
    """The stored website again checked on output (absolute http(s) or nothing), whatever
    path stored it (the form, the admin, an import)."""
    return clean_website(url or "")
