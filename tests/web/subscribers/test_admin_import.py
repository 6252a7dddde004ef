"""The admin's revoke action, the import command, the CSV export's formula guard, the
plain-text mail left unescaped."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tapereader.web.subscribers import export, ledger
from tapereader.web.subscribers.consent import Status, status
from tapereader.web.subscribers.models import Channel, ConsentEvent, Event, Source, Subscriber

from .helpers import confirm_link, form_data, path_of

pytestmark = pytest.mark.django_db


def test_admin_revoke_action(admin_client, wired):
    sink, _ = wired
    c = Client()
    c.post("/subscribe/", form_data())
    c.post(path_of(confirm_link(sink.wait_for(1)[0])))
    sub = Subscriber.objects.get()
    assert status(sub, Channel.EMAIL) == Status.ACTIVE
    admin_client.post("/admin/subscribers/subscriber/",
                      {"action": "revoke_all", "_selected_action": [sub.pk]})
    assert status(sub, Channel.EMAIL) == Status.STOPPED
    last = ConsentEvent.objects.order_by("id").last()
    assert (last.event, last.source) == (Event.REVOKED, Source.ADMIN)


def test_import_asks_for_confirmation(tmp_path, wired, capsys):
    sink, _ = wired
    f = tmp_path / "list.csv"
    f.write_text("email,topics\na@example.com,daily;alert_trendline\nnot-an-email,daily\n"
                 "b@example.com,weather\n", encoding="utf-8")
    call_command("import_subscribers", str(f), "--dry-run")
    assert Subscriber.objects.count() == 0
    call_command("import_subscribers", str(f))
    out = capsys.readouterr()
    assert "1 address(es) asked to confirm, 2 refused" in out.out
    assert "list.csv:3: not an email address" in out.err and "list.csv:4: unknown" in out.err
    sub = Subscriber.objects.get()
    assert status(sub, Channel.EMAIL) == Status.PENDING      # an import confirms nothing
    assert ConsentEvent.objects.get().source == Source.IMPORT
    assert len(sink.wait_for(1)) == 1
    with pytest.raises(CommandError, match="no 'email' column"):
        bad = tmp_path / "bad.csv"
        bad.write_text("mail\nx@example.com\n", encoding="utf-8")
        call_command("import_subscribers", str(bad))


def test_csv_export_guards_formulas():
    sub = Subscriber.objects.create(email="c@example.com")
    ledger.record(sub, Channel.EMAIL, Event.REQUESTED, source=Source.FORM,
                  user_agent="=HYPERLINK(\"http://evil\")")
    ledger.record(sub, Channel.SMS, Event.REQUESTED, source=Source.FORM, address="+12025550143")
    text = export.as_csv(sub)
    assert "'=HYPERLINK" in text and ",+12025550143," in text


def test_plain_text_mail_is_not_html_escaped(wired, settings):
    sink, _ = wired
    settings.TAPEREADER_PROGRAM_NAME = "Tape & Tips"
    Client().post("/subscribe/", form_data())
    msg = sink.wait_for(1)[0]
    assert "Tape & Tips" in msg.get_body(("plain",)).get_content()
    assert msg["Subject"] == "Confirm your subscription to Tape & Tips"
    assert "Tape &amp; Tips" in msg.get_body(("html",)).get_content()
