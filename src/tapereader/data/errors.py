"""Errors and warnings about input data, each naming where the problem is."""

from __future__ import annotations

from dataclasses import dataclass


class TapereaderError(Exception):
    """Base class for errors shown to users as one line (the CLI prints ``str(err)``).

    ``exit_code``: the CLI's exit status for it (2 for usage errors, as click uses).
    """

    exit_code: int = 1


class DataError(TapereaderError):
    """Bad input data: names the file (or symbol), the row/date and the rule broken."""

    def __init__(self, source: str, rule: str, where: str | None = None) -> None:
        self.source, self.rule, self.where = source, rule, where
        loc = f"{source}, {where}" if where else source
        super().__init__(f"{loc}: {rule}")


class ProviderError(TapereaderError):
    """A live data provider failed (network, unknown symbol, unexpected response)."""


@dataclass(frozen=True, slots=True)
class DataWarning:
    """Suspicious but legal data (a 40% day, a long gap, zero volume)."""

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}, {self.where}: {self.message}"
