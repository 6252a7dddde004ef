"""Comment text to safe HTML, and the name and website fields to plain text and a safe URL.

The comment is stored raw and rendered on output: a small Markdown subset (paragraphs,
emphasis, links, block quotes, inline and block code, line breaks) by markdown-it-py with raw
HTML disabled, then cleaned by nh3 with an allowlist. A link survives only with an absolute
http(s) URL and always carries ``rel="nofollow ugc noopener"``. The name and the website are
never HTML: templates escape them (attribute values quoted, quotes escaped, unlike Isso's
``escape(..., quote=False)`` that let a ``'`` out of ``href='...'`` until 2026).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import nh3
from markdown_it import MarkdownIt

LINK_REL = "nofollow ugc noopener"
SCHEMES = frozenset({"http", "https"})
TAGS = frozenset({"p", "br", "em", "strong", "a", "blockquote", "code", "pre"})
ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "*": set()}  # "*": no generic title/lang
MAX_URL = 500
# markdown-it rules enabled on top of the "zero" preset (paragraphs and text only)
MD_RULES = ["emphasis", "link", "autolink", "blockquote", "backticks", "fence", "code",
            "escape", "newline"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "linkify": False, "typographer": False})
    md.enable(MD_RULES)
    return md


def safe_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host and no control or space
    characters, else None."""
    url = url.strip()
    if not url or len(url) > MAX_URL or _CONTROL.search(url) or re.search(r"\s", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return None
    if any(c in url for c in "<>\"'`\\"):
        return None
    return urlunsplit(parts)


def _keep_href(tag: str, attr: str, value: str) -> str | None:
    if tag == "a" and attr == "href":
        return safe_url(value)
    return value


def render_comment(text: str) -> str:
    """The comment's Markdown as sanitized HTML (safe to mark safe in a template)."""
    html = _markdown().render(plain_text(text, keep_newlines=True))
    return nh3.clean(html, tags=set(TAGS), attributes=ATTRIBUTES, attribute_filter=_keep_href,
                     link_rel=LINK_REL, url_schemes=set(SCHEMES), url_relative="deny",
                     strip_comments=True)


def plain_text(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` in NFC with control and bidi-override characters removed (newlines kept only
    if asked); the caller still escapes it on output."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    if not keep_newlines:
        text = " ".join(text.split())
    return text


def clean_name(name: str) -> str:
    """The commenter's name as one line of plain text."""
    return plain_text(name).strip()


def clean_website(url: str) -> str:
    """The website as a safe absolute http(s) URL, or "" when it is not one."""
    return safe_url(plain_text(url)) or ""


def excerpt(text: str, length: int = 80) -> str:
    """The first ``length`` characters of the comment as one line of plain text."""
    one = plain_text(text)
    return one if len(one) <= length else one[: length - 1].rstrip() + "…"
