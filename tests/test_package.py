"""The package is a regular package with a version, and importing it costs nothing."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest

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
    assert data != src.parent / "shared" / "data" / "market"  # never ../shared beside it
    for p in (data, db):
        assert not p.is_relative_to(src), p
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path / "mine"))
    assert paths.default_data_dir() == tmp_path / "mine"


def test_the_package_ships_its_type_information():
    from pathlib import Path

    assert (Path(tapereader.__file__).parent / "py.typed").is_file()


@pytest.mark.realdata
def test_numba_cache_falls_back_when_neither_package_nor_home_is_writable(tmp_path,
                                                                        market_dir):
    """A zipped tapereader (no __pycache__ beside it) run with $HOME unusable: numba
    raised at the first compiled call; now it caches in a temp folder and says so once."""
    import os
    import zipfile
    from pathlib import Path

    pkg = Path(tapereader.__file__).parent
    zpath = tmp_path / "tapereader.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in pkg.rglob("*"):
            if f.is_file() and "__pycache__" not in f.parts:
                z.write(f, f.relative_to(pkg.parent))
    env = {k: v for k, v in os.environ.items()
           if k not in ("XDG_CACHE_HOME", "NUMBA_CACHE_DIR", "PYTHONPATH")}
    env.update(HOME="/proc/no-home", PYTHONPATH=str(zpath), TMPDIR=str(tmp_path))
    code = ("from tapereader.data.readers import read_bars; "
            f"print(len(read_bars({str(market_dir / 'SPY.csv')!r})[0]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout) > 5000
    assert r.stderr.strip().splitlines() == [
        f"tapereader: warning: the package folder and $HOME are not writable; numba caches "
        f"compiled code in {tmp_path}/tapereader-numba-{os.getuid()}"]
