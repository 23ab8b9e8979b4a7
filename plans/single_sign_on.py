"""Single sign-on with OpenID Connect (mozilla-django-oidc): the rule that matches a sign-in
at the deployment's identity provider (Microsoft Entra ID, say) to a member, and the
authentication backend that applies it. Set up from the environment (mscp.settings,
deploy/README.md); each partnership turns it on for its members (Partnership.single_sign_on).

The provider vouches for an email address, and that alone never makes a member: a sign-in is
matched to an active user who is a member of a partnership that uses single sign-on, or to a
pending invitation to such a partnership, which it accepts (staff chose the role and groups
when they invited). Everyone else is refused, and keeps the password and two-step
verification they have.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from plans import audit, two_step
from plans.invitation_models import Invitation
from plans.invitations import InvitationRefused, accept

# Why a sign-in was refused: the refusal page's words (front.views.single_sign_on) and the
# audit log's summary.
UNVERIFIED = "unverified"
NOT_A_MEMBER = "not_a_member"
TWO_ACCOUNTS = "two_accounts"
SWITCHED_OFF = "switched_off"
REFUSALS = {
    UNVERIFIED: "the provider did not say it had checked the email address",
    NOT_A_MEMBER: "not a member or invited member of a partnership that uses single sign-on",
    TWO_ACCOUNTS: "more than one account has this email address",
    SWITCHED_OFF: "the account with this email address has its sign-in switched off",
}


def configured() -> bool:
    """Whether this deployment has single sign-on (MSCP_OIDC_CLIENT_ID is set)."""
    return bool(settings.OIDC_RP_CLIENT_ID)


def verified_email(claims: dict, *, trust_emails: bool) -> str:
    """The claims' email address if the provider says it checked it belongs to the person
    (email_verified), or, with trust_emails, says nothing either way: Entra ID leaves
    email_verified out, and in a single-tenant registration the tenant's own directory is
    where the address comes from. "" otherwise."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return ""
    verified = claims.get("email_verified")
    # Some providers send the JSON string "true" rather than the boolean.
    checked = trust_emails if verified is None else str(verified).lower() == "true"
    return email.strip() if checked else ""


def id_token_problem(payload: dict, *, client_id: str, issuer: str) -> str:
    """What is wrong with an ID token whose signature, expiry and nonce have been checked
    (by mozilla-django-oidc): one made for another application, or by another issuer (when
    MSCP_OIDC_ISSUER names it). "" if nothing."""
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        return "the ID token was made for another application"
    if issuer and payload.get("iss") != issuer:
        return "the ID token was made by another issuer"
    return ""


@dataclass(frozen=True)
class Match:
    """Whom a verified email signs in as: a user (None: the one that accepting the first
    invitation makes) and the invitations the sign-in accepts; or why it is refused."""

    user: object = None
    invitations: tuple = ()
    refusal: str = ""


def match(email: str, *, now: datetime.datetime) -> Match:
    """The rule. Reads, never writes (sign_in does, for a match)."""
    if not email:
        return Match(refusal=UNVERIFIED)
    accounts = get_user_model().objects.filter(email__iexact=email)
    members = accounts.filter(is_active=True, memberships__partnership__single_sign_on=True)
    invitations = tuple(
        Invitation.objects.pending()
        .filter(email__iexact=email, partnership__single_sign_on=True, expires_at__gt=now)
        .select_related("partnership")
        .order_by("pk")
    )
    found = list(members.distinct()[:2])
    if len(found) == 1:
        return Match(user=found[0], invitations=invitations)
    if found:
        return Match(refusal=TWO_ACCOUNTS)
    if not invitations:
        return Match(refusal=NOT_A_MEMBER)
    # Invited, with an account already (a member of a partnership without single sign-on,
    # say): accepting adds the membership to it, as the invitation's link would.
    existing = list(accounts[:2])
    if len(existing) > 1:
        return Match(refusal=TWO_ACCOUNTS)
    if existing and not existing[0].is_active:
        return Match(refusal=SWITCHED_OFF)
    return Match(user=existing[0] if existing else None, invitations=invitations)


def sign_in(found: Match, *, request=None):
    """The user a match signs in as, once its invitations are accepted (accepting the first
    makes the user if there is none: no usable password, single sign-on only). None if
    there was only an invitation and it was withdrawn or accepted a moment ago."""
    user = found.user
    for invitation in found.invitations:
        try:
            user = accept(invitation, user=user).user
        except InvitationRefused:
            continue
        audit.record(
            audit.Kind.INVITATION_ACCEPTED,
            request=request,
            user=user,
            partnership=invitation.partnership,
            summary=f"Accepted through single sign-on by {invitation.name} <{invitation.email}>"
            f" as {invitation.get_role_display().lower()}",
            obj=invitation,
        )
    return user


def not_a_password(request, credentials=None) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: the single sign-on callback takes no password, so
    a refusal there is not a guess to count towards a lock-out (one counted without a username
    would lock everyone behind an office's address out of single sign-on)."""
    return request.path_info == reverse("oidc_authentication_callback")


class Backend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend (the code exchanged for tokens, the ID token's signature
    checked against the provider's keys), with our rule (match) in place of its own, which
    would make a user of any email address."""

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        problem = id_token_problem(
            payload, client_id=self.OIDC_RP_CLIENT_ID, issuer=settings.MSCP_OIDC_ISSUER
        )
        if problem:
            raise SuspiciousOperation(problem)
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        # OpenID Connect Core 5.3.2: the user information must be of the ID token's user.
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("the user information is not of the ID token's user")
        return self.user_for_claims(claims)

    def user_for_claims(self, claims: dict):
        email = verified_email(claims, trust_emails=settings.MSCP_OIDC_TRUST_EMAILS)
        found = match(email, now=timezone.now())
        user = None if found.refusal else sign_in(found, request=self.request)
        if user is None:
            self.refuse(found.refusal or NOT_A_MEMBER, str(claims.get("email") or ""))
        return user

    def refuse(self, refusal: str, email: str) -> None:
        # The refusal page says why (front.views.single_sign_on).
        self.request.single_sign_on_refusal = refusal
        audit.record(
            audit.Kind.SIGN_IN_FAILED,
            request=self.request,
            username=email,
            summary=f"Single sign-on refused: {REFUSALS[refusal]}",
        )

    def create_user(self, claims):
        """Never: a sign-in only matches a member or accepts an invitation."""
        raise SuspiciousOperation("single sign-on never makes a user by itself")

    def get_user(self, user_id):
        # The site's own backend's: loaded with whether two-step verification is on, and
        # None for a user whose sign-in has been switched off since.
        return two_step.Backend().get_user(user_id)
