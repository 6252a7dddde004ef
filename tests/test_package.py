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


def test_default_folders_do_not_depend_on_where_the_source_is(monkeypatch, tmp_path):
    from pathlib import Path

    from tapereader import paths

    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    monkeypatch.delenv(paths.DB_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    src = Path(paths.__file__).resolve().parents[2]  # the checkout (or site-packages)
    data, db = paths.default_data_dir(), paths.default_db_path()
    assert data == tmp_path / "xdg" / "tapereader" / "market"
    assert db == tmp_path / "xdg" / "tapereader" / "tapereader.duckdb"
    for p in (data, db):
        assert not p.is_relative_to(src.parent), p  # never ../shared beside the source
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path / "mine"))
    assert paths.default_data_dir() == tmp_path / "mine"


def test_the_package_ships_its_type_information():
    from pathlib import Path

    assert (Path(tapereader.__file__).parent / "py.typed").is_file()
