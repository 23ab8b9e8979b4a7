"""Fast settings for the test suite (same database choice as settings: DATABASE_URL or SQLite)."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")  # noqa: S105

from mscp.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
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
