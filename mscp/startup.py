"""What a web server checks before it serves: wsgi.py and asgi.py call it at start-up."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NO_KEY_MESSAGE = "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development)."


def require_secret_key() -> None:
    """Refuse to start, rather than fail every request, without a secret key (mscp.settings
    leaves it empty so that management commands needing none still run)."""
    if not settings.DEBUG and not os.environ.get("DJANGO_SECRET_KEY"):
        raise ImproperlyConfigured(NO_KEY_MESSAGE)
