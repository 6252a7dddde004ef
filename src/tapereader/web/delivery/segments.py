"""SMS segment math (GSM 03.38 seven-bit alphabet or UCS-2) and the text of one SMS.

A single GSM-7 SMS holds 160 septets, a concatenated one 153 per segment (the user data
header takes the rest); a character of the extension table takes two septets and is never
split across segments. UCS-2 holds 70 UTF-16 code units, 67 per segment when concatenated;
a surrogate pair (an emoji) is never split. Typographic characters outside GSM-7 (curly
quotes, dashes, the ellipsis) are replaced by their GSM-7 look-alikes first, so one stray
quote does not halve what a text can hold.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_LOOKALIKES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\t": " ",
    "\u2022": "-", "\u00b7": "-", "\u2248": "~",
}

SINGLE = {"GSM-7": 160, "UCS-2": 70}
MULTI = {"GSM-7": 153, "UCS-2": 67}


def to_gsm(text: str) -> str:
    """``text`` with typographic look-alikes and accents outside GSM-7 replaced where possible.

    Characters with no GSM-7 equivalent (CJK, emoji) are kept: the text is then UCS-2.
    """
    out: list[str] = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENSION:
            out.append(ch)
        elif ch in _LOOKALIKES:
            out.append(_LOOKALIKES[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c))
            if base and all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in base):
                out.append(base)
            else:
                out.append(ch)
    return "".join(out)


def encoding(text: str) -> Encoding:
    """GSM-7 when every character is in the basic or extension table, else UCS-2."""
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else "UCS-2"


def _units(text: str, enc: Encoding) -> list[int]:
    """The size of each character in the encoding's units (septets or UTF-16 code units)."""
    if enc == "GSM-7":
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes (0 for the empty text)."""
    if not text:
        return 0
    enc = encoding(text)
    units = _units(text, enc)
    if sum(units) <= SINGLE[enc]:
        return 1
    per, count, used = MULTI[enc], 1, 0
    for u in units:  # a two-unit character never straddles a segment boundary
        if used + u > per:
            count, used = count + 1, 0
        used += u
    return count


STOP_NOTICE = "Reply STOP to opt out."


def sms_text(headline: str, url: str, *, program: str, stop_notice: bool,
             max_segments: int = 2) -> str:
    """The SMS for a post: ``"<program>: <headline> <url>"`` plus the STOP notice when asked.

    The headline is shortened at a word boundary (with "...") until the text fits in
    ``max_segments``; the program name, the link and the notice are never cut. Raises
    ValueError when even an empty headline does not fit.
    """
    tail = f" {url}" + (f" {STOP_NOTICE}" if stop_notice else "")
    head = to_gsm(f"{program}: " if program else "")
    words = to_gsm(" ".join(headline.split())).split(" ")

    def build(ws: list[str], cut: bool) -> str:
        return head + " ".join(ws) + ("..." if cut else "") + tail

    text = build(words, False)
    if segments(text) <= max_segments:
        return text
    for n in range(len(words) - 1, -1, -1):
        text = build(words[:n], True)
        if segments(text) <= max_segments:
            return text
    raise ValueError(f"SMS does not fit in {max_segments} segments even without a headline: "
                     f"{head + tail!r}")
