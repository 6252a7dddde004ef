"""django-csp's middleware with the policy built once: the site's pages use no nonce and
no per-view policy, so every response gets the same Content-Security-Policy header, and
building it from the settings twice per response (enforced and report-only) was a sixth
of a cached page's time. A response with a nonce or a per-view policy goes through
django-csp's own ``process_response``."""

from __future__ import annotations

import http.client
from functools import lru_cache
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace",
                 "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")


@lru_cache(maxsize=2)
def plain_policy(report_only: bool) -> str:
    """The policy of the settings alone (no nonce, no per-view parts)."""
    return build_policy(report_only=report_only)


def _forget(**kwargs: Any) -> None:
    if str(kwargs.get("setting", "")).startswith("CONTENT_SECURITY_POLICY"):
        plain_policy.cache_clear()


setting_changed.connect(_forget, dispatch_uid="tapereader-csp-plain-policy")


class CachedCSPMiddleware(CSPMiddleware):
    """``CSPMiddleware`` whose policy for responses without a nonce or per-view parts is
    built once (the same headers, set under the same conditions)."""

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        if getattr(request, "_csp_nonce", None) is not None or any(
                getattr(response, a, None) is not None for a in _PER_RESPONSE):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (http.client.INTERNAL_SERVER_ERROR,
                                                       http.client.NOT_FOUND):
            return response
        for header, exempt, name, ro in ((HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY",
                                          False),
                                         (HEADER_REPORT_ONLY, "_csp_exempt_ro",
                                          "CONTENT_SECURITY_POLICY_REPORT_ONLY", True)):
            policy = plain_policy(ro)
            prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (policy and header not in response and not getattr(response, exempt, False)
                    and not request.path_info.startswith(tuple(prefixes))):
                response[header] = policy
        # as django-csp: a nonce asked for after the header was written is an error
        request.csp_nonce = CheckableLazyObject(  # type: ignore[attr-defined]
            self._csp_nonce_post_response)
        return response
