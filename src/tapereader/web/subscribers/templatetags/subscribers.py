"""``{% subscribe_box %}``: the subscription box, included on every post."""

from __future__ import annotations

from typing import Any

from django import template

from .. import disclosures
from ..forms import SubscribeForm
from ..models import Channel

register = template.Library()


@register.inclusion_tag("subscribers/_form.html", takes_context=True)
def subscribe_box(context: Any, form: SubscribeForm | None = None) -> dict[str, Any]:
    request = context.get("request")
    if form is None:
        disclosures.current(Channel.EMAIL)  # stored once, before any page shows its hash
        disclosures.current(Channel.SMS)
        page = request.get_full_path() if request is not None else ""
        form = SubscribeForm(initial={"page": page})
    return {"form": form, "csrf_token": context.get("csrf_token"),
            "email_html": disclosures.as_html(form.email_text),
            "sms_html": disclosures.as_html(form.sms_text)}
