"""The spam rules: plain functions over one submission, all local (no network service).

Each rule returns the reasons it fired (empty when it did not). A reason is *spam* (a bot:
honeypot, too fast, forged or stale form) or *hold* (a person may have written it: links,
listed words, duplicate text); the moderation decision weighs them. The rate limits refuse
(429) instead, before anything is stored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import BaseCache

from .conf import CommentSettings
from .tokens import form_loaded_at

SPAM, HOLD = "spam", "hold"
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MD_LINK = re.compile(r"\]\(\s*[^)\s]+")


@dataclass(frozen=True)
class Reason:
    rule: str
    detail: str
    verdict: str  # SPAM or HOLD

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "detail": self.detail, "verdict": self.verdict}


@dataclass(frozen=True)
class Submission:
    post_id: int
    name: str
    email: str
    website: str
    body: str
    ip: str | None
    honeypot: str = ""
    form_token: str = ""


def honeypot(sub: Submission) -> list[Reason]:
    """The hidden field people never see was filled."""
    if sub.honeypot.strip():
        return [Reason("honeypot", "the hidden field was filled in", SPAM)]
    return []


def timing(sub: Submission, now: float, conf: CommentSettings) -> list[Reason]:
    """The signed load time: missing or forged, older than the form's life, or too recent."""
    loaded = form_loaded_at(sub.form_token, sub.post_id)
    if loaded is None:
        return [Reason("form-token", "the form's signed timestamp is missing or invalid", SPAM)]
    elapsed = now - loaded
    if elapsed < conf.min_seconds:
        return [Reason("too-fast", f"posted {max(elapsed, 0):.1f} s after the form loaded "
                       f"(minimum {conf.min_seconds:g} s)", SPAM)]
    if elapsed > conf.max_form_age:
        return [Reason("stale-form", f"the form was loaded {elapsed / 3600:.0f} h before", SPAM)]
    return []


def count_links(text: str) -> int:
    """Links in the text: bare URLs and Markdown links (each counted once)."""
    urls = {m.start() for m in _URL.finditer(text)}
    md = [m for m in _MD_LINK.finditer(text)
          if not any(m.start() <= u <= m.end() + 2 for u in urls)]
    return len(urls) + len(md)


def links(sub: Submission, conf: CommentSettings) -> list[Reason]:
    n = count_links(sub.body)
    if n > conf.max_links:
        return [Reason("links", f"{n} links (more than {conf.max_links})", HOLD)]
    return []


def listed_words(sub: Submission, words: Iterable[str]) -> list[Reason]:
    """Words or phrases from the configured list in the name, email, website or text."""
    hay = " ".join((sub.name, sub.email, sub.website, sub.body)).casefold()
    hits = [w for w in words if w.strip() and re.search(
        r"(?<!\w)" + re.escape(w.strip().casefold()) + r"(?!\w)", hay)]
    if hits:
        return [Reason("words", "listed words: " + ", ".join(sorted(set(hits))), HOLD)]
    return []


def normalized_body(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def body_hash(text: str) -> str:
    """What duplicate detection compares: the text without case, punctuation or spacing."""
    return hashlib.sha256(normalized_body(text).encode()).hexdigest()


def duplicate(sub: Submission, find: Callable[[str], int | None]) -> list[Reason]:
    """The same text already came in (``find`` looks a body hash up, returning a comment id)."""
    if not normalized_body(sub.body):
        return []
    found = find(body_hash(sub.body))
    if found is not None:
        return [Reason("duplicate", f"the same text as comment #{found}", HOLD)]
    return []


def check(sub: Submission, *, now: float, conf: CommentSettings,
          find_duplicate: Callable[[str], int | None]) -> list[Reason]:
    """Every rule that fires, in a fixed order."""
    return [*honeypot(sub), *timing(sub, now, conf), *links(sub, conf),
            *listed_words(sub, conf.hold_words), *duplicate(sub, find_duplicate)]


def rate_key_ip(ip: str) -> str:
    """What the per-IP limit counts: the IPv4 address, or the IPv6 /64 (one subscriber line
    gets a whole /64, so counting single IPv6 addresses would be no limit at all)."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return f"{ipaddress.ip_network(f'{addr}/64', strict=False).network_address}/64"
    return str(addr)


def over_rate_limit(cache: BaseCache, sub: Submission, conf: CommentSettings) -> str | None:
    """Count this submission against the per-IP and per-email limits (fixed windows in
    Django's cache); the limit exceeded, or None."""
    over = None
    keys = []
    if sub.ip:
        keys.append(("IP", f"comments:rate:ip:{rate_key_ip(sub.ip)}", conf.ip_limit))
    if sub.email:
        digest = hashlib.sha256(sub.email.strip().casefold().encode()).hexdigest()
        keys.append(("email", f"comments:rate:email:{digest}", conf.email_limit))
    for label, key, limit in keys:
        cache.add(key, 0, conf.window)
        try:
            n = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, conf.window)
            n = 1
        if n > limit and over is None:
            over = f"more than {limit} comments from this {label} in {conf.window // 60} minutes"
    return over
