"""Writing the audit log. Every event is written by record(); nothing changes one afterwards.

Changes to plan content are not written here: django-simple-history records each save
(imports included, with the importing user), and the audit page reads those records too.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from plans import two_step
from plans.audit_models import AuditEvent
from plans.client_address import client_ip
from plans.models import Partnership

Kind = AuditEvent.Kind


def signed_in_user(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(
    kind,
    *,
    request=None,
    user=None,
    username=None,
    partnership=None,
    summary,
    obj=None,
    detail=None,
) -> AuditEvent:
    """Write one event. user defaults to the request's signed-in user; username is kept as
    given (what a failed sign-in typed), else the user's at the time."""
    if user is None and username is None and request is not None:
        user = signed_in_user(request)
    if username is None:
        username = user.get_username() if user is not None else ""
    event = AuditEvent(
        kind=kind,
        user=user,
        username=username[:150],
        partnership=partnership,
        summary=summary[:300],
        detail=detail or {},
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
    if request is not None:
        event.path = request.path[:500]
        event.ip_address = client_ip(request)
    event.save()
    return event


# Sign-in signals (connected in plans.apps)


def signed_in(sender, request, user, **kwargs):
    """The password was right. With two-step verification on, the user is signed in only
    once the code is given too (signed_in_with_code). Single sign-on asks no code of ours:
    the organisation's own sign-in did that."""
    if getattr(user, "backend", "") == "plans.single_sign_on.Backend":
        record(Kind.SIGNED_IN, request=request, user=user, summary="Signed in with single sign-on")
    elif two_step.is_on(user):
        record(
            Kind.PASSWORD_ACCEPTED,
            request=request,
            user=user,
            summary="Password accepted: two-step code asked for",
        )
    else:
        record(Kind.SIGNED_IN, request=request, user=user, summary="Signed in")


def signed_out(sender, request, user, **kwargs):
    if user is not None:  # None: nobody was signed in
        record(Kind.SIGNED_OUT, request=request, user=user, summary="Signed out")


def sign_in_failed(sender, credentials, request=None, **kwargs):
    """Keeps the username typed and nothing else of the credentials: Django masks the
    password in them, but not every secret a form might send."""
    model = get_user_model()
    typed = str(credentials.get(model.USERNAME_FIELD) or "")[:150]
    user = model._default_manager.filter(**{model.USERNAME_FIELD: typed}).first() if typed else None
    record(
        Kind.SIGN_IN_FAILED, request=request, user=user, username=typed, summary="Sign-in failed"
    )


# Two-step verification (called by front.views.account)

CONFIRMED_WITH = {
    "password": "the password",
    two_step.APP: "an authenticator app code",
    two_step.BACKUP: "a backup code",
}


def signed_in_with_code(request, check) -> None:
    record(
        Kind.SIGNED_IN,
        request=request,
        summary=f"Signed in with the password and {CONFIRMED_WITH[check.kind]}",
        detail={"two_step": check.kind},
    )


def code_refused(request, check, *, user=None, typed_for: str) -> None:
    """A wrong code (not one refused unchecked while the device made the user wait)."""
    record(
        Kind.TWO_STEP_FAILED,
        request=request,
        user=user,
        summary=f"Wrong {check.kind} given {typed_for}",
        detail={"two_step": check.kind, "for": typed_for},
    )


def two_step_turned_on(request) -> None:
    record(Kind.TWO_STEP_ON, request=request, summary="Turned on two-step verification")


def two_step_turned_off(request, *, confirmed_with: str) -> None:
    record(
        Kind.TWO_STEP_OFF,
        request=request,
        summary="Turned off two-step verification, confirming with "
        + CONFIRMED_WITH[confirmed_with],
        detail={"confirmed_with": confirmed_with},
    )


def two_step_reset(request, *, membership) -> None:
    """Staff turned off a member's two-step verification (a lost phone and backup codes)."""
    user = membership.user
    record(
        Kind.TWO_STEP_OFF,
        request=request,
        partnership=membership.partnership,
        summary=f"Turned off two-step verification for {user.get_full_name() or user.username}"
        f" ({user.username}), who could not give a code",
        obj=user,
        detail={"for_user": user.username, "by_staff": True},
    )


def device_removed_in_admin(request, device) -> None:
    """A site administrator deleted a user's authenticator app or backup codes."""
    user = device.user
    record(
        Kind.TWO_STEP_OFF,
        request=request,
        summary=f"Removed {user.get_full_name() or user.username}'s {device.name} "
        f"({user.username}) in the Django admin",
        obj=user,
        detail={"for_user": user.username, "device": device.name, "in_admin": True},
    )


def backup_codes_made(request, *, count: int, confirmed_with: str) -> None:
    record(
        Kind.BACKUP_CODES_MADE,
        request=request,
        summary=f"Made {count} new backup codes, confirming with {CONFIRMED_WITH[confirmed_with]}",
        detail={"count": count, "confirmed_with": confirmed_with},
    )


# Refusals (called by front.access, where the rules are)


def permission_denied(request, *, partnership, reason: str) -> None:
    if signed_in_user(request) is None:
        return
    record(
        Kind.PERMISSION_DENIED,
        request=request,
        partnership=partnership,
        summary=f"Refused: {reason}",
        detail={"status": 403},
    )


def not_in_partnership(request, *, partnership, queryset, pk, path: str) -> None:
    """A 404 for an object the user's partnership does not hold. The partnership's own log
    says "not found" and no more: whether the id is another partnership's (worth a look) or
    one that does not exist or was deleted (a stale link, usually) is kept in the detail,
    for the site's administrators (the admin shows it; the partnership's audit page does
    not), so that a partnership's log never tells its staff which ids exist elsewhere."""
    if signed_in_user(request) is None:
        return
    model = queryset.model
    name = str(model._meta.verbose_name)
    elsewhere = model._base_manager.filter(pk=pk).exclude(**{path: partnership}).exists()
    record(
        Kind.NOT_FOUND,
        request=request,
        partnership=partnership,
        summary=f"Asked for {name} {pk}: not found",
        detail={"status": 404, "model": model._meta.label_lower, "pk": pk, "elsewhere": elsewhere},
    )


def not_a_member(request, *, slug: str) -> None:
    """A 404 for a partnership the user is not a member of, kept in that partnership's log
    (a slug that names no partnership is kept with none: the admin shows it)."""
    if signed_in_user(request) is None:
        return
    partnership = Partnership.objects.filter(slug=slug).first()
    what = "a partnership they are not a member of" if partnership else "a partnership"
    record(
        Kind.NOT_FOUND,
        request=request,
        partnership=partnership,
        summary=f"Asked for {what}: “{slug[:60]}”",
        detail={"status": 404, "slug": slug[:100]},
    )
