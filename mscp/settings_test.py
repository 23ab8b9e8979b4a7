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
