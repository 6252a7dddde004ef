"""Live data providers (Yahoo chart API, Stooq CSV): each returns validated daily Bars."""

from __future__ import annotations

import os

from ..errors import ProviderError
from .base import Provider
from .stooq import StooqProvider
from .yahoo import YahooProvider

PROVIDERS: dict[str, type[YahooProvider] | type[StooqProvider]] = {
    "yahoo": YahooProvider, "stooq": StooqProvider}


def get_provider(name: str, **kwargs: object) -> Provider:
    """The provider called ``name`` (yahoo or stooq); ProviderError names the choices.

    ``$TAPEREADER_YAHOO_URL`` / ``$TAPEREADER_STOOQ_URL`` override the base URL when no
    ``base_url`` is passed (CLI tests point the real command at a local server this way).
    """
    try:
        cls = PROVIDERS[name.lower()]
    except KeyError:
        raise ProviderError(f"unknown provider {name!r}: use {' or '.join(PROVIDERS)}") from None
    env = os.environ.get(f"TAPEREADER_{name.upper()}_URL")
    if env and "base_url" not in kwargs:
        kwargs["base_url"] = env
    provider: Provider = cls(**kwargs)  # type: ignore[arg-type]
    return provider


__all__ = ["PROVIDERS", "Provider", "StooqProvider", "YahooProvider", "get_provider"]
