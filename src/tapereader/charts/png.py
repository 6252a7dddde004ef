"""A PNG's pixel size from its header, without decoding it (pages and mail give <img> sizes)."""

from __future__ import annotations

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(head: bytes) -> tuple[int, int] | None:
    """Width and height in pixels from a PNG's first 24 bytes (its IHDR chunk), or None."""
    if len(head) < 24 or head[:8] != PNG_SIGNATURE:
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
