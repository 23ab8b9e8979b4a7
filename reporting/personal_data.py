"""A person's data: what a subject access request gets (one JSON document of everything the
app holds about them and everything they wrote), and replacing a former member's personal
details with "Former member" while what they wrote stays attributed to the same account.

In reporting, beside the other exports, because it reads every app's records.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.models import registered_models

from actions.models import MeasureValue, ProgressUpdate
from plans import two_step
from plans.models import AuditEvent, Invitation, Person

FORMER = "Former member"


def when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def update_record(update: ProgressUpdate) -> dict:
    action = update.action
    return {
        "plan": action.outcome.plan.full_title,
        "action": action.number,
        "reported_on": when(update.reported_on),
        "rating": update.rating.label if update.rating else None,
        "commentary": update.commentary,
        "evidence": update.evidence,
        "support_needed": update.support_needed,
        "status": update.get_status_display(),
        "entered_at": when(update.created_at),
        "reviewed_at": when(update.reviewed_at),
        "challenge": update.challenge,
    }


def personal_data(user) -> dict:
    """Everything the app holds about the user, and what they wrote, in words and dates."""
    updates = ProgressUpdate.objects.select_related("action__outcome__plan", "rating")
    changes = []
    for model in registered_models.values():
        if not hasattr(model, "history"):  # a many-to-many's table: its model's history has it
            continue
        history = model.history.filter(history_user=user).order_by("history_date")
        for record in history:
            changes.append(
                {
                    "what": model._meta.verbose_name,
                    "which": str(record.instance)[:200],
                    "change": record.get_history_type_display(),
                    "at": when(record.history_date),
                }
            )
    return {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "joined": when(user.date_joined),
            "last_signed_in": when(user.last_login),
            "sign_in_on": user.is_active,
            "two_step_verification": two_step.is_on(user),
        },
        "memberships": [
            {
                "partnership": m.partnership.name,
                "role": m.get_role_display(),
                "groups": sorted(g.name for g in m.groups.all()),
            }
            for m in user.memberships.select_related("partnership").prefetch_related("groups")
        ],
        "named_in_plans_as": [
            {"partnership": p.partnership.name, "name": p.name}
            for p in Person.objects.filter(user=user).select_related("partnership")
        ],
        "progress_updates_written": [update_record(u) for u in updates.filter(author=user)],
        "progress_updates_reviewed": [update_record(u) for u in updates.filter(reviewed_by=user)],
        "measure_values_given": [
            {"measure": v.measure, "value": v.value, "given_on": when(v.given_on)}
            for v in MeasureValue.objects.filter(author=user)
        ],
        "invitations": [
            {
                "partnership": i.partnership.name,
                "email": i.email,
                "role": i.get_role_display(),
                "sent_at": when(i.sent_at),
                "accepted_at": when(i.accepted_at),
            }
            for i in Invitation.objects.filter(accepted_by=user).select_related("partnership")
        ],
        "plan_changes_made": changes,
        "audit_log": [
            {
                "at": when(e.at),
                "what": e.get_kind_display(),
                "summary": e.summary,
                "from_address": e.ip_address,
            }  # fmt: skip
            for e in AuditEvent.objects.filter(user=user).order_by("at")
        ],
    }


@transaction.atomic
def forget(user) -> None:
    """Replace the former member's personal details with "Former member": their name, email
    and username go, their sign-in is switched off for good (no usable password, no two-step
    device), and they are no longer linked to the person plans name (the plans' own words
    stay). Every record they made stays linked to the same account, so it is still
    attributable: "Former member" wrote these, and the same one wrote those."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.first_name, user.last_name = "Former", "member"
    user.email = ""
    user.username = f"former-member-{user.pk}"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    two_step.turn_off(user)
    Person.objects.filter(user=user).update(user=None)
    Invitation.objects.filter(accepted_by=user).update(
        email=f"former-member-{user.pk}@invalid", first_name="Former", last_name="member"
    )
