"""Two-step verification: the rules, and the writes they need (django-otp's devices).

Optional for everyone, recommended to business support staff. A user who turns it on has a
confirmed authenticator app (a TOTPDevice) and a set of single-use backup codes (one
StaticDevice holding StaticTokens). Signing in takes the password (Django's LoginView, as for
everyone) and then a code (front.views.account.verify), which marks the session verified
(django_otp.login): until then TwoStepMiddleware lets the session reach the code page and
sign-out only. So "signed in", for every view's login_required and for the admin, means
"verified when two-step verification is on". A sign-in through single sign-on
(plans.single_sign_on) is not asked for the code: the organisation's own sign-in is.
"""

import math
import re
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from plans.client_address import client_ip
from plans.models import Membership

BACKUP_CODE_COUNT = 10
APP = "authenticator app code"
BACKUP = "backup code"
APP_CODE = re.compile(r"\d{6}")
# django-otp's StaticToken.random_token: 5 random bytes in lower-case base32.
BACKUP_CODE = re.compile(r"[a-z2-7]{8}")


def normalise_app_code(typed: str) -> str:
    """123 456 and 123-456 are 123456: people copy what their app shows."""
    return re.sub(r"[\s-]", "", typed or "")


def normalise_backup_code(typed: str) -> str:
    return re.sub(r"[\s-]", "", typed or "").lower()


# Backup codes are kept as keyed hashes, never as typed: a backup of the database (or anyone
# who reads its tables) holds no code that signs in. A keyed hash rather than a slow salted
# one (a password's): it must fit django-otp's 16-character token column, and the key (from
# SECRET_KEY, which is never in the database or its backups) is what keeps the codes' 40
# random bits out of reach of a search. After SECRET_KEY is rotated, the codes made under a
# key in SECRET_KEY_FALLBACKS still work.
BACKUP_CODE_KEY_SALT = "mscp.two_step.backup_code"


def hashed_backup_code(code: str, secret: str | None = None) -> str:
    digest = salted_hmac(BACKUP_CODE_KEY_SALT, code, secret=secret, algorithm="sha256").digest()
    return b32encode(digest).decode()[:16].lower()


def stored_backup_code(device, code: str) -> str:
    """What the user's backup-code device would hold for this typed code: its hash under
    SECRET_KEY, or under a fallback key if one of those is there."""
    hashes = [hashed_backup_code(code)] + [
        hashed_backup_code(code, secret) for secret in settings.SECRET_KEY_FALLBACKS
    ]
    if device is not None and len(hashes) > 1:
        held = device.token_set.filter(token__in=hashes).values_list("token", flat=True)
        return held.first() or hashes[0]
    return hashes[0]


def is_on(user) -> bool:
    """Whether the user has turned two-step verification on. Free for the signed-in user
    (the Backend loads it with them); a query for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return False
    if hasattr(user, "two_step_on"):
        return user.two_step_on
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def _now_on(user, on: bool) -> None:
    """Keep the request's user's loaded answer (Backend) true to the change just made."""
    if hasattr(user, "two_step_on"):
        user.two_step_on = on


class Backend(ModelBackend):
    """Django's ModelBackend, but the signed-in user of each request is loaded with whether
    two-step verification is on, in the same query: TwoStepMiddleware asks on every request."""

    def get_user(self, user_id):
        model = get_user_model()
        user = model._default_manager.annotate(two_step_on=is_on_expression())
        user = user.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def is_verified(user) -> bool:
    """Whether this request's session has given a code (OTPMiddleware's answer)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def needs_code(user) -> bool:
    """Signed in with the password, but not yet with the code two-step verification asks."""
    return user.is_authenticated and not is_verified(user) and is_on(user)


# The session's user signed in through single sign-on (front.views.single_sign_on): their
# organisation's sign-in (Entra ID's multi-factor authentication, say) asks for its own second
# step, so ours is not asked as well. The user's id, so that it holds for that user only.
SINGLE_SIGN_ON = "mscp_single_sign_on"


def mark_single_sign_on(request) -> None:
    request.session[SINGLE_SIGN_ON] = request.user.pk


def signed_in_with_single_sign_on(request) -> bool:
    return request.user.is_authenticated and request.session.get(SINGLE_SIGN_ON) == request.user.pk


def recommended(user) -> bool:
    """Business support staff (in any partnership) without two-step verification."""
    staff = Membership.objects.filter(user=user, role=Membership.Role.STAFF).exists()
    return staff and not is_on(user)


class TwoStepMiddleware:
    """After OTPMiddleware, MessageMiddleware and SessionTimeoutMiddleware: a session that has
    given the password of a user with two-step verification on, but not yet the code, is sent
    to the code page from every other address (the admin's and the partnerships' pages
    alike), with the page it asked for as `next`. It may still sign out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            needs_code(request.user)
            and not signed_in_with_single_sign_on(request)
            and request.path_info not in self.open_paths()
        ):
            return redirect_to_login(request.get_full_path(), login_url=reverse("two_step:verify"))
        return self.get_response(request)

    @staticmethod
    def open_paths() -> set[str]:
        return {reverse("two_step:verify"), reverse("logout")}


# --- Checking a code ------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What checking a code found: the device that accepted it, or how long to wait."""

    kind: str  # APP or BACKUP
    device: object = None
    wait_seconds: int = 0

    @property
    def accepted(self) -> bool:
        return self.device is not None

    @property
    def throttled(self) -> bool:
        return self.wait_seconds > 0


def _check(device, code: str, kind: str) -> Check:
    """Verify code on device, which was loaded FOR UPDATE in the caller's transaction (so two
    requests cannot both use one code or one throttle slot). django-otp makes a device wait
    1, 2, 4, 8... seconds after successive wrong codes, and counts each wrong one."""
    if device is None:
        return Check(kind)
    allowed, data = device.verify_is_allowed()
    if not allowed:
        wait = (data["locked_until"] - timezone.now()).total_seconds()
        return Check(kind, wait_seconds=max(1, math.ceil(wait)))
    if device.verify_token(code):
        return Check(kind, device=device)
    return Check(kind)


def check_app_code(user, typed: str, *, confirmed: bool = True) -> Check:
    """The 6-digit code of the user's authenticator app (confirmed=False: the one being set
    up). A code is accepted once: the app's next code is needed after it."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.devices_for_user(user, confirmed=confirmed)
            .select_for_update()
            .first()
        )
        return _check(device, normalise_app_code(typed), APP)


def check_backup_code(user, typed: str) -> Check:
    """One of the user's backup codes, which is used up if it is right."""
    with transaction.atomic():
        device = StaticDevice.objects.devices_for_user(user, confirmed=True)
        device = device.select_for_update().first()
        return _check(device, stored_backup_code(device, normalise_backup_code(typed)), BACKUP)


def mark_verified(request, device) -> None:
    """The session has given its code: OTPMiddleware will say request.user.is_verified()
    from now on. The session key changes, as it did when the password was accepted."""
    request.session.cycle_key()
    django_otp.login(request, device)
    forget_failures(request, request.user)


def forget_failures(request, user) -> None:
    """A sign-in is complete: the wrong passwords and codes before it no longer count towards
    the lock-out. Only then, never at the password alone (AXES_RESET_ON_SUCCESS is off):
    otherwise someone with the password could try four codes, give the password again, try
    four more, and never be locked out."""
    AxesProxyHandler.reset_attempts(ip_address=client_ip(request), username=user.get_username())


def signed_in_with_password(sender, request, user, **kwargs) -> None:
    """user_logged_in: for a user without two-step verification the password completes the
    sign-in; for one with it, the code does (mark_verified)."""
    if not is_on(user):
        forget_failures(request, user)


# --- Turning it on and off ---------------------------------------------------------------


def start_set_up(user) -> TOTPDevice:
    """A new authenticator app key for the user, unconfirmed until they give its first code
    (confirm_set_up). Any earlier unfinished set-up is replaced."""
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def device_being_set_up(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).first()


def confirm_set_up(user, device: TOTPDevice) -> list[str]:
    """Turn two-step verification on with this (now checked) device; the new backup codes."""
    with transaction.atomic():
        TOTPDevice.objects.devices_for_user(user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _now_on(user, True)
        return make_backup_codes(user)


def make_backup_codes(user) -> list[str]:
    """A new set of backup codes, replacing any earlier ones."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name="Backup codes", defaults={"confirmed": True}
        )
        StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=hashed_backup_code(code)) for code in codes
        )
        return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_on_expression(user_field: str = ""):
    """An annotation: whether the user (at user_field of the queryset's model) has turned
    two-step verification on."""
    path = f"{user_field}__pk" if user_field else "pk"
    return Exists(TOTPDevice.objects.filter(user=OuterRef(path), confirmed=True))


def reset_refusal(user, *, by) -> str:
    """Why business support staff may not turn off this member's two-step verification (""
    if they may): not their own (Your account asks for a code), not an account of the site's
    administration, not one another partnership relies on too, and only when it is on."""
    if user.pk == by.pk:
        return "Turn off your own two-step verification from Your account."
    if user.is_staff or user.is_superuser:
        return "This sign-in can use the site's administration: ask a site administrator."
    if Membership.objects.filter(user=user).count() > 1:
        return (
            "This member belongs to another partnership too: ask a site administrator to "
            "turn off their two-step verification."
        )
    if not is_on(user):
        return f"{user.get_full_name() or user.username} has not turned on two-step verification."
    return ""


def turn_off(user) -> None:
    """Remove the user's authenticator app and backup codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    _now_on(user, False)


# --- Showing the key ------------------------------------------------------------------


def written_key(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def written_backup_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"


def qr_code_svg(device: TOTPDevice) -> str:
    """The app's set-up address as a QR code in inline SVG: drawn here, so the page needs
    neither script nor an image from elsewhere (the Content-Security-Policy allows neither)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(
        scale=5,
        border=4,
        dark="#0b0c0c",
        light="#ffffff",
        svgclass="app-qr-code",
        lineclass=None,
        title="QR code for your authenticator app",
    )
    # segno writes every tag itself; the URL is drawn as squares, never copied in as text.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308
