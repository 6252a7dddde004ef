"""tapereader: reads market charts like a seasoned chartist and writes the daily note.

Nothing is imported here, so that ``tapereader --help`` and the scan workers start fast;
see ``tapereader.engine`` (findings), ``tapereader.report`` (the note) and
``tapereader.scan`` (universe scans).
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":  # read from the installed metadata only when asked
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("tapereader")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0+unknown"
    raise AttributeError(f"module 'tapereader' has no attribute {name!r}")
