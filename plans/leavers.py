"""Leavers: switching a member's sign-in off (and on again) without losing what they wrote,
and the members to review, who have not signed in for six months. Pure rules where they can
be, so that each is tested apart from the pages."""

import datetime

from django.db.models import Q

from plans.models import Membership

QUIET_FOR = datetime.timedelta(days=183)  # six months without a sign-in: ask if they left


def switch_refusal(membership: Membership, *, by) -> str:
    """Why staff of this partnership may not switch this member's sign-in off or on ('' if
    they may): a sign-in is the person's, so only one used for this partnership alone."""
    user = membership.user
    if user.pk == by.pk:
        return "You cannot switch off your own sign-in: ask another member of staff."
    if user.is_staff or user.is_superuser:
        return "This sign-in also runs the site's administration: ask a site administrator."
    others = user.memberships.exclude(partnership=membership.partnership_id)
    if others.exists():
        names = ", ".join(
            sorted(m.partnership.short_name for m in others.select_related("partnership"))
        )
        return (
            f"{user.get_full_name() or user.username} is also a member of {names}: remove them "
            f"from {membership.partnership.short_name} instead, or ask a site administrator."
        )
    return ""


def quiet_since(now: datetime.datetime) -> datetime.datetime:
    return now - QUIET_FOR


def quiet_members_q(now: datetime.datetime) -> Q:
    """Members whose sign-in is on and who have not signed in for six months (or, never
    having signed in, joined more than six months ago)."""
    since = quiet_since(now)
    never = Q(user__last_login__isnull=True, user__date_joined__lt=since)
    return Q(user__is_active=True) & (Q(user__last_login__lt=since) | never)
