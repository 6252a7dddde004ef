"""The site's configuration: the ``[site]`` table of tapereader's TOML config file, then the
environment (which wins).

The config file is ``$TAPEREADER_CONFIG`` or ``config.toml`` in the user config directory::

    [site]
    db = "/var/lib/tapereader/site.sqlite3"   # or "postgres://user:pass@host:5432/name"
    url = "https://tapereader.example"
    debug = false
    time_zone = "America/New_York"

Environment overrides: TAPEREADER_SITE_DB, TAPEREADER_SITE_URL, TAPEREADER_SECRET_KEY,
TAPEREADER_DEBUG. The secret key, when not given, is generated once into ``secret_key`` in the
user config directory (``$TAPEREADER_CONFIG_DIR`` to move it) with mode 0600.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import platformdirs

from ..data.errors import TapereaderError

DEFAULT_URL = "http://127.0.0.1:8000"


class SiteConfigError(TapereaderError):
    """The site's configuration names something unusable."""


def config_dir() -> Path:
    """``$TAPEREADER_CONFIG_DIR`` or the user config directory of tapereader."""
    env = os.environ.get("TAPEREADER_CONFIG_DIR")
    return Path(env) if env else Path(platformdirs.user_config_dir("tapereader"))


def data_dir() -> Path:
    """``$TAPEREADER_SITE_DATA_DIR`` or the user data directory (the embedded database)."""
    env = os.environ.get("TAPEREADER_SITE_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("tapereader"))


def config_file() -> Path:
    env = os.environ.get("TAPEREADER_CONFIG")
    return Path(env) if env else config_dir() / "config.toml"


def site_table() -> dict[str, Any]:
    """The ``[site]`` table of the config file ({} when there is no file)."""
    path = config_file()
    if not path.exists():
        return {}
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise SiteConfigError(f"{path}: not valid TOML ({e})") from None
    site = doc.get("site", {})
    if not isinstance(site, dict):
        raise SiteConfigError(f"{path}: [site] must be a table")
    return site


def _truthy(v: Any) -> bool:
    return str(v).strip().lower() in ("1", "true", "yes", "on")


def secret_key(site: dict[str, Any]) -> str:
    """The env's key, else the config's, else the key file (created once, mode 0600)."""
    key = os.environ.get("TAPEREADER_SECRET_KEY") or site.get("secret_key")
    if key:
        return str(key)
    path = config_dir() / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    return key


def database(value: str | None) -> dict[str, Any]:
    """Django's DATABASES["default"] from a path (SQLite) or a ``postgres://`` URL."""
    if not value:
        path = data_dir() / "site.sqlite3"
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}}
    if value.startswith(("postgres://", "postgresql://")):
        u = urlsplit(value)
        name = unquote(u.path.lstrip("/"))
        if not name:
            raise SiteConfigError(f"TAPEREADER_SITE_DB {u.scheme}://...: the URL names no "
                                  f"database (postgres://user:pass@host:5432/NAME)")
        options = {k: v[-1] for k, v in parse_qs(u.query).items()}
        return {"ENGINE": "django.db.backends.postgresql", "NAME": name,
                "USER": unquote(u.username or ""), "PASSWORD": unquote(u.password or ""),
                "HOST": u.hostname or "", "PORT": str(u.port or ""), "OPTIONS": options,
                "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    if "://" in value:
        raise SiteConfigError(f"TAPEREADER_SITE_DB {value.split('://')[0]}://...: use a file "
                              f"path (SQLite) or a postgres:// URL")
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(value).expanduser()),
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}}


@dataclass(frozen=True)
class SiteConfig:
    url: str
    host: str
    https: bool
    debug: bool
    secret_key: str
    database: dict[str, Any]
    time_zone: str


def load() -> SiteConfig:
    """Read the config file's [site] table and the environment."""
    site = site_table()
    url = (os.environ.get("TAPEREADER_SITE_URL") or site.get("url") or DEFAULT_URL).rstrip("/")
    u = urlsplit(url)
    if u.scheme not in ("http", "https") or not u.hostname:
        raise SiteConfigError(f"TAPEREADER_SITE_URL {url!r}: use http(s)://host[:port]")
    debug = _truthy(os.environ.get("TAPEREADER_DEBUG", site.get("debug", False)))
    db = os.environ.get("TAPEREADER_SITE_DB") or site.get("db")
    return SiteConfig(url=url, host=u.hostname, https=u.scheme == "https", debug=debug,
                      secret_key=secret_key(site), database=database(db),
                      time_zone=str(site.get("time_zone", "America/New_York")))
