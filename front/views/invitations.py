"""Invitations: staff invite a member (and send again, or withdraw); the invited person
follows the emailed link to choose their password, or, with an account already, to join."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from front.edit_pages import FORM_TEMPLATE, posted, staff_view
from front.forms.account import GovukSetPasswordForm
from front.forms.members import InviteForm
from front.views.settings import settings_context
from plans import audit
from plans.invitations import (
    InvitationRefused,
    accept,
    existing_user,
    invitation_for,
    new_token,
    new_user,
    send_invitation,
)
from plans.models import Invitation

INVITATIONS = Invitation.objects.select_related("partnership", "invited_by")


def send(request, invitation, token) -> None:
    link = request.build_absolute_uri(reverse("two_step:accept_invitation", args=[token]))
    send_invitation(invitation, link)


def record(request, kind, invitation, verb: str) -> None:
    audit.record(
        kind,
        request=request,
        partnership=invitation.partnership,
        summary=f"{verb} {invitation.name} <{invitation.email}> as "
        f"{invitation.get_role_display().lower()}",
        obj=invitation,
    )


@staff_view()
def member_invite(request, access):
    form = InviteForm(posted(request), partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        invitation, token = form.save(invited_by=request.user)
        send(request, invitation, token)
        record(request, audit.Kind.INVITED, invitation, "Invited")
        messages.success(
            request,
            f"Invited {invitation.name}: an email with a link to join went to "
            f"{invitation.email}. The link works for {Invitation.lifetime().days} days.",
        )
        return redirect("plans:members", access.partnership.slug)
    context = settings_context(
        access,
        "members",
        title="Invite a member",
        noun="member",
        submit_label="Send invitation",
        intro="They get an email with a link to choose their own password. You never see it.",
    )
    return render(request, FORM_TEMPLATE, {**context, "form": form})


@staff_view(INVITATIONS.pending(), methods=["POST"])
def invitation_resend(request, access, invitation):
    token = new_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    send(request, invitation, token)
    record(request, audit.Kind.INVITATION_RESENT, invitation, "Sent again the invitation of")
    messages.success(
        request,
        f"Sent the invitation to {invitation.email} again, with a new link: the earlier one "
        "no longer works.",
    )
    return redirect("plans:members", access.partnership.slug)


@staff_view(INVITATIONS.pending(), methods=["POST"])
def invitation_withdraw(request, access, invitation):
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    record(request, audit.Kind.INVITATION_WITHDRAWN, invitation, "Withdrew the invitation of")
    messages.success(
        request, f"Withdrew the invitation to {invitation.email}: its link no longer works."
    )
    return redirect("plans:members", access.partnership.slug)


REFUSALS = {
    "unknown": (
        "This invitation link does not work",
        "Check that you copied the whole link from the email. If it still does not work, ask "
        "the partnership's business support staff to send the invitation again.",
    ),
    Invitation.Status.EXPIRED: (
        "This invitation has expired",
        "Ask the partnership's business support staff to send it again: you will get a new link.",
    ),
    Invitation.Status.ACCEPTED: (
        "This invitation has been used",
        "Each link works once. If you chose your password with it, sign in.",
    ),
    Invitation.Status.WITHDRAWN: (
        "This invitation has been withdrawn",
        "Ask the partnership's business support staff if you think you should have access.",
    ),
}


def refused(request, refusal: InvitationRefused):
    heading, advice = REFUSALS[refusal.status]
    audit.record(
        audit.Kind.INVITATION_REFUSED,
        request=request,
        partnership=refusal.invitation.partnership if refusal.invitation else None,
        summary=f"Invitation link refused: {heading.lower()}",
    )
    return render(
        request,
        "registration/invitation_refused.html",
        {"heading": heading, "advice": advice},
        status=410 if refusal.invitation else 404,
    )


@require_http_methods(["GET", "POST"])
def accept_invitation(request, token):
    """Choose a password and join; or, for someone who has an account already, join once
    signed in to it (the link alone never signs into an existing account)."""
    try:
        invitation = invitation_for(token)
    except InvitationRefused as refusal:
        return refused(request, refusal)
    partnership = invitation.partnership
    context = {"invitation": invitation, "role": invitation.get_role_display().lower()}
    account = existing_user(invitation)
    if account is not None:
        if request.user.is_authenticated and request.user.pk == account.pk:
            if request.method == "POST":
                return joined(request, invitation, accept(invitation, user=account))
            return render(request, "registration/invitation_join.html", context)
        context["sign_in"] = f"{reverse('login')}?next={request.path}"
        return render(request, "registration/invitation_join.html", context)
    form = GovukSetPasswordForm(new_user(invitation), posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            membership = accept(invitation, password=form.cleaned_data["new_password1"])
        except InvitationRefused as refusal:
            return refused(request, refusal)
        login(request, membership.user, backend="plans.two_step.Backend")
        return joined(request, invitation, membership)
    return render(
        request,
        "registration/invitation_accept.html",
        {**context, "form": form, "partnership": partnership},
    )


def joined(request, invitation, membership):
    record(request, audit.Kind.INVITATION_ACCEPTED, invitation, "Accepted by")
    messages.success(
        request,
        f"Welcome to {invitation.partnership.short_name}. You sign in as "
        f"{membership.user.username}. To keep safeguarding information safe, turn on two-step "
        "verification now: it takes two minutes with an authenticator app.",
    )
    return redirect("two_step:account")
