"""Privacy: IP addresses kept whole only as long as spam control needs them."""

from __future__ import annotations

import datetime as dt
import ipaddress


def truncate_ip(ip: str) -> str:
    """The /24 network of an IPv4 address, the /48 of an IPv6 one (an IPv4-mapped IPv6
    address is treated as IPv4), as an address string; "" for anything unreadable."""
    try:
        addr = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    prefix = 24 if addr.version == 4 else 48
    return str(ipaddress.ip_network(f"{addr}/{prefix}", strict=False).network_address)


def truncate_old_ips(now: dt.datetime | None = None, days: int | None = None) -> int:
    """Truncate the IP of every comment older than ``days`` (IP_KEEP_DAYS, 30 by default)
    to its /24 or /48; returns how many were changed. The daily job calls this (and so does
    ``manage comments_truncate_ips``)."""
    from django.utils import timezone

    from .conf import comment_settings
    from .models import Comment

    now = now or timezone.now()
    days = comment_settings().ip_keep_days if days is None else days
    old = Comment.objects.filter(created__lt=now - dt.timedelta(days=days), ip_truncated=False)
    n = 0
    for pk, ip in old.values_list("pk", "ip").iterator():
        Comment.objects.filter(pk=pk).update(ip=truncate_ip(ip) if ip else None,
                                             ip_truncated=True)
        n += 1
    return n
