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


BULK_HEADERS = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Precedence": "bulk", "Auto-Submitted": "auto-generated"}


def _attach_charts(msg: EmailMultiAlternatives, pm: PostMail) -> None:
    """The post's charts as inline images of a multipart/related message (cid: links)."""
    if pm.charts:
        msg.mixed_subtype = "related"
        for c in pm.charts:
            img = MIMEImage(c.png, "png")
            img.add_header("Content-ID", f"<{c.cid}>")
            img.add_header("Content-Disposition", "inline", filename=c.filename)
            msg.attach(img)


def build_message(pm: PostMail, *, to: str, unsubscribe_url: str, preferences_url: str,
                  message_id: str) -> PostEmail:
    """The subscriber's message: the post's mail with their links, headers and Message-ID."""
    html = pm.html.replace(UNSUB, escape(unsubscribe_url)).replace(PREFS, escape(preferences_url))
    text = pm.text.replace(UNSUB, unsubscribe_url).replace(PREFS, preferences_url)
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe_url}>, <{unsubscribe_mailto(unsubscribe_url)}>",
        **BULK_HEADERS,
    }
    msg = PostEmail(pm.subject, text, pm.from_email or None, [to], headers=headers)
    msg.attach_alternative(html, "text/html")
    _attach_charts(msg, pm)
    return msg


# -- the post's message serialized once: per subscriber only bytes are substituted --------

TEXT_MARK, HTML_MARK = "@@tr-text-part@@", "@@tr-html-part@@"
_PER_MESSAGE = re.compile(rb"(?im)^(?:date|message-id): [^\r\n]*\r\n")
_MAX_LINE = 998  # RFC 5322


class RawMessage:
    """What Django's SMTP and .eml backends need of ``EmailMessage.message()``."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.raw if linesep == "\r\n" else self.raw.replace(b"\r\n", linesep.encode())


class RawEmail(PostEmail):
    """A message whose bytes were assembled from the post's template (``MailTemplate``);
    Django's SMTP and .eml backends send ``message().as_bytes()`` as they are."""

    raw: bytes = b""

    def message(self) -> Any:  # type: ignore[override]
        from .dkim_sign import configured_key, signature_header

        key = configured_key()
        if key is None:
            return RawMessage(self.raw)
        return RawMessage(b"DKIM-Signature: " + signature_header(self.raw, key).encode()
                          + b"\r\n" + self.raw)


@dataclass(frozen=True)
class MailTemplate:
    """A post's message as bytes, built once by Django's mail classes with markers in place
    of what differs per subscriber (the To, Date, Message-ID and List-Unsubscribe headers
    and the two text bodies, whose links differ); ``render`` fills them in."""

    head: bytes    # the fixed headers (From, Subject, MIME-Version, Content-Type...)
    before_text: bytes  # ... up to the text part's Content-Transfer-Encoding header
    between: bytes      # after the text body, up to the html part's CTE header
    after_html: bytes   # the rest: the html part's end, the images (encoded once)
    text: str
    html: str
    subject: str
    from_email: str

    def render(self, *, to: str, unsubscribe_url: str, preferences_url: str,
               message_id: str, date: str) -> bytes | None:
        """The subscriber's message bytes; None when something cannot be put in as plain
        bytes (a non-ASCII address, an over-long header line): then build it the slow way."""
        lu = f"<{unsubscribe_url}>,\r\n <{unsubscribe_mailto(unsubscribe_url)}>"
        values = (to, message_id, unsubscribe_url, preferences_url)
        if not all(v.isascii() and "\r" not in v and "\n" not in v for v in values) \
                or max(len(x) for x in lu.split("\r\n")) > _MAX_LINE - 20:
            return None
        text = self.text.replace(UNSUB, unsubscribe_url).replace(PREFS, preferences_url)
        html = self.html.replace(UNSUB, escape(unsubscribe_url)).replace(
            PREFS, escape(preferences_url))
        return b"".join((
            f"To: {to}\r\nDate: {date}\r\nMessage-ID: {message_id}\r\n"
            f"List-Unsubscribe: {lu}\r\n".encode(), self.head, self.before_text,
            _body(text), self.between, _body(html), self.after_html))


def _body(text: str) -> bytes:
    """A text part's Content-Transfer-Encoding header, the blank line and the encoded body,
    as Django encodes it: 7bit or 8bit, quoted-printable when a line passes 998 octets."""
    import binascii

    data = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    if any(len(line) > _MAX_LINE for line in data.split(b"\r\n")):
        return (b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                + binascii.b2a_qp(data, istext=True))
    cte = b"7bit" if data.isascii() else b"8bit"
    return b"Content-Transfer-Encoding: " + cte + b"\r\n\r\n" + data


def build_template(pm: PostMail) -> MailTemplate | None:
    """Serialize ``pm`` once with markers (None if the serialization does not have the
    expected shape: then every message is built the slow way)."""
    headers = {**BULK_HEADERS, "Message-ID": "<tr-template@tapereader.invalid>"}
    skeleton = PostMail(pm.subject, TEXT_MARK, HTML_MARK, pm.charts, pm.from_email)
    msg = EmailMultiAlternatives(skeleton.subject, skeleton.text, pm.from_email or None,
                                 headers=headers)
    msg.attach_alternative(skeleton.html, "text/html")
    _attach_charts(msg, pm)
    raw = msg.message().as_bytes(linesep="\r\n")
    head, sep, body = raw.partition(b"\r\n\r\n")
    head = _PER_MESSAGE.sub(b"", head + b"\r\n")
    part = re.compile(rb"Content-Transfer-Encoding: 7bit\r\n\r\n(%s|%s)\r\n"
                      % (TEXT_MARK.encode(), HTML_MARK.encode()))
    found = list(part.finditer(body))
    if not sep or [m.group(1) for m in found] != [TEXT_MARK.encode(), HTML_MARK.encode()] \
            or b"ontent-Transfer-Encoding" in head or b"\r\nTo:" in b"\r\n" + head:
        return None
    boundaries = re.findall(rb'boundary="([^"]+)"', raw)
    if any(b.decode() in pm.text or b.decode() in pm.html for b in boundaries):
        return None
    (t, h) = found
    return MailTemplate(head + b"\r\n", body[:t.start()], body[t.end(1):h.start()],
                        body[h.end(1):], pm.text, pm.html, pm.subject, pm.from_email)


def build_raw_message(tpl: MailTemplate, *, to: str, unsubscribe_url: str,
                      preferences_url: str, message_id: str) -> RawEmail | None:
    """The subscriber's message from the post's template (None: build it the slow way)."""
    from email.utils import formatdate

    raw = tpl.render(to=to, unsubscribe_url=unsubscribe_url, preferences_url=preferences_url,
                     message_id=message_id, date=formatdate())
    if raw is None:
        return None
    msg = RawEmail(tpl.subject, "", tpl.from_email or None, [to],
                   headers={"Message-ID": message_id})
    msg.raw = raw
    return msg
