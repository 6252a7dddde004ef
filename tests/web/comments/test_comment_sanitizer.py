"""The sanitizer: the Markdown subset in, only allowlisted HTML out, links http(s) only."""

from __future__ import annotations

import html5lib
import pytest

from tapereader.web.comments.sanitizer import (
    LINK_REL,
    TAGS,
    clean_name,
    clean_website,
    render_comment,
    safe_url,
)

from .conftest import payloads


def test_markdown_subset_renders() -> None:
    out = render_comment("Para *em* **strong** `code`\n\n> quoted\n\n[link](https://x.example/a?b=1)"
                         "\n\n```\nblock\n```")
    assert "<em>em</em>" in out and "<strong>strong</strong>" in out
    assert "<code>code</code>" in out and "<blockquote>" in out and "<pre><code>block" in out
    assert f'<a href="https://x.example/a?b=1" rel="{LINK_REL}">link</a>' in out


@pytest.mark.parametrize("text", [
    "[x](javascript:alert(1))", "[x](data:text/html,hi)", "[x](vbscript:msgbox(1))",
    "[x](//evil.example/)", "[x](/relative)", "[x](file:///etc/passwd)", "<javascript:alert(1)>",
])
def test_links_other_than_absolute_http_lose_their_target(text: str) -> None:
    assert "href" not in render_comment(text)


def test_raw_html_is_text() -> None:
    out = render_comment("<script>alert(1)</script><img src=x onerror=alert(1)>")
    assert "<script" not in out and "<img" not in out and "&lt;script&gt;" in out


def _elements(fragment: str):
    doc = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return [e for e in doc.iter() if isinstance(e.tag, str) and e is not doc]


@pytest.mark.parametrize("payload", payloads())
def test_corpus_yields_only_allowlisted_markup(payload: str) -> None:
    """Parsed as a browser would, the output has only allowlisted tags, no attribute but
    href and rel on links, and every href absolute http(s)."""
    for el in _elements(render_comment(payload)):
        assert el.tag in TAGS, el.tag
        allowed = {"href", "rel"} if el.tag == "a" else set()
        assert set(el.attrib) <= allowed, el.attrib
        if "href" in el.attrib:
            assert safe_url(el.attrib["href"]) == el.attrib["href"]
            assert el.attrib["rel"] == LINK_REL


@pytest.mark.parametrize("url,expected", [
    ("https://ok.example/path?q=1", "https://ok.example/path?q=1"),
    ("http://ok.example", "http://ok.example"),
    ("javascript:alert(1)", ""), ("JaVaScRiPt:alert(1)", ""), ("data:text/html,x", ""),
    ("vbscript:x", ""), ("//evil.example/", ""), ("ok.example", ""), ("https://", ""),
    ("https://ok.example/'onmouseover='alert(1)", ""), ('https://ok.example/"x', ""),
    ("https://ok.example/<script>", ""), ("java\tscript:alert(1)", ""),
])
def test_website_is_an_absolute_http_url_or_nothing(url: str, expected: str) -> None:
    assert clean_website(url) == expected


def test_name_is_one_line_of_text() -> None:
    assert clean_name("  Ann\u202e\x00 \n Lee ") == "Ann Lee"
