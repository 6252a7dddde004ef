"""Watchlist TOML: the default matches the reference case; bad files get one clear line."""

import pytest

from tapereader.config import ConfigError, default_watchlist, load_watchlist


def test_default_watchlist_reference_symbols():
    wl = default_watchlist()
    for sym in ("GSPC", "RUT", "NDX", "SPY", "IWM", "QQQ", "DIA", "TLT", "IEF", "HYG", "LQD",
                "DBC", "GLD", "VIX"):
        assert sym in wl
    assert wl.name("GSPC") == "S&P 500" and wl.name("RUT") == "Russell 2000"
    assert wl.role("IWM") == "small_caps" and wl.role("TLT") == "bonds"
    assert ("IWM", "QQQ") in wl.pairs
    assert wl.name("AAPL") == "AAPL" and wl.role("AAPL") == "stock"


def test_load_watchlist(tmp_path):
    p = tmp_path / "w.toml"
    p.write_text('[symbols.spy]\nname = "S&P"\nrole = "benchmark"\n'
                 '[symbols.TLT]\nrole = "bonds"\n[[pairs]]\nsymbols = ["SPY", "TLT"]\n')
    wl = load_watchlist(p)
    assert wl.name("SPY") == "S&P" and wl.role("TLT") == "bonds" and wl.pairs == (("SPY", "TLT"),)


@pytest.mark.parametrize("text,msg", [
    ("not toml [", "not valid TOML"),
    ("x = 1", "needs a [symbols"),
    ('[symbols.SPY]\nrole = "bond"', "role 'bond' is not one of"),
    ('[symbols.SPY]\n[[pairs]]\nsymbols = ["SPY", "XYZ"]', "names XYZ, which is not in"),
    ('[symbols.SPY]\n[[pairs]]\nsymbols = ["SPY"]', "pairs[0] needs"),
])
def test_bad_watchlist(tmp_path, text, msg):
    p = tmp_path / "w.toml"
    p.write_text(text)
    with pytest.raises(ConfigError, match=msg.replace("[", r"\[")) as e:
        load_watchlist(p)
    assert str(p) in str(e.value)


def test_missing_watchlist(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_watchlist(tmp_path / "nope.toml")
