"""A person's own account, apart from the pages: the password reset's throttle, and changing
the email address (confirmed by a link sent to the new one).

A reset is asked for by typing an email address. Whether or not it is a member's, the page
answers the same, at once, and the email (if any) is sent by a background task: the answer
says nothing about who is a member, in its words or its timing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction

from plans.audit_models import AuditEvent

# Resets asked for in an hour: for one address (a member who tries a few times), and from one
# client address (an office behind one address; more is someone trying addresses).
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
HOUR = datetime.timedelta(hours=1)

EMAIL_LINK_SALT = "mscp.accounts.email-change"
EMAIL_LINK_AGE = datetime.timedelta(hours=24)


def reset_throttled(email: str, client: str | None, now: datetime.datetime) -> bool:
    """Whether a reset asked for now is one too many (counted from the audit log, which every
    process writes: a limit in one process's memory would not hold)."""
    asked = AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_RESET_ASKED, at__gt=now - HOUR)
    if asked.filter(username__iexact=email).count() >= RESETS_PER_ADDRESS:
        return True
    return client is not None and asked.filter(ip_address=client).count() >= RESETS_PER_CLIENT


class EmailLinkRefused(Exception):
    pass


def email_change_token(user, new_email: str) -> str:
    """The link's token: signed, dated, and naming the address it replaces, so that it works
    once (after the change the old address no longer matches)."""
    return signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_LINK_SALT)


@transaction.atomic
def change_email(user, token: str) -> tuple[str, str]:
    """Make the change the token names, for this user: (old, new). Their username follows if
    it was their email address (an invited member's is). EmailLinkRefused if the token is
    not theirs, has expired or was used."""
    try:
        data = signing.loads(token, salt=EMAIL_LINK_SALT, max_age=EMAIL_LINK_AGE)
    except signing.SignatureExpired as error:
        raise EmailLinkRefused("expired") from error
    except signing.BadSignature as error:
        raise EmailLinkRefused("unknown") from error
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if data["u"] != user.pk:
        raise EmailLinkRefused("not yours")
    if data["old"] != user.email:
        raise EmailLinkRefused("used")
    old, new = user.email, data["new"]
    user.email = new
    taken = get_user_model().objects.filter(username__iexact=new).exclude(pk=user.pk).exists()
    if user.username.lower() == old.lower() and not taken:
        user.username = new.lower()
    user.save(update_fields=["email", "username"])
    return old, new
