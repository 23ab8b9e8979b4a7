"""Sign-in lock-outs (django-axes' hooks) and the Permissions-Policy header."""

import datetime
import ipaddress

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

# Browser features no page uses, refused to the site and anything it might embed.
REFUSED_FEATURES = (
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in REFUSED_FEATURES)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


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


def clock(moment) -> str:
    """A time as GOV.UK writes it: 3:45pm, 9am, midday, midnight."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    minutes = "" if moment.minute == 0 else f":{moment.minute:02d}"
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE), on our site and in the admin.

    Every attempt during a lock-out starts the cool-off again, so the lock-out ends one
    cool-off after this attempt.
    """
    cool_off = get_cool_off(request)
    # Rounded up to the minute: an attempt a few seconds early would start it all again.
    unlocked = timezone.localtime() + cool_off + datetime.timedelta(seconds=59)
    try_again_at = unlocked.replace(second=0, microsecond=0)
    return render(
        request,
        "registration/locked_out.html",
        {
            "username": get_client_username(request, credentials) or "",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": round(cool_off.total_seconds() / 60),
            "try_again_at": clock(try_again_at),
        },
        status=429,
    )
