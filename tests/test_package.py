"""The package is a regular package with a version, and importing it costs nothing."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import tapereader


def test_package_has_the_installed_version():
    assert tapereader.__file__ is not None  # a regular package, not a namespace one
    assert tapereader.__version__ == version("tapereader")


def test_importing_the_package_imports_nothing_heavy():
    code = "import sys, tapereader; print(sorted(m for m in ('pandas', 'numpy', 'numba') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
