"""What every page's template is given."""

from django.conf import settings

from plans import single_sign_on as rules


def session_timeout(request) -> dict:
    """The idle time after which a session ends (mscp.sessions), for the timeout warning."""
    return {"session_idle_timeout": settings.MSCP_SESSION_IDLE_TIMEOUT}


def single_sign_on(request) -> dict:
    """What the sign-in page's single sign-on button calls the provider ("": no button, this
    deployment has no single sign-on)."""
    provider = settings.MSCP_OIDC_PROVIDER_NAME if rules.configured() else ""
    return {"single_sign_on_provider": provider}
