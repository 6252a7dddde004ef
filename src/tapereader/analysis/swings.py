"""Swings: causal swing highs and lows (pivots) at several scales.

A swing is only known once later bars have moved away from it by the scale's
threshold, so each swing records its confirmation bar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Swings:
    """Swing points of one series, sorted by ``idx``; all arrays the same length.

    - ``idx``: bar index of the swing high/low;
    - ``kind``: +1 for a swing high, -1 for a swing low;
    - ``price``: the high (for +1) or the low (for -1) at ``idx``;
    - ``confirm``: first bar index at which the swing was known (> idx);
    - ``magnitude``: size of the larger move the swing ended, in percent (how major it is);
    - ``scale``: the largest threshold (in ATR multiples) at which it is a swing.
    """

    idx: np.ndarray
    kind: np.ndarray
    price: np.ndarray
    confirm: np.ndarray
    magnitude: np.ndarray
    scale: np.ndarray

    def __len__(self) -> int:
        return len(self.idx)
