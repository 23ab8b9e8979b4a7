"""The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE)."""

import datetime

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


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
