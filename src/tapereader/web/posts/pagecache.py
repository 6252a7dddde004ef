"""Rendered public pages, cached per process and shared-invalidated through one small file.

Every save or delete of a post, chart, tag or comment touches the *generation* file (in the
site's data directory); its mtime and the next scheduled publication time written in it make
the cache key, the ETag and Last-Modified. So all gunicorn workers, and the publish command in
another process, agree on when a page is stale without asking the database.

Pages with forms are cached with a placeholder for the CSRF token, replaced by the reader's
own token on every response (the token is never shared between readers). Only readers
without a session are served from the cache (an author logged in, or a reader with a flash
message, get a fresh page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.http import http_date

CSRF_PLACEHOLDER = "csrf-7d1f0c2a-placeholder"
CACHED_APPS = {"posts", "comments"}


def generation_file() -> Path:
    from ..siteconfig import data_dir

    return Path(getattr(settings, "TAPEREADER_GENERATION_FILE", data_dir() / "site-generation"))


def bump() -> None:
    """Mark every cached page stale (all processes): rewrite the generation file with the
    next scheduled publication time."""
    from .models import Post, Status

    nxt = (Post.objects.filter(status=Status.SCHEDULED, published_at__gt=timezone.now())
           .order_by("published_at").values_list("published_at", flat=True).first())
    path = generation_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(nxt.isoformat() if nxt else "", encoding="utf-8")
    os.replace(tmp, path)


_due: dict[tuple[str, int, int], str] = {}  # (file, mtime, inode) -> the due time in it


def generation() -> int:
    """The current generation (mtime in ns of the file); bumps when a scheduled post is due.
    Each request costs one ``stat``: the file is read only when its mtime changed."""
    path = generation_file()
    try:
        st = path.stat()
        mtime = st.st_mtime_ns
        key = (str(path), mtime, st.st_ino)  # bump() replaces the file: a new inode
        due = _due.get(key)
        if due is None:
            due = path.read_text(encoding="utf-8").strip()
            _due.clear()
            _due[key] = due
    except FileNotFoundError:
        bump()
        return path.stat().st_mtime_ns
    if due and dt.datetime.fromisoformat(due) <= timezone.now():
        bump()
        return path.stat().st_mtime_ns
    return mtime


def _cacheable(request: HttpRequest) -> bool:
    return (request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in
            request.COOKIES and "messages" not in request.COOKIES)


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s 200 responses from the cache, with ETag and Last-Modified (the
    ConditionalGetMiddleware answers 304 from them)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        gen = generation()
        key = "page:" + hashlib.sha1(f"{gen}:{request.get_full_path()}".encode()).hexdigest()
        cache = caches["default"]
        hit = cache.get(key)
        if hit is None:
            request.META["tapereader.csrf_placeholder"] = True
            resp = view(request, *args, **kwargs)
            if resp.status_code != 200 or resp.streaming:
                return resp
            if hasattr(resp, "render"):  # a TemplateResponse (the sitemap view)
                resp.render()
            hit = (resp.content, resp.headers.get("Content-Type", "text/html"),
                   CSRF_PLACEHOLDER.encode() in resp.content)
            cache.set(key, hit, settings.TAPEREADER_PAGE_CACHE_SECONDS)
        body, ctype, has_form = hit
        if has_form:
            body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
        resp = HttpResponse(body, content_type=ctype)
        resp.headers["ETag"] = f'"{key[5:21]}"'
        resp.headers["Last-Modified"] = http_date(gen / 1e9)
        resp.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
        return resp

    return wrapper


def csrf_context(request: HttpRequest) -> dict[str, str]:
    """Template context processor: the placeholder instead of the token when rendering a page
    for the cache (the real token is put in per response)."""
    if request.META.get("tapereader.csrf_placeholder"):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def connect_signals() -> None:
    """Bump the generation when anything shown on a page changes."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def changed(sender: Any, **kwargs: Any) -> None:
        meta = getattr(sender, "_meta", None)
        if meta is not None and meta.app_label in CACHED_APPS:
            bump()

    for sig in (post_save, post_delete, m2m_changed):
        sig.connect(changed, weak=False, dispatch_uid=f"tapereader-pagecache-{sig!r}")
