"""Settings, read from the environment (twelve-factor).

Development needs nothing: `make run` sets DJANGO_DEBUG=1 and SQLite is the default.
Production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and usually DATABASE_URL;
`python manage.py check --deploy --fail-level WARNING` passes with those.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development (make run does)."
        )
    SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "learn.accounts",
    "learn.content",
    "learn.progress",
    "learn.lessons",
    "learn.quizzes",
    "learn.review",
    "learn.classrooms",
    "learn.labs",
    "learn.sandboxes",
    "learn.core",
]

MIDDLEWARE = [
    "learn.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "learn.core.uploads.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "learn.progress.learner.LearnerCookieMiddleware",
    "learn.core.freshness.FreshnessMiddleware",
    "learn.core.privacy.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into
    # the 429 page (learn/core/ratelimit.py: locked_out).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "learn.urls"
WSGI_APPLICATION = "learn.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "learn.core.freshness.csrf_placeholder",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
# SQLite by default (WAL, IMMEDIATE transactions, a busy timeout: concurrent answers
# wait for the write lock instead of failing with "database is locked").
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
else:
    # Persistent connections: opening SQLite and running the PRAGMAs on every request
    # costs more than most of our queries.
    default_db = {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH, "CONN_MAX_AGE": 60}
if default_db["ENGINE"] == "django.db.backends.sqlite3":
    default_db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
DATABASES = {"default": default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
# "default" is per process (lesson skeletons, whole pages under keys that say everything
# they depend on). "shared" must be seen by every process that serves the site: sessions,
# users and the generation tokens that keep cached pages fresh (learn/core/freshness.py).
# LEARN_SHARED_CACHE picks it:
# - "redis" (the default with REDIS_URL): any number of hosts and pods;
# - "files" (the default for SQLite, which is one host by construction): a directory on this
#   host that all its workers read (SHARED_CACHE_DIR, by default beside the SQLite file);
#   also right for PostgreSQL when one host serves the site (then SHARED_CACHE_DIR is
#   required; the load benchmark sets it);
# - "none" (the default for PostgreSQL without Redis, e.g. several pods): nothing is shared,
#   so sessions and users are read from the database and learners' pages are drawn anew.
REDIS_URL = os.environ.get("REDIS_URL", "")
SHARED_CACHE = os.environ.get(
    "LEARN_SHARED_CACHE", "redis" if REDIS_URL else ("none" if DATABASE_URL else "files")
)
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if SHARED_CACHE == "redis":
    if not REDIS_URL:
        raise ImproperlyConfigured("LEARN_SHARED_CACHE=redis needs REDIS_URL")
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "shared",
    }
elif SHARED_CACHE == "files":
    # Beside the SQLite file (a directory the app owns and writes anyway), never a guessable
    # name in a shared /tmp: the cache holds pickles, and a directory someone else made
    # there first could feed the app theirs.
    _shared_dir = os.environ.get("SHARED_CACHE_DIR", "" if DATABASE_URL else SQLITE_PATH + "-cache")
    if not _shared_dir:
        raise ImproperlyConfigured(
            "LEARN_SHARED_CACHE=files with DATABASE_URL needs SHARED_CACHE_DIR"
        )
    CACHES["shared"] = {
        "BACKEND": "learn.core.filecache.SharedFileCache",
        "LOCATION": _shared_dir,
        # Culling lists the directory; a class of 300 with sessions, users and tokens fits.
        "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
    }
elif SHARED_CACHE == "none":
    CACHES["shared"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
else:
    raise ImproperlyConfigured("LEARN_SHARED_CACHE is redis, files or none")
# The database stays the truth for sessions; a shared cache saves reading it per request.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db"
    if SHARED_CACHE == "none"
    else "django.contrib.sessions.backends.cached_db"
)
SESSION_CACHE_ALIAS = "shared"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Throttling (learn/core/ratelimit.py has the per-action limits) ---------------------
# django-axes counts failed log-ins per account in the database (so across every worker and
# pod): the 10th failure locks that username for 15 minutes, a success resets the count.
# Log-in POSTs per address are limited separately ("login-ip"), so one address cannot try
# many accounts either.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the user read from the shared cache (learn/core/auth.py); Django's
    # own stays listed so sessions made before it keep working.
    "learn.core.auth.CachedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "learn.core.ratelimit.locked_out"
AXES_CLIENT_IP_CALLABLE = "learn.core.ratelimit.axes_client_ip"
# How many reverse proxies in front of the app append to X-Forwarded-For (an Ingress
# controller: 1). 0 trusts no header and uses the connection's address.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0") or 0)
RATELIMIT_ENABLE = True
# axes.W006 asks for "ip_address" among the lockout parameters. Here the address is limited
# by "login-ip" (all log-in POSTs, not only failures, 60 per 15 minutes) instead: a lockout
# of a whole school's shared address after 10 typos would lock out a class.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LOGIN_URL = "login"
# E-mail (password reset). Development prints messages to the console; production sends
# through SMTP configured from the environment.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "learn@localhost")
# A page that says the form expired (and links back) instead of Django's bare 403.
CSRF_FAILURE_VIEW = "learn.accounts.views.csrf_failure"
LOGIN_REDIRECT_URL = "path"
LOGOUT_REDIRECT_URL = "path"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LESSONS_DIR = Path(os.environ.get("LESSONS_DIR", str(BASE_DIR / "lessons")))

# A lab file is bounded before parsing; the request body a little above that. No view takes
# files: bodies over 512 KB are refused unread and file parts stop the parser
# (learn/core/uploads.py), so nothing is spooled to /tmp.
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_HANDLERS = ["learn.core.uploads.RefuseFilesHandler"]

# --- Security -------------------------------------------------------------
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# No unsafe-inline, no unsafe-eval: htmx runs with allowEval and allowScriptTags off and
# its indicator styles off (see templates/base.html), and no template has inline handlers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"one_line": {"()": "learn.core.privacy.OneLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_one_line": {"class": "logging.StreamHandler", "formatter": "one_line"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Anyone can send a bad Host header: one line each, not a traceback.
        "django.security.DisallowedHost": {
            "handlers": ["console_one_line"],
            "level": "WARNING",
            "propagate": False,
        },
    },
}

# Benchmarks only: a minimal view to measure gunicorn's ceiling (scripts/loadtest.py).
BENCH_VIEWS = env_bool("LEARN_BENCH", False)
