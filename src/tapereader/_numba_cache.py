"""Where numba caches compiled kernels when neither the package folder nor $HOME can hold them.

numba caches beside the source (``__pycache__``) or, when that is not writable, in the
user's cache directory; with neither (a read-only install run by a user without a home,
a zipped package), ``cache=True`` raises at import. Before numba is imported, this points
``NUMBA_CACHE_DIR`` at a writable temporary folder instead, with a one-line warning.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ENV = "NUMBA_CACHE_DIR"


def writable(folder: Path) -> bool:
    """``folder`` (or the nearest existing parent, where it would be created) is a
    writable real folder."""
    p = folder
    while not p.exists():
        if p.parent == p:
            return False
        p = p.parent
    if not p.is_dir():
        return False
    try:
        fd, name = tempfile.mkstemp(dir=p, prefix=".tapereader-probe-")
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


def user_cache() -> Path:
    """numba's user-wide cache folder (as numba computes it)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "numba"


def configure(package: Path | None = None) -> Path | None:
    """Set ``NUMBA_CACHE_DIR`` when numba would find no writable cache; the folder chosen,
    or None when numba's own choice works (or the user set the variable)."""
    if os.environ.get(ENV) or "numba" in sys.modules:
        return None
    package = package or Path(__file__).resolve().parent
    if package.is_dir() and writable(package / "data" / "__pycache__"):
        return None
    if writable(user_cache()):
        return None
    fallback = Path(tempfile.gettempdir()) / f"tapereader-numba-{os.getuid()}"
    if not writable(fallback):
        sys.stderr.write("tapereader: warning: no writable folder for numba's cache "
                         "(package folder, $HOME, temp); set NUMBA_CACHE_DIR\n")
        return None
    os.environ[ENV] = str(fallback)
    if not package.is_dir():  # a zipped package: numba caches in the user-wide folder
        os.environ["XDG_CACHE_HOME"] = str(fallback)
    sys.stderr.write(f"tapereader: warning: the package folder and $HOME are not writable; "
                     f"numba caches compiled code in {fallback}\n")
    return fallback
