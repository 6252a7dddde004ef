"""EmailChannel: URL parsing, SMTP to the aiosmtpd sink, .eml folder, errors, Message-ID."""

from __future__ import annotations

import email
import email.policy

import pytest

from tapereader.web.delivery.email import EmailChannel, parse_email_url, stable_message_id
from tapereader.web.delivery.errors import PermanentError, TransientError
from tests.web.fakes.smtp_sink import free_port


def _mail(to: str = "reader@example.com"):
    from django.core.mail import EmailMultiAlternatives

    m = EmailMultiAlternatives("The note", "plain body", "Tape Reader <note@example.org>", [to])
    m.attach_alternative("<p>html body</p>", "text/html")
    return m


def test_parse_smtp_url():
    c = parse_email_url("smtp://us%40er:p%2Fw@mail.example.org:587?tls=1")
    assert c.backend == "django.core.mail.backends.smtp.EmailBackend"
    assert c.options["host"] == "mail.example.org" and c.options["port"] == 587
    assert c.options["username"] == "us@er" and c.options["password"] == "p/w"
    assert c.options["use_tls"] is True and c.options["use_ssl"] is False
    assert parse_email_url("smtps://h").options["port"] == 465
    assert parse_email_url("smtp://h").options["use_tls"] is False


def test_parse_other_urls():
    assert parse_email_url("file:///tmp/x").options == {"folder": "/tmp/x"}
    assert parse_email_url("anymail://postmark").backend == "anymail.backends.postmark.EmailBackend"
    with pytest.raises(ValueError, match="unknown scheme 'ftp'"):
        parse_email_url("ftp://h")
    with pytest.raises(ValueError, match=r"\*\*\*"):
        parse_email_url("gopher://u:secret@h")
    with pytest.raises(ValueError, match="not both"):
        parse_email_url("smtp://h?tls=1&ssl=1")


def test_smtp_send_with_stable_message_id(smtp_sink, mail_settings):
    with EmailChannel(smtp_sink.url) as ch:
        mid1 = ch.send(_mail(), message_id="post-17.sub-42")
        mid2 = ch.send(_mail("b@example.com"))
    assert mid1 == "<post-17.sub-42@notes.example.org>" == stable_message_id("post-17.sub-42")
    got = smtp_sink.wait_for(2)
    assert got[0]["Message-ID"].strip() == mid1
    assert got[1]["Message-ID"].strip() == mid2 and mid2.endswith("@notes.example.org>")
    assert got[0].get_body(("html",)).get_content().strip() == "<p>html body</p>"
    assert len(smtp_sink.received) == 2


def test_smtp_hard_bounce_is_permanent(smtp_sink, mail_settings):
    smtp_sink.reject("gone@example.com", 550)
    smtp_sink.reject("later@example.com", 451, "4.7.1 try again")
    with EmailChannel(smtp_sink.url) as ch:
        with pytest.raises(PermanentError) as info:
            ch.send(_mail("gone@example.com"))
        assert info.value.code == 550
        with pytest.raises(TransientError) as info2:
            ch.send(_mail("later@example.com"))
        assert info2.value.code == 451
        ch.send(_mail("ok@example.com"))      # the channel recovers after a refusal
    assert [r.rcpt_tos for r in smtp_sink.received] == [("ok@example.com",)]


def test_smtp_down_is_transient(mail_settings):
    ch = EmailChannel(f"smtp://127.0.0.1:{free_port()}?timeout=2")
    with pytest.raises(TransientError, match="smtp unreachable"):
        ch.send(_mail())


def test_eml_folder(tmp_path, mail_settings):
    folder = tmp_path / "out"
    ch = EmailChannel(f"file://{folder}")
    mid = ch.send(_mail(), message_id="k1")
    ch.send(_mail("b@example.com"), message_id="k2")
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2 and not list(folder.glob(".tmp-*"))
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["Message-ID"].strip() == mid and msg["To"] == "reader@example.com"


def test_default_url_is_the_folder(mail_settings):
    from django.test import override_settings

    with override_settings(TAPEREADER_EMAIL_URL=f"file://{mail_settings.TAPEREADER_EMAIL_DIR}"):
        EmailChannel().send(_mail())
    from pathlib import Path

    assert len(list(Path(mail_settings.TAPEREADER_EMAIL_DIR).glob("*.eml"))) == 1


def test_anymail_test_backend(mail_settings):
    from django.test import override_settings

    with override_settings(ANYMAIL={}):
        ch = EmailChannel("anymail://test")
        got = ch.send(_mail(), message_id="k3")
    assert got  # anymail's test backend reports a provider id
