"""Invitations: how a member joins a partnership. Staff name them, their email, role and
groups; the app emails a single-use link that expires, where they choose their own password.
Staff never see or set one. Kept apart from plans.models for length; plans.models imports it."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from plans.fields import optional_user


def role_choices():
    """Membership's roles (plans.models imports this module, so not at import time)."""
    from plans.models import Membership

    return Membership.Role.choices


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor withdrawn (an expired one is still pending: it may be resent)."""
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)


class Invitation(models.Model):
    """One invitation to one partnership. Its link carries a token of which only a hash is
    kept; sending it again makes a new token, so an older link no longer works."""

    partnership_path = "partnership"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for them to accept"
        EXPIRED = "expired", "Link expired"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(
        "plans.Partnership", on_delete=models.CASCADE, related_name="invitations"
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=role_choices)
    groups = models.ManyToManyField("plans.Group", blank=True, related_name="invitations")
    person = models.ForeignKey(
        "plans.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        help_text="The person or post plans name as a lead, linked when they accept.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = optional_user("invitations_sent")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = optional_user("invitations_accepted")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                models.functions.Lower("email"),
                condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}> to {self.partnership}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def status_at(self, now: datetime.datetime) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.withdrawn_at:
            return self.Status.WITHDRAWN
        return self.Status.EXPIRED if now >= self.expires_at else self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @staticmethod
    def lifetime() -> datetime.timedelta:
        return datetime.timedelta(days=settings.MSCP_INVITATION_DAYS)
