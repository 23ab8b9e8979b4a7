"""Staff pages for the members of a partnership: who signs in, with what role and groups."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from front.edit_pages import (
    CONFIRM_TEMPLATE,
    FORM_TEMPLATE,
    posted,
    save_unless_stale,
    staff_view,
)
from front.forms.members import MemberEditForm
from front.views.settings import list_page, settings_context
from plans import audit, leavers, two_step
from plans.models import Invitation, Membership, Person

MEMBERSHIPS = Membership.objects.select_related("user", "partnership")


def name_of(user) -> str:
    return user.get_full_name() or user.username


@staff_view(methods=["GET"])
def member_list(request, access):
    partnership = access.partnership
    named_as = Prefetch(
        "user__people", queryset=Person.objects.filter(partnership=partnership), to_attr="named"
    )
    members = (
        Membership.objects.filter(partnership=partnership)
        .select_related("user")
        .prefetch_related("groups", named_as)
        .annotate(two_step_on=two_step.is_on_expression("user"))
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    now = timezone.now()
    quiet = members.filter(leavers.quiet_members_q(now))
    invitations = (
        Invitation.objects.pending()
        .filter(partnership=partnership)
        .select_related("invited_by")
        .prefetch_related("groups")
    )
    return list_page(
        request,
        access,
        "members",
        "members.html",
        members=members,
        invitations=invitations,
        quiet=quiet,
        quiet_since=leavers.quiet_since(now),
    )


def role_and_groups(membership) -> dict:
    return {
        "role": membership.get_role_display(),
        "groups": sorted(group.short_name for group in membership.groups.all()),
    }


def record_member(request, kind, membership, verb: str, *, before=None) -> None:
    """Who may see and do what is the first thing an auditor asks: every change is logged."""
    now = role_and_groups(membership)
    groups = ", ".join(now["groups"]) or "no groups"
    audit.record(
        kind,
        request=request,
        partnership=membership.partnership,
        summary=f"{verb} {name_of(membership.user)} ({membership.user.username}): "
        f"{now['role'].lower()}, {groups}",
        obj=membership.user,
        detail={"now": now, **({"before": before} if before else {})},
    )


@staff_view(MEMBERSHIPS)
def member_edit(request, access, membership):
    form = MemberEditForm(posted(request), membership=membership, acting_user=request.user)
    before = role_and_groups(membership)
    context = settings_context(
        access,
        "members",
        title=f"Edit {name_of(membership.user)}",
        caption=f"Signs in as {membership.user.username}",
        noun="member",
    )
    if request.method == "POST" and form.is_valid():
        if save_unless_stale(form, context, form.save) is not None:
            if role_and_groups(membership) != before:
                record_member(
                    request, audit.Kind.MEMBER_CHANGED, membership, "Changed", before=before
                )
            messages.success(request, f"Saved {name_of(membership.user)}'s role and groups.")
            return redirect("plans:members", access.partnership.slug)
    return render(request, FORM_TEMPLATE, {**context, "form": form})


@staff_view(MEMBERSHIPS)
def member_remove(request, access, membership):
    name = name_of(membership.user)
    if membership.user_id == request.user.pk:
        messages.error(
            request,
            "You cannot remove yourself from the partnership: ask another member of staff.",
        )
        return redirect("plans:members", access.partnership.slug)
    if request.method == "POST":
        record_member(request, audit.Kind.MEMBER_REMOVED, membership, "Removed")
        membership.delete()
        messages.success(request, f"Removed {name} from {access.partnership.short_name}.")
        return redirect("plans:members", access.partnership.slug)
    return confirm_page(
        request,
        access,
        title=f"Remove {name} from {access.partnership.short_name}?",
        button_label="Remove member",
        consequences="They will no longer see this partnership's plans. Their sign-in, and "
        "the progress updates they made, are kept.",
    )


@staff_view(MEMBERSHIPS)
def member_two_step_reset(request, access, membership):
    """Turn off two-step verification for a member who has lost their phone and their backup
    codes: they sign in with their password alone, and can turn it on again. Refused where
    another partnership, or the site's administration, relies on the same sign-in."""
    user, name = membership.user, name_of(membership.user)
    members_list = reverse("plans:members", args=[access.partnership.slug])
    refusal = two_step.reset_refusal(user, by=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(members_list)
    if request.method == "POST":
        two_step.turn_off(user)
        audit.two_step_reset(request, membership=membership)
        messages.success(
            request,
            f"Turned off two-step verification for {name}. They sign in with their password "
            "alone until they turn it on again, from Your account.",
        )
        return redirect(members_list)
    return confirm_page(
        request,
        access,
        title=f"Turn off two-step verification for {name}?",
        button_label="Turn off two-step verification",
        consequences="Do this only for a member who has lost both their authenticator app "
        "and their backup codes, and whom you have checked is who they say, by a call or in "
        "person. They then sign in with their password alone: ask them to turn two-step "
        "verification on again at once. The audit log records that you did it.",
    )


@staff_view(MEMBERSHIPS)
def member_sign_in(request, access, membership):
    """Switch a leaver's sign-in off, or back on: what they wrote stays, with their name."""
    user, name = membership.user, name_of(membership.user)
    members_list = reverse("plans:members", args=[access.partnership.slug])
    refusal = leavers.switch_refusal(membership, by=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(members_list)
    switching_on = not user.is_active
    if request.method == "POST":
        user.is_active = switching_on
        user.save(update_fields=["is_active"])
        record_member(
            request,
            audit.Kind.SIGN_IN_ON if switching_on else audit.Kind.SIGN_IN_OFF,
            membership,
            "Switched on the sign-in of" if switching_on else "Switched off the sign-in of",
        )
        messages.success(
            request,
            f"{name} can sign in again."
            if switching_on
            else f"{name} can no longer sign in. What they wrote stays, with their name.",
        )
        return redirect(members_list)
    if switching_on:
        return confirm_page(
            request,
            access,
            title=f"Switch on {name}'s sign-in?",
            button_label="Switch on their sign-in",
            consequences="They sign in again with their password (or single sign-on), with "
            "the role and groups they had.",
        )
    return confirm_page(
        request,
        access,
        title=f"Switch off {name}'s sign-in?",
        button_label="Switch off their sign-in",
        consequences="For a member who has left. They can no longer sign in, and are signed "
        "out at once. Their updates, reviews and changes stay, with their name. You can "
        "switch their sign-in on again.",
    )


def confirm_page(request, access, **words):
    """Asks to confirm a change to a member's access; Cancel goes back to the members."""
    context = settings_context(access, "members", noun="member", removal=True, **words)
    return render(request, CONFIRM_TEMPLATE, context)
