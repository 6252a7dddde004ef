"""What an inbound text asks for: stop, start, confirm, help, or nothing we act on.

STOP and its synonyms are single words (CTIA); free-text revocations ("stop texting me",
"please don't text me again") also revoke, since any reasonable way of saying no must work.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    STOP = "stop"
    CONFIRM = "confirm"       # YES, Y (and START for a pending request)
    START = "start"           # START, UNSTOP: re-subscribe after a STOP
    HELP = "help"
    OTHER = "other"


STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT",
              "OPT OUT", "STOP ALL", "UNSUB"}
CONFIRM_WORDS = {"YES", "Y"}
START_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}

_FREE_TEXT_STOP = [
    r"\b(stop|quit|cease|end)\b.{0,20}\b(text|texts|texting|messag\w*|sms|sending|contact\w*)\b",
    r"\b(don'?t|do not|dont|never)\b.{0,12}\b(text|message|contact|send)\b",
    r"\bno more\b.{0,12}\b(texts?|messages?|sms)\b",
    r"\b(unsubscribe|opt\s*-?\s*(me\s+)?out|revoke)\b",
    r"\b(remove|take)\s+me\b",
    r"\bleave me alone\b",
    r"^\s*stop\b",
]


def normalize(body: str) -> str:
    """Upper-case, punctuation dropped, spaces collapsed: ``' Stop! '`` -> ``'STOP'``."""
    return " ".join(re.sub(r"[^\w\s']", " ", body or "").upper().split())


def intent(body: str) -> Intent:
    """The intent of an inbound text."""
    word = normalize(body)
    if word in STOP_WORDS:
        return Intent.STOP
    if word in CONFIRM_WORDS:
        return Intent.CONFIRM
    if word in START_WORDS:
        return Intent.START
    if word in HELP_WORDS:
        return Intent.HELP
    low = " ".join((body or "").lower().split())
    if any(re.search(p, low) for p in _FREE_TEXT_STOP):
        return Intent.STOP
    return Intent.OTHER
