"""The mail of a post: rendered once per post from its one source (``body_md`` ->
``body_html``/``body_text``), CSS inlined with css-inline, charts inline by Content-ID with
their alt text; then per subscriber only the links, the headers and the Message-ID change.

Every message carries ``List-Unsubscribe`` (https one-click and mailto) and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), a preheader, the
disclaimer and a visible unsubscribe link. Optional DKIM signing happens in the channel
(``dkim.py``), on the final bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.mime.image import MIMEImage
from typing import Any
from urllib.parse import quote

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.html import escape, strip_tags

UNSUB = "@@tr-unsubscribe@@"
PREFS = "@@tr-preferences@@"

_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
_RELATIVE = re.compile(r'(\s(?:href|src)=")(/[^/"][^"]*|/)"')


class PostEmail(EmailMultiAlternatives):
    """A post's mail; signed with DKIM on the final MIME when a key is configured."""

    def message(self) -> Any:  # type: ignore[override]
        from .dkim_sign import configured_key, sign_mime

        msg = super().message()
        key = configured_key()
        return sign_mime(msg, key) if key else msg


@dataclass(frozen=True)
class ChartPart:
    cid: str
    png: bytes
    alt: str
    title: str
    filename: str


@dataclass(frozen=True)
class PostMail:
    """A post's mail with placeholders for the per-subscriber links."""

    subject: str
    text: str
    html: str
    charts: tuple[ChartPart, ...] = field(default_factory=tuple)
    from_email: str = ""


def absolute_links(html: str, site_url: str) -> str:
    """Site-relative ``href``/``src`` made absolute: mail has no base URL."""
    return _RELATIVE.sub(lambda m: f'{m.group(1)}{site_url}{m.group(2)}"', html)


def preheader(post: Any, limit: int = 140) -> str:
    """The preview line: the post's summary, else the start of its text, at a word."""
    text = " ".join((getattr(post, "summary", "") or post.body_text
                     or strip_tags(post.body_html)).split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "..."


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "") or getattr(settings, "TAPEREADER_SITE_URL", "")
               or "http://127.0.0.1:8000").rstrip("/")


def render_post_mail(post: Any, *, ideas: list[dict[str, str]] | None = None,
                     charts: str = "cid") -> PostMail:
    """Render ``post``'s mail once (text and inlined HTML with link placeholders)."""
    base = site_url()
    domain = re.sub(r"^https?://", "", base).split("/")[0].split(":")[0] or "localhost"
    parts: list[ChartPart] = []
    shown: list[dict[str, str]] = []
    chart_rel = getattr(post, "charts", None)
    for c in (chart_rel.filter(shown=True).order_by("order") if chart_rel is not None else []):
        alt = c.alt or c.title or c.name
        if charts == "cid" and c.png:
            cid = f"chart-{c.name}.{post.date:%Y%m%d}@{domain}"
            parts.append(ChartPart(cid, bytes(c.png), alt, c.title, f"{c.name}.png"))
            shown.append({"src": f"cid:{cid}", "alt": alt, "title": c.title})
        else:
            shown.append({"src": f"{base}{c.url('png')}", "alt": alt, "title": c.title})
    name = str(getattr(settings, "TAPEREADER_SITE_NAME", "") or "tapereader")
    context = {
        "post": post, "post_url": f"{base}{post.get_absolute_url()}", "site_url": base,
        "site_name": name, "preheader": preheader(post),
        "body_html": absolute_links(post.body_html, base),
        "author_html": absolute_links(getattr(post, "author_note_html", "") or "", base),
        "body_text": post.body_text or strip_tags(post.body_html),
        "author_text": getattr(post, "author_note", "") or "",
        "charts": shown, "ideas": ideas or [],
        "unsubscribe_url": UNSUB, "preferences_url": PREFS,
    }
    html = _INLINER.inline(render_to_string("delivery/email/post.html", context))
    text = render_to_string("delivery/email/post.txt", context)
    subject = f"{name}: {post.headline}" if post.kind != "alert" else f"Alert: {post.headline}"
    return PostMail(" ".join(subject.split()), text, html, tuple(parts),
                    str(getattr(settings, "DEFAULT_FROM_EMAIL", "")))


def unsubscribe_mailto(token_url: str) -> str:
    """``mailto:`` for List-Unsubscribe: the unsubscribe address with the link as subject."""
    host = re.sub(r"^https?://", "", site_url()).split("/")[0].split(":")[0]
    addr = str(getattr(settings, "TAPEREADER_UNSUBSCRIBE_MAILTO", "") or f"unsubscribe@{host}")
    return f"mailto:{addr}?subject={quote('unsubscribe ' + token_url, safe='')}"


def build_message(pm: PostMail, *, to: str, unsubscribe_url: str, preferences_url: str,
                  message_id: str) -> PostEmail:
    """The subscriber's message: the post's mail with their links, headers and Message-ID."""
    html = pm.html.replace(UNSUB, escape(unsubscribe_url)).replace(PREFS, escape(preferences_url))
    text = pm.text.replace(UNSUB, unsubscribe_url).replace(PREFS, preferences_url)
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{unsubscribe_mailto(unsubscribe_url)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    msg = PostEmail(pm.subject, text, pm.from_email or None, [to], headers=headers)
    msg.attach_alternative(html, "text/html")
    if pm.charts:
        msg.mixed_subtype = "related"
        for c in pm.charts:
            img = MIMEImage(c.png, "png")
            img.add_header("Content-ID", f"<{c.cid}>")
            img.add_header("Content-Disposition", "inline", filename=c.filename)
            msg.attach(img)
    return msg
