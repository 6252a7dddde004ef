"""Make sure numba's on-disk cache holds every kernel before anything is timed.

The first run after a checkout (or after a kernel's source changed) compiles the kernels,
~10-15 s once, like building a C extension at install. A benchmark that starts cold would
time that instead of the scan. ``ensure_compiled`` runs ``tapereader findings`` on the
reference watchlist in a separate process (it reads CSVs through the fast parser and runs
every detector), so the timed process still pays what every later run pays: loading the
cached kernels.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def ensure_compiled(data_dir: Path) -> float:
    """Run the engine once in a child process; returns its seconds (long when it compiled)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(SRC), env.get("PYTHONPATH")) if x)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tapereader.cli", "findings", "--asof", "2013-07-08",
                    "--data", str(data_dir), "--format", "json"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t
