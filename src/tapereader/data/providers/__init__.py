"""Live data providers (Yahoo chart API, Stooq CSV): each returns validated daily Bars."""

from __future__ import annotations

from ..errors import ProviderError
from .base import Provider
from .stooq import StooqProvider
from .yahoo import YahooProvider

PROVIDERS = {"yahoo": YahooProvider, "stooq": StooqProvider}


def get_provider(name: str, **kwargs: object) -> Provider:
    """The provider called ``name`` (yahoo or stooq); ProviderError names the choices."""
    try:
        cls = PROVIDERS[name.lower()]
    except KeyError:
        raise ProviderError(f"unknown provider {name!r}: use {' or '.join(PROVIDERS)}") from None
    return cls(**kwargs)  # type: ignore[arg-type]


__all__ = ["PROVIDERS", "Provider", "StooqProvider", "YahooProvider", "get_provider"]
