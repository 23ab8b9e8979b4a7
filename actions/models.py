from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, FilteredRelation, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from actions import update_history
from actions.display import measure_lines
from actions.timeframes import Timeframe, has_month_without_year, parse_timeframe, plan_period
from plans.fields import optional_user, rolled_forward_from
from plans.models import (
    Group,
    Organisation,
    Outcome,
    Partnership,
    Person,
    RagRating,
    Theme,
    Tracked,
    TrackedQuerySet,
    numbered,
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
    due_date_set = models.DateField(
        "due date set by hand",
        null=True,
        blank=True,
        help_text="Overrides the date read from the timeframe.",
    )

    class Meta:
        abstract = True

    def derive_timeframe(self):
        parsed = self.parsed_timeframe()
        self.due_date = self.due_date_set or parsed.due
        self.starts_on = parsed.starts
        self.recurrence = parsed.recurrence
        self.timeframe_tbc = parsed.to_be_confirmed

    @property
    def has_no_due_date(self) -> bool:
        """Its timeframe is written but gives no date, no recurrence and is not "to be
        confirmed": such an item can never show as past its due date, so staff are asked to
        add a date. (A plan with no timeframes at all is not flagged row by row.)"""
        written = bool(self.timeframe.strip())
        return written and self.due_date is None and not self.recurrence and not self.timeframe_tbc

    def parsed_timeframe(self) -> Timeframe:
        """The timeframe as read within its plan's period (a month with no year takes the
        plan's, by plan_period_text): the plan is looked up only for such a month."""
        if not has_month_without_year(self.timeframe):
            return parse_timeframe(self.timeframe)
        return parse_timeframe(self.timeframe, plan_period(self.plan_period_text()))

    def plan_period_text(self) -> str:
        """The period of the plan it belongs to ("2021-22"); none here, for a model that
        belongs to no plan."""
        return ""


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


class ActionQuerySet(TrackedQuerySet):
    def in_live_plans(self):
        """Live actions of live outcomes of live plans: the ones people see."""
        return self.live().filter(
            outcome__deleted_at__isnull=True, outcome__plan__deleted_at__isnull=True
        )

    def in_plan_order(self):
        return self.order_by("outcome__position", "position", "pk")

    def with_latest_update(self):
        """Annotate each action with its current rating (its latest accepted update) and its
        date, and the number of its updates waiting for the chair's review.

        The current update is the one marked is_current (kept by refresh_current_updates on
        every write), joined in rather than found by a subquery per field: the subqueries cost
        more to compile than the pages cost to render.
        """
        Status = ProgressUpdate.Status
        waiting = (
            ProgressUpdate.objects.filter(action=OuterRef("pk"), status=Status.SUBMITTED)
            .order_by()
            .values("action")
            .annotate(n=Count("pk"))
            .values("n")
        )
        current = FilteredRelation(
            "progress_updates", condition=Q(progress_updates__is_current=True)
        )
        return self.annotate(current_update=current).annotate(
            current_rating_id=F("current_update__rating_id"),
            current_rating_label=F("current_update__rating__label"),
            current_rating_colour=F("current_update__rating__colour"),
            current_scale=F("current_update__rating__scale"),
            current_commentary=F("current_update__commentary"),
            last_updated_on=F("current_update__reported_on"),
            waiting_reviews=Coalesce(Subquery(waiting), 0),
        )


class Action(Tracked, TimeframeFields, LeadFields):
    partnership_path = "outcome__plan__group__partnership"
    containers = ("outcome", "outcome__priority", "outcome__plan")
    ordered_within = ("outcome",)

    class Kind(models.TextChoices):
        ACTION = "action", "Action"
        # Standing business outside the numbered priorities, listed in the plan's narrative;
        # led, timed and updated as actions are.
        CORE_ACTIVITY = "core", "Core activity"

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.ACTION)
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
    carried_from = rolled_forward_from(
        "The action of an earlier plan that this one continues (year-end roll-forward)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    _history_m2m_fields = ["themes"]

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return numbered(self.number, self.text or "(in parts: see its steps)")

    def save(self, *args, **kwargs):
        self.derive_timeframe()
        if self.due_date is None and self.pk:
            self.due_date = self.last_step_due()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.url_in(self.outcome.plan.group.partnership.slug)

    def plan_period_text(self) -> str:
        return self.outcome.plan.period

    def last_step_due(self):
        """An action with no date of its own is due when its last dated step is (runs a query)."""
        return self.steps.live().aggregate(due=Max("due_date"))["due"]

    @property
    def plan(self):
        return self.outcome.plan

    @property
    def summary(self) -> str:
        """The text, or the first step's where the text is all in parts (from live_steps, as
        actions.queries and the packs load them; else a query)."""
        if self.text:
            return self.text
        steps = self.live_steps if hasattr(self, "live_steps") else list(self.steps.live())
        return steps[0].text if steps else ""

    def url_in(self, slug):
        return reverse("actions:detail", args=[slug, self.pk])

    def parent_url_in(self, slug):
        plan_page = reverse("plans:plan", args=[slug, self.outcome.plan_id])
        return f"{plan_page}#outcome-{self.outcome_id}"


class Step(Tracked, TimeframeFields, LeadFields):
    """A part of an action (A., B., a., a bullet, a milestone), with its own lead and evidence."""

    partnership_path = "action__outcome__plan__group__partnership"
    containers = ("action", "action__outcome", "action__outcome__priority", "action__outcome__plan")
    ordered_within = ("action",)

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField(max_length=10, blank=True, help_text="As written: 'A.', 'b.' or ''.")
    text = models.TextField()
    evidence = models.TextField(blank=True, help_text="Impact and evidence.")
    note = models.TextField(blank=True, help_text="Transcription note.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return numbered(self.label, self.text)

    def save(self, *args, **kwargs):
        self.derive_timeframe()
        super().save(*args, **kwargs)
        action = self.action
        if not action.parsed_timeframe().due:
            # Not action.save(): a derived date is no edit to record in the action's history.
            Action.objects.filter(pk=action.pk).update(due_date=action.last_step_due())

    def plan_period_text(self) -> str:
        return self.action.plan_period_text()

    def url_in(self, slug):
        return reverse("actions:detail", args=[slug, self.action_id]) + f"#step-{self.pk}"

    def parent_url_in(self, slug):
        return reverse("actions:detail", args=[slug, self.action_id])


class ProgressUpdateQuerySet(models.QuerySet):
    def of_live_actions(self):
        """Updates of live actions of live outcomes of live plans."""
        return self.filter(
            action__deleted_at__isnull=True,
            action__outcome__deleted_at__isnull=True,
            action__outcome__plan__deleted_at__isnull=True,
        )


class ProgressUpdate(models.Model):
    """One report of progress on an action. The history is kept: updates are never overwritten.

    A lead's update waits for the chair's review (SUBMITTED); the chair accepts it or returns
    it with a challenge (RETURNED, kept in the history; the lead answers with a new update).
    Only accepted updates rate an action, on the pages and in the packs.
    """

    partnership_path = "action__outcome__plan__group__partnership"

    class Status(models.TextChoices):
        # The values are the update history rules' own (actions.update_history).
        SUBMITTED = update_history.SUBMITTED, "Submitted for review"
        ACCEPTED = update_history.ACCEPTED, "Accepted"
        RETURNED = update_history.RETURNED, "Returned with a challenge"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    reported_on = models.DateField(default=timezone.localdate)
    # A commentary-only update keeps the rating the action had (rating_kept): what rates the
    # action is then unchanged everywhere, and the history says the rating was not given.
    # None only when the action had no rating yet.
    rating = models.ForeignKey(
        RagRating, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    rating_kept = models.BooleanField(
        "commentary only", default=False, help_text="The rating was kept, not given."
    )
    commentary = models.TextField()
    evidence = models.TextField(blank=True)
    # What the lead or chair needs the board to do: shown with the exceptions in the pack.
    support_needed = models.TextField(blank=True)
    author = optional_user("progress_updates")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACCEPTED)
    reviewed_by = optional_user("reviewed_updates")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    challenge = models.TextField(
        blank=True, help_text="The chair's reason for returning the update."
    )
    # The action's latest accepted update (refresh_current_updates keeps it): what rates the
    # action on the pages. Packs work out their own "as at" from the whole history.
    is_current = models.BooleanField(default=False, editable=False)

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["action", *update_history.NEWEST_FIRST]
        get_latest_by = list(update_history.ORDERING)
        constraints = [
            models.CheckConstraint(condition=~Q(commentary=""), name="update_has_commentary"),
            models.CheckConstraint(
                condition=Q(rating__isnull=False) | Q(rating_kept=True),
                name="update_rated_or_commentary_only",
                violation_error_message="Choose a rating, or say the update is commentary only.",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(challenge=""),
                name="returned_update_says_why",
                violation_error_message="Say why the update is returned.",
            ),
            models.UniqueConstraint(
                fields=["action"],
                condition=Q(is_current=True),
                name="one_current_update_per_action",
            ),
        ]
        indexes = [models.Index(fields=["action", "status"], name="update_action_status_idx")]

    def __str__(self):
        rating = self.rating or "no rating"
        return f"{self.action.number} {rating} on {self.reported_on:%d %b %Y}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.rating_kept and self._state.adding:
                # Commentary only: the rating is the one the action has now (None if none).
                current = ProgressUpdate.objects.filter(action=self.action_id, is_current=True)
                self.rating_id = current.values_list("rating", flat=True).first()
            super().save(*args, **kwargs)
            refresh_current_updates([self.action_id])

    def clean(self):
        if (
            self.rating_id
            and self.action_id
            and self.rating.partnership_id != self.action.outcome.plan.group.partnership_id
        ):
            raise ValidationError({"rating": "Choose one of this partnership's ratings."})


@receiver(post_delete, sender=ProgressUpdate)
def update_deleted(sender, instance, **kwargs):
    """However it was deleted (the admin deletes in bulk), its action's current update moves."""
    refresh_current_updates([instance.action_id])


def refresh_current_updates(action_ids) -> None:
    """Mark each action's latest accepted update as its current one, and no other.

    Call it after any write to updates that skips save() (bulk_create, queryset update or
    delete). The actions' rows are locked first, so two updates given at once to one action
    are marked one after the other, never both.
    """
    ids = sorted(set(action_ids))
    if not ids:
        return
    with transaction.atomic():
        list(Action.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        updates = ProgressUpdate.objects.filter(action__in=ids)
        updates.filter(is_current=True).update(is_current=False)
        latest = (
            ProgressUpdate.objects.filter(
                action=OuterRef("action"), status=ProgressUpdate.Status.ACCEPTED
            )
            .order_by(*update_history.NEWEST_FIRST)
            .values("pk")[:1]
        )
        updates.filter(pk=Subquery(latest)).update(is_current=True)


class MeasureValue(models.Model):
    """A value or piece of evidence given for one of an action's outcome measures (a line of
    its "How will we know it has made a difference?"). Kept as a history: the latest for each
    measure is what the pages and packs show beside it."""

    partnership_path = "action__outcome__plan__group__partnership"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="measure_values")
    measure = models.TextField(help_text="The measure, as its line of the action reads.")
    value = models.TextField(help_text="The latest figure, or the evidence, for the measure.")
    given_on = models.DateField(default=timezone.localdate)
    author = optional_user("measure_values")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(value=""), name="measure_value_not_blank"),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value} ({self.given_on:%-d %b %Y})"


def latest_measure_values(actions, *, given_by=None, entered_by=None) -> None:
    """Set each action's measure_lines: [(measure, its latest MeasureValue or None)], one
    query for them all (none for actions without measures). A pack bounds them: values given
    by its day (given_by) and entered by its cut-off (entered_by)."""
    measured = [action for action in actions if action.outcome_measures.strip()]
    for action in actions:
        action.measure_lines = []
    if not measured:
        return
    values = MeasureValue.objects.filter(action__in=[a.pk for a in measured])
    if given_by is not None:
        values = values.filter(given_on__lte=given_by)
    if entered_by is not None:
        values = values.filter(created_at__lte=entered_by)
    latest = {}
    for value in values.order_by("given_on", "pk"):
        latest[value.action_id, value.measure] = value
    for action in measured:
        lines = measure_lines(action.outcome_measures).splitlines()
        action.measure_lines = [(line, latest.get((action.pk, line))) for line in lines]


class ReviewNotice(models.Model):
    """An email owed about the review of an update: to the reviewers when a lead submits one,
    to its author when it is accepted or returned (actions.notices). At most one of each
    kind per update and person (the constraint makes a second run, or two at once, add
    nothing); sent_at says it went, in a batch with any others then due to the same person."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "An update to review"
        ACCEPTED = "accepted", "Your update was accepted"
        RETURNED = "returned", "Your update was returned"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_notices"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["update", "recipient", "kind"], name="one_notice_per_update_and_person"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} ({self.update_id})"


class Risk(Tracked):
    """An entry in the confidential risk & challenge log."""

    ordered_within = ("partnership",)

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
        return numbered(self.number, self.concern)

    def save(self, *args, **kwargs):
        self.due_date = parse_timeframe(self.by_when).due
        super().save(*args, **kwargs)

    def clean(self):
        if self.rating_id and self.rating.partnership_id != self.partnership_id:
            raise ValidationError({"rating": "Choose one of this partnership's ratings."})

    def url_in(self, slug):
        return reverse("actions:risks", args=[slug]) + f"#risk-{self.pk}"
