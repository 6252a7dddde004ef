"""The note's plain text is rendered from its Markdown: the same sentences, no markup."""

from __future__ import annotations

import re

import pytest

from tapereader.config import default_watchlist
from tapereader.story import plaintext
from tapereader.story.compose import compose_note
from tests.story.realrun import engine_run

WL = default_watchlist()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+", " ".join(text.split())) if s]


@pytest.mark.realdata
@pytest.mark.parametrize("asof", ["2013-07-08", "2020-03-16"])
def test_text_says_what_the_markdown_says(market_dir, asof):
    note = compose_note(engine_run(market_dir, asof).findings, WL, asof)
    md, text = note.markdown(), note.text()
    # the Markdown's sentences with the markup taken off, in order, are the text's
    body = "\n".join(p for s in note.sections for p in s.paragraphs)
    assert _sentences(body) and all(s in " ".join(text.split()) for s in _sentences(body))
    assert text.splitlines()[0] == note.headline and note.disclaimer in text
    for s in note.sections:
        assert s.title.upper() in text.splitlines() and f"## {s.title}" in md
    assert not re.search(r"^#|\*\w|!\[", text, re.M), "markup left in the text"


def test_text_follows_a_change_of_the_markdown():
    """One source: a sentence changed in the Markdown changes in the text."""
    md = "# Stocks rise\n\n*July 8, 2013*\n\n## The day\n\nThe **S&P 500** rose.\n\n" \
         "![chart](trend.png)\n\n---\n\n*Not advice.*\n"
    assert plaintext.to_text(md) == ("Stocks rise\n===========\nJuly 8, 2013\n\nTHE DAY\n\n"
                                     "The S&P 500 rose.\n\n--\nNot advice.\n")
    assert "fell" in plaintext.to_text(md.replace("rose.", "fell."))


def test_note_text_is_rendered_from_its_markdown(monkeypatch):
    from tapereader.story.compose import Note

    note = compose_note([], WL, "2013-07-08")
    monkeypatch.setattr(Note, "markdown", lambda self, charts=None: "# Only this\n\nSaid once.\n")
    assert note.text() == "Only this\n=========\nSaid once.\n"
