"""The on-disk session table: used when fresh, rebuilt from exchange_calendars otherwise."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from tapereader.data import calendar as xc


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(xc.CACHE_ENV, str(tmp_path))
    xc._session_ns.cache_clear()
    yield tmp_path
    xc._session_ns.cache_clear()


def test_first_use_writes_the_exchange_calendars_sessions(cache_dir):
    ns = xc._session_ns()
    path = xc._cache_file()
    assert path.parent == cache_dir and path.exists()
    assert np.array_equal(np.load(path), ns)
    assert np.array_equal(ns, xc.xnys().sessions.asi8)


def test_fresh_cache_is_used(cache_dir):
    path = xc._cache_file()
    fake = xc.xnys().sessions.asi8[:1000].copy()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, fake)
    assert len(xc._session_ns()) == 1000


@pytest.mark.parametrize("damage", ["corrupt", "unsorted", "stale"])
def test_bad_or_stale_cache_is_rebuilt(cache_dir, damage):
    path = xc._cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    good = xc.xnys().sessions.asi8
    if damage == "corrupt":
        path.write_bytes(b"not an npy file")
    elif damage == "unsorted":
        np.save(path, good[::-1].copy())
    else:
        np.save(path, good[:1000].copy())
        old = time.time() - (xc.CACHE_DAYS + 2) * 86400
        os.utime(path, (old, old))
    assert np.array_equal(xc._session_ns(), good)
    assert np.array_equal(np.load(path), good)


def test_unwritable_cache_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(xc.CACHE_ENV, str(blocker / "sub"))
    xc._session_ns.cache_clear()
    try:
        assert xc.is_session(np.array(["2013-07-08", "2013-07-04"], dtype="datetime64[ns]")
                             ).tolist() == [True, False]
    finally:
        xc._session_ns.cache_clear()
