"""Web test wiring: Django settings (tests/web/settings.py via pyproject), the database the
tests run on, a throwaway PostgreSQL 15 cluster, and a Playwright browser (Debian chromium).

``TAPEREADER_TEST_SITE_DB=postgres`` runs the database tests on PostgreSQL: the
``django_db_modify_db_settings`` hook below points Django at the ``pg_cluster`` before the
test database is created (``make test`` runs tests/web both ways).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + Django

PG_BIN = Path(os.environ.get("TAPEREADER_PG_BIN", "/usr/lib/postgresql/15/bin"))
CHROMIUM = os.environ.get("TAPEREADER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class PgCluster:
    host: str
    port: int
    user: str

    def url(self, name: str = "postgres") -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{name}"

    def database(self, name: str = "postgres") -> dict:
        return {"ENGINE": "django.db.backends.postgresql", "NAME": name, "USER": self.user,
                "PASSWORD": "", "HOST": self.host, "PORT": str(self.port),
                "OPTIONS": {}, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "TIME_ZONE": None,
                "TEST": {"NAME": "test_tapereader"}}


def _as_postgres(cmd: list[str]) -> list[str]:
    """Run as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1 (trust auth), stopped at the end."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL not found in {PG_BIN} (apt-get install postgresql-15)")
    tmp = Path(tempfile.mkdtemp(prefix="tapereader-pg-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    data = tmp / "data"
    port = free_port()
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True,  # noqa: E731
                                     text=True, timeout=120)
    try:
        run([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--locale=C.UTF-8"])
        run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w", "-t", "60",
             "-o", f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off", "start"])
    except subprocess.CalledProcessError as e:
        log = (tmp / "log").read_text() if (tmp / "log").exists() else ""
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {e.stderr or e.stdout}{log}")
    try:
        yield PgCluster("127.0.0.1", port, "postgres")
    finally:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast",
                                     "-w", "stop"]), capture_output=True, timeout=120)
        shutil.rmtree(tmp, ignore_errors=True)


def site_db_backend() -> str:
    return os.environ.get("TAPEREADER_TEST_SITE_DB", "sqlite")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request) -> None:
    """pytest-django's hook: on PostgreSQL, point the default database at the cluster."""
    if site_db_backend() != "postgres":
        return
    from django.conf import settings
    from django.db import connections

    cluster = request.getfixturevalue("pg_cluster")
    conf = settings.DATABASES["default"]  # the same dict the connection handler holds
    conf.clear()
    conf.update(cluster.database())
    connections.configure_settings({"default": conf})  # fills TEST's defaults in place
    connections.close_all()
    with contextlib.suppress(AttributeError):  # a connection made earlier is SQLite's
        del connections["default"]


@pytest.fixture
def small_post(db):
    """A small published note of 2013-07-08 (no engine), public for a minute already; under
    a ``django_db(transaction=True)`` mark it is committed (for live_server and chromium)."""
    import datetime as dt

    from django.utils import timezone

    from tapereader.web.posts.models import Post, Status

    return Post.objects.create(date=dt.date(2013, 7, 8), slug="small-caps-lead",
                               headline="Small caps lead", body_md="# Small caps lead\n",
                               body_html="<p>Small caps lead the rally.</p>",
                               status=Status.PUBLISHED,
                               published_at=timezone.now() - dt.timedelta(minutes=1))


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """A headless chromium driven by Playwright's sync API (Debian's /usr/bin/chromium)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def screenshots_dir() -> Path:
    """Where browser tests save screenshots (look at them): $TAPEREADER_SCREENSHOTS or
    tests/web/screenshots."""
    d = Path(os.environ.get("TAPEREADER_SCREENSHOTS",
                            Path(__file__).parent / "screenshots"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Wait until something listens on 127.0.0.1:port (a server a test started)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")
