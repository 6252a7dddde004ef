"""Put a fresh signed load time into comment forms of pages served from the page cache
(the cached HTML carries a placeholder, as it does for the CSRF token), so the minimum-time
rule measures from when this reader got the page, not from when it was cached."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .tokens import form_token

_PLACEHOLDER = re.compile(rb"tr-comments-ts-placeholder:(\d{1,18}):")


class FormTimestampMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not response.streaming and response.status_code == 200
                and response.get("Content-Type", "").startswith("text/html")
                and b"tr-comments-ts-placeholder:" in response.content):
            response.content = _PLACEHOLDER.sub(
                lambda m: form_token(int(m.group(1))).encode(), response.content)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
