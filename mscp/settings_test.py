"""Fast settings for the test suite (same database choice as settings: DATABASE_URL or SQLite)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")  # noqa: S105

from mscp.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pack_parts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "parts"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # tests serve static files from the finders; nothing is collected
# The test client and the browser tests' live server speak plain http (the production
# values are checked by tests/test_deploy.py, which runs check --deploy on mscp.settings).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Each background task runs as it is queued, in the test's own thread: no worker is needed.
# (tests/test_stored_packs.py swaps in the dummy backend where a test needs a task to wait.)
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# No persistent connections: the live server's threads would keep the PostgreSQL test
# database open and its teardown would fail ("being accessed by other users").
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# No limit on saves (tests/test_write_limit.py turns it on): the tests save as fast as a
# script, and their query counts are of the views alone.
MSCP_WRITES_PER_MINUTE = 0
# Packs are not made again after each save (tests/test_prerender.py turns it on): a test's
# saves would queue renders.
MSCP_PRERENDER_PACKS = False
