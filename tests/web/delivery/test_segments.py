"""SMS segment math against hand-counted cases and the two-segment composition."""

from __future__ import annotations

import pytest

from tapereader.web.delivery.segments import (
    STOP_NOTICE,
    encoding,
    segments,
    sms_text,
    to_gsm,
)


@pytest.mark.parametrize(("text", "enc", "n"), [
    ("", "GSM-7", 0),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("€" * 80, "GSM-7", 1),          # 160 septets
    ("€" * 81, "GSM-7", 2),          # 162 septets
    ("a" * 152 + "€", "GSM-7", 1),   # 154 septets fit one SMS
    ("a" * 159 + "€", "GSM-7", 2),   # 161 septets
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 3),  # 152 | 2+151 | 1 (pair not split)
    ("é" * 160, "GSM-7", 1),         # é is in the basic table
    ("á" * 70, "UCS-2", 1),
    ("á" * 71, "UCS-2", 2),
    ("á" * 134, "UCS-2", 2),
    ("á" * 135, "UCS-2", 3),
    ("😀" * 35, "UCS-2", 1),         # 70 code units
    ("a" * 66 + "😀", "UCS-2", 1),   # 68 units
    ("a" * 69 + "😀", "UCS-2", 2),   # 71 units
    ("a" * 66 + "😀" + "a" * 66, "UCS-2", 3),  # 66 | 2+65 | 1
])
def test_segments(text, enc, n):
    assert encoding(text) == enc
    assert segments(text) == n


def test_to_gsm_replaces_typography_and_keeps_the_rest():
    assert to_gsm("S&P’s “test” — done…") == "S&P's \"test\" - done..."
    assert to_gsm("Ålesund á") == "Ålesund a"
    assert encoding(to_gsm("Small caps’ lead – again")) == "GSM-7"
    assert to_gsm("指数") == "指数"


def test_sms_text_fits_and_keeps_link_and_notice():
    url = "https://example.org/s/2013-07-08/"
    text = sms_text("Small caps lead", url, program="Tapereader", stop_notice=True)
    assert text == f"Tapereader: Small caps lead {url} {STOP_NOTICE}"
    assert segments(text) == 1


def test_sms_text_shortens_a_long_headline_at_a_word():
    url = "https://example.org/s/x/"
    headline = " ".join(["Russell"] * 80)
    text = sms_text(headline, url, program="Tapereader", stop_notice=True)
    assert segments(text) == 2
    assert text.endswith(f"... {url} {STOP_NOTICE}")
    assert "Russe..." not in text  # cut between words
    longer = text.replace("...", " Russell...")
    assert segments(longer) > 2  # it took as many words as fit


def test_sms_text_without_notice_and_ucs2():
    text = sms_text("指数 " * 60, "https://e.org/s/1/", program="TR", stop_notice=False)
    assert encoding(text) == "UCS-2"
    assert segments(text) <= 2
    assert STOP_NOTICE not in text


def test_sms_text_refuses_what_cannot_fit():
    with pytest.raises(ValueError, match="2 segments"):
        sms_text("x", "https://e.org/" + "a" * 400, program="TR", stop_notice=True)
