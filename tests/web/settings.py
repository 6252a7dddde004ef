"""Django settings for the tests: the site's settings with everything in a temporary folder
(SQLite database, secret key, config) and a fixed test key. The web tests run on PostgreSQL
too when TAPEREADER_TEST_SITE_DB=postgres (conftest.py starts a throwaway cluster)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="tapereader-web-tests-"))
atexit.register(shutil.rmtree, _TMP, True)
os.environ.setdefault("TAPEREADER_CONFIG_DIR", str(_TMP / "config"))
os.environ.setdefault("TAPEREADER_SITE_DATA_DIR", str(_TMP / "data"))
os.environ.setdefault("TAPEREADER_CONFIG", str(_TMP / "config" / "none.toml"))
os.environ.setdefault("TAPEREADER_SECRET_KEY", "test-only-key-" + "x" * 40)
os.environ["TAPEREADER_SITE_DB"] = str(_TMP / "site.sqlite3")
os.environ.setdefault("TAPEREADER_SITE_URL", "http://127.0.0.1:8000")

from tapereader.web.settings import *  # noqa: E402, F403
from tapereader.web.settings import DATABASES  # noqa: E402

TEST_TMP = _TMP
DATABASES["default"]["TEST"] = {"NAME": str(_TMP / "test_site.sqlite3")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test users
