"""Where a request came from: the client's address, behind our own proxy or not. The audit
log records it, and django-axes counts wrong passwords by it (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def forwarded_client(header: str) -> str | None:
    """The client address in an X-Forwarded-For header, as our own proxy saw it.

    The right-most address is the one nginx added; any to its left came from the client
    and may be made up, so they are ignored.
    """
    parts = [part.strip() for part in header.split(",") if part.strip()]
    if not parts:
        return None
    try:
        return str(ipaddress.ip_address(parts[-1]))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, for lock-outs (AXES_CLIENT_IP_CALLABLE) and the audit log.

    Behind nginx every request comes from 127.0.0.1, so there the proxy's header is used,
    but only when DJANGO_BEHIND_TLS_PROXY says a proxy sets it. None if it is no address.
    """
    if settings.MSCP_TRUST_X_FORWARDED_FOR:
        forwarded = forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        if forwarded:
            return forwarded
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None
