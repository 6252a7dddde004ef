"""A subscriber's ledger as JSON or CSV (from the admin and from the preference page)."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from django.http import Http404, HttpResponse

from .models import ConsentEvent, ConsentEventDetail, Subscriber

COLUMNS = ["at", "channel", "event", "source", "address", "address_sha256", "disclosure_version",
           "disclosure_sha256", "ip", "user_agent", "page_url", "note"]


def rows(sub: Subscriber) -> list[dict[str, Any]]:
    events = list(ConsentEvent.objects.filter(subscriber_id=sub.pk).select_related("disclosure"))
    details = {d.event_id: d for d in ConsentEventDetail.objects.filter(
        event_id__in=[e.pk for e in events])}
    out = []
    for e in events:
        d = details.get(e.pk)
        out.append({"at": e.at.isoformat(), "channel": e.channel, "event": e.event,
                    "source": e.source, "address": d.address if d else "",
                    "address_sha256": e.address_sha256,
                    "disclosure_version": e.disclosure.version if e.disclosure else None,
                    "disclosure_sha256": e.disclosure_sha256, "ip": d.ip if d else None,
                    "user_agent": d.user_agent if d else "", "page_url": d.page_url if d else "",
                    "note": d.note if d else ""})
    return out


def as_json(sub: Subscriber) -> str:
    disclosures = {}
    for e in ConsentEvent.objects.filter(subscriber_id=sub.pk, disclosure__isnull=False) \
            .select_related("disclosure"):
        assert e.disclosure is not None
        disclosures[e.disclosure.sha256] = {"channel": e.disclosure.channel,
                                            "version": e.disclosure.version,
                                            "text": e.disclosure.text}
    return json.dumps({"subscriber": {"id": sub.pk, "email": sub.email,
                                      "phone": str(sub.phone or ""), "topics": sub.topics,
                                      "created_at": sub.created_at.isoformat()},
                       "events": rows(sub), "disclosures": disclosures}, indent=2)


def _cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not re.fullmatch(r"\+\d{6,15}", value):  # E.164 numbers stay as they are
        return "'" + value
    return value


def as_csv(sub: Subscriber) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    for r in rows(sub):
        w.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def response(sub: Subscriber, fmt: str) -> HttpResponse:
    if fmt == "json":
        body, ctype = as_json(sub), "application/json"
    elif fmt == "csv":
        body, ctype = as_csv(sub), "text/csv; charset=utf-8"
    else:
        raise Http404("export as json or csv")
    resp = HttpResponse(body, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="consent-{sub.pk}.{fmt}"'
    return resp
