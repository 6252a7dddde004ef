"""manage comments_truncate_ips: truncate commenters' IPs older than 30 days (/24, /48)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ...privacy import truncate_old_ips


class Command(BaseCommand):
    help = "Truncate the IP addresses of comments older than N days (default 30) to /24 or /48."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **opts) -> None:
        n = truncate_old_ips(days=opts["days"])
        self.stdout.write(f"truncated {n} IP address(es)")
