from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from actions.timeframes import parse_timeframe
from plans.models import (
    Group,
    Organisation,
    Outcome,
    Partnership,
    Person,
    RagRating,
    Theme,
    Tracked,
)


class Recurrence(models.TextChoices):
    ONGOING = "ongoing", "Ongoing"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TERMLY = "termly", "Termly"
    SIX_MONTHLY = "six_monthly", "Six-monthly"
    ANNUAL = "annual", "Annual"


class TimeframeFields(models.Model):
    """A timeframe as written, and what a machine needs from it (derived on every save)."""

    timeframe = models.TextField(blank=True, help_text="As written, e.g. 'June – September 2022'.")
    due_date = models.DateField(null=True, blank=True, editable=False, db_index=True)
    starts_on = models.DateField(null=True, blank=True, editable=False)
    recurrence = models.CharField(max_length=12, choices=Recurrence, blank=True, editable=False)
    timeframe_tbc = models.BooleanField("to be confirmed", default=False, editable=False)

    class Meta:
        abstract = True

    def derive_timeframe(self):
        parsed = parse_timeframe(self.timeframe)
        self.due_date = parsed.due
        self.starts_on = parsed.starts
        self.recurrence = parsed.recurrence
        self.timeframe_tbc = parsed.to_be_confirmed


class LeadFields(models.Model):
    """A lead as written, plus the people, groups and agencies it names (see actions.lead_links)."""

    lead = models.TextField(blank=True, help_text="As written, e.g. 'Zoe Gallen, MSCP BSU'.")
    lead_people = models.ManyToManyField(Person, blank=True, related_name="led_%(class)ss")
    lead_groups = models.ManyToManyField(Group, blank=True, related_name="led_%(class)ss")
    lead_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="led_%(class)ss"
    )

    class Meta:
        abstract = True


class ActionQuerySet(models.QuerySet):
    def for_partnership(self, partnership: Partnership):
        return self.filter(outcome__plan__group__partnership=partnership)

    def live(self):
        return self.filter(deleted_at__isnull=True)

    def in_plan_order(self):
        return self.order_by("outcome__position", "position", "pk")

    def with_latest_update(self):
        """Annotate each action with its current rating (its latest accepted update) and its
        date, and the number of its updates waiting for the chair's review."""
        Status = ProgressUpdate.Status
        updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
        latest = updates.filter(status=Status.ACCEPTED).order_by(
            "-reported_on", "-created_at", "-pk"
        )
        waiting = (
            updates.filter(status=Status.SUBMITTED)
            .order_by()
            .values("action")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            current_rating_id=Subquery(latest.values("rating_id")[:1]),
            current_rating_label=Subquery(latest.values("rating__label")[:1]),
            current_rating_colour=Subquery(latest.values("rating__colour")[:1]),
            current_scale=Subquery(latest.values("rating__scale")[:1]),
            current_commentary=Subquery(latest.values("commentary")[:1]),
            last_updated_on=Subquery(latest.values("reported_on")[:1]),
            waiting_reviews=Coalesce(Subquery(waiting), 0),
        )


class Action(Tracked, TimeframeFields, LeadFields):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    number = models.CharField(max_length=20, blank=True, help_text="As written; may be blank.")
    text = models.TextField(
        blank=True, help_text="What we will do; parts A, B, C... are the action's steps."
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="actions")
    outcome_measures = models.TextField(
        blank=True, help_text="How will we know it has made a difference?"
    )
    note = models.TextField(blank=True, help_text="Transcription note, e.g. on corrupted source.")
    position = models.PositiveIntegerField(default=0)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="carried_to",
        help_text="The action of an earlier plan that this one continues (year-end roll-forward).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    _history_m2m_fields = ["themes"]

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        text = self.text or "(in parts: see its steps)"
        text = text if len(text) <= 80 else text[:79] + "…"
        return f"{self.number} {text}".strip()

    def save(self, *args, **kwargs):
        self.derive_timeframe()
        if self.due_date is None and self.pk:
            self.due_date = self.last_step_due()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.outcome.plan.group.partnership.slug, self.pk])

    def last_step_due(self):
        """An action with no date of its own is due when its last dated step is (runs a query)."""
        return self.steps.filter(deleted_at__isnull=True).aggregate(due=Max("due_date"))["due"]

    @property
    def plan(self):
        return self.outcome.plan

    @property
    def summary(self) -> str:
        """The text, or the first step's where the text is all in parts (uses prefetched steps)."""
        if self.text:
            return self.text
        steps = list(self.steps.all())
        return steps[0].text if steps else ""


class Step(Tracked, TimeframeFields, LeadFields):
    """A part of an action (A., B., a., a bullet, a milestone), with its own lead and evidence."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField(max_length=10, blank=True, help_text="As written: 'A.', 'b.' or ''.")
    text = models.TextField()
    evidence = models.TextField(blank=True, help_text="Impact and evidence.")
    note = models.TextField(blank=True, help_text="Transcription note.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.label} {text}".strip()

    def save(self, *args, **kwargs):
        self.derive_timeframe()
        super().save(*args, **kwargs)
        action = self.action
        if not parse_timeframe(action.timeframe).due:
            # Not action.save(): a derived date is no edit to record in the action's history.
            Action.objects.filter(pk=action.pk).update(due_date=action.last_step_due())


class ProgressUpdate(models.Model):
    """One report of progress on an action. The history is kept: updates are never overwritten.

    A lead's update waits for the chair's review (SUBMITTED); the chair accepts it or returns
    it with a challenge (RETURNED, kept in the history; the lead answers with a new update).
    Only accepted updates rate an action, on the pages and in the packs.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned with a challenge"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    reported_on = models.DateField(default=timezone.localdate)
    rating = models.ForeignKey(RagRating, on_delete=models.PROTECT, related_name="updates")
    commentary = models.TextField()
    evidence = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACCEPTED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_updates",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    challenge = models.TextField(
        blank=True, help_text="The chair's reason for returning the update."
    )

    class Meta:
        ordering = ["action", "-reported_on", "-created_at", "-pk"]
        get_latest_by = ["reported_on", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(commentary=""), name="update_has_commentary"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(challenge=""),
                name="returned_update_says_why",
                violation_error_message="Say why the update is returned.",
            ),
        ]
        indexes = [models.Index(fields=["action", "status"], name="update_action_status_idx")]

    def __str__(self):
        return f"{self.action.number} {self.rating} on {self.reported_on:%d %b %Y}"

    def clean(self):
        if (
            self.rating_id
            and self.action_id
            and self.rating.partnership_id != self.action.outcome.plan.group.partnership_id
        ):
            raise ValidationError({"rating": "Choose one of this partnership's ratings."})


class Risk(Tracked):
    """An entry in the confidential risk & challenge log."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="risks")
    number = models.CharField(max_length=20, blank=True)
    concern = models.TextField()
    risk_if_unresolved = models.TextField("risk if not resolved", blank=True)
    action_required = models.TextField(blank=True)
    by_whom = models.TextField(blank=True)
    by_when = models.TextField(blank=True, help_text="As written; a due date is derived from it.")
    due_date = models.DateField(null=True, blank=True, editable=False)
    rating = models.ForeignKey(
        RagRating, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    confidential = models.BooleanField(
        default=True, help_text="Confidential entries are seen only by board members and staff."
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partnership", "position", "pk"]
        verbose_name = "risk & challenge log entry"
        verbose_name_plural = "risk & challenge log"

    def __str__(self):
        text = self.concern if len(self.concern) <= 80 else self.concern[:79] + "…"
        return f"{self.number} {text}".strip()

    def save(self, *args, **kwargs):
        self.due_date = parse_timeframe(self.by_when).due
        super().save(*args, **kwargs)

    def clean(self):
        if self.rating_id and self.rating.partnership_id != self.partnership_id:
            raise ValidationError({"rating": "Choose one of this partnership's ratings."})
