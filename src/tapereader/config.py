"""Watchlist and settings: which symbols to read, their display names and roles.

A watchlist is a TOML file::

    [symbols.GSPC]
    name = "S&P 500"
    role = "benchmark"

    [[pairs]]        # pairs compared by relative strength, leader first
    symbols = ["IWM", "QQQ"]

Roles say what an instrument stands for in a note: benchmark, small_caps,
large_cap_growth, large_cap_value, bonds, commodities, credit, gold, volatility.

Two optional facts about an instrument's history let the note say "all-time" honestly
(a record in the data is only a record of the data): ``inception`` (ISO date of its first
value; data that starts there holds its whole history) and ``highs_complete = true``
(no close before the data begins was above the highs the data holds, so a new high in the
data is an all-time high; lows are not covered by this).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .data.errors import TapereaderError

# Roles that are stock markets (leadership, records of the indices, cross-asset "stocks").
EQUITY_ROLES = ("benchmark", "small_caps", "large_cap_growth", "large_cap_value")
ROLES = ("benchmark", "small_caps", "large_cap_growth", "large_cap_value", "bonds",
         "commodities", "credit", "gold", "volatility", "rates", "stock")


class ConfigError(TapereaderError):
    """A watchlist file is unreadable or names something unknown."""


@dataclass(frozen=True, slots=True)
class Instrument:
    symbol: str
    name: str
    role: str
    tracks: str | None = None  # an ETF names the index it tracks (IWM tracks RUT)
    inception: str | None = None     # first value of the instrument (ISO date)
    highs_complete: bool = False     # no close before the data is above the data's highs


@dataclass(frozen=True)
class Watchlist:
    instruments: dict[str, Instrument]
    pairs: tuple[tuple[str, str], ...] = field(default=())

    def name(self, symbol: str) -> str:
        """Display name (the ticker when the watchlist does not know the symbol)."""
        inst = self.instruments.get(symbol)
        return inst.name if inst else symbol

    def role(self, symbol: str) -> str:
        inst = self.instruments.get(symbol)
        return inst.role if inst else "stock"

    def with_role(self, role: str) -> list[str]:
        return [s for s, i in self.instruments.items() if i.role == role]

    def __contains__(self, symbol: object) -> bool:
        return symbol in self.instruments


_DEFAULT = (
    ("GSPC", "S&P 500", "benchmark", None),
    ("DJI", "Dow", "large_cap_value", None),
    ("RUT", "Russell 2000", "small_caps", None),
    ("NDX", "Nasdaq 100", "large_cap_growth", None),
    ("SPY", "SPDR S&P 500 ETF (SPY)", "benchmark", "GSPC"),
    ("IWM", "iShares Russell 2000 ETF (IWM)", "small_caps", "RUT"),
    ("QQQ", "Invesco QQQ (QQQ)", "large_cap_growth", "NDX"),
    ("DIA", "SPDR Dow Jones ETF (DIA)", "large_cap_value", "DJI"),
    ("TLT", "20+ year Treasuries (TLT)", "bonds", None),
    ("IEF", "7-10 year Treasuries (IEF)", "bonds", None),
    ("HYG", "high-yield credit (HYG)", "credit", None),
    ("LQD", "investment-grade credit (LQD)", "credit", None),
    ("DBC", "commodities (DBC)", "commodities", None),
    ("GLD", "gold (GLD)", "gold", None),
    ("VIX", "VIX", "volatility", None),
)
_DEFAULT_PAIRS = (("IWM", "QQQ"), ("IWM", "SPY"), ("RUT", "NDX"), ("RUT", "GSPC"),
                  ("SPY", "TLT"), ("SPY", "DBC"), ("SPY", "HYG"))


# History facts (see the module docstring). The four US indices made their dot-com record
# highs inside the bundled data's first months (Dow January 14, 2000; S&P 500, Nasdaq 100 and
# Russell 2000 in March 2000), above every earlier close; ETFs' inception is their first
# trading day.
_HISTORY = {
    "GSPC": ("1957-03-04", True), "DJI": ("1896-05-26", True), "NDX": ("1985-01-31", True),
    "RUT": ("1984-01-02", True), "VIX": ("1990-01-02", False),
    "SPY": ("1993-01-29", True), "DIA": ("1998-01-20", True), "QQQ": ("1999-03-10", True),
    "IWM": ("2000-05-22", True), "TLT": ("2002-07-30", False), "IEF": ("2002-07-30", False),
    "HYG": ("2007-04-11", False), "LQD": ("2002-07-26", False), "DBC": ("2006-02-06", False),
    "GLD": ("2004-11-18", False),
}


def default_watchlist() -> Watchlist:
    """The reference-case watchlist: US indices and ETFs, bonds, credit, commodities, gold, VIX."""
    inst = {s: Instrument(s, n, r, t, *_HISTORY.get(s, (None, False)))
            for s, n, r, t in _DEFAULT}
    return Watchlist(inst, _DEFAULT_PAIRS)


def load_watchlist(path: Path) -> Watchlist:
    """Read a watchlist TOML file; errors name the file and the entry at fault."""
    try:
        doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: watchlist file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a watchlist file") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None
    syms = doc.get("symbols")
    if not isinstance(syms, dict) or not syms:
        raise ConfigError(f"{path}: needs a [symbols.<TICKER>] table for each symbol")
    inst: dict[str, Instrument] = {}
    for sym, spec in syms.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{path}: [symbols.{sym}] must be a table")
        role = spec.get("role", "stock")
        if role not in ROLES:
            raise ConfigError(f"{path}: [symbols.{sym}] role {role!r} is not one of "
                              f"{', '.join(ROLES)}")
        inst[sym.upper()] = Instrument(sym.upper(), str(spec.get("name", sym)), role,
                                       spec.get("tracks"), spec.get("inception"),
                                       bool(spec.get("highs_complete", False)))
    pairs = []
    for k, p in enumerate(doc.get("pairs", [])):
        pair = p.get("symbols") if isinstance(p, dict) else None
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ConfigError(f"{path}: pairs[{k}] needs symbols = [\"A\", \"B\"]")
        a, b = (str(x).upper() for x in pair)
        for x in (a, b):
            if x not in inst:
                raise ConfigError(f"{path}: pairs[{k}] names {x}, which is not in [symbols]")
        pairs.append((a, b))
    return Watchlist(inst, tuple(pairs))
