"""Shared steps of the subscriber tests."""

from __future__ import annotations

import re
from email.message import EmailMessage

from tapereader.web.subscribers import disclosures
from tapereader.web.subscribers.models import Channel


def form_data(email: str = "reader@example.com", *, phone: str = "", email_consent: bool = True,
              sms_consent: bool = False, topics: tuple[str, ...] = ("daily",),
              page: str = "/2013/07/08/small-caps/", **extra: str) -> dict:
    data = {"email": email, "phone": phone, "topics": list(topics), "page": page,
            "email_disclosure": disclosures.current(Channel.EMAIL).sha256,
            "sms_disclosure": disclosures.current(Channel.SMS).sha256, "website": ""}
    if email_consent:
        data["email_consent"] = "on"
    if sms_consent:
        data["sms_consent"] = "on"
    data.update(extra)
    return data


def confirm_link(msg: EmailMessage) -> str:
    text = msg.get_body(("plain",)).get_content()
    m = re.search(r"https?://\S+/subscribe/confirm/\S+/", text)
    assert m, text
    return m.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
