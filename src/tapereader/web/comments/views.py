"""Thin views: post a comment (plain POST or fetch), unsubscribe, delete my comments."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..posts.models import Post
from .forms import CommentForm
from .models import Comment, Commenter
from .posting import Refused, forget, submit
from .templatetags.comment_tags import NOTICES
from .tokens import commenter_from_token


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the last X-Forwarded-For hop when
    TAPEREADER_COMMENTS_TRUST_X_FORWARDED_FOR says a proxy in front sets it."""
    if getattr(settings, "TAPEREADER_COMMENTS_TRUST_X_FORWARDED_FOR", False):
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        if hops and hops[-1]:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or None


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def post_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.public(), pk=post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"ok": False, "errors": {k: [str(e) for e in v]
                                                         for k, v in form.errors.items()}},
                                status=400)
        return render(request, "comments/form_page.html", {"post": post, "form": form},
                      status=400)
    try:
        outcome = submit(post, form.cleaned_data, client_ip(request))
    except Refused as e:
        if wants_json(request):
            return JsonResponse({"ok": False, "message": e.message}, status=e.status)
        return render(request, "comments/refused.html", {"post": post, "message": e.message},
                      status=e.status)
    shown = "public" if outcome.status == Comment.Status.PUBLIC else "held"  # spam looks held
    c = outcome.comment
    if wants_json(request):
        html = (render_to_string("comments/_comment.html", {"node": {"comment": c,
                                                                     "replies": []},
                                                            "post": post, "open": True},
                                 request=request) if shown == "public" else "")
        return JsonResponse({"ok": True, "status": shown, "message": NOTICES[shown],
                             "id": c.pk if shown == "public" else None,
                             "parent": c.parent_id if shown == "public" else None,
                             "html": html})
    anchor = f"#comment-{c.pk}" if shown == "public" else "#respond"
    return redirect(f"{post.get_absolute_url()}?comment={shown}{anchor}")


def _commenter(token: str, purpose: str) -> Commenter | None:
    """The commenter a signed ``purpose`` token names, or None when it is invalid or gone."""
    pk = commenter_from_token(token, purpose)
    return Commenter.objects.filter(pk=pk).first() if pk is not None else None


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    who = _commenter(token, "unsubscribe")
    if who is None:
        return render(request, "comments/token.html", {"invalid": True}, status=404)
    if request.method == "POST":
        if who.replies_unsubscribed_at is None:
            Commenter.objects.filter(pk=who.pk).update(replies_unsubscribed_at=timezone.now())
        return render(request, "comments/token.html", {"done": "unsubscribe"})
    return render(request, "comments/token.html", {"ask": "unsubscribe"})


@require_http_methods(["GET", "POST"])
def forget_me(request: HttpRequest, token: str) -> HttpResponse:
    who = _commenter(token, "forget")
    if who is None:
        return render(request, "comments/token.html", {"invalid": True}, status=404)
    if request.method == "POST":
        n = forget(who)
        return render(request, "comments/token.html", {"done": "forget", "count": n})
    return render(request, "comments/token.html",
                  {"ask": "forget", "count": who.comments.count()})

