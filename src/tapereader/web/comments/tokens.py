"""Signed tokens of the comment app (django.core.signing, the install's own SECRET_KEY, one
salt per purpose): the form's load time, unsubscribe from reply mails, delete my comments."""

from __future__ import annotations

import time

from django.core import signing

FORM_SALT = "tapereader.comments.form"
UNSUBSCRIBE_SALT = "tapereader.comments.unsubscribe"
FORGET_SALT = "tapereader.comments.forget"
FORGET_MAX_AGE = 90 * 86400


def form_token(post_id: int, now: float | None = None) -> str:
    """The hidden field put in the form when the page is rendered: the post and the time."""
    t = time.time() if now is None else now
    return signing.dumps({"p": int(post_id), "t": round(t, 3)}, salt=FORM_SALT, compress=False)


def form_loaded_at(token: str, post_id: int) -> float | None:
    """When the form with this token was rendered, or None if the token is forged, for
    another post or unreadable."""
    try:
        data = signing.loads(token or "", salt=FORM_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != int(post_id):
        return None
    t = data.get("t")
    return float(t) if isinstance(t, int | float) else None


def commenter_token(commenter_id: int, purpose: str) -> str:
    """A token naming one commenter for ``purpose`` ("unsubscribe" or "forget")."""
    salt = {"unsubscribe": UNSUBSCRIBE_SALT, "forget": FORGET_SALT}[purpose]
    return signing.dumps(int(commenter_id), salt=salt)


def commenter_from_token(token: str, purpose: str) -> int | None:
    """The commenter id in a valid token for ``purpose`` (the forget link expires after
    90 days; the unsubscribe link never does, as RFC 8058 expects), else None."""
    salt = {"unsubscribe": UNSUBSCRIBE_SALT, "forget": FORGET_SALT}[purpose]
    max_age = FORGET_MAX_AGE if purpose == "forget" else None
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
