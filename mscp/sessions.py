"""Sessions that end: after MSCP_SESSION_IDLE_TIMEOUT seconds without a request, and in any
case MSCP_SESSION_MAX_AGE seconds after sign-in. The user is then signed out and sent to
sign in, with a message saying why.

The times are kept in the session itself (seconds since the epoch), so every app server
sees the same ones.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from front import drafts

SIGNED_IN_AT = "mscp_signed_in_at"
LAST_SEEN = "mscp_last_seen"
# The last-seen time is saved at most once a minute, so that not every page view writes the
# session row; the idle timeout is exact to within that minute.
TOUCH_INTERVAL = 60

IDLE = "idle"
MAX_AGE = "max_age"


def expiry(
    *, now: float, signed_in_at: float, last_seen: float, idle_timeout: int, max_age: int
) -> str | None:
    """Why the session has ended (IDLE or MAX_AGE), or None while it is live."""
    if now - signed_in_at >= max_age:
        return MAX_AGE
    if now - last_seen >= idle_timeout:
        return IDLE
    return None


def in_words(seconds: int) -> str:
    """30 minutes, 1 hour, 10 hours, 90 minutes: a timeout as a person would say it."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def expiry_message(reason: str, *, idle_timeout: int, max_age: int) -> str:
    if reason == IDLE:
        return (
            f"You were signed out because you had not used the service for "
            f"{in_words(idle_timeout)}. Sign in again to carry on."
        )
    return (
        f"You were signed out because you signed in more than {in_words(max_age)} ago. "
        "Sign in again to carry on."
    )


def start(session, now: float | None = None) -> None:
    """Mark the session as signed in now (called at every sign-in)."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


def record_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in mscp.apps)."""
    if request is not None and hasattr(request, "session"):
        start(request.session)


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        session = request.session
        now = time.time()
        if SIGNED_IN_AT not in session or LAST_SEEN not in session:
            # Signed in before this middleware was installed: the clock starts now.
            start(session, now)
            return None
        idle_timeout = settings.MSCP_SESSION_IDLE_TIMEOUT
        max_age = settings.MSCP_SESSION_MAX_AGE
        reason = expiry(
            now=now,
            signed_in_at=session[SIGNED_IN_AT],
            last_seen=session[LAST_SEEN],
            idle_timeout=idle_timeout,
            max_age=max_age,
        )
        if reason is not None:
            logout(request)
            drafts.keep(request)  # a form sent now is given back after sign-in
            messages.info(
                request, expiry_message(reason, idle_timeout=idle_timeout, max_age=max_age)
            )
            return redirect_to_login(request.get_full_path())
        if now - session[LAST_SEEN] >= TOUCH_INTERVAL:
            session[LAST_SEEN] = now
        return None
