"""Inviting a member, and their accepting: the rules, apart from the pages.

A link's token is made here and only its SHA-256 is stored, so the database never holds a
working link. Accepting makes the user (their email is their username) and the membership
with the role and groups staff chose, and links the person plans name as a lead.
"""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from plans.invitation_models import Invitation
from plans.models import Membership


class InvitationRefused(Exception):
    """A link that does not work: unknown, used, withdrawn or expired (its status says)."""

    def __init__(self, status: str, invitation: Invitation | None = None):
        super().__init__(status)
        self.status = status
        self.invitation = invitation


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(invitation: Invitation) -> str:
    """Give the invitation a new link (an older one stops working) and a new expiry; the
    token, for the email only."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + Invitation.lifetime()
    return token


def invitation_for(token: str) -> Invitation:
    """The pending invitation a link's token names; InvitationRefused otherwise."""
    invitation = (
        Invitation.objects.select_related("partnership")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationRefused("unknown")
    status = invitation.status
    if status != Invitation.Status.PENDING:
        raise InvitationRefused(status, invitation)
    return invitation


def existing_user(invitation: Invitation):
    """The account that already has the invitation's email (a member of another partnership,
    say), or None: accepting then adds a membership to it."""
    return get_user_model().objects.filter(email__iexact=invitation.email).first()


def new_user(invitation: Invitation):
    """The account accepting makes, unsaved (the password rules compare a password with it):
    its email is its username."""
    return get_user_model()(
        username=invitation.email.lower(),
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
    )


@transaction.atomic
def accept(invitation: Invitation, *, user=None, password: str | None = None) -> Membership:
    """Accept the invitation: as an existing user (signed in, or matched by single sign-on),
    or as a new one with this password (None: no usable password, single sign-on only).
    Locks the invitation's row, so a link used twice at once is accepted once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise InvitationRefused(invitation.status, invitation)
    if user is None:
        user = new_user(invitation)
        user.set_password(password) if password else user.set_unusable_password()
        user.save()
    membership, _ = Membership.objects.update_or_create(
        user=user, partnership=invitation.partnership, defaults={"role": invitation.role}
    )
    membership.groups.set(invitation.groups.all())
    person = invitation.person
    if person is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def send_invitation(invitation: Invitation, link: str) -> None:
    """Email the invitation's link (made from its token by the page that sent it)."""
    inviter = invitation.invited_by
    expires = timezone.localtime(invitation.expires_at)
    context = {
        "invitation": invitation,
        "link": link,
        "role": invitation.get_role_display().lower(),
        "inviter": (inviter.get_full_name() or inviter.username) if inviter else "Business support",
        "inviter_email": inviter.email if inviter else "",
        "expires": f"{expires.day} {expires:%B %Y}",
    }
    send_mail(
        f"You are invited to join {invitation.partnership.short_name} on Partnership plans",
        render_to_string("plans/email/invitation.txt", context),
        None,
        [invitation.email],
    )
