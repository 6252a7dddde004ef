"""Shared by the fast-path tests: compare what two readers give for one file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from tapereader.data import DataError


def outcome(read: Callable[[Path], tuple[Any, list]], path: Path) -> tuple:
    """``("ok", bars, warnings as text)`` or ``("error", message)`` from one reader."""
    try:
        bars, warns = read(path)
    except DataError as e:
        return ("error", str(e))
    return ("ok", bars, [str(w) for w in warns])


def assert_same(got: tuple, want: tuple) -> None:
    """Both readers succeeded with identical bars and warnings, or failed with one message."""
    assert got[0] == want[0], (got[:2], want[:2])
    if want[0] == "ok":
        pd.testing.assert_frame_equal(got[1], want[1], check_exact=True)
        assert got[2] == want[2]
    else:
        assert got == want
