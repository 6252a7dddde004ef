"""Django settings for the tapereader site: one module, driven by ``siteconfig`` (the
config file's [site] table and the TAPEREADER_* environment). Each app's own settings sit
in its own block below (comments, subscribers, delivery)."""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF

from . import siteconfig

WEB_DIR = Path(__file__).resolve().parent
SITE = siteconfig.load()

SITE_URL = SITE.url  # the public base URL, no trailing slash (absolute links in feeds, mail)
TAPEREADER_SITE_URL = SITE.url
SECRET_KEY = SITE.secret_key
DEBUG = SITE.debug
ALLOWED_HOSTS = [SITE.host]
if SITE.host in ("127.0.0.1", "localhost"):
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [SITE.url]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "tapereader.web.posts",
    "tapereader.web.comments",
    "tapereader.web.subscribers",
    "tapereader.web.delivery",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tapereader.web.csp.CachedCSPMiddleware",  # django-csp, the policy built once
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tapereader.web.urls"
WSGI_APPLICATION = "tapereader.web.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [WEB_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "tapereader.web.posts.context.site",
        "tapereader.web.posts.pagecache.csrf_context",
    ]},
}]

DATABASES = {"default": SITE.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "tapereader-site"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = SITE.time_zone  # the market's: the note's dates are New York sessions
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = siteconfig.data_dir() / "static"  # `tapereader manage collectstatic` fills it
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise wants it; the database lives beside
STATICFILES_DIRS = [WEB_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve from the package without collectstatic
WHITENOISE_MAX_AGE = 3600

# --- security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SITE.https:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = False  # the proxy in front redirects; it tells us via the header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# django-csp 4: no inline script or style anywhere; everything from this origin.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [NONE],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "base-uri": [NONE],
    "manifest-src": [SELF],
}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- posts (h13-site) ---------------------------------------------------------------
TAPEREADER_PAGE_CACHE_SECONDS = 300  # rendered public pages, dropped whenever a post changes

# --- comments (h14-comments) ---------------------------------------------------------
import os as _os  # noqa: E402

MIDDLEWARE += ["tapereader.web.comments.middleware.FormTimestampMiddleware"]
_open_days = _os.environ.get("TAPEREADER_COMMENTS_OPEN_DAYS", "30").strip()
TAPEREADER_COMMENTS_OPEN_DAYS = int(_open_days) if _open_days else None  # empty: never close
TAPEREADER_COMMENTS_MIN_SECONDS = float(_os.environ.get("TAPEREADER_COMMENTS_MIN_SECONDS", "3"))
if _os.environ.get("TAPEREADER_COMMENTS_HOLD_WORDS"):  # else comments.conf's list
    TAPEREADER_COMMENTS_HOLD_WORDS = [w.strip() for w in
                                      _os.environ["TAPEREADER_COMMENTS_HOLD_WORDS"].split(",")
                                      if w.strip()]
TAPEREADER_COMMENTS_IP_LIMIT = int(_os.environ.get("TAPEREADER_COMMENTS_IP_LIMIT", "5"))
TAPEREADER_COMMENTS_EMAIL_LIMIT = int(_os.environ.get("TAPEREADER_COMMENTS_EMAIL_LIMIT", "5"))
TAPEREADER_COMMENTS_IP_KEEP_DAYS = 30
TAPEREADER_COMMENTS_TRUST_X_FORWARDED_FOR = _os.environ.get(
    "TAPEREADER_COMMENTS_TRUST_X_FORWARDED_FOR", "") in ("1", "true", "yes")

# --- subscribers (h15-subs) ----------------------------------------------------------
# Mail: TAPEREADER_EMAIL_URL = smtp://user:pass@host:port?tls=1 | smtps://... |
# file:///folder (one .eml per message) | anymail://<esp>; the default is a folder of .eml
# files in the site's data directory. SMS: TAPEREADER_SMS_URL = file:///folder, or Twilio
# when TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN / TAPEREADER_SMS_FROM are set
# (TAPEREADER_TWILIO_API replaces https://api.twilio.com, for a fake API in tests).
import os as _os  # noqa: E402

TAPEREADER_EMAIL_DIR = str(siteconfig.data_dir() / "outbox" / "mail")
TAPEREADER_SMS_DIR = str(siteconfig.data_dir() / "outbox" / "sms")
TAPEREADER_EMAIL_URL = _os.environ.get("TAPEREADER_EMAIL_URL") or f"file://{TAPEREADER_EMAIL_DIR}"
TAPEREADER_SMS_URL = _os.environ.get("TAPEREADER_SMS_URL", "")
TWILIO_ACCOUNT_SID = _os.environ.get("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = _os.environ.get("TWILIO_AUTH_TOKEN", "")
TAPEREADER_SMS_FROM = _os.environ.get("TAPEREADER_SMS_FROM", "")
TAPEREADER_TWILIO_API = _os.environ.get("TAPEREADER_TWILIO_API", "")
TAPEREADER_PHONE_REGION = _os.environ.get("TAPEREADER_PHONE_REGION", "US")
PHONENUMBER_DEFAULT_REGION = TAPEREADER_PHONE_REGION
PHONENUMBER_DB_FORMAT = "E164"
TAPEREADER_MAIL_FROM = _os.environ.get("TAPEREADER_MAIL_FROM", f"tapereader <note@{SITE.host}>")
TAPEREADER_MAIL_DOMAIN = _os.environ.get("TAPEREADER_MAIL_DOMAIN", "")  # Message-ID domain
TAPEREADER_UNSUBSCRIBE_MAILTO = _os.environ.get("TAPEREADER_UNSUBSCRIBE_MAILTO", "")
TAPEREADER_CONTACT_EMAIL = _os.environ.get("TAPEREADER_CONTACT_EMAIL", f"help@{SITE.host}")
TAPEREADER_PROGRAM_NAME = "Daily Trading Tips"  # issue 13: the SMS program's name
TAPEREADER_SMS_FREQUENCY = "up to 3 messages per trading day"
TAPEREADER_DEFAULT_TIMEZONE = "America/New_York"
TAPEREADER_CONFIRM_MAX_AGE = 72 * 3600   # seconds a confirmation link works
TAPEREADER_SUBSCRIBE_RATE = (10, 600)    # subscribe posts per IP per window (s)
DEFAULT_FROM_EMAIL = TAPEREADER_MAIL_FROM

# --- delivery (h16-delivery) ---------------------------------------------------------
# Outbox (docs/delivery.md): a claimed row's lease, the SMS account rate (texts/s shared by
# every worker) and per-number limit, charts in mail by Content-ID or absolute URL, DKIM
# when a PEM key file is named, the universe folder whose scan ends the daily mail.
TAPEREADER_DELIVERY_LEASE = float(_os.environ.get("TAPEREADER_DELIVERY_LEASE", "120"))
TAPEREADER_SMS_RATE = float(_os.environ.get("TAPEREADER_SMS_RATE", "1"))
TAPEREADER_SMS_BURST = float(_os.environ.get("TAPEREADER_SMS_BURST", "5"))
TAPEREADER_SMS_PER_NUMBER_PER_DAY = int(_os.environ.get("TAPEREADER_SMS_PER_NUMBER_PER_DAY",
                                                        "3"))
TAPEREADER_SMS_PROGRAM = _os.environ.get("TAPEREADER_SMS_PROGRAM", "tapereader")
TAPEREADER_MAIL_CHARTS = _os.environ.get("TAPEREADER_MAIL_CHARTS", "cid")  # cid | url
TAPEREADER_DKIM_KEY = _os.environ.get("TAPEREADER_DKIM_KEY", "")
TAPEREADER_DKIM_SELECTOR = _os.environ.get("TAPEREADER_DKIM_SELECTOR", "tapereader")
TAPEREADER_DKIM_DOMAIN = _os.environ.get("TAPEREADER_DKIM_DOMAIN", "")
TAPEREADER_UNIVERSE = _os.environ.get("TAPEREADER_UNIVERSE", "")
# Bounces: a Maildir folder or an mbox file where the mail server drops the delivery status
# notifications (read by `tapereader bounces` and by the daily job); reply mails to comments
# are tried as soon as their comment commits (off: only the worker sends them).
TAPEREADER_BOUNCE_MAILBOX = _os.environ.get("TAPEREADER_BOUNCE_MAILBOX", "")
TAPEREADER_REPLY_MAIL_AT_ONCE = _os.environ.get("TAPEREADER_REPLY_MAIL_AT_ONCE", "1") not in (
    "0", "false", "no", "off")
