"""Thin views over ``signup``, ``inbound`` and ``export``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import disclosures, export, inbound, signup, tokens
from .consent import Status, status
from .forms import PreferencesForm, SubscribeForm
from .models import Channel

log = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def context_of(request: HttpRequest, page: str = "") -> signup.Context:
    page_url = page if page.startswith("/") else request.get_full_path()
    return signup.Context(ip=client_ip(request),
                          user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
                          page_url=settings.SITE_URL.rstrip("/") + page_url)


def rate_limited(request: HttpRequest, what: str, limit: int, seconds: int) -> bool:
    """True when this IP made more than ``limit`` ``what`` requests in the window."""
    cache = caches["default"]
    key = f"rate:{what}:{client_ip(request)}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        count = 1
    return count > limit


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "subscribers/subscribe.html", {"form": None})
    if rate_limited(request, "subscribe", settings.TAPEREADER_SUBSCRIBE_RATE[0],
                    settings.TAPEREADER_SUBSCRIBE_RATE[1]):
        return render(request, "subscribers/message.html",
                      {"title": "Too many attempts",
                       "text": "Please wait a few minutes and try again."}, status=429)
    form = SubscribeForm(request.POST)
    if form.is_bot():
        return redirect("subscribers:thanks")
    if not form.is_valid():
        return render(request, "subscribers/subscribe.html", {"form": form}, status=400)
    data = form.cleaned_data
    assert form.email_disclosure_obj is not None
    signup.subscribe(data["email"], data["phone"] if data.get("sms_consent") else "",
                     data["topics"], form.email_disclosure_obj,
                     form.sms_disclosure_obj if data.get("sms_consent") else None,
                     context_of(request, data.get("page") or ""))
    return redirect("subscribers:thanks")


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "subscribers/thanks.html")


def _bad_link(request: HttpRequest, why: str) -> HttpResponse:
    return render(request, "subscribers/message.html",
                  {"title": "This link does not work",
                   "text": ("It has expired. " if why == "expired" else "")
                   + "Subscribe again from any page of the site to get a new link."}, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the button (link scanners stop here); its POST confirms."""
    try:
        claim = tokens.read("confirm", token, max_age=settings.TAPEREADER_CONFIRM_MAX_AGE)
    except tokens.BadToken as e:
        return _bad_link(request, str(e))
    if request.method == "GET":
        return render(request, "subscribers/confirm.html", {"email": claim.subscriber.email})
    signup.confirm_email(claim.subscriber, claim.data, context_of(request))
    return render(request, "subscribers/confirmed.html",
                  {"preferences_url": tokens.preferences_url(claim.subscriber)})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click: a POST (no CSRF token: mail clients send it) unsubscribes."""
    try:
        claim = tokens.read("unsubscribe", token)
    except tokens.BadToken as e:
        return _bad_link(request, str(e))
    if request.method == "GET":
        return render(request, "subscribers/unsubscribe.html", {"channel": claim.channel})
    signup.unsubscribe(claim.subscriber, claim.channel, context_of(request))
    return render(request, "subscribers/message.html", {
        "title": "You are unsubscribed",
        "text": "You will receive no more messages on this channel.",
        "preferences_url": tokens.preferences_url(claim.subscriber)})


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = tokens.read("preferences", token)
    except tokens.BadToken as e:
        return _bad_link(request, str(e))
    sub = claim.subscriber
    ctx = context_of(request)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "delete":
            signup.delete_all_data(sub, ctx)
            return render(request, "subscribers/message.html", {
                "title": "Your data is deleted",
                "text": "We keep only a one-way hash of your address as proof that you left."})
        if action == "leave":
            signup.leave_everything(sub, ctx)
            return redirect(reverse("subscribers:preferences", args=[token]) + "?saved=1")
        form = PreferencesForm(request.POST)
        if form.is_valid():
            signup.set_preferences(sub, email_on=form.cleaned_data["email_on"],
                                   sms_on=form.cleaned_data["sms_on"],
                                   topics=form.cleaned_data["topics"], ctx=ctx)
            return redirect(reverse("subscribers:preferences", args=[token]) + "?saved=1")
    email_status, sms_status = status(sub, Channel.EMAIL), status(sub, Channel.SMS)
    form = PreferencesForm(initial={
        "email_on": email_status in (Status.ACTIVE, Status.PENDING),
        "sms_on": sms_status == Status.ACTIVE, "topics": sub.topics})
    return render(request, "subscribers/preferences.html", {
        "form": form, "sub": sub, "token": token, "saved": "saved" in request.GET,
        "email_status": email_status, "sms_status": sms_status,
        "email_html": disclosures.as_html(disclosures.disclosure_text(Channel.EMAIL))})


def export_data(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    try:
        claim = tokens.read("preferences", token)
    except tokens.BadToken as e:
        return _bad_link(request, str(e))
    return export.response(claim.subscriber, fmt)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound-message webhook; the X-Twilio-Signature must be valid."""
    from twilio.request_validator import RequestValidator
    from twilio.twiml.messaging_response import MessagingResponse

    signature = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
    params = {k: request.POST.get(k) for k in request.POST}
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN or "")
    urls = {settings.SITE_URL.rstrip("/") + request.get_full_path(),
            request.build_absolute_uri()}
    if not (settings.TWILIO_AUTH_TOKEN and signature
            and any(validator.validate(u, params, signature) for u in urls)):
        log.warning("inbound SMS refused: bad X-Twilio-Signature (from IP %s)",
                    client_ip(request))
        return HttpResponseForbidden("bad signature")
    reply = inbound.handle(params.get("From", ""), params.get("Body", ""))
    twiml = MessagingResponse()
    if reply:
        twiml.message(reply)
    return HttpResponse(str(twiml), content_type="text/xml")
