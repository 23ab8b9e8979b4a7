"""Settings for tests/test_two_processes.py's gunicorn and worker: production's database
settings (the SQLite options, persistent connections) and task queue, with the test
settings' quick password hash and plain static files."""

from mscp.settings_test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405 - as production
