"""Which tags a post gets: every symbol the note discusses and the themes they stand for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify

# an instrument's role -> the theme a reader follows
THEME_OF_ROLE = {
    "small_caps": "Small caps", "large_cap_growth": "Nasdaq", "large_cap_value": "Dow",
    "benchmark": "S&P 500", "bonds": "Bonds", "credit": "Credit",
    "commodities": "Commodities", "gold": "Gold", "volatility": "Volatility",
    "rates": "Rates",
}
EQUITY_ROLES = {"benchmark", "small_caps", "large_cap_growth", "large_cap_value"}
# a finding's kind -> the theme of the reading
THEME_OF_KIND = {
    "all_time_high": "Records", "new_high_52w": "Records", "all_time_low": "Records",
    "new_low_52w": "Records", "distance_from_high": "Corrections",
    "trendline_break": "Trend lines", "trendline_retest": "Trend lines",
    "trendline": "Trend lines", "channel": "Trend lines",
    "zone": "Support and resistance", "breakout": "Breakouts", "breakdown": "Breakouts",
    "oversold_bounce": "Pullbacks", "overbought": "Overbought",
    "reversal_day": "Reversals", "analog": "History", "leadership": "Leadership",
    "relative_strength": "Leadership", "cross_asset": "Cross-asset",
}


def note_tags(used: Iterable[Any], roles: dict[str, str]) -> list[tuple[str, str, str]]:
    """(slug, name, group) for the findings the note draws on: their symbols (``iwm``) and
    themes (``small-caps``), symbols first, each once, in the note's order."""
    symbols: list[str] = []
    themes: list[str] = []
    for f in used:
        d = f.to_dict() if hasattr(f, "to_dict") else f
        for s in (d.get("symbol"), d.get("other_symbol")):
            if s and slugify(s) and s not in symbols:  # "*" is a comparison of many
                symbols.append(s)
        t = THEME_OF_KIND.get(d.get("kind", ""))
        if t and t not in themes:
            themes.append(t)
        if d.get("kind") == "cross_asset":  # bonds, credit, commodities compared
            for role in (d.get("figures", {}).get("roles") or {}).values():
                t = THEME_OF_ROLE.get(role)
                if t and t not in themes and role not in EQUITY_ROLES:
                    themes.append(t)
    for s in symbols:
        t = THEME_OF_ROLE.get(roles.get(s, ""))
        if t and t not in themes:
            themes.append(t)
    out = [(slugify(s), s, "symbol") for s in symbols]
    taken = {o[0] for o in out}
    out += [(slugify(t), t, "theme") for t in themes if slugify(t) not in taken]
    return out
