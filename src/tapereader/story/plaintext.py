"""The note's plain text (email, SMS), rendered from its Markdown with markdown-it-py.

The Markdown is the note's one source of wording: ``to_text`` only removes the markup
(the ``# headline`` is underlined, ``## section`` titles are written in capitals, emphasis
marks and chart images are dropped, the rule before the disclaimer becomes ``--``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt

RULE_WIDTH = 72  # the longest underline under the headline


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False})


def _inline(children: list[Any]) -> str:
    out = []
    for c in children:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type == "softbreak":
            out.append(" ")
        elif c.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def to_text(md: str) -> str:
    """Plain text of the note's Markdown ``md`` (see the module docstring)."""
    out: list[str] = []
    heading = None
    for t in _md().parse(md):
        if t.type == "heading_open":
            heading = t.tag
        elif t.type == "heading_close":
            heading = None
        elif t.type == "hr":
            out += ["--"]
        elif t.type == "inline":
            text = _inline(t.children or []).strip()
            if not text:
                continue        # a paragraph holding only a chart image
            if heading == "h1":
                out += [text, "=" * min(len(text), RULE_WIDTH)]
            elif heading:
                out += [text.upper(), ""]
            else:
                out += [text, ""]
    return "\n".join(out).rstrip("\n") + "\n"
