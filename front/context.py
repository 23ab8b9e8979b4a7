"""What every page's template is given."""

from django.conf import settings


def session_timeout(request) -> dict:
    """The idle time after which a session ends (mscp.sessions), for the timeout warning."""
    return {"session_idle_timeout": settings.MSCP_SESSION_IDLE_TIMEOUT}
