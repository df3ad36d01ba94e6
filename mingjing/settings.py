"""The one settings file. Production behaviour comes from MINGJING_* environment variables.

Every variable is listed in README.md. Nothing here differs between development and production
except through the environment.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"MINGJING_{name}", default)


def envbool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def envsecret(name: str) -> str:
    """A secret from MINGJING_<NAME>, or from the file named by MINGJING_<NAME>_FILE."""
    path = env(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return env(name)


DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use the configured key; otherwise keep a generated one in the data dir, so a fresh
    machine is safe without set-up and sessions survive restarts."""
    configured = envsecret("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# Behind HTTPS (a reverse proxy on the intranet) cookies must only travel encrypted.
SECURE_COOKIES = envbool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_AGE = int(env("SESSION_AGE_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS, set from the environment (README: production settings). Behind a reverse proxy that ends
# TLS, MINGJING_PROXY_SSL_HEADER names the header it sets ("X-Forwarded-Proto"), so a request it
# forwarded over HTTPS counts as secure; only set it when the proxy overwrites that header.
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", False)
_proxy_header = env("PROXY_SSL_HEADER", "")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.strip().upper().replace("-", "_"), "https") if _proxy_header.strip() else None
)
# Content-Security-Policy (django-csp): scripts, styles, images and requests only from this site.
# Style attributes (style="…") stay allowed (style-src-attr); <style> and <script> elements need the
# page's nonce, and no inline event handler runs (mingjing/static/mingjing/site.js wires data-confirm
# and data-print instead).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "mingjing.audit",
    "mingjing.organizations",
    "mingjing.accounts",
    "mingjing.yearconfigs",
    "mingjing.meetings",
    "mingjing.studies",
    "mingjing.talks",
    "mingjing.plans",
    "mingjing.opinions",
    "mingjing.problems",
    "mingjing.materials",
    "mingjing.originality",
    "mingjing.minutes",
    "mingjing.rectification",
    "mingjing.documents",
    "mingjing.reports",
    "mingjing.archive",
    "mingjing.ops",
    "mingjing.compliance",
    "mingjing.todo",
    "mingjing.reminders",
    "mingjing.oversight",
    "mingjing.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store on every page a signed-in user sees (mingjing/lib/middleware.py).
    "mingjing.lib.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle timeout, absolute session age, a password change that must come first (accounts/security.py).
    "mingjing.accounts.security.SessionRulesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mingjing.urls"
# Form widgets through Django's own Jinja2 templates: the same markup, rendered several times faster
# than through the template language (a filter form's selects cost about a millisecond a page).
FORM_RENDERER = "django.forms.renderers.Jinja2"
# A refused form post (expired page, cookie missing) explains itself in Chinese (mingjing/lib/errors.py).
CSRF_FAILURE_VIEW = "mingjing.lib.errors.csrf_failure"
WSGI_APPLICATION = "mingjing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "mingjing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% url %} remembering its addresses (half a millisecond of CPU a page; lib/url_tag.py).
            "builtins": ["mingjing.lib.url_tag"],
        },
    }
]


def _database() -> dict:
    url = env("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "mingjing.sqlite3",
            # Kept open between requests: opening one (Django's SQL functions registered, the
            # PRAGMAs below run) costs about 1.4 ms of CPU, a tenth of a typical page.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE: writers queue on the busy handler instead of failing with
                # "database is locked" when a read transaction tries to upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 5,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=5000;"
                    # Deleted rows are overwritten with zeros, not left in free space: what an
                    # anonymous-opinion campaign rewrites at its close leaves no copy behind.
                    "PRAGMA secure_delete=ON;"
                ),
            },
        }
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        raise ValueError("MINGJING_DATABASE_URL 仅支持 postgres://用户:密码@主机:端口/数据库")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "mingjing",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Identity controls (等保 第三级 8.1.4.1). Their limits are set by the security administrator and stored
# in the database (accounts.SecurityPolicy, defaults: 8 characters of 3 classes, lockout after 5 failures for
# 15 minutes, expiry after 90 days, 30 minutes idle, 2 sessions); the validators and axes read them there.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "mingjing.accounts.security.MinimumLengthValidator"},
    {"NAME": "mingjing.accounts.security.CharacterClassesValidator"},
    {"NAME": "mingjing.accounts.security.SimilarityValidator"},
    {"NAME": "mingjing.accounts.security.CommonValidator"},
    {"NAME": "mingjing.accounts.security.NotNumericValidator"},
    {"NAME": "mingjing.accounts.security.SameCharacterValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account or address before the password is checked.
    "mingjing.accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout per account and, separately, per address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = "mingjing.accounts.security.lockout_failure_limit"
AXES_COOLOFF_TIME = "mingjing.accounts.security.lockout_cooloff"
AXES_LOCKOUT_CALLABLE = "mingjing.accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "mingjing.accounts.security.client_ip"
# "Consecutive failures": a successful login starts the count again.
AXES_RESET_ON_SUCCESS = True
# Logins are in the audit log; axes keeps only the failures it counts (no second log of who logged in when).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Project-wide assets (site.css, vendored htmx) live beside the apps, not inside one.
STATICFILES_DIRS = [BASE_DIR / "mingjing" / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
# Serve straight from the app folders: no collectstatic step on an offline intranet box.
WHITENOISE_USE_FINDERS = True
# /favicon.ico, served by WhiteNoise before any middleware that could set a cookie.
WHITENOISE_ROOT = BASE_DIR / "mingjing" / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "files"

# Roster and other imports: refuse oversized uploads before parsing.
MAX_IMPORT_BYTES = int(env("MAX_IMPORT_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_IMPORT_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_IMPORT_BYTES + 1024 * 1024
# One rectification evidence file (a scan, a photo, a Word or PDF file).
MAX_EVIDENCE_BYTES = int(env("MAX_EVIDENCE_BYTES", str(20 * 1024 * 1024)))

# Generated .docx: "official" writes the GB/T font names (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312) with
# fallbacks; "common" writes the fonts every Windows/WPS machine has (仿宋, 宋体, 楷体).
DOC_FONTS = env("DOC_FONTS", "official")
# The site's address as users reach it ("https://mj.example.gov.cn"): generated documents have no
# request to take it from, and the printed 征求意见表 needs it for the QR code of the anonymous form.
BASE_URL = env("BASE_URL", "").rstrip("/")

# 查重: paragraph Jaccard (and material 复制比) of a suspect / high copy; a shingle found in at least
# ORIGINALITY_BOILERPLATE materials is boilerplate and not compared.
MINGJING_ORIGINALITY_SUSPECT = float(env("ORIGINALITY_SUSPECT", "0.5"))
MINGJING_ORIGINALITY_HIGH = float(env("ORIGINALITY_HIGH", "0.7"))
MINGJING_ORIGINALITY_BOILERPLATE = int(env("ORIGINALITY_BOILERPLATE", "10"))

# E-mail for reminders (`mingjing remind`): SMTP when MINGJING_EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("EMAIL_FROM", "mingjing@localhost")
# The periodic reminder run inside `mingjing serve`, in seconds (0: off, e.g. when cron runs `mingjing remind`).
REMIND_INTERVAL = int(env("REMIND_INTERVAL", "3600"))

TEST_RUNNER = "mingjing.testrunner.Runner"
TESTING = len(sys.argv) > 1 and sys.argv[1] == "test"
# One cache for all of `mingjing serve`'s worker processes (the security policy is cached without expiry
# and cleared when it is saved: every process must see the clearing). Tests keep theirs in memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if TESTING
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}
    )
}
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # An expected 403/404/400 is one line in the log; only a 500 carries its traceback.
    "filters": {"expected_errors": {"()": "mingjing.lib.errors.ExpectedErrorFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["expected_errors"]}},
    "loggers": {
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
        "mingjing": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
        # Failed logins and lockouts (django-axes); usernames and addresses are masked in the lines.
        "axes": {"handlers": ["console"], "level": "ERROR" if TESTING else "WARNING", "propagate": False},
    },
}
if TESTING:
    # Expected 403/404s in tests are not news; real errors still show.
    LOGGING["loggers"]["django.request"] = {"handlers": ["console"], "level": "ERROR", "propagate": False}
