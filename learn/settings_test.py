"""Settings for the test suite: production settings with HTTPS off and a fast hasher."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_HTTPS", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

from learn.settings import *  # noqa: E402,F403

# Throttles are off for the suite (it answers far faster than a person); the tests of the
# limits themselves turn them on (tests/core/test_rate_limits.py).
RATELIMIT_ENABLE = False
AXES_ENABLED = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# A file, not SQLite's shared-cache memory database: the concurrency tests need real
# WAL locking with the busy timeout, exactly as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so parallel runs never share (and clobber) a database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"learn-test-{os.getpid()}.sqlite3")
    }

# One process: the "shared" cache needs no files (and parallel runs must not share them),
# and it is shared on either database (PostgreSQL without Redis would default to "none";
# tests/core/test_freshness.py covers that setting on its own).
SHARED_CACHE = "files"
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CACHES["shared"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shared",
}
