"""The skeleton: settings from config and environment, the Post model, a page with its CSP."""

from __future__ import annotations

import os
import re
import stat

import pytest

from tapereader.web import siteconfig


def test_secret_key_generated_once_with_mode_0600(tmp_path, monkeypatch):
    monkeypatch.delenv("TAPEREADER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TAPEREADER_CONFIG_DIR", str(tmp_path / "cfg"))
    k1 = siteconfig.secret_key({})
    k2 = siteconfig.secret_key({})
    path = tmp_path / "cfg" / "secret_key"
    assert k1 == k2 and len(k1) >= 50
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    monkeypatch.setenv("TAPEREADER_SECRET_KEY", "from-env")
    assert siteconfig.secret_key({}) == "from-env"


def test_config_file_then_environment(tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[site]\nurl = "https://notes.example.com/"\ndb = "postgres://u:p%40ss@db:5433/notes"\n'
                   'debug = true\n')
    monkeypatch.setenv("TAPEREADER_CONFIG", str(cfg))
    for k in ("TAPEREADER_SITE_URL", "TAPEREADER_SITE_DB", "TAPEREADER_DEBUG"):
        monkeypatch.delenv(k, raising=False)
    c = siteconfig.load()
    assert (c.url, c.host, c.https, c.debug) == ("https://notes.example.com",
                                                 "notes.example.com", True, True)
    assert c.database["ENGINE"] == "django.db.backends.postgresql"
    assert (c.database["NAME"], c.database["USER"], c.database["PASSWORD"],
            c.database["HOST"], c.database["PORT"]) == ("notes", "u", "p@ss", "db", "5433")
    monkeypatch.setenv("TAPEREADER_SITE_DB", str(tmp_path / "x.sqlite3"))
    monkeypatch.setenv("TAPEREADER_DEBUG", "0")
    c = siteconfig.load()
    assert c.database["ENGINE"] == "django.db.backends.sqlite3" and not c.debug
    monkeypatch.setenv("TAPEREADER_SITE_DB", "mysql://x/y")
    with pytest.raises(siteconfig.SiteConfigError, match="postgres:// URL"):
        siteconfig.load()


def test_debug_is_off_by_default(settings):
    assert os.environ.get("TAPEREADER_DEBUG") is None
    assert settings.DEBUG is False
    assert "127.0.0.1" in settings.ALLOWED_HOSTS


@pytest.fixture
def post(small_post):
    return small_post


def test_post_url_is_dated_and_page_has_csp(client, post):
    assert post.get_absolute_url() == "/2013/07/08/small-caps-lead/"
    r = client.get(post.get_absolute_url())
    assert r.status_code == 200
    assert b"Small caps lead the rally." in r.content
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp
    # no inline script (the comment thread loads its own static script by src)
    assert not re.search(rb"<script(?![^>]*\ssrc=)", r.content) and b"style=" not in r.content


def test_draft_is_not_public(client, post):
    from tapereader.web.posts.models import Post, Status

    Post.objects.filter(pk=post.pk).update(status=Status.DRAFT)
    assert client.get(post.get_absolute_url()).status_code == 404
    assert not Post.objects.public().exists()


def test_runs_on_the_configured_database(db):
    from django.db import connection

    want = os.environ.get("TAPEREADER_TEST_SITE_DB", "sqlite")
    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[want]
