"""The post's Markdown (the note's one source) rendered to HTML for the page and to plain
text for mail and SMS, with markdown-it-py.

Chart images in the Markdown (``![alt](trend.png)``) become ``<picture>`` elements: the SVG
for the page with the PNG as fallback, both served by the site; a chart the author chose to
hide is left out. Raw HTML in the Markdown is not passed through, and the result is sanitized
with nh3 (the author's text is user-supplied text too).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt

TAGS = {"h2", "h3", "h4", "p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code",
        "pre", "hr", "br", "figure", "figcaption", "picture", "source", "img", "section",
        "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height", "loading",
                                              "decoding", "class"},
              "source": {"srcset", "type"}, "figure": {"class", "id"}, "section": {"id"},
              "th": {"scope"}}


@dataclass(frozen=True)
class ChartRef:
    """How a chart named in the Markdown is shown: its URLs and size, or hidden."""

    svg_url: str
    png_url: str
    alt: str
    shown: bool = True
    width: int = 700
    height: int = 400


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def chart_name(src: str) -> str:
    """``trend.png`` or ``charts/trend.svg`` -> ``trend``."""
    return re.sub(r"\.(png|svg)$", "", src.rsplit("/", 1)[-1])


def _picture(ref: ChartRef, alt: str) -> str:
    a = html.escape(alt or ref.alt, quote=True)
    return (f'<picture><source srcset="{html.escape(ref.svg_url)}" type="image/svg+xml">'
            f'<img src="{html.escape(ref.png_url)}" alt="{a}" width="{ref.width}" '
            f'height="{ref.height}" loading="lazy" decoding="async"></picture>')


def to_html(md: str, charts: Mapping[str, ChartRef] | None = None, *,
            drop_title: bool = True) -> str:
    """HTML of ``md``; images resolve through ``charts`` (by chart name).

    ``drop_title`` leaves out a leading ``# headline`` and the italic date line under it
    (the page shows the post's own headline and date).
    """
    charts = charts or {}
    tokens = _md().parse(md)
    if drop_title:
        tokens = _drop_title(tokens)
    out = _render(tokens, charts)
    return nh3.clean(out, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https"},
                     link_rel="noopener nofollow")


def _drop_title(tokens: list[Any]) -> list[Any]:
    i = 0
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        i = 3
        if (len(tokens) >= i + 3 and tokens[i].type == "paragraph_open"
                and _is_italic_only(tokens[i + 1])):
            i += 3
    return tokens[i:]


def _is_italic_only(inline: Any) -> bool:
    ch = inline.children or []
    return len(ch) == 3 and ch[0].type == "em_open" and ch[2].type == "em_close"


def _render(tokens: list[Any], charts: Mapping[str, ChartRef]) -> str:
    """Render, turning a paragraph that holds only a chart image (and the caption paragraph
    after it) into a figure."""
    md = _md()
    parts: list[str] = []
    run: list[Any] = []  # tokens rendered together (one at a time adds stray newlines)

    def flush() -> None:
        if run:
            parts.append(md.renderer.render(run, md.options, {}))
            run.clear()

    i = 0
    while i < len(tokens):
        img = _lone_image(tokens, i)
        if img is None:
            run.append(tokens[i])
            i += 1
            continue
        flush()
        name = chart_name(img.attrGet("src") or "")
        ref = charts.get(name)
        i += 3
        caption = None
        if _is_caption(tokens, i):
            inline = tokens[i + 1].children[1:-1]
            caption = md.renderer.renderInline(inline, md.options, {})  # type: ignore[attr-defined]
            i += 3
        if ref is None or not ref.shown:
            continue
        alt = "".join(c.content for c in img.children or [])
        cap = f"<figcaption>{caption}</figcaption>" if caption else ""
        parts.append(f'<figure class="chart" id="chart-{html.escape(name)}">'
                     f"{_picture(ref, alt)}{cap}</figure>\n")
    flush()
    return "".join(parts)


def _lone_image(tokens: list[Any], i: int) -> Any | None:
    if not (i + 2 < len(tokens) and tokens[i].type == "paragraph_open"
            and tokens[i + 1].type == "inline"):
        return None
    ch = [c for c in (tokens[i + 1].children or []) if not (c.type == "text" and not c.content)]
    return ch[0] if len(ch) == 1 and ch[0].type == "image" else None


def _is_caption(tokens: list[Any], i: int) -> bool:
    return (i + 2 < len(tokens) and tokens[i].type == "paragraph_open"
            and _is_italic_only(tokens[i + 1]))


def to_text(md: str, *, image: Callable[[str, str], str] | None = None) -> str:
    """Plain text of ``md``: headings in capitals, paragraphs separated by blank lines, no
    markup; images as ``image(alt, src)`` (left out by default)."""
    out: list[str] = []
    tokens = _md().parse(md)
    heading = None
    for t in tokens:
        if t.type == "heading_open":
            heading = t.tag
        elif t.type == "heading_close":
            heading = None
        elif t.type == "hr":
            out.append("--")
        elif t.type == "inline":
            text = _inline_text(t.children or [], image)
            if not text.strip():
                continue
            if heading == "h1":
                out += [text, "=" * min(len(text), 72)]
            elif heading:
                out += ["", text.upper(), ""]
            else:
                out += [text, ""]
    return "\n".join(out).strip() + "\n"


def _inline_text(children: list[Any], image: Callable[[str, str], str] | None) -> str:
    s = []
    for c in children:
        if c.type in ("text", "code_inline"):
            s.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            s.append(" " if c.type == "softbreak" else "\n")
        elif c.type == "image" and image:
            s.append(image("".join(x.content for x in c.children or []),
                               c.attrGet("src") or ""))
    return "".join(s)


def first_paragraph(md: str, limit: int = 300) -> str:
    """The note's first paragraph as plain text, cut at a word under ``limit`` characters."""
    tokens = _drop_title(_md().parse(md))
    for k, t in enumerate(tokens):
        if t.type == "inline" and tokens[k - 1].type == "paragraph_open":
            text = _inline_text(t.children or [], None).strip()
            if text:
                return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
    return ""
