"""Django settings, read from environment variables (one file, typed helpers).

HUIKUAN_DATABASE_URL   sqlite:///path or postgresql://user:pass@host:port/db (default: var/huikuan.sqlite3)
HUIKUAN_HOME           where var/ lives (default: the working directory)
HUIKUAN_SECRET_KEY     secret key (at least 50 characters); `serve` and `worker` refuse to start without it
                       unless in demo mode. Other commands fall back to one generated once in var/secret_key.
HUIKUAN_DEMO           1 marks a demo instance (`huikuan demo` sets it): the generated key is then accepted
HUIKUAN_DEBUG          1 to turn on debug pages (demo mode only; never in production)
HUIKUAN_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
HUIKUAN_HTTPS          1 when users reach the site over HTTPS: Secure cookies and HSTS
HUIKUAN_TRUSTED_PROXY  comma-separated addresses of the reverse proxy in front of `serve`; the client address for
                       the login rate limit is then taken from its X-Forwarded-For header
HUIKUAN_SESSION_IDLE_MINUTES  log out after this long without a request (default 120)
HUIKUAN_SESSION_MAX_HOURS     log out this long after login whatever the activity (default 12)
See docs/security.md.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("HUIKUAN_HOME", Path.cwd())).resolve()
VAR_DIR = HOME / "var"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


def _secret_key() -> str:
    if key := os.environ.get("HUIKUAN_SECRET_KEY", "").strip():
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Where the key came from decides whether `serve`/`worker` may start (huikuan.accounts.startup).
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("HUIKUAN_SECRET_KEY", "").strip())
DEMO = env_bool("HUIKUAN_DEMO")
DEBUG = env_bool("HUIKUAN_DEBUG")
ALLOWED_HOSTS = env_list("HUIKUAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("HUIKUAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "huikuan.accounts",
    "huikuan.audit",
    "huikuan.ledger",
    "huikuan.collection",
    "huikuan.receipts",
    "huikuan.letters",
    "huikuan.analytics",
    "huikuan.prediction",
    "huikuan.web",
    "huikuan.api",
    "huikuan.notifications",
    # Admin modules load with the URLs (huikuan.urls), not at every start of a command.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "axes",  # login rate limit; last, as its documentation asks
]

MIDDLEWARE = [
    "huikuan.web.security.SecurityHeadersMiddleware",  # first, so static files get the headers too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "huikuan.web.security.SessionExpiryMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused login into the lock-out page
]

ROOT_URLCONF = "huikuan.urls"
WSGI_APPLICATION = "huikuan.wsgi.application"

# The API docs' Swagger UI comes from django-ninja's own templates and static files, served by
# huikuan (never a CDN). Not an installed app: that would import the whole API layer at every
# command's start (huikuan.api.docs renders the page).
_ninja = find_spec("ninja")
assert _ninja is not None and _ninja.submodule_search_locations, "django-ninja is not installed"
NINJA_DIR = Path(next(iter(_ninja.submodule_search_locations)))
STATICFILES_DIRS = [("ninja", NINJA_DIR / "static" / "ninja")]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "huikuan.web.nav.nav",
            ],
        },
    },
]


def database_config(url: str | None) -> dict[str, object]:
    """Database settings for a URL; SQLite gets WAL, a busy timeout and IMMEDIATE write transactions."""
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'huikuan.sqlite3'}"
    config: dict[str, object] = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes the write lock at BEGIN, so a writer waits (busy timeout) instead of
        # failing with "database is locked" when a long daily-run write is in progress.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config["TEST"] = {"NAME": None}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        config["CONN_MAX_AGE"] = 60
    return config


DATABASES = {"default": database_config(os.environ.get("HUIKUAN_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "huikuan.accounts.ratelimit.LoginRateLimitBackend",  # refuses a locked (username, address) first
    "django.contrib.auth.backends.ModelBackend",
]

# Sessions: an absolute lifetime from login and an idle limit (huikuan.web.security.SessionExpiryMiddleware).
SESSION_MAX_SECONDS = env_int("HUIKUAN_SESSION_MAX_HOURS", 12) * 60 * 60
SESSION_IDLE_SECONDS = env_int("HUIKUAN_SESSION_IDLE_MINUTES", 120) * 60
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login rate limit (django-axes): 5 failures for one user name from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "huikuan.accounts.ratelimit.locked_out"
AXES_CLIENT_IP_CALLABLE = "huikuan.accounts.ratelimit.client_ip"
AXES_VERBOSE = False
TRUSTED_PROXIES = env_list("HUIKUAN_TRUSTED_PROXY", "")

# Headers on every response (the rest come from huikuan.web.security.SecurityHeadersMiddleware).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
HTTPS = env_bool("HUIKUAN_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
DEFAULT_CHARSET = "utf-8"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(os.environ.get("HUIKUAN_MEDIA_ROOT", VAR_DIR / "documents"))
MEDIA_URL = "documents/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "daily", "imports", "notifications"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUIKUAN_LOG_LEVEL", "WARNING")},
}

# "default" is shared by the server's worker processes (a dashboard's figures are computed once per
# daily run, not once per process); "fragments" keeps rendered pieces of pages in each process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "huikuan-fragments",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
