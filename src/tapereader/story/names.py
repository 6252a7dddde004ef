"""How the note names instruments: "the Russell 2000", "IWM", "20+ year Treasuries (TLT)"."""

from __future__ import annotations

from ..config import Watchlist

ASSET_ROLES = ("bonds", "credit", "commodities", "gold", "rates")
GROUP = {
    "small_caps": "small caps",
    "benchmark": "large caps",
    "large_cap_growth": "large-cap growth",
    "large_cap_value": "blue chips",
    "bonds": "bonds",
    "credit": "credit",
    "commodities": "commodities",
    "gold": "gold",
    "volatility": "volatility",
    "rates": "rates",
    "stock": "stocks",
}


class Names:
    """Display names from the watchlist (tickers for ETFs and for symbols it does not know)."""

    def __init__(self, wl: Watchlist):
        self.wl = wl

    def label(self, sym: str) -> str:
        inst = self.wl.instruments.get(sym)
        if inst is None or inst.tracks:
            return sym
        return inst.name

    def the(self, sym: str) -> str:
        """With the article an index takes in prose: "the S&P 500", but "IWM", "gold (GLD)"."""
        inst = self.wl.instruments.get(sym)
        if inst is None or inst.tracks or inst.role in ASSET_ROLES or inst.name == sym:
            return self.label(sym)
        return "the " + inst.name

    def plural(self, sym: str) -> bool:
        """Does the name take a plural verb ("Treasuries (TLT) are")?"""
        return self.label(sym).split(" (")[0].endswith("ies") or \
            self.label(sym).split(" (")[0].lower() in ("commodities", "bonds")

    def group(self, sym: str) -> str:
        """What the instrument stands for: "small caps", "bonds"."""
        return GROUP.get(self.wl.role(sym), "stocks")

    def all_names(self) -> list[str]:
        """Every display name and ticker (the tracing test removes them before parsing numbers)."""
        out = set(self.wl.instruments)
        out |= {i.name for i in self.wl.instruments.values()}
        return sorted(out, key=len, reverse=True)
