"""The audit log's own events (sign-ins, refusals, downloads, imports). Changes to plan
content are not copied here: django-simple-history already records each one, and the
audit page reads both (front.views.audit)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from plans.fields import optional_user


# Outside AuditEvent (which names it Kind) only so that its Meta's constraint can list it.
class AuditKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    PASSWORD_ACCEPTED = "password_accepted", "Password accepted, two-step code asked for"
    TWO_STEP_FAILED = "two_step_failed", "Two-step code refused"
    TWO_STEP_ON = "two_step_on", "Two-step verification turned on"
    TWO_STEP_OFF = "two_step_off", "Two-step verification turned off"
    BACKUP_CODES_MADE = "backup_codes_made", "New backup codes made"
    PERMISSION_DENIED = "permission_denied", "Permission denied"
    NOT_FOUND = "not_found", "Not found in the partnership"
    PACK_DOWNLOADED = "pack_downloaded", "Pack downloaded"
    PLAN_EXPORTED = "plan_exported", "Plan exported"
    TEMPLATE_DOWNLOADED = "template_downloaded", "Import template downloaded"
    IMPORT_UPLOADED = "import_uploaded", "Import file uploaded"
    IMPORT_PREVIEWED = "import_previewed", "Import previewed"
    IMPORT_CONFIRMED = "import_confirmed", "Import confirmed"
    AUDIT_PRUNED = "audit_pruned", "Audit log pruned"
    MEETING_LOCKED = "meeting_locked", "Meeting pack locked"
    MEETING_UNLOCKED = "meeting_unlocked", "Meeting pack unlocked"
    MEMBER_ADDED = "member_added", "Member added"
    MEMBER_CHANGED = "member_changed", "Member's role or groups changed"
    MEMBER_REMOVED = "member_removed", "Member removed"
    LEAD_RECORD_RENAMED = "lead_renamed", "Lead record renamed"
    LEAD_RECORD_MERGED = "lead_merged", "Lead records merged"
    INVITED = "invited", "Member invited"
    INVITATION_RESENT = "invitation_resent", "Invitation sent again"
    INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_REFUSED = "invitation_refused", "Invitation link refused"
    PASSWORD_RESET_ASKED = "reset_asked", "Password reset asked for"
    PASSWORD_RESET = "password_reset", "Password reset by email link"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    EMAIL_CHANGE_ASKED = "email_change_asked", "Email address change asked for"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    SIGN_IN_OFF = "sign_in_off", "Member's sign-in switched off"
    SIGN_IN_ON = "sign_in_on", "Member's sign-in switched on"
    DATA_EXPORTED = "data_exported", "Person's data exported (subject access)"
    MEMBER_FORGOTTEN = "member_forgotten", "Former member's details replaced"
    PARTNERSHIP_CREATED = "partnership_created", "Partnership created"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are never changed: record a new one.")


class AuditEvent(models.Model):
    """Something a person did or was refused. Append-only: written by plans.audit.record,
    never changed; removed only by the prune_audit command."""

    Kind = AuditKind

    at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    user = optional_user("audit_events")
    username = models.CharField(
        max_length=150, blank=True, help_text="As typed (failed sign-ins) or at the time."
    )
    # SET_NULL, not CASCADE: the log outlives what it is about.
    partnership = models.ForeignKey(
        "plans.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    kind = models.CharField(max_length=30, choices=Kind)
    summary = models.CharField(max_length=300)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partnership", "at"], name="audit_event_partnership_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AuditKind.values), name="audit_event_kind_known"
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are never changed: record a new one.")
        super().save(*args, **kwargs)
